package io.tdconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdconnect.harness.ConnectRest;
import io.tdconnect.harness.ConnectWorker;
import io.tdconnect.harness.TDengineTarget;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** TDengine rows through TMQ subscriptions into Kafka topics, read back with a Kafka consumer. */
class SourceSubscriptionIT {
  private static final Pattern SEQ = Pattern.compile("seq=(\\d+)i64|\"seq\":(\\d+)");

  static Map<String, Object> config(TDengineTarget td, String db, String prefix, String format) {
    Map<String, Object> c = new java.util.LinkedHashMap<>();
    c.put("connector.class", "io.tdconnect.source.TDengineSourceConnector");
    c.put("tasks.max", "1");
    c.putAll(td.connectorKeys());
    c.put("connection.database", db);
    c.put("topic.prefix", prefix);
    c.put("out.format", format);
    c.put("subscription.from", "earliest");
    c.put("poll.interval.ms", "500");
    return c;
  }

  /** Writes rows seq = from..from+count-1 round-robin into d0..d4, 1,000 rows per INSERT. */
  private static void fill(TDengineTarget td, String db, int from, int count) {
    for (int chunk = from; chunk < from + count; chunk += 1000) {
      StringBuilder sql = new StringBuilder("INSERT INTO");
      for (int t = 0; t < 5; t++) {
        sql.append(' ').append(db).append(".d").append(t).append(" VALUES");
        for (int i = chunk + t; i < Math.min(chunk + 1000, from + count); i += 5) {
          sql.append(" (").append(1_700_000_000_000L + i).append(", ").append(i % 100).append(".5, ")
              .append(i).append(", 'note ").append(i).append("', 18446744073709551615)");
        }
      }
      TDengine.exec(td, sql.toString());
    }
  }

  private static void createMeters(TDengineTarget td, String db) {
    TDengine.freshDatabase(td, db);
    TDengine.exec(td, "CREATE STABLE " + db + ".meters (ts TIMESTAMP, current FLOAT, seq BIGINT,"
        + " note VARCHAR(32), big BIGINT UNSIGNED) TAGS (site VARCHAR(32), gid INT)");
    for (int t = 0; t < 5; t++) {
      TDengine.exec(td, "CREATE TABLE " + db + ".d" + t + " USING " + db + ".meters TAGS ('north yard, gate \"A\"', "
          + t + ")");
    }
  }

  private static Set<Long> seqs(List<String> values) {
    Set<Long> out = new HashSet<>();
    for (String v : values) {
      Matcher m = SEQ.matcher(v);
      if (m.find()) {
        out.add(Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2)));
      }
    }
    return out;
  }

  @Test
  void rowsWithTagsAndANewColumnArriveAsJson() throws Exception {
    TDengineTarget td = TDengine.require("SourceSubscriptionIT json");
    String db = "it_src";
    TDengine.dropTopic(td, "tdconnect_it_src_meters");
    TDengine.dropTopic(td, "tdconnect_it_src_meters2");
    createMeters(td, db);
    fill(td, db, 0, 1000);
    ConnectRest rest = TestCluster.worker(TestCluster.Worker.LATEST_DISTRIBUTED).rest();
    Map<String, Object> c = config(td, db, "tdsrc", "json");
    c.put("discovery.interval.ms", "2000");
    rest.createConnector(ConnectRest.connectorBody("source-json", c));
    rest.awaitRunning("source-json", 1, 60_000);

    String topic = "tdsrc-it_src-meters";
    List<String> values = TestCluster.consume(topic, 1000, 90_000);
    assertEquals(1000, values.size());
    assertEquals(1000, seqs(values).size(), "every row once");
    String one = values.get(0);
    assertTrue(one.contains("\"site\":\"north yard, gate \\\"A\\\"\""), one);
    assertTrue(one.contains("\"big\":18446744073709551615"), one);
    assertTrue(one.contains("\"current\":"), one);

    // A column added upstream appears without a restart.
    TDengine.exec(td, "ALTER STABLE " + db + ".meters ADD COLUMN extra INT");
    TDengine.exec(td, "INSERT INTO " + db + ".d1 (ts, seq, extra) VALUES (1700000100000, 5000, 42)");
    List<String> more = TestCluster.consume(topic, 1001, 60_000);
    assertEquals(1001, more.size());
    assertTrue(more.stream().anyMatch(v -> v.contains("\"extra\":42") && v.contains("\"gid\":1")), more.toString());

    // A super table created upstream is discovered and read without touching the connector.
    TDengine.exec(td, "CREATE STABLE " + db + ".meters2 (ts TIMESTAMP, v INT) TAGS (k INT)");
    TDengine.exec(td, "INSERT INTO " + db + ".e1 USING " + db + ".meters2 TAGS (7) VALUES (1700000000000, 1)"
        + " (1700000000001, 2) (1700000000002, 3)");
    List<String> discovered = TestCluster.consume("tdsrc-it_src-meters2", 3, 90_000);
    assertEquals(3, discovered.size(), discovered.toString());
    assertTrue(discovered.get(0).contains("\"k\":7"), discovered.toString());

    assertEquals(204, rest.delete("/connectors/source-json").status);
    TDengine.dropTopic(td, "tdconnect_it_src_meters");
    TDengine.dropTopic(td, "tdconnect_it_src_meters2");
    TDengine.dropDatabase(td, db);
    System.out.println("TDengine-backed: source JSON: 1000 rows -> 1000 records with tags; a new column arrived live;"
        + " a new super table was discovered and read");
  }

  @Test
  void everyTypeRoundTripsAsATypedStruct() throws Exception {
    TDengineTarget td = TDengine.require("SourceSubscriptionIT struct");
    String db = "it_src_types";
    TDengine.dropTopic(td, "tdconnect_it_src_types_alltypes");
    TDengine.freshDatabase(td, db);
    TDengine.exec(td, "CREATE STABLE " + db + ".alltypes (ts TIMESTAMP, b BOOL, ti TINYINT, si SMALLINT, i INT,"
        + " bi BIGINT, uti TINYINT UNSIGNED, usi SMALLINT UNSIGNED, ui INT UNSIGNED, ubi BIGINT UNSIGNED,"
        + " f FLOAT, d DOUBLE, vc VARCHAR(32), bin BINARY(16), nc NCHAR(16), vb VARBINARY(16), g GEOMETRY(64))"
        + " TAGS (j JSON)");
    TDengine.exec(td, "INSERT INTO " + db + ".t1 USING " + db + ".alltypes TAGS ('{\"k\":\"v\"}') VALUES"
        + " (1700000000000, true, -128, -32768, -2147483648, -9223372036854775808, 255, 65535, 4294967295,"
        + " 18446744073709551615, 1.5, 2.25, 'hello, \"world\"', 'bin', '日本', '\\x0102ff', 'POINT(1 2)')"
        + " (1700000000001, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
        + " NULL, NULL)");
    Map<String, Object> c = config(td, db, "tdtypes", "struct");
    c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    c.put("value.converter.schemas.enable", "true");
    c.put("value.converter.decimal.format", "NUMERIC");
    ConnectRest rest = TestCluster.worker(TestCluster.Worker.LATEST_DISTRIBUTED).rest();
    rest.createConnector(ConnectRest.connectorBody("source-types", c));
    rest.awaitRunning("source-types", 1, 60_000);
    List<String> values = TestCluster.consume("tdtypes-it_src_types-alltypes", 2, 90_000);
    assertEquals(2, values.size(), values.toString());
    String full = values.get(0).contains("\"ti\":-128") ? values.get(0) : values.get(1);
    String nulls = full == values.get(0) ? values.get(1) : values.get(0);
    for (String expected : new String[] {
        "\"ts\":1700000000000", "\"b\":true", "\"ti\":-128", "\"si\":-32768", "\"i\":-2147483648",
        "\"bi\":-9223372036854775808", "\"uti\":255", "\"usi\":65535", "\"ui\":4294967295",
        "\"ubi\":18446744073709551615", "\"f\":1.5", "\"d\":2.25", "\"vc\":\"hello, \\\"world\\\"\"",
        "\"bin\":\"bin\"", "\"nc\":\"日本\"", "\"vb\":\"AQL/\"", "\"g\":\"AQEAAAAAAAAAAADwPwAAAAAAAABA\"",
        "\"j\":\"{\\\"k\\\":\\\"v\\\"}\"",
        "\"type\":\"int8\",\"optional\":true,\"field\":\"ti\"",
        "\"name\":\"org.apache.kafka.connect.data.Timestamp\""}) {
      assertTrue(full.contains(expected), expected + " in " + full);
    }
    assertTrue(nulls.contains("\"ti\":null") && nulls.contains("\"ubi\":null"), nulls);
    assertEquals(204, rest.delete("/connectors/source-types").status);
    TDengine.dropTopic(td, "tdconnect_it_src_types_alltypes");
    TDengine.dropDatabase(td, db);
    System.out.println("TDengine-backed: source struct: all 17 column types + JSON tag round-trip, NULLs typed");
  }

  /**
   * Kills an exactly-once worker mid-stream. Records carry 2023 row times; this
   * once stalled in about one run in three, while the test broker still deleted
   * such records at its retention checks (it keeps them now; see KafkaBroker).
   * -Dtdconnect.it.eos=false skips it; -Dtdconnect.it.eos.before=N kills only
   * after N records are committed (20000: after catching up).
   */
  @Test
  void exactlyOnceWorkerKilledMidStreamLeavesEveryRowOnce() throws Exception {
    if (!Boolean.parseBoolean(System.getProperty("tdconnect.it.eos", "true"))) {
      String line = "SKIPPED SourceSubscriptionIT exactly-once: -Dtdconnect.it.eos=false";
      System.out.println(line);
      org.junit.jupiter.api.Assumptions.abort(line);
    }
    TDengineTarget td = TDengine.require("SourceSubscriptionIT exactly-once");
    String db = "it_src_eos";
    TDengine.dropTopic(td, "tdconnect_it_src_eos_meters");
    createMeters(td, db);
    fill(td, db, 0, 20_000);
    ConnectWorker worker = TestCluster.worker(TestCluster.Worker.EOS_DISTRIBUTED);
    ConnectRest rest = worker.rest();
    Map<String, Object> c = config(td, db, "tdeos", "json");
    c.put("exactly.once.support", "required");
    rest.createConnector(ConnectRest.connectorBody("source-eos", c));
    rest.awaitRunning("source-eos", 1, 60_000);
    String topic = "tdeos-it_src_eos-meters";
    int beforeKill = Integer.getInteger("tdconnect.it.eos.before", 1);
    assertTrue(TestCluster.consume(topic, beforeKill, 90_000, true).size() >= beforeKill, "records before the crash");
    worker.kill();
    fill(td, db, 20_000, 5_000);
    worker.start();
    rest.awaitRunning("source-eos", 1, 120_000);

    // After a kill TDengine hands the vgroup to the new consumer only once it
    // has given up on the dead one, which can take a while.
    List<String> all = TestCluster.consume(topic, 25_000, 120_000, true);
    for (int round = 0; round < 5 && seqs(all).size() < 25_000; round++) {
      all = TestCluster.consume(topic, 25_000, 30_000, true);
    }
    Thread.sleep(3000);
    all = TestCluster.consume(topic, all.size() + 1, 10_000, true); // anything beyond would be a duplicate
    if (seqs(all).size() < 25_000) {
      List<String> uncommitted = TestCluster.consume(topic, 30_000, 10_000, false);
      System.out.println("DIAG eos: committed " + all.size() + " records / " + seqs(all).size() + " rows; uncommitted view "
          + uncommitted.size() + " records / " + seqs(uncommitted).size() + " rows; offsets "
          + rest.get("/connectors/source-eos/offsets").body + "; status " + rest.get("/connectors/source-eos/status").body);
    }
    assertEquals(25_000, seqs(all).size(), "every row reached Kafka");
    assertEquals(25_000, all.size(), "and exactly once (committed records only)");
    assertEquals(204, rest.delete("/connectors/source-eos").status);
    TDengine.dropTopic(td, "tdconnect_it_src_eos_meters");
    TDengine.dropDatabase(td, db);
    System.out.println("TDengine-backed: source exactly-once: worker killed mid-stream; 25000 rows -> exactly 25000"
        + " committed records, no duplicates");
  }

  @Test
  void killedWorkerResumesWithoutGaps() throws Exception {
    TDengineTarget td = TDengine.require("SourceSubscriptionIT crash");
    String db = "it_src_crash";
    TDengine.dropTopic(td, "tdconnect_it_src_crash_meters");
    createMeters(td, db);
    fill(td, db, 0, 20_000);
    ConnectWorker worker = TestCluster.worker(TestCluster.Worker.CRASH_DISTRIBUTED);
    ConnectRest rest = worker.rest();
    rest.createConnector(ConnectRest.connectorBody("source-crash", config(td, db, "tdcrash", "line")));
    rest.awaitRunning("source-crash", 1, 60_000);
    String topic = "tdcrash-it_src_crash-meters";
    List<String> before = TestCluster.consume(topic, 1, 60_000);
    assertTrue(!before.isEmpty(), "records before the crash");
    worker.kill();
    fill(td, db, 20_000, 5_000);
    worker.start();
    rest.awaitRunning("source-crash", 1, 120_000);

    // Redelivered records (at least once) count too, so read on until every row is seen.
    List<String> all = TestCluster.consume(topic, 25_000, 120_000);
    Set<Long> seen = seqs(all);
    for (int round = 0; round < 5 && seen.size() < 25_000; round++) {
      all = TestCluster.consume(topic, all.size() + 25_000 - seen.size(), 30_000);
      seen = seqs(all);
    }
    assertEquals(25_000, seen.size(), "every row reached Kafka (duplicates allowed: at least once)");
    assertTrue(all.get(0).startsWith("meters,site=north\\ yard\\,\\ gate\\ \"A\",gid="), all.get(0));
    assertEquals(204, rest.delete("/connectors/source-crash").status);
    TDengine.dropTopic(td, "tdconnect_it_src_crash_meters");
    TDengine.dropDatabase(td, db);
    System.out.println("TDengine-backed: source line: worker killed mid-stream; after restart all 25000 rows in Kafka ("
        + all.size() + " records incl. redeliveries)");
  }
}

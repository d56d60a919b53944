package io.tdconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdconnect.harness.ConnectRest;
import io.tdconnect.harness.TDengineTarget;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * read.method=query: every child table holds rows at the same instants, and
 * pages (fetch.max.rows) and windows (query.interval.ms) are small enough to
 * cut through groups of equal timestamps; a task restart mid-way must
 * neither lose nor repeat a row.
 */
class SourceQueryIT {
  private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
  private static final long T0 = 1_700_000_000_000L;
  private static final int TABLES = 20;

  /** Rows at instants T0 + from .. T0 + from + instants - 1 in every child table; seq = instant * TABLES + table. */
  private static void fill(TDengineTarget td, String db, int from, int instants) {
    StringBuilder sql = new StringBuilder("INSERT INTO");
    for (int t = 0; t < TABLES; t++) {
      sql.append(' ').append(db).append(".`dev ").append(t).append("` VALUES");
      for (int i = from; i < from + instants; i++) {
        sql.append(" (").append(T0 + i).append(", ").append(i * TABLES + t).append(')');
      }
    }
    TDengine.exec(td, sql.toString());
  }

  private static Set<Long> seqs(List<String> values) {
    Set<Long> out = new HashSet<>();
    for (String v : values) {
      Matcher m = SEQ.matcher(v);
      if (m.find()) {
        out.add(Long.parseLong(m.group(1)));
      }
    }
    return out;
  }

  @Test
  void equalTimestampsAtPageAndWindowEdgesAreReadOnceAcrossARestart() throws Exception {
    TDengineTarget td = TDengine.require("SourceQueryIT");
    String db = "it_src_query";
    TDengine.freshDatabase(td, db);
    TDengine.exec(td, "CREATE STABLE " + db + ".meters (ts TIMESTAMP, seq BIGINT) TAGS (site VARCHAR(32), gid INT)");
    for (int t = 0; t < TABLES; t++) {
      TDengine.exec(td, "CREATE TABLE " + db + ".`dev " + t + "` USING " + db + ".meters TAGS ('yard " + t + "', "
          + t + ")");
    }
    TDengine.exec(td, "CREATE TABLE " + db + ".plain (ts TIMESTAMP, seq BIGINT)");
    TDengine.exec(td, "INSERT INTO " + db + ".plain VALUES (" + T0 + ", 1) (" + (T0 + 1) + ", 2) (" + (T0 + 2) + ", 3)");
    fill(td, db, 0, 25);

    Map<String, Object> c = new LinkedHashMap<>();
    c.put("connector.class", "io.tdconnect.source.TDengineSourceConnector");
    c.put("tasks.max", "2");
    c.putAll(td.connectorKeys());
    c.put("connection.database", db);
    c.put("topic.prefix", "tdq");
    c.put("out.format", "json");
    c.put("read.method", "query");
    c.put("fetch.max.rows", "7"); // pages end inside groups of 20 equal timestamps
    c.put("query.interval.ms", "3"); // windows end on instants that have rows
    c.put("poll.interval.ms", "200");
    c.put("timestamp.initial", "2023-11-14 22:13:20"); // = T0, as UTC
    ConnectRest rest = TestCluster.worker(TestCluster.Worker.LATEST_DISTRIBUTED).rest();
    rest.createConnector(ConnectRest.connectorBody("source-query", c));
    rest.awaitRunning("source-query", 2, 60_000);

    String topic = "tdq-it_src_query-meters";
    List<String> first = TestCluster.consume(topic, 500, 90_000);
    assertEquals(500, seqs(first).size(), "every row of the first 25 instants");
    assertTrue(first.get(0).contains("\"site\":\"yard "), first.get(0));
    List<String> plain = TestCluster.consume("tdq-it_src_query-plain", 3, 60_000);
    assertEquals(3, plain.size(), "the normal table is read too");

    // Add rows after the last instant and restart both tasks while they are read.
    fill(td, db, 25, 25);
    for (int task = 0; task < 2; task++) {
      ConnectRest.Response restart = rest.post("/connectors/source-query/tasks/" + task + "/restart", Map.of());
      assertEquals(204, restart.status, restart.toString());
    }
    rest.awaitRunning("source-query", 2, 60_000);

    List<String> all = TestCluster.consume(topic, 1000, 90_000);
    Thread.sleep(2000);
    all = TestCluster.consume(topic, 1001, 20_000); // anything beyond 1000 would be a duplicate
    List<Long> missing = new ArrayList<>();
    Set<Long> seen = seqs(all);
    for (long s = 0; s < 1000 && missing.size() < 10; s++) {
      if (!seen.contains(s)) {
        missing.add(s);
      }
    }
    assertEquals(List.of(), missing, "no row lost; " + all.size() + " records, " + seen.size() + " distinct, first "
        + (all.isEmpty() ? "-" : all.get(0)));
    assertEquals(1000, all.size(), "no row repeated");
    assertEquals(3, TestCluster.consume("tdq-it_src_query-plain", 4, 15_000).size(), "nor in the normal table");
    Map<String, Object> offsets = rest.get("/connectors/source-query/offsets").object();
    assertTrue(offsets.toString().contains("query_table") && offsets.toString().contains("dev 9"), offsets.toString());

    // A column added upstream shows in the next page, without a restart.
    TDengine.exec(td, "ALTER STABLE " + db + ".meters ADD COLUMN extra INT");
    TDengine.exec(td, "INSERT INTO " + db + ".`dev 3` (ts, seq, extra) VALUES (" + (T0 + 100) + ", 5000, 42)");
    List<String> more = TestCluster.consume(topic, 1001, 60_000);
    assertEquals(1001, more.size());
    assertTrue(more.get(1000).contains("\"extra\":42") && more.get(1000).contains("\"gid\":3"), more.get(1000));

    // A table dropped upstream is let go, not a task failure.
    TDengine.exec(td, "DROP TABLE " + db + ".plain");
    Thread.sleep(4000);
    String status = rest.get("/connectors/source-query/status").body;
    assertTrue(status.contains("RUNNING") && !status.contains("FAILED"), status);

    assertEquals(204, rest.delete("/connectors/source-query").status);
    TDengine.dropDatabase(td, db);
    System.out.println("TDengine-backed: source query: 20 tables x 50 equal instants, pages of 7, windows of 3 ms,"
        + " tasks restarted mid-way -> exactly 1000 records, none lost or repeated; normal table read; new column live; dropped table let go");
  }
}

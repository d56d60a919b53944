package io.tdconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdconnect.harness.ConnectRest;
import io.tdconnect.harness.TDengineTarget;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * TDengine going away for a minute, and a taosAdapter that answers nothing,
 * under a running pipeline: Kafka → sink → TDengine → source (subscription)
 * → Kafka, and a query-mode source beside it. Default retry settings.
 */
class FaultsIT {
  private static final TestCluster.Worker WORKER = TestCluster.Worker.LATEST_DISTRIBUTED;
  private static final Pattern V = Pattern.compile("\"v\":(\\d+)");
  private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

  /** Samples the connectors' status every second; remembers the first FAILED seen. */
  private static final class StatusWatch implements AutoCloseable {
    final AtomicReference<String> failed = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean done;

    StatusWatch(ConnectRest rest, List<String> connectors) {
      thread = new Thread(() -> {
        while (!done) {
          for (String c : connectors) {
            try {
              String body = rest.get("/connectors/" + c + "/status").body;
              if (body.contains("FAILED")) {
                failed.compareAndSet(null, body);
              }
            } catch (Exception e) {
              // the worker is busy; sample again
            }
          }
          try {
            Thread.sleep(1000);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "status-watch");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      done = true;
      thread.join(5000);
    }
  }

  private static Set<Long> numbers(List<String> values, Pattern p) {
    Set<Long> out = new HashSet<>();
    for (String v : values) {
      Matcher m = p.matcher(v);
      if (m.find()) {
        out.add(Long.parseLong(m.group(1)));
      }
    }
    return out;
  }

  /** Reads the topic from the start until `n` distinct numbers (by `p`) were seen; all values read. */
  private static List<String> consumeDistinct(String topic, int n, Pattern p, long timeoutMs) throws Exception {
    return TestCluster.consumeUntil(topic, timeoutMs, false, values -> numbers(values, p).size() >= n);
  }

  private static Map<String, Object> source(TDengineTarget td, String db, String prefix, String method) {
    Map<String, Object> c = SourceSubscriptionIT.config(td, db, prefix, "json");
    c.put("read.method", method);
    c.put("timestamp.delay.interval.ms", "0");
    return c;
  }

  /** Rows seq = from..from+count-1 of it_faults_q.q, in time order, round-robin over 5 subtables. */
  private static void fillQuery(TDengineTarget td, int from, int count) {
    for (int chunk = from; chunk < from + count; chunk += 1000) {
      StringBuilder sql = new StringBuilder("INSERT INTO");
      for (int t = 0; t < 5; t++) {
        sql.append(" it_faults_q.q").append(t).append(" VALUES");
        for (int i = chunk + t; i < Math.min(chunk + 1000, from + count); i += 5) {
          sql.append(" (").append(1_700_000_000_000L + i).append(", ").append(i).append(')');
        }
      }
      TDengine.exec(td, sql.toString());
    }
  }

  @Test
  void aSixtySecondOutageIsRiddenOutByTheSinkAndBothSources() throws Exception {
    TDengineTarget td = TDengine.require("FaultsIT outage");
    if (!TDengineTarget.controllable()) {
      TDengine.skip("no TDengine control", "FaultsIT outage", "set TDENGINE_STOP_COMMAND and TDENGINE_START_COMMAND");
    }
    TDengine.dropTopic(td, "tdconnect_it_faults_cpu");
    TDengine.freshDatabase(td, "it_faults");
    TDengine.freshDatabase(td, "it_faults_q");
    TDengine.exec(td, "CREATE STABLE it_faults_q.q (ts TIMESTAMP, seq BIGINT) TAGS (t INT)");
    for (int t = 0; t < 5; t++) {
      TDengine.exec(td, "CREATE TABLE it_faults_q.q" + t + " USING it_faults_q.q TAGS (" + t + ")");
    }
    TestCluster.createTopic("faults-lines", 2);
    ConnectRest rest = TestCluster.worker(WORKER).rest();
    Map<String, Object> sink = TestCluster.sinkConfig(td, "faults-lines", "it_faults");
    sink.put("tasks.max", "2");
    rest.createConnector(ConnectRest.connectorBody("faults-sink", sink));
    rest.awaitRunning("faults-sink", 2, 60_000);
    TestCluster.produce("faults-lines", SinkLineProtocolIT.lines("cpu", 0, 10_000));
    assertEquals(10_000, TDengine.awaitCount(td, "select count(*) from it_faults.cpu", 10_000, 60_000));
    fillQuery(td, 0, 5_000);
    rest.createConnector(ConnectRest.connectorBody("faults-sub", source(td, "it_faults", "fsub", "subscription")));
    rest.createConnector(ConnectRest.connectorBody("faults-query", source(td, "it_faults_q", "fq", "query")));
    rest.awaitRunning("faults-sub", 1, 60_000);
    rest.awaitRunning("faults-query", 1, 60_000);
    assertEquals(10_000, numbers(TestCluster.consume("fsub-it_faults-cpu", 10_000, 90_000), V).size());
    assertEquals(5_000, numbers(TestCluster.consume("fq-it_faults_q-q", 5_000, 90_000), SEQ).size());

    long resumedAfterMs;
    try (StatusWatch watch = new StatusWatch(rest, List.of("faults-sink", "faults-sub", "faults-query"))) {
      td.stopServer();
      long down = System.currentTimeMillis();
      TestCluster.produce("faults-lines", SinkLineProtocolIT.lines("cpu", 10_000, 10_000));
      Thread.sleep(Math.max(0, 60_000 - (System.currentTimeMillis() - down)));
      td.startServer();
      long up = System.currentTimeMillis();
      long outageS = (up - down) / 1000;
      // Rows resume within 15 s of the server answering again.
      long first = TDengine.awaitCount(td, "select count(*) from it_faults.cpu", 10_001, 15_000);
      resumedAfterMs = System.currentTimeMillis() - up;
      assertTrue(first > 10_000, "no row within 15 s of the restart (" + first + ")");
      TestCluster.produce("faults-lines", SinkLineProtocolIT.lines("cpu", 20_000, 10_000));
      fillQuery(td, 5_000, 5_000);
      assertEquals(30_000, TDengine.awaitCount(td, "select count(*) from it_faults.cpu", 30_000, 180_000));
      List<String> sub = consumeDistinct("fsub-it_faults-cpu", 30_000, V, 180_000);
      List<String> query = consumeDistinct("fq-it_faults_q-q", 10_000, SEQ, 180_000);
      Set<Long> subRows = numbers(sub, V);
      Set<Long> queryRows = numbers(query, SEQ);
      assertEquals(30_000, subRows.size(), "distinct rows through the subscription source");
      assertEquals(10_000, queryRows.size(), "distinct rows through the query source");
      Thread.sleep(2000);
      assertEquals(30_000, TDengine.count(td, "select count(*) from it_faults.cpu"));
      assertEquals(30_000, TDengine.count(td, "select count(*) from (select distinct v from it_faults.cpu)"));
      assertEquals(null, watch.failed.get(), "a task FAILED during or after the outage");
      System.out.println("TDengine-backed: " + TDengineTarget.version() + " stopped " + outageS
          + " s under sink + 2 sources (default retry settings): sink 30000 of 30000 rows, none doubled, rows again "
          + resumedAfterMs + " ms after the restart; subscription source " + subRows.size() + " distinct of 30000 ("
          + (sub.size() - subRows.size()) + " repeated); query source " + queryRows.size() + " distinct of 10000 ("
          + (query.size() - queryRows.size()) + " repeated); no task FAILED");
    }
    for (String c : List.of("faults-sink", "faults-sub", "faults-query")) {
      assertEquals(204, rest.delete("/connectors/" + c).status);
    }
    TDengine.dropTopic(td, "tdconnect_it_faults_cpu");
    TDengine.dropDatabase(td, "it_faults");
    TDengine.dropDatabase(td, "it_faults_q");
  }

  @Test
  void aFrozenAdapterNeverHangsATask() throws Exception {
    TDengineTarget td = TDengine.require("FaultsIT black hole ws");
    if (!TDengineTarget.freezable() || td.url().startsWith("taos://")) {
      TDengine.skip("no TDengine control", "FaultsIT black hole ws",
          "set TDENGINE_FREEZE_COMMAND and TDENGINE_THAW_COMMAND and a ws:// URL");
    }
    blackHole(td, td, "adapter", "hole");
  }

  /**
   * A sink and a subscription source over {@code conn} while {@code frozen}
   * (adapter or taosd) is SIGSTOPped for three request timeouts; both are
   * restarted over REST while it is frozen, then it is let go.
   */
  private void blackHole(TDengineTarget td, TDengineTarget conn, String frozen, String id) throws Exception {
    String db = "it_" + id;
    String topic = id + "-lines";
    String prefix = "f" + id;
    TDengine.dropTopic(td, "tdconnect_" + db + "_cpu");
    TDengine.freshDatabase(td, db);
    TestCluster.createTopic(topic, 1);
    ConnectRest rest = TestCluster.worker(WORKER).rest();
    Map<String, Object> sink = TestCluster.sinkConfig(conn, topic, db);
    sink.put("request.timeout.ms", "4000");
    sink.put("flush.interval.ms", "200");
    rest.createConnector(ConnectRest.connectorBody(id + "-sink", sink));
    rest.awaitRunning(id + "-sink", 1, 60_000);
    TestCluster.produce(topic, SinkLineProtocolIT.lines("cpu", 0, 5_000));
    assertEquals(5_000, TDengine.awaitCount(td, "select count(*) from " + db + ".cpu", 5_000, 60_000));
    Map<String, Object> src = source(conn, db, prefix, "subscription");
    src.put("request.timeout.ms", "4000");
    rest.createConnector(ConnectRest.connectorBody(id + "-sub", src));
    rest.awaitRunning(id + "-sub", 1, 60_000);
    String kafkaTopic = prefix + "-" + db + "-cpu";
    assertEquals(5_000, numbers(TestCluster.consume(kafkaTopic, 5_000, 60_000), V).size());
    java.nio.file.Path log = TestCluster.worker(WORKER).process().log();
    long logBefore = Files.size(log);

    long restartedInMs;
    td.freeze(frozen);
    try {
      TestCluster.produce(topic, SinkLineProtocolIT.lines("cpu", 5_000, 5_000));
      Thread.sleep(12_000); // three request timeouts: writes and polls are abandoned, not hung
      // The tasks answer a restart while the server still answers nothing.
      long t0 = System.currentTimeMillis();
      for (String c : List.of(id + "-sink", id + "-sub")) {
        int status = rest.post("/connectors/" + c + "/restart?includeTasks=true", Map.of()).status;
        assertTrue(status == 202 || status == 204, c + " restart answered " + status);
      }
      rest.awaitRunning(id + "-sink", 1, 30_000);
      rest.awaitRunning(id + "-sub", 1, 30_000);
      restartedInMs = System.currentTimeMillis() - t0;
      Thread.sleep(5_000);
    } finally {
      td.thaw(frozen);
    }
    assertEquals(10_000, TDengine.awaitCount(td, "select count(*) from " + db + ".cpu", 10_000, 120_000));
    assertEquals(10_000, TDengine.count(td, "select count(*) from (select distinct v from " + db + ".cpu)"));
    List<String> produced = consumeDistinct(kafkaTopic, 10_000, V, 120_000);
    Set<Long> rows = numbers(produced, V);
    assertEquals(10_000, rows.size(), "distinct rows through the source after the freeze");
    String during = new String(Files.readAllBytes(log), java.nio.charset.StandardCharsets.UTF_8)
        .substring((int) logBefore);
    long abandoned = during.lines().filter(l -> l.contains("request.timeout.ms")).count();
    long stuckStops = during.lines().filter(l -> l.contains("Graceful stop of task") && l.contains("failed")).count();
    long retryFlood = during.lines().filter(l -> l.contains("Will retry operation")).count();
    assertTrue(abandoned > 0, "no request was abandoned while frozen");
    assertEquals(0, retryFlood, "Connect's own retry loop spun on poll()");
    for (String c : List.of(id + "-sink", id + "-sub")) {
      assertEquals(204, rest.delete("/connectors/" + c).status);
    }
    TDengine.dropTopic(td, "tdconnect_" + db + "_cpu");
    TDengine.dropDatabase(td, db);
    System.out.println("TDengine-backed: " + TDengineTarget.version() + " " + frozen + " frozen 17+ s under a sink and a"
        + " source over " + conn.url() + " (request.timeout.ms=4000): both restarted over REST in " + restartedInMs
        + " ms while frozen, " + abandoned + " abandoned-request log lines, " + stuckStops
        + " stuck graceful stops; afterwards 10000 of 10000 rows, none doubled, source " + rows.size()
        + " distinct of 10000 (" + (produced.size() - rows.size()) + " repeated after the restart)");
  }
}

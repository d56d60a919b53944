package io.tdconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdconnect.harness.ConnectRest;
import io.tdconnect.harness.TDengineTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * flush.interval.ms holds on a quiet topic: on a worker that commits offsets
 * only every 60 s (Connect's default), a buffered record still reaches
 * TDengine within flush.interval.ms plus one write.
 */
class SinkLatencyIT {
  private static final long FLUSH_MS = 500;
  /** flush.interval.ms, one write and the test's 500 ms polling, with room for a busy box. */
  private static final long BOUND_MS = 3_000;

  @Test
  void aTrickleAndTheTailOfABurstLandWithinTheFlushInterval() throws Exception {
    TDengineTarget td = TDengine.require("SinkLatencyIT");
    TDengine.freshDatabase(td, "it_latency");
    TestCluster.createTopic("latency-lines", 1);
    Map<String, Object> c = TestCluster.sinkConfig(td, "latency-lines", "it_latency");
    c.put("flush.interval.ms", String.valueOf(FLUSH_MS));
    ConnectRest rest = TestCluster.worker(TestCluster.Worker.QUIET_STANDALONE).rest();
    rest.createConnector(ConnectRest.connectorBody("sink-latency", c));
    rest.awaitRunning("sink-latency", 1, 60_000);
    String count = "select count(*) from it_latency.cpu";

    List<Long> trickle = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long t0 = System.currentTimeMillis();
      TestCluster.produce("latency-lines", SinkLineProtocolIT.lines("cpu", i, 1));
      assertEquals(i + 1, TDengine.awaitCount(td, count, i + 1, 30_000), "trickle record " + i);
      trickle.add(System.currentTimeMillis() - t0);
      Thread.sleep(2_000);
    }
    long t0 = System.currentTimeMillis();
    TestCluster.produce("latency-lines", SinkLineProtocolIT.lines("cpu", 5, 2_000));
    assertEquals(2_005, TDengine.awaitCount(td, count, 2_005, 30_000));
    long burst = System.currentTimeMillis() - t0;
    for (long ms : trickle) {
      assertTrue(ms <= BOUND_MS, "a trickle record took " + ms + " ms: " + trickle);
    }
    assertTrue(burst <= BOUND_MS, "the tail of a burst took " + burst + " ms");
    assertEquals(204, rest.delete("/connectors/sink-latency").status);
    TDengine.dropDatabase(td, "it_latency");
    System.out.println("TDengine-backed: " + TDengineTarget.version() + " quiet topic, offsets committed every 60 s,"
        + " flush.interval.ms=" + FLUSH_MS + ": trickle records visible after " + trickle + " ms, a 2000-record"
        + " burst's tail after " + burst + " ms");
  }
}

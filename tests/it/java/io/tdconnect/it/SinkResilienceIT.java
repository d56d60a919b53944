package io.tdconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdconnect.harness.ConnectRest;
import io.tdconnect.harness.TDengineTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A task restarted mid-stream: nothing lost, nothing doubled (outages: FaultsIT). */
class SinkResilienceIT {
  private static final TestCluster.Worker WORKER = TestCluster.Worker.LATEST_DISTRIBUTED;

  private static String reading(int i) {
    // Text timestamps with a pattern; every record its own (device, time), so a
    // duplicate would show as a row count above the distinct seq count.
    long ms = 1_700_000_000_000L + i;
    String at = java.time.format.DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm:ss.SSS")
        .withZone(java.time.ZoneOffset.UTC)
        .format(java.time.Instant.ofEpochMilli(ms));
    return "{\"device\":\"dev" + (i % 10) + "\",\"seq\":" + i + ",\"load\":" + (i % 100) / 10.0 + ",\"at\":\"" + at + "\"}";
  }

  @Test
  void aTaskRestartedMidStreamResumesExactly() throws Exception {
    TDengineTarget td = TDengine.require("SinkResilienceIT restart");
    String topic = "maps-restart";
    String db = "it_restart";
    TDengine.freshDatabase(td, db);
    TestCluster.createTopic(topic, 1);
    Map<String, Object> c = TestCluster.sinkConfig(td, topic, db);
    c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    c.put("value.converter.schemas.enable", "false");
    c.put("stable.name.format", "loads");
    c.put("subtable.name.format", "${field.device}");
    c.put("tag.fields", "device");
    c.put("timestamp.field", "at");
    c.put("timestamp.format", "dd/MM/yyyy HH:mm:ss.SSS");
    c.put("batch.size", "700");
    c.put("flush.interval.ms", "5000");
    ConnectRest rest = TestCluster.worker(WORKER).rest();
    rest.createConnector(ConnectRest.connectorBody("sink-restart", c));
    rest.awaitRunning("sink-restart", 1, 60_000);

    List<String> first = new ArrayList<>();
    for (int i = 0; i < 15_000; i++) {
      first.add(reading(i));
    }
    TestCluster.produce(topic, first);
    long before = TDengine.awaitCount(td, "select count(*) from it_restart.loads", 1, 60_000);
    assertTrue(before > 0, "rows before the restart");
    ConnectRest.Response restart = rest.post("/connectors/sink-restart/tasks/0/restart", Map.of());
    assertEquals(204, restart.status, restart.toString());
    List<String> second = new ArrayList<>();
    for (int i = 15_000; i < 30_000; i++) {
      second.add(reading(i));
    }
    TestCluster.produce(topic, second);
    rest.awaitRunning("sink-restart", 1, 60_000);

    long rows = TDengine.awaitCount(td, "select count(*) from it_restart.loads", 30_000, 120_000);
    assertEquals(30_000, rows);
    assertEquals(30_000, TDengine.count(td, "select count(*) from (select distinct seq from it_restart.loads)"));
    assertEquals(10, TDengine.count(td, "select count(*) from (select distinct tbname from it_restart.loads)"));
    // The text timestamp landed exactly: record 12345 at 1700000012345 ms on dev5.
    assertEquals(12_345, TDengine.count(
        td, "select seq from it_restart.dev5 where ts = 1700000012345"));
    assertEquals(204, rest.delete("/connectors/sink-restart").status);
    TDengine.dropDatabase(td, db);
    System.out.println("TDengine-backed: task restarted mid-stream (" + before + " rows before) -> exactly 30000 rows,"
        + " 30000 distinct, text timestamps exact");
  }
}

package io.tdconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdconnect.harness.ConnectRest;
import io.tdconnect.harness.ConnectWorker;
import io.tdconnect.harness.TDengineTarget;
import org.junit.jupiter.api.Test;

/** kill -9 of the worker mid-stream, then restart: no record lost, no row duplicated. */
class SinkCrashRecoveryIT {
  @Test
  void killedWorkerResumesWithoutLossOrDuplicates() throws Exception {
    TDengineTarget td = TDengine.require("SinkCrashRecoveryIT");
    String topic = "lines-crash";
    String database = "it_crash";
    String table = database + ".cpu";
    TDengine.freshDatabase(td, database);
    TestCluster.createTopic(topic, 2);
    ConnectWorker worker = TestCluster.worker(TestCluster.Worker.CRASH_DISTRIBUTED);
    ConnectRest rest = worker.rest();
    rest.createConnector(SinkLineProtocolIT.sinkConfig("sink-crash", topic, database, td.connectorKeys()));
    rest.awaitRunning("sink-crash", 2, 60_000);

    TestCluster.produce(topic, SinkLineProtocolIT.lines("cpu", 0, 20_000));
    long before = TDengine.awaitCount(td, "select count(*) from " + table, 1, 60_000);
    assertTrue(before > 0, "some rows written before the crash");
    worker.kill();
    long atCrash = TDengine.count(td, "select count(*) from " + table);

    TestCluster.produce(topic, SinkLineProtocolIT.lines("cpu", 20_000, 10_000));
    worker.start();
    rest.awaitRunning("sink-crash", 2, 120_000);
    long rows = TDengine.awaitCount(td, "select count(*) from " + table, 30_000, 180_000);
    assertEquals(30_000, rows);
    Thread.sleep(3000);
    assertEquals(30_000, TDengine.count(td, "select count(*) from " + table));
    assertEquals(30_000, TDengine.count(td, "select count(*) from (select distinct v from " + table + ")"));
    TDengine.dropDatabase(td, database);
    System.out.println(
        "TDengine-backed: crash at " + atCrash + " rows; after restart exactly " + rows + " rows, none lost or duplicated");
  }
}

package io.tdconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tdconnect.harness.ConnectRest;
import io.tdconnect.harness.TDengineTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * write.path=native through a real worker: line protocol in TDengine's meters
 * shape parsed by the connector and written as SQL over two connections into
 * the child tables schemaless would make (its t_ names); a line of another
 * type goes to the DLQ, one without a timestamp through schemaless.
 */
class SinkNativeLinesIT {
  private static final int RECORDS = 5_000;

  @Test
  void meterLinesLandInSchemalessTables() throws Exception {
    TDengineTarget td = TDengine.require("SinkNativeLinesIT");
    String db = "it_native_lines";
    TDengine.freshDatabase(td, db);
    TestCluster.createTopic("it-native-lines", 2);
    Map<String, Object> c = TestCluster.sinkConfig(td, "it-native-lines", db);
    c.put("tasks.max", "2");
    c.put("db.schemaless", "line");
    c.put("write.path", "native");
    c.put("errors.tolerance", "all");
    c.put("errors.deadletterqueue.topic.name", "it-native-lines-dead");
    c.put("errors.deadletterqueue.topic.replication.factor", "1");
    ConnectRest rest = TestCluster.worker(TestCluster.Worker.LATEST_STANDALONE).rest();
    rest.createConnector(ConnectRest.connectorBody("sink-native-lines", c));
    rest.awaitRunning("sink-native-lines", 2, 60_000);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      int d = i % 50;
      lines.add("meters,location=California.City" + d / 10 + ",groupid=" + d % 10 + " current=" + (10 + i % 7)
          + ".5,voltage=" + (200 + i % 30) + "i,phase=0." + i % 100 + " " + (1_700_000_000_000L + i));
    }
    lines.add(2_500, "meters,location=California.City0,groupid=0 current=1i 1700000000000");
    lines.add("meters,location=California.City4,groupid=9 current=1.5,voltage=1i,phase=0.5");
    TestCluster.produce("it-native-lines", lines);
    long expected = RECORDS + 1; // the line without a timestamp: "now", through schemaless
    assertEquals(expected, TDengine.awaitCount(td, "select count(*) from " + db + ".meters", expected, 90_000));
    assertEquals(1, TestCluster.consume("it-native-lines-dead", 1, 30_000).size());
    assertEquals(50, TDengine.count(td, "select count(*) from information_schema.ins_tables where db_name = '" + db
        + "' and stable_name = 'meters'"));
    // Schemaless's own name for California.City0 / groupid 0: t_ + MD5("meters,groupid=0,location=California.City0").
    java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
    StringBuilder name = new StringBuilder("t_");
    for (byte b : md5.digest("meters,groupid=0,location=California.City0".getBytes("UTF-8"))) {
      name.append(String.format("%02x", b));
    }
    assertEquals(RECORDS / 50, TDengine.count(td, "select count(*) from " + db + "." + name));
    assertEquals(204, rest.delete("/connectors/sink-native-lines").status);
    TDengine.dropDatabase(td, db);
    System.out.println("TDengine-backed: " + TDengineTarget.version() + " write.path=native on a worker: " + RECORDS
        + " meters lines -> " + RECORDS + " rows in 50 t_ child tables over 2 tasks, a type conflict to the DLQ,"
        + " a line without timestamp through schemaless");
  }
}

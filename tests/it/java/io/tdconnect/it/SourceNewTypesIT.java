package io.tdconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdconnect.harness.ConnectRest;
import io.tdconnect.harness.TDengineTarget;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Column types of newer servers the connector's TDengine client cannot
 * decode (BLOB of 3.3.6+): a source refuses such a table at once, naming
 * the column, instead of retrying reads that never answer. (DECIMAL is read
 * cast to text: DecimalRoundTripIT.)
 */
class SourceNewTypesIT {
  @Test
  void aBlobColumnIsRefusedNamingIt() throws Exception {
    TDengineTarget td = TDengine.require("SourceNewTypesIT");
    TDengine.freshDatabase(td, "it_types");
    try {
      TDengine.exec(td, "CREATE STABLE it_types.m (ts TIMESTAMP, doc BLOB) TAGS (t INT)");
    } catch (RuntimeException e) {
      // A server before 3.3.6 has no BLOB: nothing the source could meet.
      assertTrue(e.getMessage().toLowerCase().contains("syntax") || e.getMessage().contains("0x2600")
          || e.getMessage().toLowerCase().contains("blob"), e.getMessage());
      TDengine.dropDatabase(td, "it_types");
      System.out.println("TDengine-backed: " + TDengineTarget.version() + " has no BLOB type (CREATE refused: "
          + e.getMessage().split("\n")[0] + ")");
      return;
    }
    TDengine.exec(td, "INSERT INTO it_types.m1 USING it_types.m TAGS (1) VALUES (1700000000000, '\\x0102')");
    ConnectRest rest = TestCluster.worker(TestCluster.Worker.LATEST_STANDALONE).rest();
    for (String method : new String[] {"query", "subscription"}) {
      Map<String, Object> c = SourceSubscriptionIT.config(td, "it_types", "types", "json");
      c.put("read.method", method);
      String name = "types-" + method;
      rest.createConnector(ConnectRest.connectorBody(name, c));
      String trace = rest.awaitTaskFailure(name, 60_000);
      assertTrue(trace.contains("column `doc` is BLOB"), trace);
      assertTrue(trace.contains("stables.exclude"), trace);
      assertEquals(204, rest.delete("/connectors/" + name).status);
      System.out.println("TDengine-backed: " + TDengineTarget.version() + " " + method + " source refuses a BLOB column: "
          + trace.split("\n")[0].replaceAll("^.*?: ", ""));
    }
    TDengine.dropTopic(td, "tdconnect_it_types_m");
    TDengine.dropDatabase(td, "it_types");
  }
}

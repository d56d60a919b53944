package io.tdconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdconnect.harness.ConnectRest;
import io.tdconnect.harness.TDengineTarget;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * validate() asks the configured server itself, within a few seconds, and
 * puts what it finds on the field at fault: a URL that does not answer (also
 * a black hole), refused credentials, a missing database or super table.
 */
class LiveValidationIT {
  private static final long BOUND_MS = 8_000;

  /** The errors of each field with errors, and how long the call took. */
  private static Map<String, String> errors(String connector, Map<String, Object> config, long[] tookMs)
      throws Exception {
    ConnectRest rest = TestCluster.worker(TestCluster.Worker.LATEST_STANDALONE).rest();
    long t0 = System.currentTimeMillis();
    ConnectRest.Response r = rest.put("/connector-plugins/" + connector + "/config/validate", config);
    tookMs[0] = System.currentTimeMillis() - t0;
    assertEquals(200, r.status, r.toString());
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, Object>> e : ConfigValidateIT.byName(r.object()).entrySet()) {
      @SuppressWarnings("unchecked")
      List<Object> errs = (List<Object>) ((Map<String, Object>) e.getValue().get("value")).get("errors");
      if (!errs.isEmpty()) {
        out.put(e.getKey(), errs.toString());
      }
    }
    return out;
  }

  private static Map<String, Object> sink(TDengineTarget td, String url, String password, String db) {
    Map<String, Object> c = TestCluster.sinkConfig(td, "validate", db);
    c.put("name", "validate-live");
    c.put("connection.url", url);
    c.put("connection.password", password);
    return c;
  }

  @Test
  void theServerIsAskedAndEachFindingLandsOnItsField() throws Exception {
    TDengineTarget td = TDengine.require("LiveValidationIT");
    long[] took = new long[1];
    List<String> seen = new ArrayList<>();

    assertEquals(Map.of(), errors("TDengineSinkConnector", sink(td, td.url(), td.password(), "it_not_yet"), took));
    seen.add("good config (database to be created): 0 errors in " + took[0] + " ms");

    Map<String, String> wrongPassword =
        errors("TDengineSinkConnector", sink(td, td.url(), "not-the-password", "it_not_yet"), took);
    assertTrue(wrongPassword.containsKey("connection.password"), wrongPassword.toString());
    assertTrue(took[0] < BOUND_MS, took[0] + " ms");
    seen.add("wrong password -> connection.password in " + took[0] + " ms");

    String scheme = td.url().substring(0, td.url().indexOf("://") + 3);
    try (ServerSocket closed = new ServerSocket(0)) {
      int port = closed.getLocalPort();
      closed.close();
      Map<String, String> refused =
          errors("TDengineSinkConnector", sink(td, scheme + "127.0.0.1:" + port, td.password(), "x"), took);
      assertTrue(refused.containsKey("connection.url"), refused.toString());
      assertTrue(took[0] < BOUND_MS, took[0] + " ms");
      seen.add("closed port -> connection.url in " + took[0] + " ms");
    }

    // A black hole: accepts connections and never answers.
    try (ServerSocket hole = new ServerSocket(0)) {
      List<Socket> held = new ArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(hole.accept());
          }
        } catch (Exception e) {
          // closed
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      Map<String, String> silent = errors("TDengineSinkConnector",
          sink(td, scheme + "127.0.0.1:" + hole.getLocalPort(), td.password(), "x"), took);
      assertTrue(silent.containsKey("connection.url"), silent.toString());
      assertTrue(took[0] < BOUND_MS, "a black hole took " + took[0] + " ms");
      seen.add("black hole -> connection.url in " + took[0] + " ms");
      for (Socket s : held) {
        s.close();
      }
    }

    Map<String, Object> source = SourceSubscriptionIT.config(td, "it_nowhere", "v", "json");
    source.put("name", "validate-live-source");
    Map<String, String> noDb = errors("TDengineSourceConnector", source, took);
    assertTrue(noDb.containsKey("connection.database"), noDb.toString());
    seen.add("source, missing database -> connection.database in " + took[0] + " ms");

    TDengine.freshDatabase(td, "it_validate");
    source.put("connection.database", "it_validate");
    source.put("stables.include", "nosuch");
    Map<String, String> noStable = errors("TDengineSourceConnector", source, took);
    assertTrue(noStable.containsKey("stables.include"), noStable.toString());
    seen.add("source, missing super table -> stables.include in " + took[0] + " ms");
    TDengine.dropDatabase(td, "it_validate");
    System.out.println("TDengine-backed: " + TDengineTarget.version() + " live validation: " + String.join("; ", seen));
  }
}

package io.tdconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdconnect.harness.ConnectRest;
import io.tdconnect.harness.TDengineTarget;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * connection.password from Connect's FileConfigProvider works, and a
 * password never shows in the worker's log, a task's failure trace or the
 * validate() answer, also when TDengine refuses it.
 */
class SecretsIT {
  private static final TestCluster.Worker WORKER = TestCluster.Worker.LATEST_STANDALONE;

  @Test
  void aPasswordFromAFileWorksAndNoPasswordIsEverShown() throws Exception {
    TDengineTarget td = TDengine.require("SecretsIT");
    Path secrets = TestCluster.WORK.resolve("secrets.properties");
    Files.createDirectories(secrets.getParent());
    Files.write(secrets, ("tdengine.password=" + td.password() + "\n").getBytes(StandardCharsets.UTF_8));
    TDengine.freshDatabase(td, "it_secret");
    TestCluster.createTopic("secret-lines", 1);
    ConnectRest rest = TestCluster.worker(WORKER).rest();
    Path log = TestCluster.worker(WORKER).process().log();
    long logBefore = Files.size(log);

    Map<String, Object> c = TestCluster.sinkConfig(td, "secret-lines", "it_secret");
    c.put("connection.password", "${file:" + secrets.toAbsolutePath() + ":tdengine.password}");
    rest.createConnector(ConnectRest.connectorBody("sink-secret", c));
    rest.awaitRunning("sink-secret", 1, 60_000);
    TestCluster.produce("secret-lines", SinkLineProtocolIT.lines("cpu", 0, 100));
    assertEquals(100, TDengine.awaitCount(td, "select count(*) from it_secret.cpu", 100, 60_000));
    String shownConfig = rest.get("/connectors/sink-secret").body;

    // A wrong password: in validate()'s answer, in the refused creation, and,
    // through the file, in a task that starts with it.
    String wrong = "Wr0ng-S3cret-" + System.nanoTime();
    Map<String, Object> bad = TestCluster.sinkConfig(td, "secret-lines", "it_secret");
    bad.put("connection.password", wrong);
    bad.put("name", "sink-wrong-secret");
    String validated = rest.put("/connector-plugins/TDengineSinkConnector/config/validate", bad).body;
    bad.remove("name");
    String refused = "";
    try {
      rest.createConnector(ConnectRest.connectorBody("sink-wrong-secret", bad));
    } catch (java.io.IOException e) {
      refused = e.getMessage();
    }
    Files.write(secrets, ("tdengine.password=" + wrong + "\n").getBytes(StandardCharsets.UTF_8));
    ConnectRest.Response restart = rest.post("/connectors/sink-secret/restart?includeTasks=true", Map.of());
    assertTrue(restart.status == 202 || restart.status == 204, restart.toString());
    String trace = rest.awaitTaskFailure("sink-secret", 60_000);
    assertEquals(204, rest.delete("/connectors/sink-secret").status);
    Thread.sleep(1000);
    String logged = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).substring((int) logBefore);

    assertTrue(refused.contains("refused user"), "creating with a wrong password: " + refused);
    assertFalse(refused.contains(wrong), "the refused creation shows the password: " + refused);
    assertTrue(validated.contains("refused user"), validated);
    assertFalse(trace.contains(wrong), "the failure trace shows the password: " + trace);
    assertFalse(logged.contains(wrong), "the worker log shows the password");
    assertFalse(validated.contains("\"errors\":[\"" + wrong), "validate() shows the password in an error");
    assertFalse(shownConfig.contains(td.password()) && !td.password().isEmpty()
        && !shownConfig.contains("${file:"), "the stored config shows the resolved password");
    long mentions = logged.lines().filter(l -> l.contains(td.password())).count();
    TDengine.dropDatabase(td, "it_secret");
    System.out.println("TDengine-backed: " + TDengineTarget.version() + " connection.password from ${file:...} wrote 100"
        + " rows; a refused password is in neither the worker log, the failure trace nor the validate() errors ("
        + trace.split("\n")[0].replaceAll("^.*?: ", "") + "); lines naming the real password: " + mentions);
  }
}

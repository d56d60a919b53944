package io.tdconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdconnect.harness.ConnectRest;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both connectors are found, with our version, by every worker version and discovery mode. */
class PluginDiscoveryIT {
  @ParameterizedTest
  @EnumSource(
      value = TestCluster.Worker.class,
      names = {"LATEST_STANDALONE", "LATEST_DISTRIBUTED", "LEGACY_STANDALONE"})
  @SuppressWarnings("unchecked")
  void workerListsBothConnectors(TestCluster.Worker w) throws Exception {
    ConnectRest rest = TestCluster.worker(w).rest();
    ConnectRest.Response r = rest.get("/connector-plugins");
    assertEquals(200, r.status, r.toString());
    Map<String, Map<String, Object>> byClass = new HashMap<>();
    for (Object o : r.array()) {
      Map<String, Object> plugin = (Map<String, Object>) o;
      byClass.put((String) plugin.get("class"), plugin);
    }
    Map<String, Object> sink = byClass.get("io.tdconnect.sink.TDengineSinkConnector");
    Map<String, Object> source = byClass.get("io.tdconnect.source.TDengineSourceConnector");
    assertTrue(sink != null && source != null, w + " lists " + byClass.keySet());
    assertEquals("sink", sink.get("type"));
    assertEquals("source", source.get("type"));
    assertEquals(TestCluster.VERSION, sink.get("version"));
    assertEquals(TestCluster.VERSION, source.get("version"));
    String log = Files.readString(TestCluster.worker(w).process().log());
    assertTrue(!log.contains("already loaded in another classloader"), "native library clash in " + w);
    System.out.println(
        "Kafka " + w.kafkaVersion + " " + w.mode + " (plugin.discovery=" + w.discovery + ") lists "
            + List.of(sink.get("class"), source.get("class")) + " version " + sink.get("version"));
  }
}

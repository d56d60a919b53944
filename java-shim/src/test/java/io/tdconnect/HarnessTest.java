package io.tdconnect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.tdconnect.harness.ConnectorFile;
import io.tdconnect.harness.MiniJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness pieces ./tests/stack relies on, checked without starting processes. */
class HarnessTest {
  @Test
  void clusterIdsNeverLookLikeOptions() throws Exception {
    java.lang.reflect.Method m =
        Class.forName("io.tdconnect.harness.KafkaBroker").getDeclaredMethod("clusterId");
    m.setAccessible(true);
    for (int i = 0; i < 2000; i++) {
      String id = (String) m.invoke(null);
      assertFalse(id.startsWith("-"), id);
      assertEquals(22, id.length());
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void connectorFilesLoadLikeConfluentLocal(@TempDir Path dir) throws Exception {
    Path props = dir.resolve("c.properties");
    Files.writeString(props, "name=p\nconnector.class=X\ntopics=t\n");
    Map<String, Object> fromProps = ConnectorFile.read(props);
    assertEquals("p", fromProps.get("name"));
    assertEquals("X", ((Map<String, Object>) fromProps.get("config")).get("connector.class"));

    Path wrapped = dir.resolve("w.json");
    Files.writeString(wrapped, "{\"name\":\"w\",\"config\":{\"connector.class\":\"X\"}}");
    assertEquals("w", ConnectorFile.read(wrapped).get("name"));

    Path flat = dir.resolve("f.json");
    Files.writeString(flat, "{\"name\":\"f\",\"connector.class\":\"X\"}");
    Map<String, Object> fromFlat = ConnectorFile.read(flat);
    assertEquals("X", ((Map<String, Object>) fromFlat.get("config")).get("connector.class"));
    assertEquals(
        "{\"a\":[1,\"x\\\"y\"],\"b\":null}",
        MiniJson.write(MiniJson.parse("{\"a\": [1, \"x\\\"y\"], \"b\": null}")));
  }
}

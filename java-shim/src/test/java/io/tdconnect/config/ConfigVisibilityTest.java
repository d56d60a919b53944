package io.tdconnect.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tdconnect.sink.TDengineSinkConfig;
import io.tdconnect.source.TDengineSourceConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

/** Control Center shows only the keys that apply: what validate() marks visible. */
class ConfigVisibilityTest {
  private static Map<String, Boolean> visible(ConfigDef def, Map<String, String> props) {
    Map<String, Boolean> out = new HashMap<>();
    for (ConfigValue v : def.validate(props)) {
      out.put(v.name(), v.visible());
    }
    return out;
  }

  @Test
  void readMethodShowsItsOwnKeys() {
    Map<String, String> p = new HashMap<>();
    p.put("topic.prefix", "t");
    p.put("read.method", "query");
    Map<String, Boolean> query = visible(TDengineSourceConfig.CONFIG_DEF, p);
    assertEquals(true, query.get("timestamp.initial"));
    assertEquals(true, query.get("query.interval.ms"));
    assertEquals(false, query.get("subscription.from"));
    assertEquals(false, query.get("subscription.group.id"));
    p.put("read.method", "subscription");
    Map<String, Boolean> sub = visible(TDengineSourceConfig.CONFIG_DEF, p);
    assertEquals(false, sub.get("timestamp.delay.interval.ms"));
    assertEquals(true, sub.get("subscription.from"));
    assertEquals(false, sub.get("struct.timestamp.type"));
    p.put("out.format", "struct");
    assertEquals(true, visible(TDengineSourceConfig.CONFIG_DEF, p).get("struct.timestamp.type"));
  }

  @Test
  void theNativeLibraryShowsForNativeUrlsAndTheProtocolForSchemalessText() {
    Map<String, String> p = new HashMap<>();
    p.put("connection.url", "ws://h:6041");
    p.put("text.values", "json");
    Map<String, Boolean> ws = visible(TDengineSinkConfig.CONFIG_DEF, p);
    assertEquals(false, ws.get("connection.native.library.path"));
    assertEquals(false, ws.get("db.schemaless"));
    p.put("connection.url", "jdbc:TAOS://h:6030/db");
    p.put("text.values", "schemaless");
    Map<String, Boolean> nat = visible(TDengineSinkConfig.CONFIG_DEF, p);
    assertEquals(true, nat.get("connection.native.library.path"));
    assertEquals(true, nat.get("db.schemaless"));
  }
}

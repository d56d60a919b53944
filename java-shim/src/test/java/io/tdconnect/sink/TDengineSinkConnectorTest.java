package io.tdconnect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdconnect.config.ConfigErrors;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

class TDengineSinkConnectorTest {
  private static Map<String, String> props() {
    Map<String, String> p = new HashMap<>();
    p.put("connector.class", TDengineSinkConnector.class.getName());
    p.put("topics", "metrics");
    p.put("connection.url", "ws://localhost:6041");
    p.put("connection.database", "metrics");
    return p;
  }

  @Test
  void configIsGroupedAndDocumented() {
    ConfigDef def = new TDengineSinkConnector().config();
    Set<String> groups = new LinkedHashSet<>(def.groups());
    assertTrue(groups.contains("Connection") && groups.contains("Write"), groups.toString());
    for (ConfigDef.ConfigKey key : def.configKeys().values()) {
      assertFalse(key.documentation.isEmpty(), key.name);
      assertFalse(key.displayName.isEmpty(), key.name);
    }
    assertEquals(ConfigDef.Type.PASSWORD, def.configKeys().get("connection.password").type);
  }

  @Test
  void badValueIsAFieldErrorNotAnException() {
    Map<String, String> p = props();
    p.put("db.schemaless", "csv");
    Config result = new TDengineSinkConnector().validate(p);
    assertFalse(ConfigErrors.field(result, "db.schemaless").errorMessages().isEmpty());
    assertTrue(ConfigErrors.field(result, "connection.url").errorMessages().isEmpty());
  }

  @Test
  void missingDatabaseIsReportedOnTheDatabaseField() {
    Map<String, String> p = props();
    p.remove("connection.database");
    Config result = new TDengineSinkConnector().validate(p);
    assertEquals(1, ConfigErrors.field(result, "connection.database").errorMessages().size());
  }

  @Test
  void databaseMayComeFromTheUrl() {
    Map<String, String> p = props();
    p.remove("connection.database");
    p.put("connection.url", "jdbc:TAOS-WS://localhost:6041/metrics");
    Config result = new TDengineSinkConnector().validate(p);
    assertOnlyNoServer(result);
    assertEquals("metrics", new TDengineSinkConfig(p).database());
  }

  /** TDengine's own connector's sink keys, unchanged but for connector.class. */
  @Test
  void officialConnectorConfigIsAccepted() {
    Map<String, String> p = new HashMap<>();
    p.put("connector.class", TDengineSinkConnector.class.getName());
    p.put("topics", "meters");
    p.put("connection.url", "jdbc:TAOS://127.0.0.1:6030");
    p.put("connection.user", "root");
    p.put("connection.password", "taosdata");
    p.put("connection.database.prefix", "kafka_");
    p.put("connection.attempts", "3");
    p.put("connection.backoff.ms", "5000");
    p.put("batch.size", "2000");
    p.put("max.retries", "5");
    p.put("retry.backoff.ms", "3000");
    p.put("db.schemaless", "telnet");
    p.put("data.precision", "ms");
    Config result = new TDengineSinkConnector().validate(p);
    assertOnlyNoServer(result);
    TDengineSinkConfig config = new TDengineSinkConfig(p);
    assertEquals("kafka_", config.databasePrefix());
    assertEquals(5, config.maxRetries());
    assertEquals(2000, config.batchSize());
    assertTrue(config.nativeJson().contains("\"dsn\":\"taos://127.0.0.1:6030\""));
  }

  @Test
  void nativeJsonCarriesTheNormalisedConnection() {
    Map<String, String> p = props();
    p.put("connection.password", "s\"ecret");
    String json = new TDengineSinkConfig(p).nativeJson();
    assertEquals(
        "{\"connection\":{\"dsn\":\"ws://localhost:6041\",\"user\":\"root\",\"password\":\"s\\\"ecret\","
            + "\"attempts\":3,\"backoff_ms\":5000,\"request_timeout_ms\":30000},"
            + "\"database\":\"metrics\",\"database_prefix\":null,\"protocol\":\"line\",\"precision\":\"ms\","
            + "\"batch_size\":3000,\"mapping\":{\"stable\":\"${topic}\",\"subtable\":null,\"tags\":[],"
            + "\"timestamp_field\":null,\"timestamp_unit\":\"auto\",\"timestamp_format\":null,\"include\":[],\"exclude\":[],"
            + "\"auto_create\":true,\"auto_evolve\":true},\"text_json\":false,\"write_path\":\"native\",\"write_parallelism\":2,\"write_binding\":false}",
        json);
  }

  /**
   * The config's shape is valid: the only errors are validate()'s live check
   * finding no server at the (test) address.
   */
  private static void assertOnlyNoServer(Config result) {
    for (org.apache.kafka.common.config.ConfigValue v : result.configValues()) {
      for (String e : v.errorMessages()) {
        assertEquals("connection.url", v.name(), e);
        assertTrue(e.startsWith("cannot connect") || e.contains("did not answer"), e);
      }
    }
  }
}

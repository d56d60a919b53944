package io.tdconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdconnect.harness.ConnectRest;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PUT /connector-plugins/{class}/config/validate: what Control Center draws its forms from. */
class ConfigValidateIT {
  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> byName(Map<String, Object> answer) {
    Map<String, Map<String, Object>> out = new HashMap<>();
    for (Object o : (List<Object>) answer.get("configs")) {
      Map<String, Object> entry = (Map<String, Object>) o;
      out.put((String) ((Map<String, Object>) entry.get("value")).get("name"), entry);
    }
    return out;
  }

  @Test
  @SuppressWarnings("unchecked")
  void sinkValidationReportsGroupsAndAFieldError() throws Exception {
    ConnectRest rest = TestCluster.worker(TestCluster.Worker.LATEST_DISTRIBUTED).rest();
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("connector.class", "io.tdconnect.sink.TDengineSinkConnector");
    config.put("name", "validate-me");
    config.put("topics", "metrics");
    config.put("connection.url", "ws://127.0.0.1:6041");
    config.put("connection.database", "metrics");
    config.put("db.schemaless", "csv");
    ConnectRest.Response r =
        rest.put("/connector-plugins/TDengineSinkConnector/config/validate", config);
    assertEquals(200, r.status, r.toString());
    Map<String, Object> answer = r.object();
    assertEquals(1L, answer.get("error_count"), r.body);
    List<Object> groups = (List<Object>) answer.get("groups");
    assertTrue(groups.containsAll(List.of("Connection", "Write")), groups.toString());

    Map<String, Map<String, Object>> fields = byName(answer);
    Map<String, Object> schemaless = fields.get("db.schemaless");
    Map<String, Object> value = (Map<String, Object>) schemaless.get("value");
    assertFalse(((List<Object>) value.get("errors")).isEmpty(), schemaless.toString());
    assertEquals(List.of("line", "telnet", "json"), value.get("recommended_values"));
    Map<String, Object> definition = (Map<String, Object>) schemaless.get("definition");
    assertEquals("Write", definition.get("group"));
    assertEquals("Schemaless protocol", definition.get("display_name"));
    Map<String, Object> password = (Map<String, Object>) fields.get("connection.password").get("definition");
    assertEquals("PASSWORD", password.get("type"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void crossFieldErrorLandsOnTheField() throws Exception {
    ConnectRest rest = TestCluster.worker(TestCluster.Worker.LATEST_DISTRIBUTED).rest();
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("connector.class", "io.tdconnect.sink.TDengineSinkConnector");
    config.put("name", "validate-me");
    config.put("topics", "metrics");
    config.put("connection.url", "ws://127.0.0.1:6041");
    ConnectRest.Response r =
        rest.put("/connector-plugins/TDengineSinkConnector/config/validate", config);
    assertEquals(200, r.status, r.toString());
    Map<String, Object> db =
        (Map<String, Object>) byName(r.object()).get("connection.database").get("value");
    assertFalse(((List<Object>) db.get("errors")).isEmpty(), r.body);
  }

  @Test
  @SuppressWarnings("unchecked")
  void anUnsupportedTimestampPatternIsReportedOnItsField() throws Exception {
    ConnectRest rest = TestCluster.worker(TestCluster.Worker.LATEST_DISTRIBUTED).rest();
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("connector.class", "io.tdconnect.sink.TDengineSinkConnector");
    config.put("name", "validate-me");
    config.put("topics", "metrics");
    config.put("connection.url", "ws://127.0.0.1:6041/metrics");
    config.put("timestamp.format", "EEE, dd MMM yyyy");
    ConnectRest.Response r =
        rest.put("/connector-plugins/TDengineSinkConnector/config/validate", config);
    assertEquals(200, r.status, r.toString());
    assertEquals(1L, r.object().get("error_count"), r.body);
    Map<String, Object> format =
        (Map<String, Object>) byName(r.object()).get("timestamp.format").get("value");
    List<Object> errors = (List<Object>) format.get("errors");
    assertEquals(1, errors.size(), r.body);
    assertTrue(errors.get(0).toString().contains("pattern letters EEE are not supported"), r.body);
    assertFalse(errors.get(0).toString().contains("at line"), r.body);
  }

  @Test
  @SuppressWarnings("unchecked")
  void sourceValidationRequiresTopicPrefix() throws Exception {
    ConnectRest rest = TestCluster.worker(TestCluster.Worker.LATEST_DISTRIBUTED).rest();
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("connector.class", "io.tdconnect.source.TDengineSourceConnector");
    config.put("name", "validate-source");
    ConnectRest.Response r =
        rest.put("/connector-plugins/TDengineSourceConnector/config/validate", config);
    assertEquals(200, r.status, r.toString());
    Map<String, Object> prefix = (Map<String, Object>) byName(r.object()).get("topic.prefix").get("value");
    assertFalse(((List<Object>) prefix.get("errors")).isEmpty(), r.body);
  }
}

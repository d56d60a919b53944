package io.tdconnect.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TdengineUrlTest {
  @Test
  void webSocketUrlsKeepHostAndPort() {
    TdengineUrl url = TdengineUrl.parse("ws://td.example:6041");
    assertEquals("ws://td.example:6041", url.dsn());
    assertNull(url.database());
    assertFalse(url.isNative());
  }

  @Test
  void nativeUrlWithDatabase() {
    TdengineUrl url = TdengineUrl.parse("taos://127.0.0.1:6030/metrics");
    assertEquals("taos://127.0.0.1:6030", url.dsn());
    assertEquals("metrics", url.database());
    assertTrue(url.isNative());
  }

  @Test
  void officialConnectorJdbcUrls() {
    assertEquals("taos://h:6030", TdengineUrl.parse("jdbc:TAOS://h:6030/db?charset=UTF-8").dsn());
    assertEquals("db", TdengineUrl.parse("jdbc:TAOS://h:6030/db?charset=UTF-8").database());
    assertEquals("ws://h:6041", TdengineUrl.parse("jdbc:TAOS-WS://h:6041/db").dsn());
    assertEquals("ws://h:6041", TdengineUrl.parse("jdbc:TAOS-RS://h:6041/").dsn());
    assertEquals("wss://cloud.example", TdengineUrl.parse("wss://cloud.example").dsn());
  }

  @Test
  void rejectsWhatItCannotServe() {
    assertThrows(ConfigException.class, () -> TdengineUrl.parse("http://h:6041"));
    assertThrows(ConfigException.class, () -> TdengineUrl.parse("ws://root:pw@h:6041"));
    assertThrows(ConfigException.class, () -> TdengineUrl.parse("ws://h:99999"));
    assertThrows(ConfigException.class, () -> TdengineUrl.parse("ws://h:6041/bad-db"));
    assertThrows(ConfigException.class, () -> TdengineUrl.parse(" "));
  }
}

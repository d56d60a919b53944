package io.tdconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdconnect.harness.ConnectRest;
import io.tdconnect.harness.TDengineTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** The text protocols, bad records with and without a dead letter queue, and drop-in configs. */
class SinkTextProtocolsIT {
  private static final TestCluster.Worker WORKER = TestCluster.Worker.LATEST_STANDALONE;

  private static Map<String, Object> baseConfig(TDengineTarget td, String topic, String database, String protocol) {
    Map<String, Object> c = TestCluster.sinkConfig(td, topic, database);
    c.put("db.schemaless", protocol);
    return c;
  }

  private static long run(TDengineTarget td, String name, Map<String, Object> config, String topic, List<String> values,
      String countSql, long expected) throws Exception {
    TestCluster.createTopic(topic, 1);
    ConnectRest rest = TestCluster.worker(WORKER).rest();
    rest.createConnector(ConnectRest.connectorBody(name, config));
    rest.awaitRunning(name, 1, 60_000);
    TestCluster.produce(topic, values);
    long rows = TDengine.awaitCount(td, countSql, expected, 90_000);
    assertEquals(204, rest.delete("/connectors/" + name).status);
    return rows;
  }

  @Test
  void openTsdbTelnetLines() throws Exception {
    TDengineTarget td = TDengine.require("SinkTextProtocolsIT telnet");
    TDengine.freshDatabase(td, "it_telnet");
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      values.add("meters_current " + (1_700_000_000_000L + i) + " " + (i + 0.5) + " location=site" + (i % 4) + " groupid=" + (i % 2));
    }
    long rows = run(td, "sink-telnet", baseConfig(td, "telnet", "it_telnet", "telnet"), "telnet", values,
        "select count(*) from it_telnet.meters_current", 1000);
    assertEquals(1000, rows);
    TDengine.dropDatabase(td, "it_telnet");
    System.out.println("TDengine-backed: telnet 1000 records -> " + rows + " rows");
  }

  @Test
  void openTsdbJsonDocuments() throws Exception {
    TDengineTarget td = TDengine.require("SinkTextProtocolsIT json");
    TDengine.freshDatabase(td, "it_json");
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      // Each record one JSON array of two data points.
      long ts = 1_700_000_000_000L + 2L * i;
      values.add("[{\"metric\":\"meters_voltage\",\"timestamp\":" + ts + ",\"value\":" + (200 + i % 20)
          + ",\"tags\":{\"location\":\"site" + (i % 3) + "\",\"groupid\":" + (i % 2) + "}},"
          + "{\"metric\":\"meters_voltage\",\"timestamp\":" + (ts + 1) + ",\"value\":" + (210 + i % 20)
          + ",\"tags\":{\"location\":\"site" + (i % 3) + "\",\"groupid\":" + (i % 2) + "}}]");
    }
    long rows = run(td, "sink-json", baseConfig(td, "opentsdb-json", "it_json", "json"), "opentsdb-json", values,
        "select count(*) from it_json.meters_voltage", 1000);
    assertEquals(1000, rows);
    TDengine.dropDatabase(td, "it_json");
    System.out.println("TDengine-backed: json 500 records (1000 points) -> " + rows + " rows");
  }

  static List<String> poisoned() {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      if (i == 100 || i == 250 || i == 400) {
        values.add("this is not line protocol " + i);
      }
      if (i == 300) {
        values.add(null); // a tombstone: ignored by default
      }
      values.add("poison,host=h" + (i % 5) + " v=" + i + "i " + (1_700_000_000_000L + i));
    }
    return values;
  }

  @Test
  void badRecordsGoToTheDeadLetterQueueAndTheRestLands() throws Exception {
    TDengineTarget td = TDengine.require("SinkTextProtocolsIT DLQ");
    TDengine.freshDatabase(td, "it_dlq");
    Map<String, Object> config = baseConfig(td, "poison-dlq", "it_dlq", "line");
    config.put("errors.tolerance", "all");
    config.put("errors.deadletterqueue.topic.name", "poison-dlq-dead");
    config.put("errors.deadletterqueue.topic.replication.factor", "1");
    config.put("errors.deadletterqueue.context.headers.enable", "true");
    long rows = run(td, "sink-dlq", config, "poison-dlq", poisoned(), "select count(*) from it_dlq.poison", 500);
    assertEquals(500, rows);

    Properties p = new Properties();
    p.put("bootstrap.servers", TestCluster.broker().bootstrap());
    p.put("group.id", "dlq-reader");
    p.put("auto.offset.reset", "earliest");
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    List<String> dead = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of("poison-dlq-dead"));
      long deadline = System.currentTimeMillis() + 30_000;
      while (dead.size() < 3 && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          dead.add(r.value());
          assertTrue(r.headers().lastHeader("__connect.errors.exception.message") != null, "DLQ context headers");
        }
      }
    }
    assertEquals(
        List.of("this is not line protocol 100", "this is not line protocol 250", "this is not line protocol 400"),
        dead);
    TDengine.dropDatabase(td, "it_dlq");
    System.out.println("TDengine-backed: poisoned batch -> " + rows + " rows in TDengine, " + dead.size() + " records in the DLQ");
  }

  @Test
  void badRecordWithoutDeadLetterQueueFailsTheTaskNamingIt() throws Exception {
    TDengineTarget td = TDengine.require("SinkTextProtocolsIT no DLQ");
    TDengine.freshDatabase(td, "it_nodlq");
    TestCluster.createTopic("poison-nodlq", 1);
    ConnectRest rest = TestCluster.worker(WORKER).rest();
    rest.createConnector(ConnectRest.connectorBody("sink-nodlq", baseConfig(td, "poison-nodlq", "it_nodlq", "line")));
    TestCluster.produce("poison-nodlq", poisoned());
    String trace = rest.awaitTaskFailure("sink-nodlq", 60_000);
    assertTrue(trace.contains("record topic=poison-nodlq partition=0 offset=100"), trace);
    assertTrue(trace.contains("schemaless write"), trace);
    // Every record before the bad one landed. Records after it may have too:
    // TDengine applies the valid lines of a schemaless call it rejects, and a
    // replay after the fix rewrites the same rows.
    assertEquals(100, TDengine.count(td, "select count(*) from it_nodlq.poison where v < 100"), "records before the bad one landed");
    assertEquals(204, rest.delete("/connectors/sink-nodlq").status);
    TDengine.dropDatabase(td, "it_nodlq");
    System.out.println("TDengine-backed: bad record without DLQ failed the task: " + trace.split("\n")[0]);
  }

  /** A config file written for TDengine's own connector, with only connector.class changed. */
  @Test
  void officialConnectorConfigWorksUnchanged() throws Exception {
    TDengineTarget td = TDengine.require("SinkTextProtocolsIT drop-in");
    TDengineTarget ws = td.webSocketTarget().orElse(td);
    TDengine.freshDatabase(td, "kafka_dropin_meters");
    String hostPort = ws.url().substring(ws.url().indexOf("://") + 3);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("connector.class", "io.tdconnect.sink.TDengineSinkConnector");
    c.put("tasks.max", "1");
    c.put("topics", "dropin.meters");
    c.put("connection.url", "jdbc:TAOS-WS://" + hostPort);
    c.put("connection.user", td.user());
    c.put("connection.password", td.password());
    c.put("connection.database.prefix", "kafka_");
    c.put("connection.attempts", "3");
    c.put("connection.backoff.ms", "5000");
    c.put("batch.size", "100");
    c.put("max.retries", "3");
    c.put("retry.backoff.ms", "3000");
    c.put("db.schemaless", "line");
    c.put("data.precision", "ms");
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      values.add("meters,location=California.SanFrancisco,groupid=" + (i % 3) + " current=" + (10 + i % 5) + ".3,voltage=219i "
          + (1_700_000_000_000L + i));
    }
    long rows = run(td, "sink-dropin", c, "dropin.meters", values, "select count(*) from kafka_dropin_meters.meters", 1000);
    assertEquals(1000, rows);
    TDengine.dropDatabase(td, "kafka_dropin_meters");
    System.out.println("TDengine-backed: official-connector config -> " + rows + " rows in kafka_dropin_meters");
  }
}

package io.tdconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdconnect.harness.ConnectRest;
import io.tdconnect.harness.TDengineTarget;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * One partition holding many kinds of malformed records among valid lines,
 * all in one batch: with a dead letter queue every bad record lands there
 * exactly once with its reason and every valid record becomes a row; without
 * one the task fails naming the first bad record.
 */
class SinkMalformedIT {
  private static final TestCluster.Worker WORKER = TestCluster.Worker.LATEST_STANDALONE;
  private static final int VALID = 1000;

  /** The bad kinds, by name; null value = a tombstone (ignored by default, not a bad record). */
  static Map<String, byte[]> badKinds() {
    Map<String, byte[]> kinds = new java.util.LinkedHashMap<>();
    kinds.put("garbage", utf8("this is not line protocol"));
    kinds.put("empty string", utf8(""));
    kinds.put("no fields", utf8("mal,dev=d0 1700000005000"));
    kinds.put("unterminated string", utf8("mal,dev=d0 note=\"abc 1700000005001"));
    kinds.put("timestamp out of range", utf8("mal,dev=d0 seq=1i 99999999999999999999"));
    kinds.put("not UTF-8", new byte[] {'m', 'a', 'l', ' ', 's', 'e', 'q', '=', (byte) 0xC3, (byte) 0x28, 'i'});
    kinds.put("70 KB line", utf8("mal,dev=d0 note=\"" + "x".repeat(70_000) + "\" 1700000005002"));
    kinds.put("field type conflict", utf8("mal,dev=d0 seq=\"text\" 1700000005003"));
    kinds.put("tombstone", null);
    kinds.put("JSON in a line topic", utf8("{\"seq\": 1}"));
    kinds.put("whitespace only", utf8("  \r\n  "));
    kinds.put("no measurement", utf8(",dev=d0 seq=1i 1700000005004"));
    return kinds;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Valid lines with the bad kinds spread among them, in one partition; offsets of the bad ones by kind. */
  private static List<byte[]> corpus(Map<String, Long> offsetOfKind) {
    List<byte[]> values = new ArrayList<>();
    List<Map.Entry<String, byte[]>> bad = new ArrayList<>(badKinds().entrySet());
    int next = 0;
    for (int i = 0; i < VALID; i++) {
      if (i % 80 == 50 && next < bad.size()) {
        offsetOfKind.put(bad.get(next).getKey(), (long) values.size());
        values.add(bad.get(next).getValue());
        next++;
      }
      values.add(utf8("mal,dev=d" + (i % 5) + " seq=" + i + "i,load=" + (i % 10) + ".5 " + (1_700_000_000_000L + i)));
    }
    return values;
  }

  private static Map<String, Object> config(TDengineTarget td, String topic, String db) {
    Map<String, Object> c = TestCluster.sinkConfig(td, topic, db);
    c.put("db.schemaless", "line");
    c.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    c.put("batch.size", "5000");
    c.put("consumer.override.max.poll.records", "5000");
    return c;
  }

  @Test
  void everyBadRecordGoesToTheDeadLetterQueueOnceAndEveryValidOneLands() throws Exception {
    TDengineTarget td = TDengine.require("SinkMalformedIT DLQ");
    TDengine.freshDatabase(td, "it_mal");
    Map<String, Long> offsets = new HashMap<>();
    List<byte[]> values = corpus(offsets);
    TestCluster.createTopic("mal-dlq", 1);
    TestCluster.produceBytes("mal-dlq", values);
    Map<String, Object> c = config(td, "mal-dlq", "it_mal");
    c.put("errors.tolerance", "all");
    c.put("errors.deadletterqueue.topic.name", "mal-dlq-dead");
    c.put("errors.deadletterqueue.topic.replication.factor", "1");
    c.put("errors.deadletterqueue.context.headers.enable", "true");
    ConnectRest rest = TestCluster.worker(WORKER).rest();
    rest.createConnector(ConnectRest.connectorBody("sink-mal-dlq", c));
    rest.awaitRunning("sink-mal-dlq", 1, 60_000);
    long rows = TDengine.awaitCount(td, "select count(*) from it_mal.mal", VALID, 120_000);
    assertEquals(VALID, rows, "valid records as rows");

    int expectedDead = badKinds().size() - 1; // the tombstone is ignored as configured
    List<String> reasons = new ArrayList<>();
    List<byte[]> dead = new ArrayList<>();
    Properties p = new Properties();
    p.put("bootstrap.servers", TestCluster.broker().bootstrap());
    p.put("group.id", "mal-dlq-reader");
    p.put("auto.offset.reset", "earliest");
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    p.put("max.partition.fetch.bytes", "4194304");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of("mal-dlq-dead"));
      long deadline = System.currentTimeMillis() + 60_000;
      // Read on for a while past the expected count: a second copy would show.
      while (System.currentTimeMillis() < deadline && (dead.size() < expectedDead || System.currentTimeMillis() < deadline - 50_000)) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          dead.add(r.value());
          Header h = r.headers().lastHeader("__connect.errors.exception.message");
          assertTrue(h != null, "DLQ context headers");
          reasons.add(new String(h.value(), StandardCharsets.UTF_8));
        }
      }
    }
    assertEquals(expectedDead, dead.size(), "records in the DLQ: " + reasons);
    for (Map.Entry<String, byte[]> kind : badKinds().entrySet()) {
      if (kind.getValue() == null) {
        continue;
      }
      long copies = dead.stream().filter(d -> Arrays.equals(d, kind.getValue())).count();
      assertEquals(1, copies, kind.getKey() + " in the DLQ exactly once");
      long offset = offsets.get(kind.getKey());
      assertTrue(reasons.stream().anyMatch(r -> r.contains("offset=" + offset)),
          kind.getKey() + ": no reason names offset " + offset + " in " + reasons);
    }
    String status = rest.get("/connectors/sink-mal-dlq/status").body;
    assertTrue(!status.contains("FAILED"), status);
    assertEquals(204, rest.delete("/connectors/sink-mal-dlq").status);
    TDengine.dropDatabase(td, "it_mal");
    System.out.println("TDengine-backed: " + TDengineTarget.version() + " malformed corpus (" + badKinds().size()
        + " kinds among " + VALID + " valid lines, one batch): " + rows + " rows, " + dead.size()
        + " records in the DLQ once each with their reason, the tombstone ignored, task RUNNING");
  }

  @Test
  void withoutADeadLetterQueueTheTaskFailsNamingTheFirstBadRecord() throws Exception {
    TDengineTarget td = TDengine.require("SinkMalformedIT no DLQ");
    TDengine.freshDatabase(td, "it_mal_fail");
    Map<String, Long> offsets = new HashMap<>();
    List<byte[]> values = corpus(offsets);
    TestCluster.createTopic("mal-fail", 1);
    TestCluster.produceBytes("mal-fail", values);
    ConnectRest rest = TestCluster.worker(WORKER).rest();
    rest.createConnector(ConnectRest.connectorBody("sink-mal-fail", config(td, "mal-fail", "it_mal_fail")));
    String trace = rest.awaitTaskFailure("sink-mal-fail", 60_000);
    long first = offsets.get("garbage");
    assertTrue(trace.contains("record topic=mal-fail partition=0 offset=" + first), trace);
    long before = first; // valid records before the first bad one
    assertEquals(before, TDengine.count(td, "select count(*) from it_mal_fail.mal where seq < " + before),
        "records before the bad one landed");
    long total = TDengine.count(td, "select count(*) from it_mal_fail.mal");
    assertEquals(204, rest.delete("/connectors/sink-mal-fail").status);
    TDengine.dropDatabase(td, "it_mal_fail");
    System.out.println("TDengine-backed: " + TDengineTarget.version() + " malformed corpus without DLQ: task failed naming"
        + " offset " + first + ", the " + before + " records before it written (" + total + " rows in all)");
  }
}

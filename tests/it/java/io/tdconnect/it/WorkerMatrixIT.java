package io.tdconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdconnect.harness.ConnectRest;
import io.tdconnect.harness.ConnectWorker;
import io.tdconnect.harness.TDengineTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each row of the compatibility matrix, one worker at a time on the suite's
 * broker: the worker runs on the row's Java runtime (proven from its process
 * and its own log), lists both connectors, sinks line protocol with a bad
 * record sent through the errant record reporter to a dead letter queue, and
 * sources query-mode rows (in transactions on exactly-once rows); its log
 * shows the native library loaded and no linkage error.
 */
class WorkerMatrixIT {
  private static final int SINK_ROWS = 300;
  private static final int BAD_AT = 150;
  private static final String BAD_LINE = "this is not line protocol";
  private static final int TABLES = 4;
  private static final int INSTANTS = 50;
  private static final long T0 = 1_700_000_000_000L;
  private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
  private static final Pattern JVM_SPEC = Pattern.compile("jvm\\.spec = (.*)");
  private static final List<String> LINKAGE_TROUBLE = List.of(
      "already loaded in another classloader", "NoSuchMethodError", "NoClassDefFoundError", "UnsatisfiedLinkError");

  @ParameterizedTest
  @EnumSource(MatrixRow.class)
  void pluginSinkAndSourceRunOnTheRow(MatrixRow row) throws Exception {
    TDengineTarget td = TDengine.require("WorkerMatrixIT " + row);
    String bootstrap = TestCluster.broker().bootstrap();
    Path plugins = TestCluster.pluginPath();
    long t0 = System.nanoTime();
    ConnectWorker worker =
        new ConnectWorker("it-matrix-" + row.id(), row.mode, TestCluster.WORK.resolve("workers").resolve("matrix-"
            + row.id()), TestCluster.libs(row.kafkaVersion), plugins, bootstrap, MatrixRow.PORT, row.discovery)
            .withJavaHome(row.javaHome());
    if (row.exactlyOnce()) {
      worker.withProperties(List.of("exactly.once.source.support=enabled"));
    }
    worker.start();
    try {
      long started = System.nanoTime();
      String java = provenJava(row, worker);
      listsBothConnectors(row, worker.rest());
      sink(row, worker, td);
      long sunk = System.nanoTime();
      source(row, worker, td);
      long sourced = System.nanoTime();
      String log = Files.readString(worker.process().log());
      assertTrue(log.contains("native library loaded for linux-x86_64"), row + ": native library load line");
      for (String trouble : LINKAGE_TROUBLE) {
        assertFalse(log.contains(trouble), row + ": worker log has " + trouble + ":\n" + around(log, trouble));
      }
      System.out.printf("TDengine-backed: %s: worker on %s; plugin listed, %d lines -> %d rows + 1 in the DLQ,"
              + " %d rows -> %d records%s; start %.1f s, sink %.1f s, source %.1f s, row %.1f s%n",
          row, java, SINK_ROWS + 1, SINK_ROWS, TABLES * INSTANTS, TABLES * INSTANTS,
          row.exactlyOnce() ? " in transactions" : "", secs(started - t0), secs(sunk - started),
          secs(sourced - sunk), secs(System.nanoTime() - t0));
    } finally {
      worker.stop();
    }
  }

  /** The worker process runs the row's java binary, and the worker itself reports that runtime and Kafka version. */
  private static String provenJava(MatrixRow row, ConnectWorker worker) throws Exception {
    Path binary = row.javaHome().resolve("bin").resolve("java").toRealPath();
    String command = ProcessHandle.of(worker.process().pid()).flatMap(h -> h.info().command()).orElse("?");
    assertEquals(binary.toString(), command, row + ": the worker's executable");
    Matcher spec = JVM_SPEC.matcher(Files.readString(worker.process().log()));
    assertTrue(spec.find(), row + ": no jvm.spec line (Connect's WorkerInfo) in the worker log");
    assertTrue(spec.group(1).contains(", " + row.javaVersion() + ", "), row + ": jvm.spec = " + spec.group(1));
    Map<String, Object> info = worker.rest().get("/").object();
    assertEquals(row.kafkaVersion, info.get("version"), row + ": GET / of the worker: " + info);
    return spec.group(1);
  }

  @SuppressWarnings("unchecked")
  private static void listsBothConnectors(MatrixRow row, ConnectRest rest) throws Exception {
    List<String> found = new ArrayList<>();
    for (Object o : rest.get("/connector-plugins").array()) {
      Map<String, Object> plugin = (Map<String, Object>) o;
      if (String.valueOf(plugin.get("class")).startsWith("io.tdconnect.")) {
        assertEquals(TestCluster.VERSION, plugin.get("version"), row + ": " + plugin);
        found.add(plugin.get("class") + "/" + plugin.get("type"));
      }
    }
    assertEquals(new TreeSet<>(List.of("io.tdconnect.sink.TDengineSinkConnector/sink",
        "io.tdconnect.source.TDengineSourceConnector/source")), new TreeSet<>(found), row + " lists");
    if (row == MatrixRow.KAFKA_3_1_JAVA_11) {
      // What makes this row the exactly-once probe's test: the enum the shim names is not there.
      Path api = TestCluster.libs(row.kafkaVersion).resolve("connect-api-" + row.kafkaVersion + ".jar");
      try (ZipFile jar = new ZipFile(api.toFile())) {
        assertEquals(null, jar.getEntry("org/apache/kafka/connect/source/ExactlyOnceSupport.class"), api.toString());
      }
    }
  }

  /** Line protocol with one bad record among the valid ones: exact rows in TDengine, the bad one in the DLQ. */
  private static void sink(MatrixRow row, ConnectWorker worker, TDengineTarget td) throws Exception {
    String topic = "mx-" + row.id() + "-lines";
    String dlq = topic + "-dead";
    String db = "it_mx_" + row.key() + "_sink";
    TDengine.freshDatabase(td, db);
    TestCluster.createTopic(topic, 1);
    List<String> values = new ArrayList<>(SinkLineProtocolIT.lines("cpu", 0, SINK_ROWS));
    values.add(BAD_AT, BAD_LINE);
    TestCluster.produce(topic, values);
    Map<String, Object> c = TestCluster.sinkConfig(td, topic, db);
    c.put("db.schemaless", "line");
    c.put("data.precision", "ms");
    c.put("errors.tolerance", "all");
    c.put("errors.deadletterqueue.topic.name", dlq);
    c.put("errors.deadletterqueue.topic.replication.factor", "1");
    ConnectRest rest = worker.rest();
    String name = "sink-" + row.id();
    rest.createConnector(ConnectRest.connectorBody(name, c));
    rest.awaitRunning(name, 1, 60_000);
    String cpu = "select count(*) from " + db + ".cpu";
    assertEquals(SINK_ROWS, TDengine.awaitCount(td, cpu, SINK_ROWS, 60_000), row + ": rows in " + db + ".cpu");
    assertEquals(List.of(BAD_LINE), TestCluster.consume(dlq, 1, 60_000), row + ": the dead letter queue");
    Thread.sleep(1000);
    assertEquals(SINK_ROWS, TDengine.count(td, cpu), row + ": rows in " + db + ".cpu, a second later");
    assertEquals(List.of(BAD_LINE), TestCluster.consume(dlq, 2, 2_000), row + ": the DLQ holds the bad record once");
    // Our task sent it (the errant record reporter), not the worker's converter stage.
    String log = Files.readString(worker.process().log());
    assertTrue(log.contains("Sending record topic=" + topic + " partition=0 offset=" + BAD_AT + ": "),
        row + ": no reporter line for offset " + BAD_AT);
    String status = rest.get("/connectors/" + name + "/status").body;
    assertFalse(status.contains("FAILED"), status);
    assertEquals(204, rest.delete("/connectors/" + name).status);
    TDengine.dropDatabase(td, db);
  }

  /** Query-mode rows of a super table: each once in Kafka; in committed transactions on exactly-once rows. */
  private static void source(MatrixRow row, ConnectWorker worker, TDengineTarget td) throws Exception {
    ConnectRest rest = worker.rest();
    String db = "it_mx_" + row.key() + "_src";
    TDengine.freshDatabase(td, db);
    TDengine.exec(td, "CREATE STABLE " + db + ".meters (ts TIMESTAMP, seq BIGINT) TAGS (gid INT)");
    StringBuilder insert = new StringBuilder("INSERT INTO");
    for (int t = 0; t < TABLES; t++) {
      insert.append(' ').append(db).append(".d").append(t).append(" USING ").append(db).append(".meters TAGS (")
          .append(t).append(") VALUES");
      for (int i = 0; i < INSTANTS; i++) {
        insert.append(" (").append(T0 + i).append(", ").append(i * TABLES + t).append(')');
      }
    }
    TDengine.exec(td, insert.toString());
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("connector.class", "io.tdconnect.source.TDengineSourceConnector");
    c.put("tasks.max", "1");
    c.putAll(td.connectorKeys());
    c.put("connection.database", db);
    c.put("topic.prefix", "mx-" + row.id());
    c.put("out.format", "json");
    c.put("read.method", "query");
    c.put("poll.interval.ms", "200");
    c.put("timestamp.initial", "2023-11-14 22:13:20"); // = T0, as UTC
    if (row.exactlyOnce()) {
      c.put("exactly.once.support", "required"); // refused unless the connector declares support
    }
    String name = "source-" + row.id();
    rest.createConnector(ConnectRest.connectorBody(name, c));
    rest.awaitRunning(name, 1, 60_000);
    String topic = "mx-" + row.id() + "-" + db + "-meters";
    int rows = TABLES * INSTANTS;
    boolean committedOnly = row.exactlyOnce();
    List<String> records = TestCluster.consume(topic, rows, 60_000, committedOnly);
    Thread.sleep(1000);
    records = TestCluster.consume(topic, rows + 1, 3_000, committedOnly); // anything beyond would be a duplicate
    TreeSet<Long> expected = new TreeSet<>();
    for (long s = 0; s < rows; s++) {
      expected.add(s);
    }
    assertEquals(expected, seqs(records), row + ": every row, first record " + (records.isEmpty() ? "-" : records.get(0)));
    assertEquals(rows, records.size(), row + ": and each once");
    if (row.exactlyOnce()) {
      // Commit markers take offsets too: more offsets than records means the records came in transactions,
      // written by the task's own transactional producer (KIP-618).
      long end = endOffset(topic);
      assertTrue(end > rows, row + ": end offset " + end + " for " + rows + " records: no transaction markers");
      String producer = "transactional.id = it-matrix-" + row.id() + "-" + name + "-0";
      assertTrue(Files.readString(worker.process().log()).contains(producer), row + ": no " + producer);
    }
    assertEquals(204, rest.delete("/connectors/" + name).status);
    TDengine.dropDatabase(td, db);
  }

  private static TreeSet<Long> seqs(List<String> values) {
    TreeSet<Long> out = new TreeSet<>();
    for (String v : values) {
      Matcher m = SEQ.matcher(v);
      if (m.find()) {
        out.add(Long.parseLong(m.group(1)));
      }
    }
    return out;
  }

  private static long endOffset(String topic) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", TestCluster.broker().bootstrap());
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    TopicPartition tp = new TopicPartition(topic, 0);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      return consumer.endOffsets(List.of(tp)).get(tp);
    }
  }

  private static String around(String log, String needle) {
    int at = log.indexOf(needle);
    return log.substring(Math.max(0, at - 1500), Math.min(log.length(), at + 500));
  }

  private static double secs(long nanos) {
    return nanos / 1e9;
  }
}

package io.tdconnect.it;

import io.tdconnect.harness.ConnectWorker;
import io.tdconnect.harness.HubArchive;
import io.tdconnect.harness.KafkaBroker;
import io.tdconnect.harness.ManagedProcess;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One broker for the whole integration-test JVM, and Connect workers started
 * on first use, all with the Hub archive installed in their plugin.path as
 * confluent-hub lays it out. Everything stops when the JVM exits.
 */
final class TestCluster {
  static final String VERSION = System.getProperty("tdconnect.version");
  static final String LATEST = System.getProperty("kafka.latest.version");
  static final String LEGACY = System.getProperty("kafka.legacy.version");
  /** The oldest worker of the compatibility matrix (WorkerMatrixIT only). */
  static final String OLDEST = System.getProperty("kafka.oldest.version");
  static final Path WORK = Path.of(System.getProperty("tdconnect.work.dir"));
  static final Path DIST = Path.of(System.getProperty("kafka.dist.dir"));

  /** Workers by id: Kafka version, mode, plugin.discovery and REST port. */
  enum Worker {
    LATEST_STANDALONE(LATEST, ConnectWorker.Mode.STANDALONE, "service_load", 18083),
    LATEST_DISTRIBUTED(LATEST, ConnectWorker.Mode.DISTRIBUTED, "only_scan", 18084),
    LEGACY_STANDALONE(LEGACY, ConnectWorker.Mode.STANDALONE, "hybrid_fail", 18085),
    CRASH_DISTRIBUTED(LATEST, ConnectWorker.Mode.DISTRIBUTED, "service_load", 18086),
    /** Exactly-once source support (KIP-618) enabled. */
    EOS_DISTRIBUTED(LATEST, ConnectWorker.Mode.DISTRIBUTED, "service_load", 18087),
    /** Connect's default offset commit interval (60 s): nothing but the task flushes sooner. */
    QUIET_STANDALONE(LATEST, ConnectWorker.Mode.STANDALONE, "service_load", 18088),
    /** With the Prometheus JMX exporter agent and the shipped rules, serving on {@link TestCluster#EXPORTER_PORT}. */
    METRICS_STANDALONE(LATEST, ConnectWorker.Mode.STANDALONE, "service_load", 18089);

    final String kafkaVersion;
    final ConnectWorker.Mode mode;
    final String discovery;
    final int port;

    Worker(String kafkaVersion, ConnectWorker.Mode mode, String discovery, int port) {
      this.kafkaVersion = kafkaVersion;
      this.mode = mode;
      this.discovery = discovery;
      this.port = port;
    }

    String id() {
      return name().toLowerCase().replace('_', '-');
    }
  }

  /** Where METRICS_STANDALONE's JMX exporter agent serves /metrics. */
  static final int EXPORTER_PORT = 18090;

  private static KafkaBroker broker;
  private static Path pluginPath;
  private static final Map<Worker, ConnectWorker> workers = new LinkedHashMap<>();

  static {
    try {
      ManagedProcess.killLeftovers(WORK);
      HubArchive.deleteRecursively(WORK); // a fresh work tree per test JVM
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(TestCluster::stopAll));
  }

  private TestCluster() {}

  static synchronized KafkaBroker broker() throws Exception {
    if (broker == null) {
      KafkaBroker b = new KafkaBroker(WORK.resolve("broker"), 19092, 19093);
      b.start(libs(LATEST));
      broker = b;
    }
    return broker;
  }

  static synchronized ConnectWorker worker(Worker w) throws Exception {
    ConnectWorker worker = workers.get(w);
    if (worker == null) {
      worker =
          new ConnectWorker(
              "it-" + w.id(),
              w.mode,
              WORK.resolve("workers").resolve(w.id()),
              libs(w.kafkaVersion),
              pluginPath(),
              broker().bootstrap(),
              w.port,
              w.discovery);
      if (w == Worker.EOS_DISTRIBUTED) {
        worker.withProperties(List.of("exactly.once.source.support=enabled"));
      }
      if (w == Worker.QUIET_STANDALONE) {
        worker.withProperties(List.of("offset.flush.interval.ms=60000"));
      }
      if (w == Worker.METRICS_STANDALONE) {
        worker.withJvm(withExporterAgent());
      }
      worker.start();
      workers.put(w, worker);
    }
    return worker;
  }

  /** The test JVM options plus the JMX exporter agent with the rules file the Hub archive ships. */
  private static List<String> withExporterAgent() throws Exception {
    ManagedProcess.requireFreePort(EXPORTER_PORT);
    Path rules = installedComponent().resolve("etc").resolve(io.tdconnect.harness.MonitoringFiles.RULES);
    List<String> jvm = new java.util.ArrayList<>(ManagedProcess.TEST_JVM);
    jvm.add("-javaagent:" + System.getProperty("jmx.exporter.agent") + "=127.0.0.1:" + EXPORTER_PORT + ":" + rules);
    return jvm;
  }

  /** The component directory the Hub archive was installed to. */
  static Path installedComponent() throws Exception {
    return pluginPath().resolve("tdconnect-kafka-connect-tdengine");
  }

  static synchronized Path pluginPath() throws Exception {
    if (pluginPath == null) {
      Path dir = WORK.resolve("plugins");
      HubArchive.install(
          Path.of(System.getProperty("tdconnect.hub.zip")), dir, "tdconnect-kafka-connect-tdengine", VERSION);
      pluginPath = dir;
    }
    return pluginPath;
  }

  static Path libs(String kafkaVersion) {
    return DIST.resolve(kafkaVersion).resolve("libs");
  }

  static void createTopic(String topic, int partitions) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", broker().bootstrap());
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  /** Produces the values (keys null) and waits until Kafka acknowledged all. */
  static void produce(String topic, List<String> values) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", broker().bootstrap());
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    p.put("acks", "all");
    p.put("linger.ms", "5");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (String v : values) {
        producer.send(new ProducerRecord<>(topic, v));
      }
      producer.flush();
    }
  }

  /** Produces raw values (null: a tombstone) to partition 0 and waits until Kafka acknowledged all. */
  static void produceBytes(String topic, List<byte[]> values) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", broker().bootstrap());
    p.put("key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
    p.put("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
    p.put("acks", "all");
    p.put("max.request.size", "4194304");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (byte[] v : values) {
        producer.send(new ProducerRecord<>(topic, 0, null, v));
      }
      producer.flush();
    }
  }

  /** A one-task sink config for the topic and database on the given server. */
  static java.util.Map<String, Object> sinkConfig(
      io.tdconnect.harness.TDengineTarget td, String topic, String database) {
    java.util.Map<String, Object> c = new java.util.LinkedHashMap<>();
    c.put("connector.class", "io.tdconnect.sink.TDengineSinkConnector");
    c.put("tasks.max", "1");
    c.put("topics", topic);
    c.putAll(td.connectorKeys());
    c.put("connection.database", database);
    return c;
  }

  /** Reads up to {@code n} values of a topic from the beginning, waiting at most {@code timeoutMs}. */
  static List<String> consume(String topic, int n, long timeoutMs) throws Exception {
    return consume(topic, n, timeoutMs, false);
  }

  /** Like {@link #consume(String, int, long)}; committedOnly reads only committed transactions. */
  static List<String> consume(String topic, int n, long timeoutMs, boolean committedOnly) throws Exception {
    return consumeUntil(topic, timeoutMs, committedOnly, values -> values.size() >= n);
  }

  /** Reads a topic from the beginning until {@code done} says so for the values read, or the time is up. */
  static List<String> consumeUntil(String topic, long timeoutMs, boolean committedOnly,
      java.util.function.Predicate<List<String>> done) throws Exception {
    Properties p = new Properties();
    if (committedOnly) {
      p.put("isolation.level", "read_committed");
    }
    p.put("bootstrap.servers", broker().bootstrap());
    p.put("group.id", "reader-" + topic + "-" + System.nanoTime());
    p.put("auto.offset.reset", "earliest");
    p.put("key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
    p.put("value.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
    List<String> values = new java.util.ArrayList<>();
    try (org.apache.kafka.clients.consumer.KafkaConsumer<String, String> consumer =
        new org.apache.kafka.clients.consumer.KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + timeoutMs;
      while (!done.test(values) && System.currentTimeMillis() < deadline) {
        for (org.apache.kafka.clients.consumer.ConsumerRecord<String, String> r :
            consumer.poll(java.time.Duration.ofMillis(500))) {
          values.add(r.value());
        }
      }
    }
    return values;
  }

  /** Workers first (all SIGTERMed at once, then awaited), the broker last. */
  private static synchronized void stopAll() {
    try {
      for (ConnectWorker w : workers.values()) {
        w.process().requestStop();
      }
      for (ConnectWorker w : workers.values()) {
        w.process().stop(10_000);
      }
      if (broker != null) {
        broker.process().stop(10_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

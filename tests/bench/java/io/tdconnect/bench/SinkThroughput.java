package io.tdconnect.bench;

import io.tdconnect.harness.ConnectRest;
import io.tdconnect.harness.ConnectWorker;
import io.tdconnect.harness.KafkaBroker;
import io.tdconnect.harness.TDengineTarget;
import io.tdconnect.jni.TestHooks;
import io.tdconnect.sink.TDengineSinkConfig;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sink benchmark (a measurement, not a test; run by tests/bench/sink-throughput).
 * For each input mode: pre-fills a topic, starts the sink on a real Connect
 * worker with the Hub archive installed, and times until every row is in
 * TDengine. In the same run, raw_ceiling writes the same rows with the same
 * write path and config straight into TDengine. Prints rows/s and the ratio.
 */
public final class SinkThroughput {
  private static final Pattern RAW = Pattern.compile("rows_per_sec=(\\d+)");

  public static void main(String[] args) throws Exception {
    long records = Long.getLong("bench.records", 5_000_000L);
    int subtables = Integer.getInteger("bench.subtables", 1000);
    int tasks = Integer.getInteger("bench.tasks", 1);
    String[] modes = System.getProperty("bench.modes", "meters,meters-native").split(",");
    TDengineTarget ws = TDengineTarget.find().orElse(null);
    if (ws == null) {
      System.out.println("sink benchmark not run: " + TDengineTarget.whyMissing());
      System.exit(2);
    }
    StringBuilder summary = new StringBuilder();
    Map<String, double[]> ceilings = new HashMap<>();
    try (BenchStack stack = BenchStack.start()) {
      for (String name : modes) {
        BenchMode mode = BenchMode.parse(name, tasks);
        TDengineTarget td = mode.taos ? ws.nativeTarget().orElse(null) : ws.webSocketTarget().orElse(null);
        if (td == null) {
          summary.append("sink-bench mode=").append(mode.name).append(" not run: ")
              .append(mode.taos ? TDengineTarget.whyNoNative() : "TDENGINE_WS_URL is not set").append("\n");
          continue;
        }
        summary.append(run(mode, records, subtables, td, stack.broker, stack.worker, ceilings)).append('\n');
      }
    }
    System.out.print("\n" + summary);
  }

  private static String run(
      BenchMode mode, long records, int subtables, TDengineTarget td, KafkaBroker broker, ConnectWorker worker,
      Map<String, double[]> ceilings) throws Exception {
    String topic = "bench-" + mode.name;
    String db = "bench_" + mode.slug();
    String rawDb = "bench_raw_" + mode.slug();
    Map<String, Object> config = connectorConfig(mode, topic, db, td);

    // Raw ceiling: same rows, same native write path and config, no Kafka/Connect/JNI.
    // Both runs find their database created (DDL is not what is measured). TDengine's
    // rate drifts during a run on a shared box, so the ceiling is measured before and
    // after the connector runs and the ratios use the mean; runs differing only in
    // tasks share their write path's ceiling (one writer).
    Map<String, Object> rawConfig = new HashMap<>(config);
    rawConfig.put("connection.database", rawDb);
    String rawJson = new TDengineSinkConfig(rawConfig).nativeJson();
    double[] known = ceilings.get(mode.ceilingKey());
    double rawBefore = known != null ? known[0] : rawCeiling(td, mode, records, subtables, rawJson, rawDb);

    long produceStart = System.nanoTime();
    produce(broker, topic, mode, records, subtables);
    double produceSeconds = (System.nanoTime() - produceStart) / 1e9;
    System.out.printf("%s: %d records in topic %s (%.1f s to produce)%n", mode.name, records, topic, produceSeconds);

    // Connect's consumer defaults hand put() 500 records at a time; the second run uses
    // the consumer settings the README recommends.
    double[] plain = timeConnector(worker, td, "bench-" + mode.name, config, db, mode, records, subtables);
    Map<String, Object> tuned = new LinkedHashMap<>(config);
    tuned.putAll(TUNED_CONSUMER);
    double[] better = timeConnector(worker, td, "bench-" + mode.name + "-tuned", tuned, db, mode, records, subtables);
    double rawAfter = known != null ? known[1] : rawCeiling(td, mode, records, subtables, rawJson, rawDb);
    ceilings.put(mode.ceilingKey(), new double[] {rawBefore, rawAfter});
    exec(td, "DROP DATABASE IF EXISTS " + rawDb);
    double raw = (rawBefore + rawAfter) / 2;
    return String.format(
        "sink-bench mode=%s url=%s records=%d subtables=%d tasks=%d raw_ceiling_rows_per_sec=%.0f (before %.0f, after %.0f)%n"
            + "  default consumer: connector_rows_per_sec=%.0f (%.2f s, first rows after %.2f s) ratio=%.2f%n"
            + "  %s: connector_rows_per_sec=%.0f (%.2f s, first rows after %.2f s) ratio=%.2f",
        mode.name, td.url(), records, subtables, mode.tasks, raw, rawBefore, rawAfter, records / plain[0], plain[0],
        plain[1], records / plain[0] / raw, TUNED_CONSUMER, records / better[0], better[0], better[1],
        records / better[0] / raw);
  }

  static final Map<String, Object> TUNED_CONSUMER = new LinkedHashMap<>();

  static {
    TUNED_CONSUMER.put("consumer.override.max.poll.records", "10000");
    TUNED_CONSUMER.put("consumer.override.fetch.min.bytes", "262144");
    TUNED_CONSUMER.put("consumer.override.max.partition.fetch.bytes", "4194304");
  }

  /** {seconds until every row is in TDengine, seconds until the first rows}; the database starts empty. */
  private static double[] timeConnector(
      ConnectWorker worker, TDengineTarget td, String name, Map<String, Object> config, String db, BenchMode mode,
      long records, int subtables) throws Exception {
    freshDatabase(td, db);
    ConnectRest rest = worker.rest();
    CpuMeter cpu = CpuMeter.start(worker.process().pid());
    long start = System.nanoTime();
    rest.createConnector(ConnectRest.connectorBody(name, config));
    // Progress is polled on one connection (a login per check would load TDengine):
    // the first rows; then the rows of the last records, a cheap probe (one subtable,
    // or only the newest timestamp: counting every row while it is being written costs
    // taosd a core); then the full count, which also catches rows of other partitions
    // still on their way.
    String json = td.connectionJson();
    String count = "select count(*) from " + db + "." + mode.stable();
    long timeoutMs = 30 * 60_000L;
    TestHooks.awaitLong(json, count, 1, POLL_MS, timeoutMs);
    long firstRowAt = System.nanoTime();
    long last = records - 1;
    if (mode.stable().equals("readings")) {
      TestHooks.awaitLong(json, "select last(seq) from " + db + ".readings where device = '"
          + BenchRecords.device(last, subtables) + "'", last, POLL_MS, timeoutMs);
    } else {
      long lastTs = BenchRecords.at(last, subtables);
      long atLastTs = records - (last / subtables) * subtables;
      TestHooks.awaitLong(json, "select count(*) from " + db + "." + mode.stable() + " where _ts >= " + lastTs,
          atLastTs, POLL_MS, timeoutMs);
    }
    long rows = TestHooks.awaitLong(json, count, records, POLL_MS, timeoutMs);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("%s: %.2f s, %s%n", name, seconds, cpu.stop("worker"));
    rest.delete("/connectors/" + name);
    exec(td, "DROP DATABASE IF EXISTS " + db);
    if (rows < records) {
      throw new IllegalStateException(name + ": only " + rows + " of " + records + " rows arrived");
    }
    return new double[] {seconds, (firstRowAt - start) / 1e9};
  }

  private static Map<String, Object> connectorConfig(
      BenchMode mode, String topic, String db, TDengineTarget td) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("connector.class", "io.tdconnect.sink.TDengineSinkConnector");
    c.put("tasks.max", String.valueOf(mode.tasks));
    c.put("topics", topic);
    c.putAll(td.connectorKeys());
    c.put("connection.database", db);
    c.put("batch.size", System.getProperty("bench.batch.size", "10000"));
    c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    if (mode.lineProtocol()) {
      // Text protocols take UTF-8 bytes as they are: no decoding to String and back.
      c.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
      c.put("db.schemaless", "line");
      c.put("write.path", mode.nativePath ? "native" : "schemaless");
    } else {
      if (mode.shape.equals("json")) {
        // The same JSON text, its UTF-8 bytes parsed natively instead of by JsonConverter into Maps.
        c.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        c.put("text.values", "json");
      } else {
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter.schemas.enable", "false");
      }
      c.put("stable.name.format", "readings");
      c.put("subtable.name.format", "${field.device}");
      c.put("tag.fields", "device");
      c.put("timestamp.field", "at");
      c.put("timestamp.unit", "ms");
    }
    return c;
  }

  private static double rawCeiling(
      TDengineTarget td, BenchMode mode, long records, int subtables, String nativeJson, String rawDb)
      throws Exception {
    freshDatabase(td, rawDb);
    CpuMeter cpu = CpuMeter.start(0);
    Process p = new ProcessBuilder(
            System.getProperty("raw.ceiling.bin"), mode.rawShape(), String.valueOf(records),
            String.valueOf(subtables))
        .redirectErrorStream(true)
        .start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(nativeJson.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("raw_ceiling failed: " + out);
    }
    System.out.print(mode.name + ": " + out.trim() + ", " + cpu.stop("-").replace("cpu: - 0.0 s, ", "server cpu: ") + "\n");
    Matcher m = RAW.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("raw_ceiling printed no rate: " + out);
    }
    return Double.parseDouble(m.group(1));
  }

  private static void produce(
      KafkaBroker broker, String topic, BenchMode mode, long records, int subtables) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", broker.bootstrap());
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(List.of(new NewTopic(topic, mode.tasks, (short) 1))).all().get();
    }
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    p.put("linger.ms", "20");
    p.put("batch.size", "262144");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (long i = 0; i < records; i++) {
        String value = mode.record(i, subtables);
        // Keyed by device: one subtable's rows stay in order in one partition.
        producer.send(new ProducerRecord<>(topic, BenchRecords.device(i, subtables), value));
      }
      producer.flush();
    }
  }

  /**
   * An empty database, after TDengine has had a moment to finish the previous
   * phase's background work (flushing, deleting a dropped database), which
   * otherwise lands in whichever phase comes next.
   */
  private static void freshDatabase(TDengineTarget td, String db) throws InterruptedException {
    exec(td, "DROP DATABASE IF EXISTS " + db);
    exec(td, "CREATE DATABASE " + db + " PRECISION 'ms'");
    Thread.sleep(SETTLE_MS);
  }

  private static final long SETTLE_MS = 5_000;
  private static final long POLL_MS = 100;

  private static void exec(TDengineTarget td, String sql) {
    TestHooks.exec(td.connectionJson(), sql);
  }
}

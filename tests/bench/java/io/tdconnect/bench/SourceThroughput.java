package io.tdconnect.bench;

import io.tdconnect.harness.ConnectRest;
import io.tdconnect.harness.KafkaBroker;
import io.tdconnect.harness.TDengineTarget;
import io.tdconnect.jni.TestHooks;
import io.tdconnect.source.TDengineSourceConfig;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Source benchmark (a measurement, not a test; run by tests/bench/source-throughput).
 * Fills a super table in TDengine, then in the same run: the raw ceiling
 * (tmq_ceiling: the connector's TMQ reader draining it without Kafka) and the
 * source connector on a real Connect worker, timed until every row is in
 * Kafka. Prints rows/s for both and the ratio.
 */
public final class SourceThroughput {
  private static final Pattern RATE = Pattern.compile("rows_per_sec=(\\d+)");
  private static final String DB = "bench_src";

  public static void main(String[] args) throws Exception {
    long rows = Long.getLong("bench.records", 2_000_000L);
    int subtables = Integer.getInteger("bench.subtables", 1000);
    TDengineTarget td = TDengineTarget.find().orElse(null);
    if (td == null) {
      System.out.println("source benchmark not run: " + TDengineTarget.whyMissing());
      System.exit(2);
    }
    dropTopic(td);
    exec(td, "DROP DATABASE IF EXISTS " + DB);
    exec(td, "CREATE DATABASE " + DB + " PRECISION 'ms'");
    exec(td, "CREATE STABLE " + DB + ".readings (ts TIMESTAMP, load DOUBLE, seq BIGINT) TAGS (device VARCHAR(16))");
    long fillStart = System.nanoTime();
    fill(td, rows, subtables);
    System.out.printf("source: %d rows in %d subtables written to TDengine in %.1f s%n", rows, subtables,
        (System.nanoTime() - fillStart) / 1e9);

    Map<String, Object> config = new LinkedHashMap<>();
    config.put("connector.class", "io.tdconnect.source.TDengineSourceConnector");
    config.put("tasks.max", "1");
    config.putAll(td.connectorKeys());
    config.put("connection.database", DB);
    config.put("topic.prefix", "benchsrc");
    config.put("out.format", "json");
    config.put("subscription.from", "earliest");
    // TDengine's rate drifts during a run on a shared box: the ceiling is measured before
    // and after the connector runs (each in its own consumer group) and the ratios use the mean.
    Thread.sleep(5_000); // let TDengine finish the fill's background work
    double rawBefore = ceiling(rows,
        new TDengineSourceConfig(config).nativeJson("bench-raw", Collections.singletonList("readings")));

    // Connect's producer defaults (batch.size 16 KB, one request in flight) bound a single
    // partition's rate; the second run uses the producer settings the README recommends.
    Map<String, Object> tuned = new LinkedHashMap<>(config);
    tuned.put("topic.prefix", "benchsrctuned");
    tuned.put("subscription.group.id", "bench-source-tuned");
    tuned.putAll(TUNED_PRODUCER);
    double plain;
    double better;
    try (BenchStack stack = BenchStack.start()) {
      Thread.sleep(5_000); // let TDengine finish the fill's background work
      plain = timeConnector(stack, "bench-source", config, rows);
      Thread.sleep(5_000);
      better = timeConnector(stack, "bench-source-tuned", tuned, rows);
    }
    double rawAfter = ceiling(rows,
        new TDengineSourceConfig(config).nativeJson("bench-raw-after", Collections.singletonList("readings")));
    double raw = (rawBefore + rawAfter) / 2;
    dropTopic(td);
    exec(td, "DROP DATABASE IF EXISTS " + DB);
    System.out.printf("%nsource-bench records=%d subtables=%d tasks=1 out.format=json"
        + " raw_tmq_ceiling_rows_per_sec=%.0f (before %.0f, after %.0f)%n"
        + "  default producer: connector_rows_per_sec=%.0f (%.2f s) ratio=%.2f%n"
        + "  %s: connector_rows_per_sec=%.0f (%.2f s) ratio=%.2f%n",
        rows, subtables, raw, rawBefore, rawAfter, rows / plain, plain, rows / plain / raw, TUNED_PRODUCER, rows / better,
        better, rows / better / raw);
  }

  static final Map<String, Object> TUNED_PRODUCER = new LinkedHashMap<>();

  static {
    TUNED_PRODUCER.put("producer.override.batch.size", "1048576");
    TUNED_PRODUCER.put("producer.override.linger.ms", "20");
    TUNED_PRODUCER.put("producer.override.compression.type", "lz4");
  }

  /** Seconds from creating the connector until all rows are in its topic. */
  private static double timeConnector(BenchStack stack, String name, Map<String, Object> config, long rows)
      throws Exception {
    String topic = config.get("topic.prefix") + "-" + DB + "-readings";
    long start = System.nanoTime();
    stack.worker.rest().createConnector(ConnectRest.connectorBody(name, config));
    long inKafka = 0;
    long deadline = System.currentTimeMillis() + 30 * 60_000L;
    while (inKafka < rows && System.currentTimeMillis() < deadline) {
      Thread.sleep(250);
      inKafka = endOffset(stack.broker, topic);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (inKafka < rows) {
      throw new IllegalStateException("only " + inKafka + " of " + rows + " rows reached " + topic);
    }
    stack.worker.rest().delete("/connectors/" + name);
    return seconds;
  }

  /** Multi-table INSERTs of 10,000 rows; subtable i % S gets ascending timestamps. */
  private static void fill(TDengineTarget td, long rows, int subtables) {
    int perTable = 100;
    for (long base = 0; base < rows; base += (long) perTable * subtables) {
      for (int first = 0; first < subtables; first += 100) {
        StringBuilder sql = new StringBuilder("INSERT INTO");
        for (int t = first; t < Math.min(first + 100, subtables); t++) {
          sql.append(' ').append(DB).append(".d").append(t).append(" USING ").append(DB)
              .append(".readings TAGS ('d").append(t).append("') VALUES");
          for (int k = 0; k < perTable; k++) {
            long i = base + (long) k * subtables + t;
            if (i >= rows) {
              break;
            }
            sql.append(" (").append(1_700_000_000_000L + i / subtables).append(", ").append(i % 1000 / 10.0)
                .append(", ").append(i).append(')');
          }
        }
        exec(td, sql.toString());
      }
    }
  }

  private static double ceiling(long rows, String nativeJson) throws Exception {
    Process p = new ProcessBuilder(System.getProperty("tmq.ceiling.bin"), String.valueOf(rows))
        .redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(nativeJson.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("tmq_ceiling failed: " + out);
    }
    System.out.print("source: " + out);
    Matcher m = RATE.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("tmq_ceiling printed no rate: " + out);
    }
    return Double.parseDouble(m.group(1));
  }

  private static long endOffset(KafkaBroker broker, String topic) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", broker.bootstrap());
    try (Admin admin = Admin.create(p)) {
      return admin.listOffsets(Collections.singletonMap(new TopicPartition(topic, 0), OffsetSpec.latest()))
          .all().get().values().stream().mapToLong(o -> o.offset()).sum();
    } catch (java.util.concurrent.ExecutionException notYetCreated) {
      return 0;
    }
  }

  private static void dropTopic(TDengineTarget td) throws InterruptedException {
    for (int attempt = 0; ; attempt++) {
      try {
        exec(td, "DROP TOPIC IF EXISTS tdconnect_" + DB + "_readings");
        return;
      } catch (RuntimeException e) {
        if (attempt > 30) {
          throw e;
        }
        Thread.sleep(1000);
      }
    }
  }

  private static void exec(TDengineTarget td, String sql) {
    TestHooks.exec(td.connectionJson(), sql);
  }
}

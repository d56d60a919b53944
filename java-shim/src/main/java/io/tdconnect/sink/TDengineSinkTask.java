package io.tdconnect.sink;

import io.tdconnect.Version;
import io.tdconnect.jni.NativeDataException;
import io.tdconnect.jni.NativeLibrary;
import io.tdconnect.jni.TdNative;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each {@code put()} batch to native code in one call. Offsets are
 * offered for commit only after TDengine acknowledged the rows (or a bad
 * record was delivered to the dead letter queue).
 */
public class TDengineSinkTask extends SinkTask {
  private static final Logger log = LoggerFactory.getLogger(TDengineSinkTask.class);

  private TDengineSinkConfig config;
  private final BatchEncoder encoder = new BatchEncoder();
  private final SinkTaskMetrics metrics = new SinkTaskMetrics();
  /** Next offset to consume per partition, for records fully handled. */
  private final Map<TopicPartition, OffsetAndMetadata> acknowledged = new HashMap<>();
  /** Dead letter queue of the worker, or null (none configured, or a pre-2.6 worker). */
  private ErrantRecordReporter reporter;
  /** behavior.on.null.values=fail, read once. */
  private boolean failOnNullValues;
  /** Transient failures since the last successful write. */
  private int consecutiveRetries;
  private long handle;

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    config = new TDengineSinkConfig(props);
    failOnNullValues = config.failOnNullValues();
    reporter = errantRecordReporter();
    metrics.register(props.get("name"));
    NativeLibrary.load();
    handle = TdNative.sinkOpen(config.nativeJson());
  }

  private ErrantRecordReporter errantRecordReporter() {
    try {
      return context.errantRecordReporter();
    } catch (NoSuchMethodError | NoClassDefFoundError e) {
      return null; // worker older than Kafka 2.6
    }
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    metrics.received(records.size());
    List<SinkRecord> pending = new ArrayList<>(records.size());
    for (SinkRecord r : records) {
      if (r.value() == null && failOnNullValues) {
        reportOrFail(r, new DataException("null value (tombstone) and behavior.on.null.values=fail"));
      } else {
        pending.add(r);
      }
    }
    // A data error for record i (from encoding or from native code) means
    // records before i were written: report record i and go on with the rest.
    int from = 0;
    while (from < pending.size()) {
      List<SinkRecord> rest = pending.subList(from, pending.size());
      ByteBuffer buffer = encoder.encode(rest);
      int encoded = encoder.encodedCount();
      if (encoded > 0) {
        try {
          write(buffer, rest.subList(0, encoded));
        } catch (NativeDataException e) {
          reportOrFail(rest.get(e.recordIndex()), e);
          from += e.recordIndex() + 1;
          continue;
        }
      }
      if (encoded < rest.size()) {
        reportOrFail(rest.get(encoded), encoder.failure());
      }
      from += encoded + 1;
    }
    for (SinkRecord r : records) {
      acknowledged.put(
          new TopicPartition(r.topic(), r.kafkaPartition()), new OffsetAndMetadata(r.kafkaOffset() + 1));
    }
  }

  /** One native write; transient failures are retried by Connect up to max.retries in a row. */
  private void write(ByteBuffer buffer, List<SinkRecord> batch) {
    try {
      long t0 = System.nanoTime();
      int rows = TdNative.sinkWrite(handle, buffer, buffer.limit());
      metrics.wrote(rows, System.nanoTime() - t0);
      consecutiveRetries = 0;
    } catch (NativeDataException e) {
      consecutiveRetries = 0;
      throw e;
    } catch (RetriableException e) {
      metrics.retried(e.getMessage());
      if (++consecutiveRetries > config.maxRetries()) {
        throw new ConnectException(
            "TDengine write of "
                + RecordRef.range(batch)
                + " failed "
                + consecutiveRetries
                + " times in a row (max.retries="
                + config.maxRetries()
                + "): "
                + e.getMessage(),
            e);
      }
      log.warn(
          "TDengine write of {} failed (attempt {} of {}), retrying in {} ms: {}",
          RecordRef.range(batch),
          consecutiveRetries,
          config.maxRetries() + 1,
          config.retryBackoffMs(),
          e.getMessage());
      context.timeout(config.retryBackoffMs());
      throw new RetriableException(
          "TDengine write of " + RecordRef.range(batch) + " will be retried: " + e.getMessage(), e);
    } catch (ConnectException e) {
      metrics.failed(e.getMessage());
      throw new ConnectException(
          "TDengine write of " + RecordRef.range(batch) + " failed: " + e.getMessage(), e);
    }
  }

  /** Sends a bad record to the dead letter queue, or fails the task naming it. */
  private void reportOrFail(SinkRecord record, RuntimeException cause) {
    String message = RecordRef.of(record) + ": " + cause.getMessage();
    if (reporter == null) {
      metrics.failed(message);
      throw new DataException(message, cause);
    }
    log.warn("Sending {} to the dead letter queue", message);
    metrics.deadLettered(message);
    try {
      reporter.report(record, new DataException(message, cause)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException("interrupted while reporting " + RecordRef.of(record), e);
    } catch (ExecutionException e) {
      throw new ConnectException("could not report " + message, e.getCause());
    }
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> preCommit(
      Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    if (handle != 0) {
      TdNative.sinkFlush(handle);
    }
    Map<TopicPartition, OffsetAndMetadata> safe = new HashMap<>();
    for (TopicPartition tp : currentOffsets.keySet()) {
      OffsetAndMetadata offset = acknowledged.get(tp);
      if (offset != null) {
        safe.put(tp, offset);
      }
    }
    return safe;
  }

  @Override
  public void close(Collection<TopicPartition> partitions) {
    acknowledged.keySet().removeAll(partitions);
  }

  @Override
  public void stop() {
    metrics.unregister();
    if (handle != 0) {
      TdNative.sinkClose(handle);
      handle = 0;
    }
  }
}

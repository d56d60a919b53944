package io.tdconnect.sink;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a bad record goes: the worker's dead letter queue when one is
 * configured (errors.tolerance=all with a DLQ topic), else it fails the task
 * naming the record and the reason.
 */
final class DeadLetters {
  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

  /** The worker's reporter, or null (none configured, or a pre-2.6 worker). */
  private final ErrantRecordReporter reporter;
  private final SinkTaskMetrics metrics;

  DeadLetters(SinkTaskContext context, SinkTaskMetrics metrics) {
    this.reporter = reporterOf(context);
    this.metrics = metrics;
  }

  private static ErrantRecordReporter reporterOf(SinkTaskContext context) {
    try {
      return context.errantRecordReporter();
    } catch (NoSuchMethodError | NoClassDefFoundError e) {
      return null; // worker older than Kafka 2.6
    }
  }

  /** Sends a bad record to the dead letter queue (waiting for Kafka's ack), or fails the task naming it. */
  void reportOrFail(SinkRecord record, RuntimeException cause) {
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
}

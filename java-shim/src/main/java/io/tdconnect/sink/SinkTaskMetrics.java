package io.tdconnect.sink;

import io.tdconnect.jmx.RetryGauges;
import io.tdconnect.jmx.TaskMBeans;
import io.tdconnect.retry.Durations;
import io.tdconnect.retry.RetryBudget;
import javax.management.ObjectName;

/** Counters of one sink task, published as an MBean while the task runs. */
final class SinkTaskMetrics extends RetryGauges implements SinkTaskMetricsMBean {
  private volatile long recordsReceived;
  private volatile long rowsWritten;
  private volatile long batchesWritten;
  private volatile long retries;
  private volatile long deadLettered;
  private volatile long lastLatencyNanos;
  private volatile long totalLatencyNanos;
  private volatile long maxLatencyNanos;
  private volatile String lastError = "";
  private ObjectName name;

  void register(String connector, int taskId, RetryBudget retries) {
    watch(retries);
    name = TaskMBeans.register(this, "sink-task", connector, taskId);
  }

  void unregister() {
    TaskMBeans.unregister(name);
    name = null;
  }

  ObjectName objectName() {
    return name;
  }

  /** The progress line's text: {@code rows} written since the last one. */
  String progress(long rows, int buffered, RetryBudget budget, long nowMs) {
    return rows + " rows written since the last line (" + rowsWritten + " in all), " + recordsReceived
        + " records received, " + buffered + " buffered, " + deadLettered + " to the dead letter queue"
        + (budget.failing()
            ? "; RETRYING for " + Durations.describe(budget.retryingForMs(nowMs)) + " (attempt "
                + budget.attempts() + "): " + lastError
            : rows == 0 ? "; idle: no records to write" : "");
  }

  void received(int records) {
    recordsReceived += records;
  }

  void wrote(int rows, long nanos) {
    rowsWritten += rows;
    batchesWritten++;
    lastLatencyNanos = nanos;
    totalLatencyNanos += nanos;
    maxLatencyNanos = Math.max(maxLatencyNanos, nanos);
  }

  void retried(String error) {
    retries++;
    lastError = error;
  }

  void deadLettered(String error) {
    deadLettered++;
    lastError = error;
  }

  void failed(String error) {
    lastError = error;
  }

  @Override
  public long getRecordsReceived() {
    return recordsReceived;
  }

  @Override
  public long getRowsWritten() {
    return rowsWritten;
  }

  @Override
  public long getBatchesWritten() {
    return batchesWritten;
  }

  @Override
  public long getRetries() {
    return retries;
  }

  @Override
  public long getRecordsSentToDeadLetterQueue() {
    return deadLettered;
  }

  @Override
  public double getLastWriteLatencyMs() {
    return lastLatencyNanos / 1e6;
  }

  @Override
  public double getAverageWriteLatencyMs() {
    long batches = batchesWritten;
    return batches == 0 ? 0 : totalLatencyNanos / 1e6 / batches;
  }

  @Override
  public double getMaxWriteLatencyMs() {
    return maxLatencyNanos / 1e6;
  }

  @Override
  public String getLastError() {
    return lastError;
  }
}

package io.tdconnect.source;

import io.tdconnect.jmx.RetryGauges;
import io.tdconnect.jmx.TaskMBeans;
import io.tdconnect.retry.RetryBudget;
import javax.management.ObjectName;

/** Counters of one source task, published as an MBean while the task runs. */
final class SourceTaskMetrics extends RetryGauges implements SourceTaskMetricsMBean {
  private volatile long recordsProduced;
  private volatile long rowsRead;
  private volatile long polls;
  private volatile long lastPollNanos;
  private volatile long maxPollNanos;
  private volatile long lag;
  private volatile long behindMs;
  private volatile long walRetentionSeconds = -1;
  private volatile String lastWarning = "";
  private ObjectName name;

  void register(String connector, int taskId, RetryBudget retries) {
    watch(retries);
    name = TaskMBeans.register(this, "source-task", connector, taskId);
  }

  /** A transient failure, shown as the last warning. */
  void warned(String warning) {
    lastWarning = warning;
  }

  void unregister() {
    TaskMBeans.unregister(name);
    name = null;
  }

  void polled(int records, long nanos) {
    recordsProduced += records;
    polls++;
    lastPollNanos = nanos;
    maxPollNanos = Math.max(maxPollNanos, nanos);
  }

  /**
   * Takes the native stats lines; returns the warnings among them and adds
   * the reader's events (assignments, seeks, first messages) to {@code events}.
   */
  java.util.List<String> update(String stats, java.util.List<String> events) {
    java.util.List<String> warnings = new java.util.ArrayList<>();
    for (String line : stats.split("\n")) {
      int eq = line.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = line.substring(0, eq);
      String value = line.substring(eq + 1);
      switch (key) {
        case "lag": lag = Long.parseLong(value); break;
        case "rows_read": rowsRead = Long.parseLong(value); break;
        case "behind_ms": behindMs = Long.parseLong(value); break;
        case "wal_retention_s": walRetentionSeconds = Long.parseLong(value); break;
        case "warning": lastWarning = value; warnings.add(value); break;
        case "event": events.add(value); break;
        default: break;
      }
    }
    return warnings;
  }

  @Override
  public long getRecordsProduced() {
    return recordsProduced;
  }

  @Override
  public long getRowsRead() {
    return rowsRead;
  }

  @Override
  public long getPolls() {
    return polls;
  }

  @Override
  public double getLastPollLatencyMs() {
    return lastPollNanos / 1e6;
  }

  @Override
  public double getMaxPollLatencyMs() {
    return maxPollNanos / 1e6;
  }

  @Override
  public long getLag() {
    return lag;
  }

  @Override
  public long getBehindMs() {
    return behindMs;
  }

  @Override
  public long getWalRetentionSeconds() {
    return walRetentionSeconds;
  }

  @Override
  public String getLastWarning() {
    return lastWarning;
  }
}

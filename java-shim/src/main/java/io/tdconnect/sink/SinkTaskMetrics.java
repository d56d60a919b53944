package io.tdconnect.sink;

import java.lang.management.ManagementFactory;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counters of one sink task, published as an MBean while the task runs. */
final class SinkTaskMetrics implements SinkTaskMetricsMBean {
  private static final Logger log = LoggerFactory.getLogger(SinkTaskMetrics.class);

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

  /** Registers under the lowest free task number of the connector; JMX failures only log. */
  void register(String connector) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    String quoted = ObjectName.quote(connector == null ? "unnamed" : connector);
    for (int task = 0; task < 10_000; task++) {
      try {
        ObjectName candidate =
            new ObjectName("io.tdconnect:type=sink-task,connector=" + quoted + ",task=" + task);
        server.registerMBean(this, candidate);
        name = candidate;
        return;
      } catch (InstanceAlreadyExistsException e) {
        // taken by another task of the same connector: try the next number
      } catch (JMException e) {
        log.warn("tdconnect: sink task metrics not published over JMX: {}", e.toString());
        return;
      }
    }
  }

  void unregister() {
    if (name != null) {
      try {
        ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
      } catch (JMException e) {
        log.debug("tdconnect: unregistering {}: {}", name, e.toString());
      }
      name = null;
    }
  }

  ObjectName objectName() {
    return name;
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

package io.tdconnect.sink;

/** JMX view of one sink task: {@code io.tdconnect:type=sink-task,connector=NAME,task=N}. */
public interface SinkTaskMetricsMBean {
  long getRecordsReceived();

  long getRowsWritten();

  long getBatchesWritten();

  long getRetries();

  long getRecordsSentToDeadLetterQueue();

  double getLastWriteLatencyMs();

  double getAverageWriteLatencyMs();

  double getMaxWriteLatencyMs();

  String getLastError();

  /** Epoch ms since when TDengine requests have been failing transiently; 0 when they are not. */
  long getRetryingSinceMs();

  /** Failed attempts in a row of the current outage (0 when none). */
  long getRetryAttempts();
}

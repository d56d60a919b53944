package io.tdconnect.source;

/** JMX view of one source task: {@code io.tdconnect:type=source-task,connector=NAME,task=N}. */
public interface SourceTaskMetricsMBean {
  long getRecordsProduced();

  /** Rows received from TDengine (records produced plus rows skipped when resuming inside a message). */
  long getRowsRead();

  long getPolls();

  double getLastPollLatencyMs();

  double getMaxPollLatencyMs();

  /** TMQ WAL entries not yet read, over the task's vgroups. */
  long getLag();

  /** How long the most lagging vgroup has been behind. */
  long getBehindMs();

  /** The database's WAL_RETENTION_PERIOD (-1 unknown): lag older than this is lost. */
  long getWalRetentionSeconds();

  String getLastWarning();

  /** Epoch ms since when TDengine requests have been failing transiently; 0 when they are not. */
  long getRetryingSinceMs();

  /** Failed attempts in a row of the current outage (0 when none). */
  long getRetryAttempts();
}

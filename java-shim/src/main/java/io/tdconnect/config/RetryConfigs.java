package io.tdconnect.config;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * Retry keys shared by the sink and source: how long transient TDengine
 * failures (server restarting or unreachable, requests unanswered) are
 * ridden out before a task fails. {@code max.retries} and {@code
 * retry.backoff.ms} keep the names of TDengine's own connector.
 */
public final class RetryConfigs {
  public static final String GROUP = "Retries";

  public static final String TIMEOUT_MS_CONFIG = "retry.timeout.ms";
  private static final String TIMEOUT_MS_DOC =
      "How long transient failures (TDengine restarting, unreachable, or not answering within"
          + " request.timeout.ms) are retried before the task fails. The task stays RUNNING while"
          + " it retries, logs one WARN line per attempt and shows RetryingSinceMs over JMX; any"
          + " success starts a new budget.";
  private static final String TIMEOUT_MS_DISPLAY = "Retry budget (ms)";

  public static final String BACKOFF_MS_CONFIG = "retry.backoff.ms";
  private static final String BACKOFF_MS_DOC =
      "Wait before the first retry after a transient failure; doubled after each further"
          + " failure up to retry.backoff.max.ms.";
  private static final String BACKOFF_MS_DISPLAY = "Retry backoff (ms)";

  public static final String MAX_BACKOFF_MS_CONFIG = "retry.backoff.max.ms";
  private static final String MAX_BACKOFF_MS_DOC =
      "Longest wait between retries; it also bounds how long after TDengine answers again"
          + " the data flows again.";
  private static final String MAX_BACKOFF_MS_DISPLAY = "Max retry backoff (ms)";

  public static final String MAX_RETRIES_CONFIG = "max.retries";
  private static final String MAX_RETRIES_DOC =
      "Also fail after this many failed attempts in a row, whatever retry.timeout.ms says;"
          + " -1 (default): only the time budget counts. Accepted for TDengine's own connector.";
  private static final String MAX_RETRIES_DISPLAY = "Max retries";

  private RetryConfigs() {}

  public static ConfigDef define(ConfigDef def) {
    int order = 0;
    return def.define(TIMEOUT_MS_CONFIG, Type.LONG, 900_000L, ConfigDef.Range.atLeast(0),
            Importance.MEDIUM, TIMEOUT_MS_DOC, GROUP, ++order, Width.SHORT, TIMEOUT_MS_DISPLAY)
        .define(BACKOFF_MS_CONFIG, Type.LONG, 3000L, ConfigDef.Range.atLeast(0), Importance.LOW,
            BACKOFF_MS_DOC, GROUP, ++order, Width.SHORT, BACKOFF_MS_DISPLAY)
        .define(MAX_BACKOFF_MS_CONFIG, Type.LONG, 10_000L, ConfigDef.Range.atLeast(0),
            Importance.LOW, MAX_BACKOFF_MS_DOC, GROUP, ++order, Width.SHORT,
            MAX_BACKOFF_MS_DISPLAY)
        .define(MAX_RETRIES_CONFIG, Type.INT, -1, ConfigDef.Range.atLeast(-1), Importance.LOW,
            MAX_RETRIES_DOC, GROUP, ++order, Width.SHORT, MAX_RETRIES_DISPLAY);
  }

  public static long timeoutMs(AbstractConfig c) {
    return c.getLong(TIMEOUT_MS_CONFIG);
  }

  public static long backoffMs(AbstractConfig c) {
    return c.getLong(BACKOFF_MS_CONFIG);
  }

  public static long maxBackoffMs(AbstractConfig c) {
    return c.getLong(MAX_BACKOFF_MS_CONFIG);
  }

  public static int maxRetries(AbstractConfig c) {
    return c.getInt(MAX_RETRIES_CONFIG);
  }
}

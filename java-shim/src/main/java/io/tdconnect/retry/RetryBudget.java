package io.tdconnect.retry;

import io.tdconnect.config.RetryConfigs;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * How long a task keeps retrying transient TDengine failures: exponential
 * backoff from {@code retry.backoff.ms}, capped at {@code retry.backoff.max.ms},
 * until the failures have lasted {@code retry.timeout.ms} (or, when set,
 * {@code max.retries} attempts in a row). Any success resets it. Not thread
 * safe: one task thread uses it.
 */
public final class RetryBudget {
  private final long timeoutMs;
  private final long backoffMs;
  private final long maxBackoffMs;
  private final int maxRetries;
  private volatile boolean failing;
  /** When the current run of failures began (valid while failing). */
  private volatile long failingSinceMs;
  private volatile int attempts;
  private long nextDelayMs;

  public RetryBudget(long timeoutMs, long backoffMs, long maxBackoffMs, int maxRetries) {
    this.timeoutMs = timeoutMs;
    this.backoffMs = backoffMs;
    this.maxBackoffMs = Math.max(backoffMs, maxBackoffMs);
    this.maxRetries = maxRetries;
  }

  public static RetryBudget of(AbstractConfig config) {
    return new RetryBudget(
        RetryConfigs.timeoutMs(config),
        RetryConfigs.backoffMs(config),
        RetryConfigs.maxBackoffMs(config),
        RetryConfigs.maxRetries(config));
  }

  /**
   * Counts a transient failure of {@code what} and returns how long to wait
   * before the next attempt; throws a ConnectException saying what happened
   * and which keys to raise once the budget is spent.
   */
  public long failed(String what, String error, long nowMs) {
    if (!failing) {
      failing = true;
      failingSinceMs = nowMs;
      nextDelayMs = backoffMs;
    }
    attempts++;
    long failingFor = nowMs - failingSinceMs;
    boolean countSpent = maxRetries >= 0 && attempts > maxRetries;
    if (failingFor >= timeoutMs || countSpent) {
      throw new ConnectException(
          what
              + " has failed for "
              + Durations.describe(failingFor)
              + " ("
              + attempts
              + " attempts in a row): "
              + error
              + ". Giving up: "
              + (countSpent
                  ? RetryConfigs.MAX_RETRIES_CONFIG + "=" + maxRetries + " attempts were spent"
                  : RetryConfigs.TIMEOUT_MS_CONFIG + "=" + timeoutMs + " was spent")
              + "; raise "
              + RetryConfigs.TIMEOUT_MS_CONFIG
              + (maxRetries >= 0 ? " or " + RetryConfigs.MAX_RETRIES_CONFIG : "")
              + " to ride out longer outages, then restart the task.");
    }
    long delay = Math.min(nextDelayMs, Math.max(0, timeoutMs - failingFor));
    nextDelayMs = Math.min(maxBackoffMs, Math.max(1, nextDelayMs) * 2);
    return delay;
  }

  /** A request went through: the next failure starts a new budget. */
  public void succeeded() {
    failing = false;
    attempts = 0;
  }

  public boolean failing() {
    return failing;
  }

  /** Attempts that failed in a row so far. */
  public int attempts() {
    return attempts;
  }

  /** How long the current run of failures has lasted; 0 when not failing. */
  public long retryingForMs(long nowMs) {
    return failing ? nowMs - failingSinceMs : 0;
  }

  /** Epoch ms when the current run of failures began; 0 when not failing. */
  public long retryingSinceMs() {
    return failing ? failingSinceMs : 0;
  }
}

package io.tdconnect.jmx;

import io.tdconnect.retry.RetryBudget;

/** The retry gauges both task MBeans show: since when and how often TDengine requests have failed. */
public abstract class RetryGauges {
  private volatile RetryBudget budget;

  protected void watch(RetryBudget retries) {
    budget = retries;
  }

  /** Epoch ms since when TDengine requests have been failing transiently; 0 when they are not. */
  public long getRetryingSinceMs() {
    RetryBudget b = budget;
    return b == null ? 0 : b.retryingSinceMs();
  }

  /** Failed attempts in a row of the current outage (0 when none). */
  public long getRetryAttempts() {
    RetryBudget b = budget;
    return b == null ? 0 : b.attempts();
  }
}

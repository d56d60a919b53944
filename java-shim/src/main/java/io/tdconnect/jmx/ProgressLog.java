package io.tdconnect.jmx;

/**
 * When a task logs its next progress line (progress.log.interval.ms; 0: never),
 * and the counter values at the last one, for "since the last line" figures.
 */
public final class ProgressLog {
  private final long intervalMs;
  private long lastAt;
  private long lastCount;

  public ProgressLog(long intervalMs, long nowMs) {
    this.intervalMs = intervalMs;
    this.lastAt = nowMs;
  }

  /** Whether a line is due now. */
  public boolean due(long nowMs) {
    return intervalMs > 0 && nowMs - lastAt >= intervalMs;
  }

  /** How much {@code count} grew since the last line; starts the next interval. */
  public long advance(long count, long nowMs) {
    long delta = count - lastCount;
    lastCount = count;
    lastAt = nowMs;
    return delta;
  }
}

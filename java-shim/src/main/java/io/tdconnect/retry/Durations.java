package io.tdconnect.retry;

/** Durations for people: "4 min 12 s", "850 ms". */
public final class Durations {
  private Durations() {}

  public static String describe(long ms) {
    if (ms < 1000) {
      return ms + " ms";
    }
    long s = ms / 1000;
    if (s < 60) {
      return s + " s";
    }
    return (s / 60) + " min " + (s % 60) + " s";
  }
}

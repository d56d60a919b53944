package io.tdconnect.jni;

/**
 * Natives of the test-only testkit library (native/jni-testkit), which shares
 * the boundary code of the shipped library. Not part of the shipped jar.
 */
public final class TestHooks {
  static {
    String lib = System.getProperty("tdconnect.testkit.lib");
    if (lib == null) {
      throw new IllegalStateException("system property tdconnect.testkit.lib is not set");
    }
    System.load(lib);
  }

  private TestHooks() {}

  public static native void panicNow(String message);

  /** 0: data error for record 42, 1: retriable, 2: fatal. */
  public static native int failWith(int kind, String message);

  /** Decodes a batch frame as sinkWrite would; returns its record count. */
  public static native int decodeBatch(java.nio.ByteBuffer frame, int length);

  /** First column of the first row as a long; -1 when no row. */
  public static native long queryLong(String connectionJson, String sql);

  /**
   * Polls {@link #queryLong}'s query on one connection every {@code intervalMs} until
   * its value is at least {@code atLeast} or {@code timeoutMs} passed; the last value.
   */
  public static native long awaitLong(
      String connectionJson, String sql, long atLeast, long intervalMs, long timeoutMs);

  public static native void exec(String connectionJson, String sql);
}

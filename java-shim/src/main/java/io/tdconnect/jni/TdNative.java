package io.tdconnect.jni;

import java.nio.ByteBuffer;

/**
 * Every native method of tdconnect. Calls are coarse: one per batch, never per
 * record. Handles are opaque; 0 is never a valid handle. Errors arrive as
 * {@link NativeDataException} (one record is bad), {@code RetriableException}
 * (try the batch again later), {@link NativePanicException} or
 * {@code ConnectException} (fatal).
 *
 * <p>Nothing here loads the library: call {@link NativeLibrary#load()} first.
 */
public final class TdNative {
  /** Contract version between this shim and the native library. */
  public static final int ABI_VERSION = 11;

  private TdNative() {}

  static native int abiVersion();

  /** Opens a sink writer from its JSON configuration; returns the handle. */
  public static native long sinkOpen(String configJson);

  /** Checks a sink configuration without connecting: null when usable, else the problem. */
  public static native String sinkCheckConfig(String configJson);

  /**
   * Writes one batch: the first {@code length} bytes of a direct buffer in the
   * format described in the design notes. Returns rows TDengine acknowledged.
   * A {@link NativeDataException} for record i means records before i were
   * acknowledged and record i was refused; records after i may need resending.
   *
   * <p>Two writes of a handle may be in flight at once, on two threads: {@code seq}
   * numbers a handle's writes from 0 without gaps and they end in that order;
   * {@code pipelined} says the write before was still in flight when this one was
   * submitted, and such a write is not attempted (a RetriableException) when the
   * write before it failed in any way.
   */
  public static native int sinkWrite(
      long handle, ByteBuffer batch, int length, long seq, boolean pipelined);

  /** Releases the writer; idempotent. */
  public static native void sinkClose(long handle);

  /**
   * Asks the configured server, within a few seconds, whether it is as the
   * config says: {@code key<TAB>problem} lines (empty when it is). database
   * may be null; stables is one name per line.
   */
  public static native String checkServer(
      String connectionJson, String database, boolean mayCreateDatabase, String stables);

  /** The server's version (SELECT SERVER_VERSION()), or null when it does not answer within seconds. */
  public static native String serverVersion(String connectionJson);

  /** The super tables of a database (and its normal tables when withNormal), one name per line. */
  public static native String sourceTables(String connectionJson, String database, boolean withNormal);

  /**
   * Opens the task's reader; subscription: creates its TMQ topics (if missing) and subscribes.
   * Returns the reader handle.
   */
  public static native long sourceOpen(String configJson);

  /**
   * The source partitions the reader may produce, a line each: {@code topic<TAB>vgroup}
   * (subscription) or {@code table} (query).
   */
  public static native String sourceAssignments(long handle);

  /**
   * Positions the reader at the stored offsets, a line each: {@code
   * topic<TAB>vgroup<TAB>offset<TAB>skip} (subscription; others start per
   * subscription.from) or {@code table<TAB>ts<TAB>child} (query); returns
   * warnings, one per line.
   */
  public static native String sourceStart(long handle, String storedOffsets);

  /**
   * The next records (see SourceRecordDecoder), or null: one TMQ message, waiting up to waitMs,
   * or one query page (query mode returns at once).
   */
  public static native byte[] sourcePoll(long handle, int waitMs);

  /** {@code lag=}, {@code behind_ms=}, {@code wal_retention_s=} and {@code warning=} lines. */
  public static native String sourceStats(long handle);

  /** Kafka acknowledged the vgroup's records before offset. */
  public static native void sourceCommit(long handle, String tmqTopic, int vgroup, long offset);

  /** Commits what is pending and releases the reader; idempotent. */
  public static native void sourceClose(long handle);
}

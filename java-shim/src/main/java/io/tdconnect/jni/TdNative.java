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
  public static final int ABI_VERSION = 5;

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
   */
  public static native int sinkWrite(long handle, ByteBuffer batch, int length);

  /** Releases the writer; idempotent. */
  public static native void sinkClose(long handle);

  /** The super tables of a database, one name per line. */
  public static native String sourceSuperTables(String connectionJson, String database);

  /** Creates the task's TMQ topics (if missing) and subscribes; returns the reader handle. */
  public static native long sourceOpen(String configJson);

  /** The (TMQ topic, vgroup)s the reader may be given: one {@code topic<TAB>vgroup} line each. */
  public static native String sourceAssignments(long handle);

  /**
   * Positions every assigned vgroup at its stored offset ({@code
   * topic<TAB>vgroup<TAB>offset<TAB>skip} lines) or per subscription.from;
   * returns warnings, one per line.
   */
  public static native String sourceStart(long handle, String storedOffsets);

  /** Waits up to waitMs for one TMQ message; its records (see SourceRecordDecoder), or null. */
  public static native byte[] sourcePoll(long handle, int waitMs);

  /** {@code lag=}, {@code behind_ms=}, {@code wal_retention_s=} and {@code warning=} lines. */
  public static native String sourceStats(long handle);

  /** Kafka acknowledged the vgroup's records before offset. */
  public static native void sourceCommit(long handle, String tmqTopic, int vgroup, long offset);

  /** Commits what is pending and releases the reader; idempotent. */
  public static native void sourceClose(long handle);
}

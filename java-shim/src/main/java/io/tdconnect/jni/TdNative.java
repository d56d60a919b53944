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
  public static final int ABI_VERSION = 4;

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
}

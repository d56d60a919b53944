package io.tdconnect.source;

import io.tdconnect.jni.TdNative;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A source task's native reader, driven from one thread of its own: every
 * native call for the reader (open, poll, stats, commit, close) runs there,
 * in order, so the task's {@code poll()} and {@code stop()} only ever wait
 * as long as they choose to. Given up (a call that outlived every bound), it
 * closes itself once that call ends.
 */
final class NativeReader {
  private final ExecutorService thread;
  /** The native handle; read and written only on {@link #thread}. */
  private long handle;

  NativeReader(String name) {
    thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  <T> Future<T> submit(Callable<T> call) {
    return thread.submit(call);
  }

  /** The open handle (0: none); only from calls submitted here. */
  long handle() {
    return handle;
  }

  void handle(long h) {
    handle = h;
  }

  /** Closes the native reader after the calls already submitted, without waiting. */
  void close() {
    try {
      thread.submit(() -> {
        if (handle != 0) {
          TdNative.sourceClose(handle);
          handle = 0;
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return; // closed already
    }
    thread.shutdown();
  }
}

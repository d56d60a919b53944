package io.tdconnect.sink;

import io.tdconnect.jni.TdNative;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink task's native writer and the two threads its writes run on (at
 * most two in flight; the native side ends them in the order submitted).
 * Every wait for a write is bounded: a call that outlives the bound is left
 * to end (or not) on its own thread with its own native writer (the batch
 * was copied, so its buffer may be reused), and new threads and a new
 * writer take over; writes submitted before that are given up too.
 */
final class NativeWriter {
  private static final Logger log = LoggerFactory.getLogger(NativeWriter.class);
  private static final long STOP_WAIT_MS = 3000;

  private final String configJson;
  private final String threadName;
  private final long waitMs;
  private ExecutorService thread;
  private long handle;
  /** The number of the handle's next write. */
  private long nextSeq;
  /** Counts the writers given up: a write of an earlier one has no answer to wait for. */
  private int generation;

  /** A write submitted: its answer, and the writer it was submitted to. */
  static final class Pending {
    final Future<Integer> answer;
    final int generation;

    Pending(Future<Integer> answer, int generation) {
      this.answer = answer;
      this.generation = generation;
    }
  }

  /** Opens the native writer (one connect attempt; a server away now is retried by the writes). */
  NativeWriter(String configJson, String threadName, long waitMs) {
    this.configJson = configJson;
    this.threadName = threadName;
    this.waitMs = waitMs;
    this.handle = TdNative.sinkOpen(configJson);
    this.thread = newThread();
  }

  private ExecutorService newThread() {
    return Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
  }

  boolean open() {
    return handle != 0;
  }

  /**
   * Starts writing the first {@code frame.limit()} bytes of the frame; see {@link #await}.
   * {@code pipelined}: a write submitted before is still in flight (and not awaited).
   */
  Pending submit(ByteBuffer frame, boolean pipelined) {
    if (handle == 0) {
      handle = TdNative.sinkOpen(configJson);
      nextSeq = 0;
    }
    long h = handle;
    long seq = nextSeq++;
    return new Pending(
        thread.submit(() -> TdNative.sinkWrite(h, frame, frame.limit(), seq, pipelined)), generation);
  }

  /** Writes and waits, bounded (nothing else in flight). */
  int write(ByteBuffer frame) {
    return await(submit(frame, false));
  }

  /** The rows of a write, or its exception as the native call threw it. */
  int await(Pending pending) {
    if (pending.generation != generation) {
      throw new RetriableException("given up with the writer of an earlier write that did not answer");
    }
    try {
      return pending.answer.get(waitMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException("interrupted while waiting for a TDengine write", e);
    } catch (TimeoutException e) {
      abandon();
      throw new RetriableException("no answer from the native write within " + waitMs + " ms");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException
          ? (RuntimeException) e.getCause()
          : new ConnectException(e.getCause());
    }
  }

  private void abandon() {
    log.warn("A TDengine write did not return within {} ms; giving it up and reconnecting", waitMs);
    thread.shutdownNow();
    thread = newThread();
    generation++;
    long stale = handle;
    handle = 0;
    TdNative.sinkClose(stale);
    handle = TdNative.sinkOpen(configJson);
    nextSeq = 0;
  }

  /**
   * Within Connect's graceful stop (5 s by default): a write still running
   * keeps its native writer until it ends (sinkClose never waits).
   */
  void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(STOP_WAIT_MS, TimeUnit.MILLISECONDS)) {
        log.warn("A TDengine write is still running at stop; it is left to end on its own");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (handle != 0) {
      TdNative.sinkClose(handle);
      handle = 0;
    }
  }
}

package io.tdconnect.sink;

import io.tdconnect.Version;
import io.tdconnect.config.ConnectionConfigs;
import io.tdconnect.jmx.ProgressLog;
import io.tdconnect.jmx.TaskMBeans;
import io.tdconnect.jni.NativeDataException;
import io.tdconnect.jni.NativeLibrary;
import io.tdconnect.retry.Durations;
import io.tdconnect.retry.RetryBudget;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers records across {@code put()} calls and hands each full buffer to
 * native code in one call, on a writer thread, while the next buffer fills
 * (at most two writes in flight: native code prepares one while the other's
 * rows go in, and ends them in order). Offsets are offered for commit only
 * after TDengine acknowledged the rows (or a bad record was delivered to the
 * dead letter queue).
 *
 * <p>When a write fails transiently, {@code put()} throws a
 * RetriableException and Connect redelivers the same records after a
 * backoff that grows up to retry.backoff.max.ms, for at most
 * retry.timeout.ms; records already taken are recognised by offset and not
 * taken twice, and the failed buffer is written again first. Every wait for
 * a native write is bounded: a call that outlives its bound is given up
 * (with its native writer and connections) as a transient failure.
 */
public class TDengineSinkTask extends SinkTask {
  private static final Logger log = LoggerFactory.getLogger(TDengineSinkTask.class);

  private TDengineSinkConfig config;
  private static final int MAX_IN_FLIGHT = 2;

  /** Records being taken from put(). */
  private SinkBuffer filling = new SinkBuffer();
  /** Writes handed to the writer threads, oldest first. */
  private final ArrayDeque<InFlightWrite> inFlight = new ArrayDeque<>();
  /** What writes that did not fully succeed left, oldest first: written again before anything else. */
  private final ArrayDeque<SinkBuffer> unwritten = new ArrayDeque<>();
  private final ArrayDeque<SinkBuffer> spare = new ArrayDeque<>();
  /** Whether the last write settled did not fully succeed (its successor in flight was not attempted). */
  private boolean lastFailed;
  private NativeWriter writer;
  private final SinkTaskMetrics metrics = new SinkTaskMetrics();
  /** Offsets taken and acknowledged per partition; redeliveries below "taken" are skipped. */
  private final PartitionProgress progress = new PartitionProgress();
  /** The dead letter queue, or failing the task, for bad records. */
  private DeadLetters deadLetters;
  /** behavior.on.null.values=fail, read once. */
  private boolean failOnNullValues;
  /** Limits read from the config once: they are checked for every record. */
  private int batchSize;
  private long bufferMaxBytes;
  private long flushIntervalMs;
  /** A failure met while flushing in preCommit, thrown from the next put(). */
  private RuntimeException deferredFailure;
  /** Transient failures in a row and how long they have lasted. */
  private RetryBudget budget;
  private ProgressLog progressLog;

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    config = new TDengineSinkConfig(props);
    failOnNullValues = config.failOnNullValues();
    batchSize = config.batchSize();
    bufferMaxBytes = config.bufferMaxBytes();
    flushIntervalMs = config.flushIntervalMs();
    deadLetters = new DeadLetters(context, metrics);
    budget = RetryBudget.of(config);
    metrics.register(props.get("name"), TaskMBeans.taskId(props), budget);
    NativeLibrary.load();
    writer = new NativeWriter(config.nativeJson(), "tdconnect-writer-" + props.get("name"), config.writeWaitMs());
    progressLog = new ProgressLog(ConnectionConfigs.progressLogIntervalMs(config), System.currentTimeMillis());
    log.info("Sink task {} started: {} (configuration logged above as TDengineSinkConfig values)",
        props.get("name"), ConnectionConfigs.describeServer(config));
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    if (deferredFailure != null) {
      RuntimeException failure = deferredFailure;
      deferredFailure = null;
      throw failure;
    }
    // Settle finished writes; what failed ones left is retried before anything else.
    while (!inFlight.isEmpty() && inFlight.peek().pending.answer.isDone()) {
      settleOldest();
    }
    if (inFlight.isEmpty()) {
      writeUnwritten();
    }
    long now = System.currentTimeMillis(); // arrival time of the whole put() for flush.interval.ms
    int received = 0;
    for (SinkRecord r : records) {
      if (progress.alreadyTaken(r)) {
        continue; // redelivered after a retriable failure: already buffered or handled
      }
      received++;
      if (r.value() == null && failOnNullValues) {
        rejectAfterFlush(r, new DataException("null value (tombstone) and behavior.on.null.values=fail"));
      } else {
        try {
          filling.add(r, now);
        } catch (DataException e) {
          rejectAfterFlush(r, e);
        }
      }
      progress.taken(r);
      if (bufferFull()) {
        startWrite();
      }
    }
    metrics.received(received);
    logProgress();
    long age = filling.ageMs(System.currentTimeMillis());
    if (bufferFull() || age >= flushIntervalMs) {
      startWrite();
      age = 0;
    }
    wakeUpForFlush(age);
  }

  /**
   * Connect calls put() again only when records arrive or at the next offset
   * commit (offset.flush.interval.ms, 60 s by default): with records buffered
   * or a write to settle, ask for the next call within flush.interval.ms so a
   * quiet topic's last records are not left waiting.
   */
  private void wakeUpForFlush(long age) {
    if (!filling.isEmpty()) {
      context.timeout(Math.max(1, flushIntervalMs - age));
    } else if (!inFlight.isEmpty() || !unwritten.isEmpty()) {
      context.timeout(50); // soon: settle them, write what came meanwhile
    }
  }

  /** One INFO line every progress.log.interval.ms: what was written, and why not if nothing was. */
  private void logProgress() {
    long now = System.currentTimeMillis();
    if (progressLog.due(now)) {
      long rows = progressLog.advance(metrics.getRowsWritten(), now);
      log.info("Progress: {}", metrics.progress(rows, buffered(), budget, now));
    }
  }

  /** Records taken and not yet written. */
  private int buffered() {
    int n = filling.size();
    for (InFlightWrite w : inFlight) {
      n += w.buffer.size();
    }
    for (SinkBuffer b : unwritten) {
      n += b.size();
    }
    return n;
  }

  private boolean bufferFull() {
    return filling.size() >= batchSize || filling.byteSize() >= bufferMaxBytes;
  }

  /**
   * A record that cannot be written: the records taken before it are written
   * first, so that failing the task leaves exactly them in TDengine.
   */
  private void rejectAfterFlush(SinkRecord record, RuntimeException cause) {
    flushAll();
    deadLetters.reportOrFail(record, cause);
    progress.acknowledged(record);
  }

  /**
   * Hands the filled buffer to a writer thread: once what failed writes left
   * is written, and fewer than {@link #MAX_IN_FLIGHT} writes are in flight.
   */
  private void startWrite() {
    if (!unwritten.isEmpty()) {
      completeWrites();
    }
    while (inFlight.size() >= MAX_IN_FLIGHT) {
      settleOldest();
    }
    if (!unwritten.isEmpty()) {
      completeWrites();
    }
    if (filling.isEmpty()) {
      return;
    }
    SinkBuffer full = filling;
    filling = spare.isEmpty() ? new SinkBuffer() : spare.pop();
    boolean pipelined = !inFlight.isEmpty();
    inFlight.add(new InFlightWrite(full, writer.submit(full.frame(), pipelined), pipelined));
  }

  /**
   * Waits for the oldest write in flight and settles it: acknowledges its
   * records, or handles its bad record and keeps the rest, or (transient
   * failure) keeps it all, settles the writes after it (not attempted) and
   * throws.
   */
  private void settleOldest() {
    InFlightWrite w = inFlight.poll();
    boolean afterFailure = w.pipelined && lastFailed;
    lastFailed = true;
    try {
      int rows = writer.await(w.pending);
      lastFailed = false;
      succeeded(rows, System.nanoTime() - w.startedNanos, w.buffer);
      spare.push(w.buffer);
    } catch (NativeDataException e) {
      budget.succeeded();
      unwritten.add(w.buffer);
      skipBadRecord(w.buffer, e, System.nanoTime() - w.startedNanos);
    } catch (RuntimeException e) {
      unwritten.add(w.buffer);
      if (afterFailure) {
        return; // not attempted: written again after the write before it
      }
      while (!inFlight.isEmpty()) {
        settleOldest();
      }
      List<SinkRecord> records = new ArrayList<>();
      for (SinkBuffer b : unwritten) {
        records.addAll(b.records());
      }
      throw failed(e, records);
    }
  }

  /** Settles every write in flight, then writes what failed ones left. */
  private void completeWrites() {
    while (!inFlight.isEmpty()) {
      settleOldest();
    }
    writeUnwritten();
  }

  /** Writes, synchronously and in order, what failed writes left (nothing in flight). */
  private void writeUnwritten() {
    while (!unwritten.isEmpty()) {
      SinkBuffer b = unwritten.peek();
      writeNow(b);
      unwritten.poll();
      spare.push(b);
    }
  }

  /** Writes everything taken so far, synchronously. */
  private void flushAll() {
    completeWrites();
    writeNow(filling);
  }

  /**
   * Writes the buffer on this thread. A data error for record i means records
   * before i were written: report record i and go on with the rest.
   */
  private void writeNow(SinkBuffer buffer) {
    while (!buffer.isEmpty()) {
      ByteBuffer frame = buffer.frame();
      int rows;
      long t0 = System.nanoTime();
      try {
        rows = writer.write(frame);
      } catch (NativeDataException e) {
        budget.succeeded();
        skipBadRecord(buffer, e, System.nanoTime() - t0);
        continue;
      } catch (RuntimeException e) {
        throw failed(e, buffer.records());
      }
      succeeded(rows, System.nanoTime() - t0, buffer);
    }
  }

  private void succeeded(int rows, long nanos, SinkBuffer buffer) {
    metrics.wrote(rows, nanos);
    budget.succeeded();
    for (SinkRecord r : buffer.records()) {
      progress.acknowledged(r);
    }
    buffer.clear();
  }

  /** Records before the bad one were written; the bad one goes to the DLQ (or fails the task). */
  private void skipBadRecord(SinkBuffer buffer, NativeDataException e, long nanos) {
    List<SinkRecord> records = buffer.records();
    int bad = e.recordIndex();
    SinkRecord record = records.get(bad);
    if (bad > 0) {
      // The native error does not say how many rows went in: one per record written (a line
      // protocol value of several lines counts once here).
      metrics.wrote(bad, nanos);
    }
    for (SinkRecord r : records.subList(0, bad)) {
      progress.acknowledged(r);
    }
    buffer.dropFirst(bad + 1);
    deadLetters.reportOrFail(record, e);
    progress.acknowledged(record);
  }

  /**
   * What a failed write becomes: a RetriableException (Connect redelivers
   * after a growing backoff) while the retry budget lasts, else a
   * ConnectException that fails the task saying for how long it failed and
   * which keys to raise.
   */
  private RuntimeException failed(RuntimeException e, List<SinkRecord> batch) {
    String what = "TDengine write of " + RecordRef.range(batch);
    if (!(e instanceof RetriableException)) {
      metrics.failed(e.getMessage());
      return new ConnectException(what + " failed: " + e.getMessage(), e);
    }
    long now = System.currentTimeMillis();
    long delay;
    try {
      delay = budget.failed(what, e.getMessage(), now);
    } catch (ConnectException spent) {
      metrics.failed(spent.getMessage());
      spent.initCause(e);
      return spent;
    }
    metrics.retried(e.getMessage());
    log.warn(
        "{} failed (attempt {}, failing for {}), retrying in {} ms: {}",
        what,
        budget.attempts(),
        Durations.describe(budget.retryingForMs(now)),
        delay,
        e.getMessage());
    context.timeout(delay);
    return new RetriableException(what + " will be retried: " + e.getMessage(), e);
  }

  /**
   * Writes what is buffered, then offers only acknowledged offsets. Never
   * throws: a failure here would make Connect rewind the consumer while
   * records stay buffered; the next put() retries or fails the task instead.
   * After a transient failure nothing is written here: the retry waits for
   * put(), after retry.backoff.ms, so that commits do not spend the retries.
   */
  @Override
  public Map<TopicPartition, OffsetAndMetadata> preCommit(
      Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    if (writer != null && deferredFailure == null && !budget.failing()) {
      try {
        flushAll();
      } catch (RetriableException e) {
        log.warn("Buffered records not written at offset commit, will retry: {}", e.getMessage());
      } catch (RuntimeException e) {
        deferredFailure = e;
      }
    }
    return progress.committable(currentOffsets.keySet());
  }

  @Override
  public void open(Collection<TopicPartition> partitions) {
    progress.forget(partitions);
  }

  /** Partitions moved elsewhere: their unwritten records will be consumed again by the new owner. */
  @Override
  public void close(Collection<TopicPartition> partitions) {
    try {
      completeWrites();
    } catch (RuntimeException e) {
      log.warn("Write in flight failed while partitions were closed: {}", e.getMessage());
    }
    filling.dropPartitions(partitions);
    for (SinkBuffer b : unwritten) {
      b.dropPartitions(partitions);
    }
    progress.forget(partitions);
  }

  @Override
  public void stop() {
    metrics.unregister();
    if (writer != null) {
      writer.close();
      writer = null;
    }
  }
}

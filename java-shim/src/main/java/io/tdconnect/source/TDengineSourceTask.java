package io.tdconnect.source;

import io.tdconnect.Version;
import io.tdconnect.config.ConnectionConfigs;
import io.tdconnect.jmx.ProgressLog;
import io.tdconnect.jmx.TaskMBeans;
import io.tdconnect.jni.NativeLibrary;
import io.tdconnect.jni.TdNative;
import io.tdconnect.retry.Durations;
import io.tdconnect.retry.RetryBudget;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the task's tables through one native reader: a TMQ consumer
 * (subscription; each poll hands over one TMQ message, bounded by
 * poll.interval.ms) or time-window queries (query; each poll hands over one
 * page, idle polls wait poll.interval.ms). Offsets live in Connect's offset
 * storage; TMQ commits mirror them only after Kafka acknowledged the
 * records ({@link #commit()}), never before.
 *
 * <p>Native calls run on the reader's own thread ({@link NativeReader}):
 * {@code poll()} waits at most poll.interval.ms for one and returns null
 * otherwise, so it keeps returning while TDengine is slow or away. Transient
 * failures (also at start) are retried with a growing backoff for at most
 * retry.timeout.ms, one WARN line per attempt; the native reader reconnects
 * and resumes where it stopped.
 */
public class TDengineSourceTask extends SourceTask {
  private static final Logger log = LoggerFactory.getLogger(TDengineSourceTask.class);

  private static final long STATS_EVERY_MS = 5_000;

  private volatile boolean stopping;
  /** Released by stop(): ends the wait of a task with nothing to read. */
  private final CountDownLatch stopped = new CountDownLatch(1);
  private TDengineSourceConfig config;
  private SourceRecordDecoder decoder;
  private final Set<Map<String, Object>> partitions = ConcurrentHashMap.newKeySet();
  private final SourceTaskMetrics metrics = new SourceTaskMetrics();
  private RetryBudget budget;
  private String connectorName;
  private List<String> stables;
  private volatile NativeReader reader;
  private boolean opened;
  /** The native call in flight, and since when. */
  private Future<Fetched> pending;
  private long pendingSince;
  /** No native call before this time (backoff, or an idle query-mode wait). */
  private long nextCallAt;
  private long statsReadAt;
  private ProgressLog progressLog;

  /** What one native call on the reader's thread brought back. */
  private static final class Fetched {
    final byte[] records;
    final String stats;

    Fetched(byte[] records, String stats) {
      this.records = records;
      this.stats = stats;
    }
  }

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    config = new TDengineSourceConfig(props);
    connectorName = props.get("name");
    String share = props.getOrDefault(TDengineSourceConnector.TASK_STABLES, "");
    stables = share.isEmpty() ? new ArrayList<>() : Arrays.asList(share.split("\n"));
    decoder = new SourceRecordDecoder(
        config.database(),
        config.structOutput() ? new SourceStructs(config.database(), config.structTimestamps()) : null);
    if (stables.isEmpty()) {
      log.info("No tables to read for this task");
      return;
    }
    NativeLibrary.load();
    budget = RetryBudget.of(config);
    metrics.register(connectorName, TaskMBeans.taskId(props), budget);
    reader = new NativeReader("tdconnect-reader-" + connectorName);
    progressLog = new ProgressLog(ConnectionConfigs.progressLogIntervalMs(config), System.currentTimeMillis());
    log.info("Source task {} started for {}: {} (configuration logged above as TDengineSourceConfig values)",
        connectorName, stables, ConnectionConfigs.describeServer(config));
    // Opened by the first poll, on the reader's thread: TDengine may be away now.
  }

  /** Opens the native reader and positions it at Connect's offsets (on the reader's thread). */
  private Fetched open(NativeReader r) {
    long h = TdNative.sourceOpen(config.nativeJson(connectorName, stables));
    r.handle(h);
    try {
      String warnings = TdNative.sourceStart(h, storedOffsets(TdNative.sourceAssignments(h)));
      for (String w : warnings.split("\n")) {
        if (!w.isEmpty()) {
          log.warn("{}", w);
        }
      }
      return new Fetched(null, TdNative.sourceStats(h));
    } catch (RuntimeException e) {
      r.handle(0);
      TdNative.sourceClose(h);
      throw e;
    }
  }

  /** One poll of the native reader (on the reader's thread). */
  private Fetched fetch(NativeReader r) {
    byte[] records = TdNative.sourcePoll(r.handle(), (int) config.pollIntervalMs());
    String stats = null;
    if (System.currentTimeMillis() - statsReadAt > STATS_EVERY_MS) {
      statsReadAt = System.currentTimeMillis();
      stats = TdNative.sourceStats(r.handle());
    }
    return new Fetched(records, stats);
  }

  /** Connect's stored offsets of the reader's partitions, in the native line format. */
  private String storedOffsets(String partitionLines) {
    StringBuilder lines = new StringBuilder();
    for (String line : partitionLines.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split("\t");
      Map<String, Object> partition = parts.length == 2
          ? SourceRecordDecoder.partition(parts[0], Integer.parseInt(parts[1]))
          : SourceRecordDecoder.queryPartition(config.database(), line);
      partitions.add(partition);
      Map<String, Object> offset = context.offsetStorageReader().offset(partition);
      if (offset == null) {
        continue;
      }
      Object at = offset.get(SourceRecordDecoder.OFFSET);
      Object ts = offset.get(SourceRecordDecoder.OFFSET_TS);
      Object child = offset.get(SourceRecordDecoder.OFFSET_TABLE);
      if (parts.length == 2 && at instanceof Number) {
        Object skip = offset.get(SourceRecordDecoder.OFFSET_SKIP);
        lines.append(line).append('\t').append(((Number) at).longValue()).append('\t')
            .append(skip instanceof Number ? ((Number) skip).longValue() : 0).append('\n');
      } else if (parts.length == 1 && ts instanceof Number && child instanceof String) {
        lines.append(line).append('\t').append(((Number) ts).longValue()).append('\t').append(child).append('\n');
      }
    }
    return lines.toString();
  }

  @Override
  public List<SourceRecord> poll() throws InterruptedException {
    NativeReader r = reader;
    long pollMs = config.pollIntervalMs();
    long now = System.currentTimeMillis();
    if (r == null || stopping) {
      stopped.await(pollMs, TimeUnit.MILLISECONDS);
      return null;
    }
    if (pending == null) {
      if (now < nextCallAt) {
        stopped.await(Math.min(pollMs, nextCallAt - now), TimeUnit.MILLISECONDS);
        return null;
      }
      boolean opening = !opened;
      pending = r.submit(() -> opening ? open(r) : fetch(r));
      pendingSince = now;
    }
    long t0 = System.nanoTime();
    Fetched got;
    try {
      got = pending.get(pollMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      if (System.currentTimeMillis() - pendingSince > config.nativeCallBoundMs()) {
        giveUp(r);
      }
      logProgress();
      return null;
    } catch (ExecutionException e) {
      pending = null;
      Throwable cause = e.getCause();
      if (cause instanceof RetriableException) {
        retryLater(opened ? "Reading from TDengine" : "Opening the TDengine reader", cause.getMessage());
        return null;
      }
      throw cause instanceof RuntimeException ? (RuntimeException) cause : new ConnectException(cause);
    }
    pending = null;
    opened = true;
    budget.succeeded();
    List<SourceRecord> out = got.records == null ? null : decoder.decode(got.records);
    metrics.polled(out == null ? 0 : out.size(), System.nanoTime() - t0);
    logProgress();
    if (out == null && config.queryMethod()) {
      // Every table was queried and none had new rows: wait before asking again.
      nextCallAt = System.currentTimeMillis() + pollMs;
    }
    if (got.stats != null) {
      logStats(got.stats);
    }
    return out;
  }

  /** One INFO line every progress.log.interval.ms: what was produced, and why not if nothing was. */
  private void logProgress() {
    long now = System.currentTimeMillis();
    if (!progressLog.due(now)) {
      return;
    }
    long records = progressLog.advance(metrics.getRecordsProduced(), now);
    log.info("Progress: {} records produced since the last line ({} in all), {} rows read, lag {} WAL entries{}",
        records, metrics.getRecordsProduced(), metrics.getRowsRead(), metrics.getLag(),
        budget.failing()
            ? "; RETRYING for " + Durations.describe(budget.retryingForMs(now)) + " (attempt " + budget.attempts()
                + "): " + metrics.getLastWarning()
            : records == 0 ? "; idle: no new rows" : "");
  }

  /** A transient failure: wait (growing backoff) before the next native call, within the budget. */
  private void retryLater(String what, String error) {
    long now = System.currentTimeMillis();
    long delay = budget.failed(what, error, now);
    metrics.warned(error);
    log.warn("{} failed (attempt {}, failing for {}), retrying in {} ms: {}", what, budget.attempts(),
        Durations.describe(budget.retryingForMs(now)), delay, error);
    nextCallAt = now + delay;
  }

  /**
   * A native call outlived every bound of its requests: leave it to its
   * thread and start over with a new reader from Connect's stored offsets
   * (records in flight may come again; none is skipped).
   */
  private void giveUp(NativeReader stuck) {
    log.warn("A native call of the TDengine reader did not return within {} ms; starting a new reader",
        config.nativeCallBoundMs());
    stuck.close();
    pending = null;
    opened = false;
    reader = new NativeReader("tdconnect-reader-" + connectorName);
    retryLater("Reading from TDengine", "native call unanswered");
  }

  private void logStats(String stats) {
    List<String> events = new ArrayList<>();
    for (String warning : metrics.update(stats, events)) {
      log.warn("{}", warning);
    }
    for (String event : events) {
      log.info("{}", event);
    }
  }

  /** After Connect stored offsets (Kafka acknowledged the records): mirror them into TMQ. */
  @Override
  public void commit() {
    NativeReader r = reader;
    if (r == null || stopping) {
      return;
    }
    try {
      r.submit(() -> {
        mirrorCommits(r);
        return null;
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // the reader is closing
    }
  }

  /** On the reader's thread: queue the stored offsets as TMQ commits. */
  private void mirrorCommits(NativeReader r) {
    if (r.handle() == 0 || stopping) {
      return;
    }
    for (Map<String, Object> partition : partitions) {
      if (!partition.containsKey(SourceRecordDecoder.PARTITION_VGROUP)) {
        continue; // query mode: nothing to mirror
      }
      Map<String, Object> offset = context.offsetStorageReader().offset(partition);
      if (offset != null && offset.get(SourceRecordDecoder.OFFSET) instanceof Number) {
        TdNative.sourceCommit(
            r.handle(),
            (String) partition.get(SourceRecordDecoder.PARTITION_TOPIC),
            ((Number) partition.get(SourceRecordDecoder.PARTITION_VGROUP)).intValue(),
            ((Number) offset.get(SourceRecordDecoder.OFFSET)).longValue());
      }
    }
  }

  /** Called from another thread; never waits on TDengine: the reader closes after its current call. */
  @Override
  public void stop() {
    stopping = true;
    stopped.countDown();
    metrics.unregister();
    NativeReader r = reader;
    if (r != null) {
      r.close();
    }
  }
}

package io.tdconnect.source;

import io.tdconnect.Version;
import io.tdconnect.jni.NativeLibrary;
import io.tdconnect.jni.TdNative;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 */
public class TDengineSourceTask extends SourceTask {
  private static final Logger log = LoggerFactory.getLogger(TDengineSourceTask.class);

  private static final long STATS_EVERY_MS = 5_000;

  /** Serialises native calls: poll runs on the task thread, stop and commit on others. */
  private final Object nativeLock = new Object();
  private volatile boolean stopping;
  /** Released by stop(): ends the wait of a task with nothing to read. */
  private final CountDownLatch stopped = new CountDownLatch(1);
  private TDengineSourceConfig config;
  private SourceRecordDecoder decoder;
  private final Set<Map<String, Object>> partitions = new HashSet<>();
  private final SourceTaskMetrics metrics = new SourceTaskMetrics();
  private long statsReadAt;
  private long handle;

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    config = new TDengineSourceConfig(props);
    String share = props.getOrDefault(TDengineSourceConnector.TASK_STABLES, "");
    List<String> stables = share.isEmpty() ? new ArrayList<>() : Arrays.asList(share.split("\n"));
    decoder = new SourceRecordDecoder(
        config.database(),
        config.structOutput() ? new SourceStructs(config.database(), config.structTimestamps()) : null);
    if (stables.isEmpty()) {
      log.info("No tables to read for this task");
      return;
    }
    NativeLibrary.load();
    metrics.register(props.get("name"));
    synchronized (nativeLock) {
      handle = TdNative.sourceOpen(config.nativeJson(props.get("name"), stables));
      String warnings = TdNative.sourceStart(handle, storedOffsets(TdNative.sourceAssignments(handle)));
      for (String w : warnings.split("\n")) {
        if (!w.isEmpty()) {
          log.warn("{}", w);
        }
      }
      statsReadAt = System.currentTimeMillis();
      logStats(TdNative.sourceStats(handle));
    }
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
    if (handle == 0) {
      stopped.await(config.pollIntervalMs(), TimeUnit.MILLISECONDS);
      return null;
    }
    byte[] records;
    String stats = null;
    long t0 = System.nanoTime();
    synchronized (nativeLock) {
      if (stopping) {
        return null;
      }
      records = TdNative.sourcePoll(handle, (int) config.pollIntervalMs());
      if (System.currentTimeMillis() - statsReadAt > STATS_EVERY_MS) {
        statsReadAt = System.currentTimeMillis();
        stats = TdNative.sourceStats(handle);
      }
    }
    List<SourceRecord> out = records == null ? null : decoder.decode(records);
    metrics.polled(out == null ? 0 : out.size(), System.nanoTime() - t0);
    if (out == null && config.queryMethod()) {
      // Every table was queried and none had new rows: wait before asking again.
      stopped.await(config.pollIntervalMs(), TimeUnit.MILLISECONDS);
    }
    if (stats != null) {
      logStats(stats);
    }
    return out;
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
    synchronized (nativeLock) {
      if (handle == 0) {
        return;
      }
      for (Map<String, Object> partition : partitions) {
        if (!partition.containsKey(SourceRecordDecoder.PARTITION_VGROUP)) {
          continue; // query mode: nothing to mirror
        }
        Map<String, Object> offset = context.offsetStorageReader().offset(partition);
        if (offset != null && offset.get(SourceRecordDecoder.OFFSET) instanceof Number) {
          TdNative.sourceCommit(
              handle,
              (String) partition.get(SourceRecordDecoder.PARTITION_TOPIC),
              ((Number) partition.get(SourceRecordDecoder.PARTITION_VGROUP)).intValue(),
              ((Number) offset.get(SourceRecordDecoder.OFFSET)).longValue());
        }
      }
    }
  }

  /** Called from another thread; a running poll ends within poll.interval.ms, then the reader closes. */
  @Override
  public void stop() {
    stopping = true;
    stopped.countDown();
    metrics.unregister();
    synchronized (nativeLock) {
      if (handle != 0) {
        TdNative.sourceClose(handle);
        handle = 0;
      }
    }
  }
}

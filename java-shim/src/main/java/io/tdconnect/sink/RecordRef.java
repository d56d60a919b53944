package io.tdconnect.sink;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.connect.sink.SinkRecord;

/** Human-readable names of records and batches for error messages. */
final class RecordRef {
  private RecordRef() {}

  static String of(SinkRecord r) {
    return "record topic=" + r.topic() + " partition=" + r.kafkaPartition() + " offset=" + r.kafkaOffset();
  }

  /** e.g. {@code topic=m partition=0 offsets 10..19; topic=m partition=1 offsets 5..7}. */
  static String range(Collection<SinkRecord> batch) {
    Map<String, long[]> ranges = new TreeMap<>();
    for (SinkRecord r : batch) {
      String key = "topic=" + r.topic() + " partition=" + r.kafkaPartition();
      long[] range = ranges.get(key);
      if (range == null) {
        ranges.put(key, new long[] {r.kafkaOffset(), r.kafkaOffset()});
      } else {
        range[0] = Math.min(range[0], r.kafkaOffset());
        range[1] = Math.max(range[1], r.kafkaOffset());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, long[]> e : ranges.entrySet()) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append(e.getKey()).append(" offsets ").append(e.getValue()[0]).append("..").append(e.getValue()[1]);
    }
    return sb.toString();
  }
}

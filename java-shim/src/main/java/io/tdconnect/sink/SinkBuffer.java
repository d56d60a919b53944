package io.tdconnect.sink;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Records taken from {@code put()} calls and not yet written, kept both as
 * the records (for offsets and the dead letter queue) and encoded (for the
 * native write), in arrival order.
 */
final class SinkBuffer {
  private final BatchEncoder encoder = new BatchEncoder();
  private final List<SinkRecord> records = new ArrayList<>();
  private long firstAddedAt;

  /** Adds a record, or throws a DataException (and adds nothing) if it cannot be encoded. */
  void add(SinkRecord record, long nowMs) {
    encoder.append(record);
    if (records.isEmpty()) {
      firstAddedAt = nowMs;
    }
    records.add(record);
  }

  boolean isEmpty() {
    return records.isEmpty();
  }

  int size() {
    return records.size();
  }

  int byteSize() {
    return encoder.byteSize();
  }

  /** How long the oldest record has waited. */
  long ageMs(long nowMs) {
    return records.isEmpty() ? 0 : nowMs - firstAddedAt;
  }

  /** The buffered records in order; a live view, do not keep it. */
  List<SinkRecord> records() {
    return records;
  }

  /** All buffered records in one frame for the native write. */
  ByteBuffer frame() {
    return encoder.finish();
  }

  /** Forgets the first {@code n} records (written or handled) and keeps the rest. */
  void dropFirst(int n) {
    List<SinkRecord> rest = new ArrayList<>(records.subList(n, records.size()));
    reencode(rest);
  }

  /** Forgets the records of partitions this task no longer owns. */
  void dropPartitions(Collection<TopicPartition> partitions) {
    List<SinkRecord> rest = new ArrayList<>(records.size());
    for (SinkRecord r : records) {
      if (!partitions.contains(new TopicPartition(r.topic(), r.kafkaPartition()))) {
        rest.add(r);
      }
    }
    if (rest.size() != records.size()) {
      reencode(rest);
    }
  }

  void clear() {
    encoder.reset();
    records.clear();
  }

  // Records that encoded once encode again, so this cannot fail.
  private void reencode(List<SinkRecord> keep) {
    long since = firstAddedAt;
    clear();
    for (SinkRecord r : keep) {
      add(r, since);
    }
  }
}

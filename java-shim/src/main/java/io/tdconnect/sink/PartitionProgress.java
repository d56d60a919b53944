package io.tdconnect.sink;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Per partition: the next offset taken into the task (buffered or handled)
 * and the next offset whose records are all handled (safe to commit).
 * Records come in runs of one partition, so the last lookup is cached to
 * keep the per-record cost free of allocation and hashing.
 */
final class PartitionProgress {
  private static final long NONE = -1;

  private static final class Progress {
    long taken = NONE;
    long acknowledged = NONE;
  }

  private final Map<TopicPartition, Progress> partitions = new HashMap<>();
  private String lastTopic;
  private int lastPartition;
  private Progress last;

  private Progress of(SinkRecord r) {
    int partition = r.kafkaPartition() == null ? -1 : r.kafkaPartition();
    if (last != null && partition == lastPartition && r.topic().equals(lastTopic)) {
      return last;
    }
    Progress p = partitions.computeIfAbsent(new TopicPartition(r.topic(), partition), tp -> new Progress());
    lastTopic = r.topic();
    lastPartition = partition;
    last = p;
    return p;
  }

  /** Whether the record was taken before (a redelivery after a retriable failure). */
  boolean alreadyTaken(SinkRecord r) {
    return r.kafkaOffset() < of(r).taken;
  }

  void taken(SinkRecord r) {
    of(r).taken = r.kafkaOffset() + 1;
  }

  /** The record and all before it in its partition are handled. */
  void acknowledged(SinkRecord r) {
    of(r).acknowledged = r.kafkaOffset() + 1;
  }

  /** Offsets safe to commit among the given partitions. */
  Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> among) {
    Map<TopicPartition, OffsetAndMetadata> safe = new HashMap<>();
    for (TopicPartition tp : among) {
      Progress p = partitions.get(tp);
      if (p != null && p.acknowledged != NONE) {
        safe.put(tp, new OffsetAndMetadata(p.acknowledged));
      }
    }
    return safe;
  }

  /** Forgets partitions (closed, or newly opened and so starting afresh). */
  void forget(Collection<TopicPartition> gone) {
    partitions.keySet().removeAll(gone);
    last = null;
  }
}

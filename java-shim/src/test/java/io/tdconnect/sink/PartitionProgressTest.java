package io.tdconnect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class PartitionProgressTest {
  private static final TopicPartition A0 = new TopicPartition("a", 0);
  private static final TopicPartition A1 = new TopicPartition("a", 1);

  private static SinkRecord at(TopicPartition tp, long offset) {
    return new SinkRecord(tp.topic(), tp.partition(), null, null, null, "v", offset);
  }

  @Test
  void redeliveriesBelowTakenAreRecognisedPerPartition() {
    PartitionProgress p = new PartitionProgress();
    p.taken(at(A0, 10));
    assertTrue(p.alreadyTaken(at(A0, 10)));
    assertFalse(p.alreadyTaken(at(A0, 11)));
    assertFalse(p.alreadyTaken(at(A1, 3)), "another partition has its own progress");
    p.forget(Collections.singleton(A0));
    assertFalse(p.alreadyTaken(at(A0, 10)), "a reopened partition starts afresh");
  }

  @Test
  void onlyAcknowledgedPartitionsAreCommittable() {
    PartitionProgress p = new PartitionProgress();
    p.taken(at(A0, 5));
    p.taken(at(A1, 7));
    p.acknowledged(at(A1, 7));
    Map<TopicPartition, OffsetAndMetadata> safe = p.committable(Arrays.asList(A0, A1));
    assertEquals(Collections.singletonMap(A1, new OffsetAndMetadata(8)), safe);
  }
}

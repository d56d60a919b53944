package io.tdconnect.sink;

import static io.tdconnect.sink.BatchEncoderTest.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Collections;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class SinkBufferTest {
  @Test
  void keepsRecordsAndTheirFrameInStep() {
    SinkBuffer buffer = new SinkBuffer();
    for (int i = 0; i < 5; i++) {
      buffer.add(record("m v=" + i + "i", i), 1000 + i);
    }
    assertEquals(5, buffer.size());
    assertEquals(4, buffer.ageMs(1004));
    buffer.dropFirst(3);
    assertEquals(2, buffer.size());
    assertEquals(3, buffer.records().get(0).kafkaOffset());
    ByteBuffer frame = buffer.frame();
    assertEquals(2, frame.getInt(BatchEncoder.COUNT_POSITION));
    assertEquals(4, buffer.ageMs(1004), "age is the oldest record's, kept across drops");
  }

  @Test
  void dropsOnlyTheGivenPartitions() {
    SinkBuffer buffer = new SinkBuffer();
    buffer.add(record("a", 0), 0); // metrics-3
    buffer.add(new SinkRecord("metrics", 1, null, null, null, "b", 0), 0);
    buffer.dropPartitions(Collections.singleton(new TopicPartition("metrics", 3)));
    assertEquals(1, buffer.size());
    assertEquals(1, (int) buffer.records().get(0).kafkaPartition());
    assertEquals(1, buffer.frame().getInt(BatchEncoder.COUNT_POSITION));
  }

  @Test
  void aRecordThatCannotBeEncodedIsNotBuffered() {
    SinkBuffer buffer = new SinkBuffer();
    buffer.add(record("ok", 0), 0);
    assertThrows(DataException.class, () -> buffer.add(record(new Object(), 1), 0));
    assertEquals(1, buffer.size());
    buffer.clear();
    assertTrue(buffer.isEmpty());
    assertEquals(0, buffer.ageMs(99));
  }
}

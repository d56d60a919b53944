package io.tdconnect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class BatchEncoderTest {
  static SinkRecord record(Object value, long offset) {
    return new SinkRecord("metrics", 3, null, null, Schema.OPTIONAL_STRING_SCHEMA, value, offset);
  }

  @Test
  void writesTheDocumentedLayout() {
    ByteBuffer buf =
        new BatchEncoder()
            .encode(Arrays.asList(record("m v=1i", 0), record(null, 1), record("é".getBytes(StandardCharsets.UTF_8), 2)));
    assertTrue(buf.isDirect());
    assertEquals(ByteOrder.LITTLE_ENDIAN, buf.order());
    assertEquals(0x42434454, buf.getInt());
    assertEquals(2, buf.getShort());
    assertEquals(0, buf.getShort());
    assertEquals(3, buf.getInt());
    assertEquals(1, buf.getShort()); // one topic
    assertEquals(7, buf.getShort());
    byte[] topic = new byte[7];
    buf.get(topic);
    assertEquals("metrics", new String(topic, StandardCharsets.UTF_8));
    assertEquals(0, buf.getShort()); // record 0: topic 0
    assertEquals(1, buf.get());
    assertEquals(6, buf.getInt());
    byte[] text = new byte[6];
    buf.get(text);
    assertEquals("m v=1i", new String(text, StandardCharsets.UTF_8));
    assertEquals(0, buf.getShort());
    assertEquals(0, buf.get());
    assertEquals(0, buf.getInt());
    assertEquals(0, buf.getShort());
    assertEquals(1, buf.get());
    assertEquals(2, buf.getInt());
    buf.position(buf.position() + 2);
    assertEquals(buf.limit(), buf.position());
  }

  @Test
  void growsForLargeBatchesAndMapsIndexesBack() {
    List<SinkRecord> batch = new ArrayList<>();
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      big.append("x");
    }
    for (int i = 0; i < 500; i++) {
      batch.add(record(big.toString(), i));
    }
    BatchEncoder encoder = new BatchEncoder();
    ByteBuffer buf = encoder.encode(batch);
    assertEquals(12 + 2 + 2 + 7 + 500 * (7 + 1000), buf.limit());
    assertSame(batch.get(321), encoder.record(321));
  }

  @Test
  void topicsFormATableInFirstSeenOrder() {
    SinkRecord a = new SinkRecord("b.topic", 0, null, null, null, "x", 0);
    SinkRecord b = new SinkRecord("a-topic", 0, null, null, null, "y", 0);
    ByteBuffer buf = new BatchEncoder().encode(Arrays.asList(a, b, a));
    buf.position(12);
    assertEquals(2, buf.getShort());
    byte[] first = new byte[buf.getShort()];
    buf.get(first);
    assertEquals("b.topic", new String(first, StandardCharsets.UTF_8));
    byte[] second = new byte[buf.getShort()];
    buf.get(second);
    assertEquals("a-topic", new String(second, StandardCharsets.UTF_8));
    assertEquals(0, buf.getShort());
    buf.position(buf.position() + 1 + 4 + 1);
    assertEquals(1, buf.getShort());
  }

  @Test
  void structuredValuesAreRejectedWithTheRecordNamed() {
    DataException e =
        assertThrows(DataException.class, () -> new BatchEncoder().encode(Arrays.asList(record(42, 17))));
    assertTrue(e.getMessage().contains("topic=metrics partition=3 offset=17"), e.getMessage());
  }
}

package io.tdconnect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class BatchEncoderTest {
  static SinkRecord record(Object value, long offset) {
    return new SinkRecord(
        "metrics", 3, null, "k" + offset, Schema.OPTIONAL_STRING_SCHEMA, value, offset, 1_700_000_000_000L + offset,
        TimestampType.CREATE_TIME);
  }

  private static String text(ByteBuffer buf, int length) {
    byte[] b = new byte[length];
    buf.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void writesTheDocumentedLayout() {
    BatchEncoder encoder = new BatchEncoder();
    ByteBuffer buf = encoder.encode(Arrays.asList(record("m v=1i", 0), record(null, 1)));
    assertTrue(buf.isDirect());
    assertEquals(ByteOrder.LITTLE_ENDIAN, buf.order());
    assertEquals(0x42434454, buf.getInt());
    assertEquals(3, buf.getShort());
    assertEquals(0, buf.getShort());
    assertEquals(2, buf.getInt());
    assertEquals(1, buf.getShort()); // one topic
    assertEquals("metrics", text(buf, buf.getShort()));
    // record 0
    assertEquals(0, buf.getShort());
    assertEquals(3, buf.getInt());
    assertEquals(1_700_000_000_000L, buf.getLong());
    assertEquals("k0", text(buf, buf.getInt()));
    assertEquals(1, buf.get());
    assertEquals("m v=1i", text(buf, buf.getInt()));
    // record 1: null value
    assertEquals(0, buf.getShort());
    assertEquals(3, buf.getInt());
    assertEquals(1_700_000_000_001L, buf.getLong());
    assertEquals("k1", text(buf, buf.getInt()));
    assertEquals(0, buf.get());
    assertEquals(0, buf.getInt());
    assertEquals(buf.limit(), buf.position());
    assertEquals(2, encoder.encodedCount());
    assertNull(encoder.failure());
  }

  @Test
  void nullKeysAndTimestampsHaveMarkers() {
    SinkRecord r = new SinkRecord("t", 0, null, null, null, "x", 5);
    ByteBuffer buf = new BatchEncoder().encode(Arrays.asList(r));
    buf.position(12 + 2 + 2 + 1 + 2 + 4);
    assertEquals(Long.MIN_VALUE, buf.getLong());
    assertEquals(-1, buf.getInt());
  }

  @Test
  void growsForLargeBatches() {
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
    assertEquals(500, encoder.encodedCount());
    assertTrue(buf.limit() > 500 * 1000);
  }

  @Test
  void encodingStopsAtTheFirstUnsupportedValue() {
    BatchEncoder encoder = new BatchEncoder();
    ByteBuffer buf = encoder.encode(Arrays.asList(record("ok", 0), record(42, 1), record("later", 2)));
    assertEquals(1, encoder.encodedCount());
    assertEquals(1, buf.getInt(8));
    assertTrue(encoder.failure().getMessage().contains("java.lang.Integer"), encoder.failure().getMessage());
  }
}

package io.tdconnect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
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

  static ByteBuffer encode(BatchEncoder encoder, SinkRecord... records) {
    for (SinkRecord r : records) {
      encoder.append(r);
    }
    return encoder.finish();
  }

  @Test
  void writesTheDocumentedLayout() {
    BatchEncoder encoder = new BatchEncoder();
    ByteBuffer buf = encode(encoder, record("m v=1i", 0), record(null, 1));
    assertTrue(buf.isDirect());
    assertEquals(ByteOrder.LITTLE_ENDIAN, buf.order());
    assertEquals(0x42434454, buf.getInt());
    assertEquals(4, buf.getShort());
    assertEquals(0, buf.getShort());
    assertEquals(2, buf.getInt());
    int table = buf.getInt();
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
    // topic table
    assertEquals(table, buf.position());
    assertEquals(1, buf.getShort());
    assertEquals("metrics", text(buf, buf.getShort()));
    assertEquals(buf.limit(), buf.position());
    assertEquals(2, encoder.count());
  }

  @Test
  void recordsAccumulateAcrossFramesAndNewTopicsJoinTheTable() {
    BatchEncoder encoder = new BatchEncoder();
    ByteBuffer first = encode(encoder, record("a", 0));
    int firstLimit = first.limit();
    SinkRecord other = new SinkRecord("other", 0, null, null, null, "b", 1);
    ByteBuffer second = encode(encoder, other);
    assertEquals(2, second.getInt(BatchEncoder.COUNT_POSITION));
    int table = second.getInt(BatchEncoder.TOPIC_TABLE_POSITION);
    assertTrue(table > firstLimit - 2 - 2 - "metrics".length() - 1);
    second.position(table);
    assertEquals(2, second.getShort());
    assertEquals("metrics", text(second, second.getShort()));
    assertEquals("other", text(second, second.getShort()));
    encoder.reset();
    assertEquals(0, encoder.count());
    assertEquals(BatchEncoder.HEADER_LENGTH, encoder.byteSize());
  }

  @Test
  void nullKeysAndTimestampsHaveMarkers() {
    SinkRecord r = new SinkRecord("t", 0, null, null, null, "x", 5);
    ByteBuffer buf = encode(new BatchEncoder(), r);
    buf.position(BatchEncoder.HEADER_LENGTH + 2 + 4);
    assertEquals(Long.MIN_VALUE, buf.getLong());
    assertEquals(-1, buf.getInt());
  }

  @Test
  void growsForLargeBatches() {
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      big.append("x");
    }
    BatchEncoder encoder = new BatchEncoder();
    for (int i = 0; i < 500; i++) {
      encoder.append(record(big.toString(), i));
    }
    ByteBuffer buf = encoder.finish();
    assertEquals(500, encoder.count());
    assertTrue(buf.limit() > 500 * 1000);
  }

  @Test
  void anUnsupportedValueIsRefusedAndNothingIsAppended() {
    BatchEncoder encoder = new BatchEncoder();
    encoder.append(record("ok", 0));
    int size = encoder.byteSize();
    DataException e = assertThrows(DataException.class, () -> encoder.append(record(42, 1)));
    assertTrue(e.getMessage().contains("java.lang.Integer"), e.getMessage());
    assertEquals(1, encoder.count());
    assertEquals(size, encoder.byteSize());
  }
}

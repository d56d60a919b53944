package io.tdconnect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class SourceRecordDecoderTest {
  private static void text(ByteBuffer b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    b.putShort((short) bytes.length).put(bytes);
  }

  private static void record(ByteBuffer b, String table, String value, long offset, long skip) {
    text(b, "td-db-meters");
    text(b, table);
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    b.putInt(v.length).put(v);
    b.putLong(1_700_000_000_000L);
    b.put((byte) 0);
    text(b, "tdconnect_db_meters");
    b.putInt(3);
    b.putLong(offset);
    b.putLong(skip);
    text(b, "meters");
    text(b, table);
  }

  @Test
  void decodesTheNativeLayoutWithOffsetsHeadersAndSharedPartitions() {
    ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(2);
    record(b, "d0", "{\"v\":1}", 10, 1);
    record(b, "d1", "{\"v\":2}", 12, 0);
    byte[] bytes = new byte[b.position()];
    b.flip();
    b.get(bytes);
    List<SourceRecord> out = new SourceRecordDecoder("db", null).decode(bytes);
    assertEquals(2, out.size());
    SourceRecord first = out.get(0);
    assertEquals("td-db-meters", first.topic());
    assertEquals("d0", first.key());
    assertEquals("{\"v\":1}", first.value());
    assertEquals(10L, first.sourceOffset().get("offset"));
    assertEquals(1L, first.sourceOffset().get("skip"));
    assertEquals(3, first.sourcePartition().get("vgroup"));
    assertEquals("d1", out.get(1).headers().lastWithName("tdengine.table").value());
    assertSame(first.sourcePartition(), out.get(1).sourcePartition());
    assertSame(first.topic(), out.get(1).topic());
  }

  @Test
  void queryRecordsCarryTheRowTimeAndChildTableAsTheirOffset() {
    ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(1);
    text(b, "td-db-meters");
    text(b, "d 7");
    byte[] v = "{}".getBytes(StandardCharsets.UTF_8);
    b.putInt(v.length).put(v);
    b.putLong(1_700_000_000_000L);
    b.put((byte) 1);
    b.putLong(1_700_000_000_000_123L);
    text(b, "meters");
    text(b, "d 7");
    byte[] bytes = new byte[b.position()];
    b.flip();
    b.get(bytes);
    SourceRecord r = new SourceRecordDecoder("db", null).decode(bytes).get(0);
    assertEquals(SourceRecordDecoder.queryPartition("db", "meters"), r.sourcePartition());
    assertEquals(1_700_000_000_000_123L, r.sourceOffset().get("ts"));
    assertEquals("d 7", r.sourceOffset().get("tbname"));
    assertEquals(1_700_000_000_000L, r.timestamp());
  }
}

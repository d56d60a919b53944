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

  private static void value(ByteBuffer b, String value) {
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    b.putInt(v.length).put(v);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.position()];
    b.flip();
    b.get(out);
    return out;
  }

  @Test
  void decodesASubscriptionSectionWithOffsetsHeadersAndSharedPartitions() {
    ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
    text(b, "td-db-meters");
    text(b, "meters");
    b.put((byte) 0);
    text(b, "tdconnect_db_meters");
    b.putInt(3);
    b.putInt(2);
    text(b, "d0");
    text(b, "d1");
    b.putInt(2);
    b.putInt(0);
    value(b, "{\"v\":1}");
    b.putLong(1_700_000_000_000L).putLong(10).putLong(1);
    b.putInt(1);
    value(b, "{\"v\":2}");
    b.putLong(1_700_000_000_001L).putLong(12).putLong(0);
    List<SourceRecord> out = new SourceRecordDecoder("db", null).decode(bytes(b));
    assertEquals(2, out.size());
    SourceRecord first = out.get(0);
    assertEquals("td-db-meters", first.topic());
    assertEquals("d0", first.key());
    assertEquals("{\"v\":1}", first.value());
    assertEquals(10L, first.sourceOffset().get("offset"));
    assertEquals(1L, first.sourceOffset().get("skip"));
    assertEquals(3, first.sourcePartition().get("vgroup"));
    assertEquals("d1", out.get(1).key());
    assertEquals("d1", out.get(1).headers().lastWithName("tdengine.table").value());
    assertEquals("meters", out.get(1).headers().lastWithName("tdengine.stable").value());
    assertEquals(1_700_000_000_001L, out.get(1).timestamp());
    assertSame(first.sourcePartition(), out.get(1).sourcePartition());
  }

  @Test
  void queryRecordsCarryTheRowTimeAndChildTableAsTheirOffset() {
    ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
    text(b, "td-db-meters");
    text(b, "meters");
    b.put((byte) 1);
    b.putInt(1);
    text(b, "d 7");
    b.putInt(1);
    b.putInt(0);
    value(b, "{}");
    b.putLong(1_700_000_000_000L).putLong(1_700_000_000_000_123L);
    SourceRecord r = new SourceRecordDecoder("db", null).decode(bytes(b)).get(0);
    assertEquals(SourceRecordDecoder.queryPartition("db", "meters"), r.sourcePartition());
    assertEquals(1_700_000_000_000_123L, r.sourceOffset().get("ts"));
    assertEquals("d 7", r.sourceOffset().get("tbname"));
    assertEquals("d 7", r.key());
    assertEquals(1_700_000_000_000L, r.timestamp());
  }
}

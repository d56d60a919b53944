package io.tdconnect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class SourceStructsTest {
  /** A payload of typed.rs: INT columns named as given, value = index, the last one NULL when asked. */
  private static byte[] payload(boolean lastNull, String... names) {
    ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) names.length);
    for (int i = 0; i < names.length; i++) {
      byte[] n = names[i].getBytes(StandardCharsets.UTF_8);
      b.putShort((short) n.length).put(n).put((byte) 4);
      if (lastNull && i == names.length - 1) {
        b.put((byte) 1);
      } else {
        b.put((byte) 0).putInt(i);
      }
    }
    byte[] out = new byte[b.position()];
    b.flip();
    b.get(out);
    return out;
  }

  @Test
  void rowsSharingAFieldListShareASchemaAndANewColumnGetsItsOwn() {
    SourceStructs structs = new SourceStructs("db", true);
    Struct a = structs.decode("meters", payload(false, "v", "w"));
    Struct b = structs.decode("meters", payload(true, "v", "w"));
    assertSame(a.schema(), b.schema());
    assertEquals(1, a.get("w"));
    assertNull(b.get("w"));
    Struct c = structs.decode("meters", payload(false, "v", "x"));
    assertNotSame(a.schema(), c.schema());
    assertEquals(1, c.get("x"));
    Struct d = structs.decode("meters", payload(false, "v", "w"));
    assertSame(a.schema(), d.schema(), "known field lists keep their schema");
    Struct e = structs.decode("other", payload(false, "v", "w"));
    assertEquals("tdengine.db.other", e.schema().name());
  }

  @Test
  void decimalsKeepScaleAndPrecisionAlsoWhenNull() {
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    byte[] text = "-123456789012345678.0123456789".getBytes(StandardCharsets.UTF_8);
    b.putShort((short) 2);
    b.putShort((short) 1).put((byte) 'd').put((byte) 17).put((byte) 38).put((byte) 10).put((byte) 0);
    b.putInt(text.length).put(text);
    b.putShort((short) 1).put((byte) 'n').put((byte) 17).put((byte) 38).put((byte) 10).put((byte) 1);
    byte[] payload = new byte[b.position()];
    b.flip();
    b.get(payload);
    Struct s = new SourceStructs("db", true).decode("prices", payload);
    assertEquals(new BigDecimal("-123456789012345678.0123456789"), s.get("d"));
    assertEquals(Decimal.LOGICAL_NAME, s.schema().field("d").schema().name());
    assertEquals("10", s.schema().field("d").schema().parameters().get(Decimal.SCALE_FIELD));
    assertEquals("38", s.schema().field("n").schema().parameters().get("connect.decimal.precision"));
    assertNull(s.get("n"));
  }
}

package io.tdconnect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
}

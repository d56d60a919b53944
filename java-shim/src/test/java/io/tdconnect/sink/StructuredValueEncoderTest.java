package io.tdconnect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class StructuredValueEncoderTest {
  private static String name(ByteBuffer b) {
    byte[] n = new byte[b.getShort()];
    b.get(n);
    return new String(n, StandardCharsets.UTF_8);
  }

  @Test
  void structsFlattenWithLogicalTypes() {
    Schema location = SchemaBuilder.struct().field("site", Schema.STRING_SCHEMA).build();
    Schema schema =
        SchemaBuilder.struct()
            .field("at", Timestamp.SCHEMA)
            .field("day", Date.SCHEMA)
            .field("temp", Schema.FLOAT64_SCHEMA)
            .field("price", Decimal.schema(2))
            .field("loc", location)
            .field("gone", Schema.OPTIONAL_INT32_SCHEMA)
            .build();
    Struct s =
        new Struct(schema)
            .put("at", new java.util.Date(1_700_000_000_123L))
            .put("day", new java.util.Date(86_400_000L * 3))
            .put("temp", 21.5)
            .put("price", new BigDecimal("12.30"))
            .put("loc", new Struct(location).put("site", "north"));
    ByteSink sink = new ByteSink();
    StructuredValueEncoder.encode(s, sink);
    ByteBuffer b = sink.contents().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    assertEquals(6, b.getShort());
    assertEquals("at", name(b));
    assertEquals(StructuredValueEncoder.TIMESTAMP, b.get());
    assertEquals(1_700_000_000_123L, b.getLong());
    assertEquals("day", name(b));
    assertEquals(StructuredValueEncoder.DATE, b.get());
    assertEquals(3, b.getInt());
    assertEquals("temp", name(b));
    assertEquals(StructuredValueEncoder.F64, b.get());
    assertEquals(21.5, b.getDouble());
    assertEquals("price", name(b));
    assertEquals(StructuredValueEncoder.DECIMAL, b.get());
    byte[] dec = new byte[b.getInt()];
    b.get(dec);
    assertEquals("12.30", new String(dec, StandardCharsets.UTF_8));
    assertEquals("loc_site", name(b));
    assertEquals(StructuredValueEncoder.STRING, b.get());
    b.position(b.position() + 4 + 5);
    assertEquals("gone", name(b));
    assertEquals(StructuredValueEncoder.NULL, b.get());
    assertEquals(b.limit(), b.position());
  }

  @Test
  void decimalsCarryTheirDeclaredPrecision() {
    Schema declared = Decimal.builder(3).parameter("connect.decimal.precision", "10").build();
    Schema schema = SchemaBuilder.struct().field("d", declared).build();
    ByteSink sink = new ByteSink();
    StructuredValueEncoder.encode(new Struct(schema).put("d", new BigDecimal("-1.500")), sink);
    ByteBuffer b = sink.contents().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    assertEquals(1, b.getShort());
    assertEquals("d", name(b));
    assertEquals(StructuredValueEncoder.DECIMAL_OF_PRECISION, b.get());
    assertEquals(10, b.get());
    byte[] dec = new byte[b.getInt()];
    b.get(dec);
    assertEquals("-1.500", new String(dec, StandardCharsets.UTF_8));
    assertEquals(b.limit(), b.position());
  }

  @Test
  void schemalessMapsFlattenAndListsAreRefused() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("x", 1L);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", true);
    m.put("pos", inner);
    ByteSink sink = new ByteSink();
    StructuredValueEncoder.encode(m, sink);
    ByteBuffer b = sink.contents().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    assertEquals(2, b.getShort());
    assertEquals("ok", name(b));
    assertEquals(StructuredValueEncoder.BOOL, b.get());
    assertEquals(1, b.get());
    assertEquals("pos_x", name(b));
    assertEquals(StructuredValueEncoder.I64, b.get());
    m.put("list", Arrays.asList(1, 2));
    assertThrows(DataException.class, () -> StructuredValueEncoder.encode(m, sink));
  }
}

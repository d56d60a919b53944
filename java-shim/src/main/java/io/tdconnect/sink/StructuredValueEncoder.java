package io.tdconnect.sink;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Flattens a {@link Struct} (with schema) or a schemaless {@link Map} into
 * the structured payload the native library reads (nested names joined with
 * '_'); see native/core/src/sink/structured/value.rs for the layout.
 */
final class StructuredValueEncoder {
  static final int NULL = 0;
  static final int BOOL = 1;
  static final int I8 = 2;
  static final int I16 = 3;
  static final int I32 = 4;
  static final int I64 = 5;
  static final int F32 = 6;
  static final int F64 = 7;
  static final int STRING = 8;
  static final int BYTES = 9;
  static final int TIMESTAMP = 10;
  static final int DATE = 11;
  static final int TIME = 12;
  static final int DECIMAL = 13;
  /** A decimal whose schema declares its precision (Avro/Protobuf converters do). */
  static final int DECIMAL_OF_PRECISION = 14;
  static final String PRECISION_PARAMETER = "connect.decimal.precision";
  private static final long MS_PER_DAY = 86_400_000L;

  private StructuredValueEncoder() {}

  static boolean isStructured(Object value) {
    return value instanceof Struct || value instanceof Map;
  }

  /** Writes the payload of a Struct or Map value into {@code out}. */
  static void encode(Object value, ByteSink out) {
    out.clear();
    out.i16(0); // field count, patched below
    int count =
        value instanceof Struct ? struct("", (Struct) value, out) : map("", (Map<?, ?>) value, out);
    if (count > 0xFFFF) {
      throw new DataException("more than 65535 fields after flattening");
    }
    out.putShortAt(0, count);
  }

  /** The schema's declared precision, 0 when none (or not one TDengine could hold). */
  static int declaredPrecision(Schema s) {
    String text = s.parameters() == null ? null : s.parameters().get(PRECISION_PARAMETER);
    if (text == null) {
      return 0;
    }
    try {
      int p = Integer.parseInt(text.trim());
      return p >= 1 && p <= 255 ? p : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static int struct(String prefix, Struct struct, ByteSink out) {
    int count = 0;
    for (Field field : struct.schema().fields()) {
      String name = prefix.isEmpty() ? field.name() : prefix + field.name();
      Object v = struct.get(field);
      Schema s = field.schema();
      if (s.type() == Schema.Type.STRUCT && v != null) {
        count += struct(name + "_", (Struct) v, out);
      } else {
        out.shortString(name);
        typed(name, v, s, out);
        count++;
      }
    }
    return count;
  }

  private static void typed(String name, Object v, Schema s, ByteSink out) {
    if (v == null) {
      out.u8(NULL);
      return;
    }
    String logical = s.name();
    if (Timestamp.LOGICAL_NAME.equals(logical)) {
      out.u8(TIMESTAMP);
      out.i64(((java.util.Date) v).getTime());
      return;
    }
    if (Date.LOGICAL_NAME.equals(logical)) {
      out.u8(DATE);
      out.i32((int) Math.floorDiv(((java.util.Date) v).getTime(), MS_PER_DAY));
      return;
    }
    if (Time.LOGICAL_NAME.equals(logical)) {
      out.u8(TIME);
      out.i32((int) Math.floorMod(((java.util.Date) v).getTime(), MS_PER_DAY));
      return;
    }
    if (Decimal.LOGICAL_NAME.equals(logical)) {
      int precision = declaredPrecision(s);
      if (precision > 0) {
        out.u8(DECIMAL_OF_PRECISION);
        out.u8(precision);
      } else {
        out.u8(DECIMAL);
      }
      out.lengthPrefixed(((BigDecimal) v).toPlainString().getBytes(StandardCharsets.UTF_8));
      return;
    }
    switch (s.type()) {
      case INT8:
      case INT16:
      case INT32:
      case INT64:
      case FLOAT32:
      case FLOAT64:
      case BOOLEAN:
      case STRING:
      case BYTES:
        untyped(name, v, out);
        return;
      default:
        throw new DataException(
            "field '" + name + "' is a " + s.type() + "; arrays and maps inside a Struct are not supported"
                + " (flatten them with a transform)");
    }
  }

  private static int map(String prefix, Map<?, ?> map, ByteSink out) {
    int count = 0;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      Object key = e.getKey();
      String name = prefix.isEmpty() && key instanceof String ? (String) key : prefix + key;
      Object v = e.getValue();
      if (v instanceof Map) {
        count += map(name + "_", (Map<?, ?>) v, out);
      } else if (v instanceof Struct) {
        count += struct(name + "_", (Struct) v, out);
      } else {
        out.shortString(name);
        untyped(name, v, out);
        count++;
      }
    }
    return count;
  }

  /** A value whose type is its Java class (schemaless maps, and primitives of Structs). */
  private static void untyped(String name, Object v, ByteSink out) {
    if (v == null) {
      out.u8(NULL);
    } else if (v instanceof Boolean) {
      out.u8(BOOL);
      out.u8((Boolean) v ? 1 : 0);
    } else if (v instanceof Byte) {
      out.u8(I8);
      out.u8((Byte) v);
    } else if (v instanceof Short) {
      out.u8(I16);
      out.i16((Short) v);
    } else if (v instanceof Integer) {
      out.u8(I32);
      out.i32((Integer) v);
    } else if (v instanceof Long) {
      out.u8(I64);
      out.i64((Long) v);
    } else if (v instanceof Float) {
      out.u8(F32);
      out.f32((Float) v);
    } else if (v instanceof Double) {
      out.u8(F64);
      out.f64((Double) v);
    } else if (v instanceof String) {
      out.u8(STRING);
      out.lengthPrefixed((String) v);
    } else if (v instanceof byte[]) {
      out.u8(BYTES);
      out.lengthPrefixed((byte[]) v);
    } else if (v instanceof ByteBuffer) {
      ByteBuffer b = ((ByteBuffer) v).duplicate();
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      out.u8(BYTES);
      out.lengthPrefixed(bytes);
    } else if (v instanceof java.util.Date) {
      out.u8(TIMESTAMP);
      out.i64(((java.util.Date) v).getTime());
    } else if (v instanceof BigDecimal) {
      out.u8(DECIMAL);
      out.lengthPrefixed(((BigDecimal) v).toPlainString().getBytes(StandardCharsets.UTF_8));
    } else {
      throw new DataException(
          "field '" + name + "' holds a " + v.getClass().getSimpleName()
              + "; lists are not supported (flatten them with a transform)");
    }
  }
}

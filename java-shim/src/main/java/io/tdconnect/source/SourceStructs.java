package io.tdconnect.source;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * out.format=struct: builds typed Connect Structs from a row's columns and
 * tags (native/core/src/source/typed.rs). Every TDengine type maps without
 * overflow: unsigned types widen (BIGINT UNSIGNED becomes a Decimal with
 * scale 0), DECIMAL(p,s) becomes a Decimal of scale s (precision in the
 * schema's connect.decimal.precision parameter), VARBINARY and GEOMETRY (WKB) are bytes, JSON tags are text.
 * One schema per distinct field list, so a column added upstream yields
 * records with the new schema at once.
 */
final class SourceStructs {
  static final Schema UBIGINT = Decimal.builder(0).optional().build();

  private final String schemaPrefix;
  private final boolean timestampsAsConnectTimestamp;
  private final Map<String, Schema> schemas = new HashMap<>();

  SourceStructs(String database, boolean timestampsAsConnectTimestamp) {
    this.schemaPrefix = "tdengine." + clean(database) + ".";
    this.timestampsAsConnectTimestamp = timestampsAsConnectTimestamp;
  }

  private static String clean(String name) {
    return name.replaceAll("[^A-Za-z0-9_]", "_");
  }

  /** TDengine's DECIMAL type code; its field carries precision and scale. */
  static final int DECIMAL = 17;

  /** A DECIMAL field's type key: the code with precision and scale above it. */
  static int decimalKey(int precision, int scale) {
    return DECIMAL | precision << 8 | scale << 16;
  }

  /** The Connect schema of a TDengine type code (a decimal's: its key). */
  Schema schemaOf(int type, String field) {
    if ((type & 0xFF) == DECIMAL) {
      return Decimal.builder(type >>> 16)
          .parameter("connect.decimal.precision", Integer.toString(type >>> 8 & 0xFF))
          .optional()
          .build();
    }
    switch (type) {
      case 1: return Schema.OPTIONAL_BOOLEAN_SCHEMA;
      case 2: return Schema.OPTIONAL_INT8_SCHEMA;
      case 3: return Schema.OPTIONAL_INT16_SCHEMA;
      case 4: return Schema.OPTIONAL_INT32_SCHEMA;
      case 5: return Schema.OPTIONAL_INT64_SCHEMA;
      case 6: return Schema.OPTIONAL_FLOAT32_SCHEMA;
      case 7: return Schema.OPTIONAL_FLOAT64_SCHEMA;
      case 9: return timestampsAsConnectTimestamp ? Timestamp.builder().optional().build() : Schema.OPTIONAL_INT64_SCHEMA;
      case 8: case 10: case 15: return Schema.OPTIONAL_STRING_SCHEMA;
      case 11: return Schema.OPTIONAL_INT16_SCHEMA;
      case 12: return Schema.OPTIONAL_INT32_SCHEMA;
      case 13: return Schema.OPTIONAL_INT64_SCHEMA;
      case 14: return UBIGINT;
      case 16: case 18: case 19: case 20: return Schema.OPTIONAL_BYTES_SCHEMA;
      default: throw new DataException("column '" + field + "' has TDengine type code " + type + ", not supported");
    }
  }

  /**
   * The previous record's field list: rows of one TMQ block or query page
   * share it, so names are compared as bytes and the schema reused without
   * decoding names or building a lookup key per record.
   */
  private String lastStable;
  private byte[][] lastNameBytes = new byte[0][];
  private String[] lastNames = new String[0];
  private int[] lastTypes = new int[0];
  private Schema lastSchema;

  Struct decode(String stable, byte[] payload) {
    ByteBuffer in = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    int count = in.getShort() & 0xFFFF;
    boolean same = stable.equals(lastStable) && count == lastNames.length;
    if (!same) {
      lastNameBytes = new byte[count][];
      lastNames = new String[count];
      lastTypes = new int[count];
    }
    Object[] values = new Object[count];
    for (int i = 0; i < count; i++) {
      int length = in.getShort() & 0xFFFF;
      if (!same || !nameIs(in, length, lastNameBytes[i])) {
        same = false;
        byte[] name = new byte[length];
        in.get(name);
        lastNameBytes[i] = name;
        lastNames[i] = new String(name, StandardCharsets.UTF_8);
      } else {
        in.position(in.position() + length);
      }
      int type = in.get() & 0xFF;
      if (type == DECIMAL) {
        int precision = in.get() & 0xFF;
        type = decimalKey(precision, in.get() & 0xFF);
      }
      if (type != lastTypes[i]) {
        same = false;
        lastTypes[i] = type;
      }
      boolean isNull = in.get() == 1;
      values[i] = isNull ? null : value(in, type);
    }
    if (!same || lastSchema == null) {
      lastStable = stable;
      lastSchema = schemaFor(stable);
    }
    Struct struct = new Struct(lastSchema);
    for (int i = 0; i < count; i++) {
      struct.put(lastNames[i], values[i]);
    }
    return struct;
  }

  private static boolean nameIs(ByteBuffer in, int length, byte[] name) {
    if (name == null || name.length != length) {
      return false;
    }
    int at = in.position();
    for (int i = 0; i < length; i++) {
      if (in.get(at + i) != name[i]) {
        return false;
      }
    }
    return true;
  }

  /** One schema per distinct (stable, field list), kept for the task's life. */
  private Schema schemaFor(String stable) {
    StringBuilder signature = new StringBuilder(stable).append('\u0000');
    for (int i = 0; i < lastNames.length; i++) {
      signature.append(lastNames[i]).append(':').append(lastTypes[i]).append(',');
    }
    List<String> names = java.util.Arrays.asList(lastNames.clone());
    int[] types = lastTypes.clone();
    return schemas.computeIfAbsent(signature.toString(), k -> build(stable, names, types));
  }

  private Schema build(String stable, List<String> names, int[] types) {
    SchemaBuilder b = SchemaBuilder.struct().name(schemaPrefix + clean(stable)).optional();
    for (int i = 0; i < names.size(); i++) {
      b.field(names.get(i), schemaOf(types[i], names.get(i)));
    }
    return b.build();
  }

  private Object value(ByteBuffer in, int type) {
    if ((type & 0xFF) == DECIMAL) {
      String text = text(in, in.getInt());
      try {
        // The server renders every value with the column's scale: exact.
        return new BigDecimal(text).setScale(type >>> 16);
      } catch (ArithmeticException | NumberFormatException e) {
        throw new DataException("DECIMAL value '" + text + "' does not fit its column's scale", e);
      }
    }
    switch (type) {
      case 1: return in.get() != 0;
      case 2: return in.get();
      case 3: return in.getShort();
      case 4: return in.getInt();
      case 5: return in.getLong();
      case 6: return in.getFloat();
      case 7: return in.getDouble();
      case 9: {
        long raw = in.getLong();
        int precision = in.get();
        if (!timestampsAsConnectTimestamp) {
          return raw;
        }
        long perMs = precision == 0 ? 1 : precision == 1 ? 1_000 : 1_000_000;
        return new java.util.Date(Math.floorDiv(raw, perMs));
      }
      case 11: return (short) (in.get() & 0xFF);
      case 12: return in.getShort() & 0xFFFF;
      case 13: return in.getInt() & 0xFFFFFFFFL;
      case 14: {
        long bits = in.getLong();
        BigInteger unsigned = BigInteger.valueOf(bits >>> 1).shiftLeft(1).or(BigInteger.valueOf(bits & 1));
        return new BigDecimal(unsigned);
      }
      case 8: case 10: case 15: return text(in, in.getInt());
      default: {
        byte[] b = new byte[in.getInt()];
        in.get(b);
        return b;
      }
    }
  }

  private static String text(ByteBuffer in, int length) {
    byte[] b = new byte[length];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}

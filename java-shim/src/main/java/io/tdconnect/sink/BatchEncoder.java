package io.tdconnect.sink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Encodes a {@code put()} batch into a reusable direct buffer in the batch
 * format (v3) the native library decodes; see the design notes.
 *
 * <p>Encoding stops at the first record that cannot be encoded (an
 * unsupported value type): {@link #encodedCount()} records are in the
 * buffer and {@link #failure()} says what is wrong with the next one.
 */
final class BatchEncoder {
  static final int MAGIC = 0x42434454; // "TDCB" read little-endian
  static final short FORMAT = 3;
  static final byte KIND_NULL = 0;
  static final byte KIND_TEXT = 1;
  static final byte KIND_STRUCTURED = 2;
  static final int COUNT_POSITION = 8;
  private static final int NULL_KEY = -1;

  private ByteBuffer buffer = allocate(1 << 16);
  private final Map<String, Integer> topics = new LinkedHashMap<>();
  private final ByteSink structured = new ByteSink();
  private int encoded;
  private DataException failure;

  /** Encodes records from the start of the batch; the buffer is valid until the next call. */
  ByteBuffer encode(List<SinkRecord> batch) {
    topics.clear();
    for (SinkRecord record : batch) {
      if (!topics.containsKey(record.topic())) {
        topics.put(record.topic(), topics.size());
      }
    }
    buffer.clear();
    buffer.putInt(MAGIC).putShort(FORMAT).putShort((short) 0).putInt(0);
    buffer.putShort((short) topics.size());
    for (String topic : topics.keySet()) {
      byte[] name = topic.getBytes(StandardCharsets.UTF_8);
      ensureRoom(2 + name.length);
      buffer.putShort((short) name.length).put(name);
    }
    encoded = 0;
    failure = null;
    for (SinkRecord record : batch) {
      try {
        append(record);
      } catch (DataException | IllegalArgumentException e) {
        failure = e instanceof DataException ? (DataException) e : new DataException(e.getMessage(), e);
        break;
      }
      encoded++;
    }
    buffer.putInt(COUNT_POSITION, encoded);
    buffer.flip();
    return buffer;
  }

  /** How many records (from the start) the last buffer holds. */
  int encodedCount() {
    return encoded;
  }

  /** Why record {@link #encodedCount()} could not be encoded, or null. */
  DataException failure() {
    return failure;
  }

  private void append(SinkRecord record) {
    Object value = record.value();
    byte kind;
    byte[] text = null;
    ByteBuffer payload = null;
    if (value == null) {
      kind = KIND_NULL;
    } else if (value instanceof String) {
      kind = KIND_TEXT;
      text = ((String) value).getBytes(StandardCharsets.UTF_8);
    } else if (value instanceof byte[]) {
      kind = KIND_TEXT;
      text = (byte[]) value;
    } else if (StructuredValueEncoder.isStructured(value)) {
      kind = KIND_STRUCTURED;
      StructuredValueEncoder.encode(value, structured);
      payload = structured.contents();
    } else {
      throw new DataException(
          "value of type "
              + value.getClass().getName()
              + " is not supported: use String/byte[] text protocols (db.schemaless) or"
              + " Struct/Map values (JsonConverter, Avro, Protobuf, JSON Schema)");
    }
    Object key = record.key();
    byte[] keyBytes = key == null ? null : String.valueOf(key).getBytes(StandardCharsets.UTF_8);
    int payloadLength = text != null ? text.length : payload != null ? payload.remaining() : 0;
    ensureRoom(2 + 4 + 8 + 4 + (keyBytes == null ? 0 : keyBytes.length) + 1 + 4 + payloadLength);
    buffer.putShort(topics.get(record.topic()).shortValue());
    buffer.putInt(record.kafkaPartition() == null ? -1 : record.kafkaPartition());
    buffer.putLong(record.timestamp() == null ? Long.MIN_VALUE : record.timestamp());
    if (keyBytes == null) {
      buffer.putInt(NULL_KEY);
    } else {
      buffer.putInt(keyBytes.length).put(keyBytes);
    }
    buffer.put(kind).putInt(payloadLength);
    if (text != null) {
      buffer.put(text);
    } else if (payload != null) {
      buffer.put(payload);
    }
  }

  private void ensureRoom(int bytes) {
    if (buffer.remaining() >= bytes) {
      return;
    }
    int needed = buffer.position() + bytes;
    int capacity = buffer.capacity();
    while (capacity < needed) {
      if (capacity > Integer.MAX_VALUE / 2) {
        throw new DataException("batch too large for one buffer (" + needed + " bytes)");
      }
      capacity *= 2;
    }
    ByteBuffer bigger = allocate(capacity);
    buffer.flip();
    bigger.put(buffer);
    buffer = bigger;
  }

  private static ByteBuffer allocate(int capacity) {
    return ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
  }
}

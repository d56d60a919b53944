package io.tdconnect.sink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Appends records to a reusable direct buffer in the batch format (v4) the
 * native library decodes; see the design notes. Records accumulate across
 * {@code put()} calls; {@link #finish()} closes the frame for one native call
 * and leaves the buffer open for more records.
 */
final class BatchEncoder {
  static final int MAGIC = 0x42434454; // "TDCB" read little-endian
  static final short FORMAT = 4;
  static final byte KIND_NULL = 0;
  static final byte KIND_TEXT = 1;
  static final byte KIND_STRUCTURED = 2;
  static final int COUNT_POSITION = 8;
  static final int TOPIC_TABLE_POSITION = 12;
  static final int HEADER_LENGTH = 16;
  private static final int NULL_KEY = -1;

  private ByteBuffer buffer = allocate(1 << 16);
  private final Map<String, Integer> topics = new LinkedHashMap<>();
  private final ByteSink structured = new ByteSink();
  private int count;

  BatchEncoder() {
    reset();
  }

  /** Forgets all records. */
  void reset() {
    topics.clear();
    count = 0;
    buffer.clear();
    buffer.putInt(MAGIC).putShort(FORMAT).putShort((short) 0).putInt(0).putInt(0);
  }

  /** Records appended since the last reset. */
  int count() {
    return count;
  }

  /** Bytes the appended records take. */
  int byteSize() {
    return buffer.position();
  }

  /**
   * Appends one record, or throws a {@link DataException} naming what is
   * wrong with its value; nothing is appended then.
   */
  void append(SinkRecord record) {
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
      try {
        StructuredValueEncoder.encode(value, structured);
      } catch (IllegalArgumentException e) {
        throw new DataException(e.getMessage(), e);
      }
      payload = structured.contents();
    } else {
      throw new DataException(
          "value of type "
              + value.getClass().getName()
              + " is not supported: use String/byte[] text protocols (db.schemaless) or"
              + " Struct/Map values (JsonConverter, Avro, Protobuf, JSON Schema)");
    }
    Integer topic = topics.get(record.topic());
    if (topic == null) {
      topic = topics.size();
      topics.put(record.topic(), topic);
    }
    Object key = record.key();
    byte[] keyBytes = key == null ? null : String.valueOf(key).getBytes(StandardCharsets.UTF_8);
    int payloadLength = text != null ? text.length : payload != null ? payload.remaining() : 0;
    ensureRoom(2 + 4 + 8 + 4 + (keyBytes == null ? 0 : keyBytes.length) + 1 + 4 + payloadLength);
    buffer.putShort(topic.shortValue());
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
    count++;
  }

  /**
   * The frame of all appended records, for one native call; valid until the
   * next append or reset. The buffer stays open for more records.
   */
  ByteBuffer finish() {
    int recordsEnd = buffer.position();
    int tableLength = 2;
    for (String topic : topics.keySet()) {
      tableLength += 2 + topic.getBytes(StandardCharsets.UTF_8).length;
    }
    ensureRoom(tableLength);
    buffer.putShort((short) topics.size());
    for (String topic : topics.keySet()) {
      byte[] name = topic.getBytes(StandardCharsets.UTF_8);
      buffer.putShort((short) name.length).put(name);
    }
    buffer.putInt(COUNT_POSITION, count);
    buffer.putInt(TOPIC_TABLE_POSITION, recordsEnd);
    ByteBuffer frame = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    frame.flip();
    buffer.position(recordsEnd); // the next append overwrites the table
    return frame;
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

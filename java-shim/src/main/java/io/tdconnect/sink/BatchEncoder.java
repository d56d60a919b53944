package io.tdconnect.sink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Encodes one {@code put()} batch into a reusable direct buffer in the batch
 * format (v2) the native library decodes; see the design notes. Keeps the
 * records so an error's record index can be turned back into a record.
 */
final class BatchEncoder {
  static final int MAGIC = 0x42434454; // "TDCB" read little-endian
  static final short FORMAT = 2;
  static final byte KIND_NULL = 0;
  static final byte KIND_TEXT = 1;
  static final int RECORD_HEADER_BYTES = 7;

  private ByteBuffer buffer = allocate(1 << 16);
  private final List<SinkRecord> records = new ArrayList<>();
  private final Map<String, Integer> topics = new LinkedHashMap<>();

  /** Encodes the batch; the returned buffer is valid until the next call. */
  ByteBuffer encode(Collection<SinkRecord> batch) {
    records.clear();
    records.addAll(batch);
    topics.clear();
    for (SinkRecord record : records) {
      if (!topics.containsKey(record.topic())) {
        topics.put(record.topic(), topics.size());
      }
    }
    buffer.clear();
    buffer.putInt(MAGIC).putShort(FORMAT).putShort((short) 0).putInt(batch.size());
    buffer.putShort((short) topics.size());
    for (String topic : topics.keySet()) {
      byte[] name = topic.getBytes(StandardCharsets.UTF_8);
      ensureRoom(2 + name.length);
      buffer.putShort((short) name.length).put(name);
    }
    for (SinkRecord record : records) {
      byte[] payload = payload(record);
      ensureRoom(RECORD_HEADER_BYTES + (payload == null ? 0 : payload.length));
      buffer.putShort(topics.get(record.topic()).shortValue());
      if (payload == null) {
        buffer.put(KIND_NULL).putInt(0);
      } else {
        buffer.put(KIND_TEXT).putInt(payload.length).put(payload);
      }
    }
    buffer.flip();
    return buffer;
  }

  /** The record at {@code index} of the last encoded batch. */
  SinkRecord record(int index) {
    return records.get(index);
  }

  private static byte[] payload(SinkRecord record) {
    Object value = record.value();
    if (value == null) {
      return null;
    }
    if (value instanceof String) {
      return ((String) value).getBytes(StandardCharsets.UTF_8);
    }
    if (value instanceof byte[]) {
      return (byte[]) value;
    }
    throw new DataException(
        RecordRef.of(record)
            + ": value of type "
            + value.getClass().getName()
            + " cannot be written with db.schemaless; use StringConverter or ByteArrayConverter"
            + " for text protocol values");
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

package io.tdconnect.sink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Encodes one {@code put()} batch into a reusable direct buffer in the batch
 * format (v1) the native library decodes; see the design notes. Keeps the
 * records so an error's record index can be turned back into a record.
 */
final class BatchEncoder {
  static final int MAGIC = 0x42434454; // "TDCB" read little-endian
  static final short FORMAT = 1;
  static final byte KIND_NULL = 0;
  static final byte KIND_TEXT = 1;
  static final int HEADER_BYTES = 12;
  static final int RECORD_HEADER_BYTES = 5;

  private ByteBuffer buffer = allocate(1 << 16);
  private final List<SinkRecord> records = new ArrayList<>();

  /** Encodes the batch; the returned buffer is valid until the next call. */
  ByteBuffer encode(Collection<SinkRecord> batch) {
    records.clear();
    records.addAll(batch);
    buffer.clear();
    buffer.putInt(MAGIC).putShort(FORMAT).putShort((short) 0).putInt(batch.size());
    for (SinkRecord record : records) {
      byte[] payload = payload(record);
      ensureRoom(RECORD_HEADER_BYTES + (payload == null ? 0 : payload.length));
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

package io.tdconnect.sink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A growable little-endian byte buffer for one record's structured payload. */
final class ByteSink {
  private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);

  void clear() {
    buf.clear();
  }

  int position() {
    return buf.position();
  }

  ByteBuffer contents() {
    ByteBuffer view = buf.duplicate();
    view.flip();
    return view;
  }

  private void room(int n) {
    if (buf.remaining() < n) {
      int capacity = buf.capacity();
      while (capacity - buf.position() < n) {
        capacity *= 2;
      }
      ByteBuffer bigger = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
      buf.flip();
      bigger.put(buf);
      buf = bigger;
    }
  }

  void u8(int v) {
    room(1);
    buf.put((byte) v);
  }

  void i16(int v) {
    room(2);
    buf.putShort((short) v);
  }

  void putShortAt(int position, int v) {
    buf.putShort(position, (short) v);
  }

  void i32(int v) {
    room(4);
    buf.putInt(v);
  }

  void i64(long v) {
    room(8);
    buf.putLong(v);
  }

  void f32(float v) {
    room(4);
    buf.putFloat(v);
  }

  void f64(double v) {
    room(8);
    buf.putDouble(v);
  }

  /** u32 length + bytes. */
  void lengthPrefixed(byte[] bytes) {
    i32(bytes.length);
    room(bytes.length);
    buf.put(bytes);
  }

  /** u32 length + UTF-8 (string values). */
  void lengthPrefixed(String s) {
    if (!putAscii(s, 4)) {
      lengthPrefixed(s.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** u16 length + UTF-8 (field names). */
  void shortString(String s) {
    if (s.length() <= 0xFFFF && putAscii(s, 2)) {
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > 0xFFFF) {
      throw new IllegalArgumentException("name longer than 65535 bytes");
    }
    i16(b.length);
    room(b.length);
    buf.put(b);
  }

  /**
   * Writes an all-ASCII string (its UTF-8 is its chars) with a length prefix
   * of {@code lengthBytes}, without allocating; false, writing nothing, for
   * any other string.
   */
  private boolean putAscii(String s, int lengthBytes) {
    int n = s.length();
    room(lengthBytes + n);
    byte[] array = buf.array();
    int at = buf.arrayOffset() + buf.position() + lengthBytes;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return false;
      }
      array[at + i] = (byte) c;
    }
    if (lengthBytes == 2) {
      buf.putShort((short) n);
    } else {
      buf.putInt(n);
    }
    buf.position(buf.position() + n);
    return true;
  }
}

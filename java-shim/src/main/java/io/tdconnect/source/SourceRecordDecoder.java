package io.tdconnect.source;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns the records of one native poll (native/core/src/source/output.rs)
 * into SourceRecords: key = child table, value = the formatted row,
 * timestamp = row time, headers = database, super table, table.
 */
final class SourceRecordDecoder {
  static final String PARTITION_TOPIC = "tmq_topic";
  static final String PARTITION_VGROUP = "vgroup";
  static final String OFFSET = "offset";
  static final String OFFSET_SKIP = "skip";
  static final String PARTITION_DATABASE = "database";
  static final String PARTITION_TABLE = "query_table";
  static final String OFFSET_TS = "ts";
  static final String OFFSET_TABLE = "tbname";

  private final String database;
  /** Builds typed values for out.format=struct; null for the text formats. */
  private final SourceStructs structs;
  /** Source partition maps are shared by all records of a vgroup. */
  private final Map<String, Map<String, Object>> partitions = new HashMap<>();
  /** Names repeat from record to record: the last one of each kind is reused. */
  private final byte[][] lastBytes = new byte[5][];
  private final String[] lastText = new String[5];

  SourceRecordDecoder(String database, SourceStructs structs) {
    this.database = database;
    this.structs = structs;
  }

  static Map<String, Object> partition(String tmqTopic, int vgroup) {
    Map<String, Object> p = new HashMap<>();
    p.put(PARTITION_TOPIC, tmqTopic);
    p.put(PARTITION_VGROUP, vgroup);
    return p;
  }

  /** Query mode: one partition per table read; the offset is (row time, child table). */
  static Map<String, Object> queryPartition(String database, String table) {
    Map<String, Object> p = new HashMap<>();
    p.put(PARTITION_DATABASE, database);
    p.put(PARTITION_TABLE, table);
    return p;
  }

  List<SourceRecord> decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int count = in.getInt();
    List<SourceRecord> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String topic = repeated(in, 0);
      String key = repeated(in, 1);
      byte[] value = new byte[in.getInt()];
      in.get(value);
      long timestamp = in.getLong();
      Map<String, Object> sourceOffset = new HashMap<>();
      Map<String, Object> partition;
      String stable;
      String table;
      if (in.get() == 0) {
        String tmqTopic = repeated(in, 2);
        int vgroup = in.getInt();
        sourceOffset.put(OFFSET, in.getLong());
        sourceOffset.put(OFFSET_SKIP, in.getLong());
        stable = repeated(in, 3);
        table = repeated(in, 4);
        partition = partitions.computeIfAbsent(tmqTopic + "\t" + vgroup, k -> partition(tmqTopic, vgroup));
      } else {
        sourceOffset.put(OFFSET_TS, in.getLong());
        stable = repeated(in, 3);
        table = repeated(in, 4);
        sourceOffset.put(OFFSET_TABLE, table);
        String read = stable;
        partition = partitions.computeIfAbsent(read, k -> queryPartition(database, read));
      }
      ConnectHeaders headers = new ConnectHeaders();
      headers.addString("tdengine.database", database);
      headers.addString("tdengine.stable", stable);
      headers.addString("tdengine.table", table);
      if (structs == null) {
        out.add(new SourceRecord(
            partition, sourceOffset, topic, null, Schema.STRING_SCHEMA, key, Schema.STRING_SCHEMA,
            new String(value, StandardCharsets.UTF_8), timestamp, headers));
      } else {
        Struct struct = structs.decode(stable, value);
        out.add(new SourceRecord(
            partition, sourceOffset, topic, null, Schema.STRING_SCHEMA, key, struct.schema(), struct, timestamp,
            headers));
      }
    }
    return out;
  }

  /** A u16-length string; the previous one of the same slot when the bytes are equal. */
  private String repeated(ByteBuffer in, int slot) {
    int length = in.getShort() & 0xFFFF;
    byte[] previous = lastBytes[slot];
    if (previous != null && previous.length == length && sameBytes(in, previous)) {
      in.position(in.position() + length);
      return lastText[slot];
    }
    byte[] b = new byte[length];
    in.get(b);
    lastBytes[slot] = b;
    lastText[slot] = new String(b, StandardCharsets.UTF_8);
    return lastText[slot];
  }

  private static boolean sameBytes(ByteBuffer in, byte[] bytes) {
    int at = in.position();
    for (int i = 0; i < bytes.length; i++) {
      if (in.get(at + i) != bytes[i]) {
        return false;
      }
    }
    return true;
  }
}

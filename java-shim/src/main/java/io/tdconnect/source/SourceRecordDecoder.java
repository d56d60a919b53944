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

  private final String database;
  /** Builds typed values for out.format=struct; null for the text formats. */
  private final SourceStructs structs;
  /** Source partition maps are shared by all records of a vgroup. */
  private final Map<String, Map<String, Object>> partitions = new HashMap<>();

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

  List<SourceRecord> decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int count = in.getInt();
    List<SourceRecord> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String topic = text(in);
      String key = text(in);
      byte[] value = new byte[in.getInt()];
      in.get(value);
      long timestamp = in.getLong();
      String tmqTopic = text(in);
      int vgroup = in.getInt();
      long offset = in.getLong();
      long skip = in.getLong();
      String stable = text(in);
      String table = text(in);
      Map<String, Object> partition =
          partitions.computeIfAbsent(tmqTopic + "\t" + vgroup, k -> partition(tmqTopic, vgroup));
      Map<String, Object> sourceOffset = new HashMap<>();
      sourceOffset.put(OFFSET, offset);
      sourceOffset.put(OFFSET_SKIP, skip);
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

  private static String text(ByteBuffer in) {
    byte[] b = new byte[in.getShort() & 0xFFFF];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}

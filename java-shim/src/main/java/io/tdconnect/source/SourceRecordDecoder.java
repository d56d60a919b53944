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
  private final Map<String, String> names = new HashMap<>();

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

  /** The records of one native poll; names every row shares are decoded once. */
  List<SourceRecord> decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    String topic = interned(text(in));
    String stable = interned(text(in));
    boolean query = in.get() == 1;
    Map<String, Object> partition;
    if (query) {
      partition = partitions.computeIfAbsent(stable, k -> queryPartition(database, stable));
    } else {
      String tmqTopic = text(in);
      int vgroup = in.getInt();
      partition = partitions.computeIfAbsent(tmqTopic + "\t" + vgroup, k -> partition(tmqTopic, vgroup));
    }
    String[] tables = new String[in.getInt()];
    for (int t = 0; t < tables.length; t++) {
      tables[t] = text(in);
    }
    int count = in.getInt();
    List<SourceRecord> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String table = tables[in.getInt()];
      byte[] value = new byte[in.getInt()];
      in.get(value);
      long timestamp = in.getLong();
      Map<String, Object> sourceOffset = new HashMap<>(4);
      if (query) {
        sourceOffset.put(OFFSET_TS, in.getLong());
        sourceOffset.put(OFFSET_TABLE, table);
      } else {
        sourceOffset.put(OFFSET, in.getLong());
        sourceOffset.put(OFFSET_SKIP, in.getLong());
      }
      ConnectHeaders headers = new ConnectHeaders();
      headers.addString("tdengine.database", database);
      headers.addString("tdengine.stable", stable);
      headers.addString("tdengine.table", table);
      if (structs == null) {
        out.add(new SourceRecord(
            partition, sourceOffset, topic, null, Schema.STRING_SCHEMA, table, Schema.STRING_SCHEMA,
            new String(value, StandardCharsets.UTF_8), timestamp, headers));
      } else {
        Struct struct = structs.decode(stable, value);
        out.add(new SourceRecord(
            partition, sourceOffset, topic, null, Schema.STRING_SCHEMA, table, struct.schema(), struct,
            timestamp, headers));
      }
    }
    return out;
  }

  private static String text(ByteBuffer in) {
    byte[] b = new byte[in.getShort() & 0xFFFF];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  /** The same String object for a name seen before (topics and super tables repeat across polls). */
  private String interned(String name) {
    String known = names.putIfAbsent(name, name);
    return known == null ? name : known;
  }
}

package io.tdconnect.sink;

import io.tdconnect.config.Choices;
import io.tdconnect.config.ConnectionConfigs;
import io.tdconnect.config.Json;
import io.tdconnect.config.RetryConfigs;
import io.tdconnect.config.Visibility;
import java.util.Collections;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Configuration of {@link TDengineSinkConnector}. */
public class TDengineSinkConfig extends AbstractConfig {
  public static final String WRITE_GROUP = "Write";

  public static final String SCHEMALESS_CONFIG = "db.schemaless";
  private static final String SCHEMALESS_DOC =
      "Text protocol of String (or UTF-8 byte[]) record values: line (InfluxDB line protocol),"
          + " telnet (OpenTSDB telnet) or json (OpenTSDB JSON object or array). A line or telnet value"
          + " may hold several lines; JSON documents are checked natively and the data points of a"
          + " batch's documents sent as one array (TDengine 3.3.7 reads only the first of several"
          + " documents in one call).";
  private static final String SCHEMALESS_DISPLAY = "Schemaless protocol";
  private static final Choices SCHEMALESS_CHOICES = Choices.of("line", "telnet", "json");

  public static final String WRITE_PATH_CONFIG = "write.path";
  private static final String WRITE_PATH_DOC =
      "How line protocol (db.schemaless=line) is written: native (default: the connector parses"
          + " the lines and writes SQL into the same super and child tables schemaless makes: same"
          + " names, column order, types and widths, its child table names; lines it does not take"
          + " on, e.g. without tags or timestamp, go through schemaless) or schemaless (TDengine's"
          + " schemaless insert parses the lines on the server, as TDengine's own connector does:"
          + " exact legacy behaviour)."
          + " native assumes the client defaults of taosAdapter's taos.cfg for schemaless"
          + " (smlChildTableName, smlAutoChildTableNameDelimiter, smlDot2Underline, smlTsDefaultName"
          + " unset). Telnet and JSON always go through schemaless.";
  private static final String WRITE_PATH_DISPLAY = "Write path";
  private static final Choices WRITE_PATH_CHOICES = Choices.of("schemaless", "native");

  public static final String WRITE_PARALLELISM_CONFIG = "write.parallelism";
  private static final String WRITE_PARALLELISM_DOC =
      "With write.path=native: connections one write is spread over (each child table's rows stay"
          + " on one connection, in record order). 1 writes over the task's one connection.";
  private static final String WRITE_PARALLELISM_DISPLAY = "Write connections";

  public static final String WRITE_BINDING_CONFIG = "write.binding";
  private static final String WRITE_BINDING_DOC =
      "With write.path=native over ws:// or wss://: sql (default) writes multi-table INSERTs; auto"
          + " binds the rows as parameters (stmt2) where taosAdapter runs TDengine 3.3.5 or later"
          + " (less CPU in taosAdapter), else writes SQL.";
  private static final Choices WRITE_BINDING_CHOICES = Choices.of("auto", "sql");

  public static final String TEXT_VALUES_CONFIG = "text.values";
  private static final String TEXT_VALUES_DOC =
      "How String (or UTF-8 byte[]) values are read: schemaless (text in the db.schemaless"
          + " protocol) or json (one JSON object per record, mapped to a row like a Map value:"
          + " name templates, tag.fields, timestamp.field... Parsed natively, so StringConverter or"
          + " ByteArrayConverter with text.values=json is faster than JsonConverter with Maps).";
  private static final String TEXT_VALUES_DISPLAY = "Text values";
  private static final Choices TEXT_VALUES_CHOICES = Choices.of("schemaless", "json");

  public static final String PRECISION_CONFIG = "data.precision";
  private static final String PRECISION_DOC =
      "Timestamp precision of line-protocol values (ms, us or ns); also the precision of a"
          + " database the connector creates.";
  private static final String PRECISION_DISPLAY = "Timestamp precision";
  private static final Choices PRECISION_CHOICES = Choices.of("ms", "us", "ns");

  public static final String DATABASE_PREFIX_CONFIG = "connection.database.prefix";
  private static final String DATABASE_PREFIX_DOC =
      "When no database is set (connection.database or the URL path), each topic's records go"
          + " to the database named prefix + topic (characters a database name cannot hold become"
          + " '_'), created if missing. Same meaning as in TDengine's own connector.";
  private static final String DATABASE_PREFIX_DISPLAY = "Database prefix (per topic)";

  public static final String BATCH_SIZE_CONFIG = "batch.size";
  private static final String BATCH_SIZE_DOC =
      "Most records per TDengine write; records are buffered across put() calls up to this many.";
  private static final String BATCH_SIZE_DISPLAY = "Batch size";

  public static final String FLUSH_INTERVAL_MS_CONFIG = "flush.interval.ms";
  private static final String FLUSH_INTERVAL_MS_DOC =
      "Records are buffered across put() calls and written when batch.size records or"
          + " buffer.max.bytes are reached, when the oldest has waited this long (also on a quiet"
          + " topic: the task asks Connect to call it again in time), or at each offset commit"
          + " (offset.flush.interval.ms). 0 writes every put() at once.";
  private static final String FLUSH_INTERVAL_MS_DISPLAY = "Flush interval (ms)";

  public static final String BUFFER_MAX_BYTES_CONFIG = "buffer.max.bytes";
  private static final String BUFFER_MAX_BYTES_DOC =
      "Most bytes of encoded records a task buffers before writing them; bounds its memory.";
  private static final String BUFFER_MAX_BYTES_DISPLAY = "Buffer size (bytes)";

  public static final String NULL_VALUES_CONFIG = "behavior.on.null.values";
  private static final String NULL_VALUES_DOC =
      "What a record with a null value (a tombstone) does: ignore (skipped, its offset committed)"
          + " or fail (a data error: the task fails, or the record goes to the dead letter queue"
          + " when errors.tolerance=all and one is configured).";
  private static final String NULL_VALUES_DISPLAY = "Null values";
  private static final Choices NULL_VALUES_CHOICES = Choices.of("ignore", "fail");

  public static final String MAPPING_GROUP = "Structured records";

  public static final String STABLE_FORMAT_CONFIG = "stable.name.format";
  private static final String STABLE_FORMAT_DOC =
      "Super table for Struct/Map records. Placeholders: ${topic}, ${partition}, ${key},"
          + " ${field.NAME}.";
  private static final String STABLE_FORMAT_DISPLAY = "Super table name";

  public static final String SUBTABLE_FORMAT_CONFIG = "subtable.name.format";
  private static final String SUBTABLE_FORMAT_DOC =
      "Subtable (one per device or series) for Struct/Map records, e.g. d_${field.device_id}."
          + " Empty: the super table name plus a hash of the tag values, so the same tags always"
          + " land in the same subtable.";
  private static final String SUBTABLE_FORMAT_DISPLAY = "Subtable name";

  public static final String TAG_FIELDS_CONFIG = "tag.fields";
  private static final String TAG_FIELDS_DOC =
      "Fields written as TAGS of the subtable (nested fields by their flattened name, a_b)."
          + " Empty: one tag, kafka_topic, holding the topic.";
  private static final String TAG_FIELDS_DISPLAY = "Tag fields";

  public static final String TIMESTAMP_FIELD_CONFIG = "timestamp.field";
  private static final String TIMESTAMP_FIELD_DOC =
      "Field holding the row timestamp (Connect Timestamp/Date, an integer in timestamp.unit, or"
          + " text in timestamp.format). Empty: the Kafka record timestamp.";
  private static final String TIMESTAMP_FIELD_DISPLAY = "Timestamp field";

  public static final String TIMESTAMP_UNIT_CONFIG = "timestamp.unit";
  private static final String TIMESTAMP_UNIT_DOC =
      "Unit of integer timestamps: auto (by magnitude: 10 digits s, 13 ms, 16 us, 19 ns), s,"
          + " ms, us or ns. Digits finer than the database precision are an error, never"
          + " truncated.";
  private static final String TIMESTAMP_UNIT_DISPLAY = "Timestamp unit";
  private static final Choices TIMESTAMP_UNIT_CHOICES = Choices.of("auto", "s", "ms", "us", "ns");

  public static final String TIMESTAMP_FORMAT_CONFIG = "timestamp.format";
  private static final String TIMESTAMP_FORMAT_DOC =
      "Pattern of text timestamps in Java DateTimeFormatter letters (yyyy MM dd HH mm ss,"
          + " SSS/SSSSSS/SSSSSSSSS fractions, XXX or Z offsets, 'quoted' literals), e.g."
          + " yyyy-MM-dd HH:mm:ss.SSS. Empty: ISO-8601 (2024-05-01T12:00:00.5+02:00, or without"
          + " offset as UTC) or digits in timestamp.unit. Without an offset, times are UTC.";
  private static final String TIMESTAMP_FORMAT_DISPLAY = "Timestamp text format";

  public static final String FIELDS_INCLUDE_CONFIG = "fields.include";
  private static final String FIELDS_INCLUDE_DOC = "Fields written as columns; empty: all.";
  private static final String FIELDS_INCLUDE_DISPLAY = "Fields to include";

  public static final String FIELDS_EXCLUDE_CONFIG = "fields.exclude";
  private static final String FIELDS_EXCLUDE_DOC = "Fields never written as columns.";
  private static final String FIELDS_EXCLUDE_DISPLAY = "Fields to exclude";

  public static final String AUTO_CREATE_CONFIG = "auto.create";
  private static final String AUTO_CREATE_DOC =
      "Create missing super tables from the first record's shape (subtables are always created"
          + " on first write).";
  private static final String AUTO_CREATE_DISPLAY = "Auto create";

  public static final String AUTO_EVOLVE_CONFIG = "auto.evolve";
  private static final String AUTO_EVOLVE_DOC =
      "Add columns and tags for new fields and widen VARCHAR columns for longer values.";
  private static final String AUTO_EVOLVE_DISPLAY = "Auto evolve";

  public static final ConfigDef CONFIG_DEF = configDef();

  public TDengineSinkConfig(Map<?, ?> props) {
    super(CONFIG_DEF, props);
  }

  private static ConfigDef configDef() {
    ConfigDef def = ConnectionConfigs.define(new ConfigDef());
    int order = 0;
    def.define(
            SCHEMALESS_CONFIG,
            Type.STRING,
            "line",
            SCHEMALESS_CHOICES.validator(),
            Importance.HIGH,
            SCHEMALESS_DOC,
            WRITE_GROUP,
            ++order,
            Width.SHORT,
            SCHEMALESS_DISPLAY,
            Collections.<String>emptyList(),
            Visibility.whenEquals(TEXT_VALUES_CONFIG, "schemaless").offering(SCHEMALESS_CHOICES))
        .define(
            TEXT_VALUES_CONFIG,
            Type.STRING,
            "schemaless",
            TEXT_VALUES_CHOICES.validator(),
            Importance.MEDIUM,
            TEXT_VALUES_DOC,
            WRITE_GROUP,
            ++order,
            Width.SHORT,
            TEXT_VALUES_DISPLAY,
            java.util.Arrays.asList(SCHEMALESS_CONFIG, WRITE_PATH_CONFIG),
            TEXT_VALUES_CHOICES)
        .define(
            WRITE_PATH_CONFIG,
            Type.STRING,
            "native",
            WRITE_PATH_CHOICES.validator(),
            Importance.MEDIUM,
            WRITE_PATH_DOC,
            WRITE_GROUP,
            ++order,
            Width.SHORT,
            WRITE_PATH_DISPLAY,
            java.util.Arrays.asList(WRITE_PARALLELISM_CONFIG, WRITE_BINDING_CONFIG),
            Visibility.whenEquals(TEXT_VALUES_CONFIG, "schemaless").offering(WRITE_PATH_CHOICES))
        .define(
            WRITE_PARALLELISM_CONFIG,
            Type.INT,
            2,
            ConfigDef.Range.between(1, 16),
            Importance.LOW,
            WRITE_PARALLELISM_DOC,
            WRITE_GROUP,
            ++order,
            Width.SHORT,
            WRITE_PARALLELISM_DISPLAY,
            Collections.<String>emptyList(),
            Visibility.whenEquals(WRITE_PATH_CONFIG, "native"))
        .define(WRITE_BINDING_CONFIG, Type.STRING, "sql", WRITE_BINDING_CHOICES.validator(), Importance.LOW,
            WRITE_BINDING_DOC, WRITE_GROUP, ++order, Width.SHORT, "Parameter binding",
            Collections.<String>emptyList(), Visibility.whenEquals(WRITE_PATH_CONFIG, "native")
                .offering(WRITE_BINDING_CHOICES))
        .define(
            PRECISION_CONFIG,
            Type.STRING,
            "ms",
            PRECISION_CHOICES.validator(),
            Importance.MEDIUM,
            PRECISION_DOC,
            WRITE_GROUP,
            ++order,
            Width.SHORT,
            PRECISION_DISPLAY,
            PRECISION_CHOICES)
        .define(
            BATCH_SIZE_CONFIG,
            Type.INT,
            3000,
            ConfigDef.Range.atLeast(1),
            Importance.MEDIUM,
            BATCH_SIZE_DOC,
            WRITE_GROUP,
            ++order,
            Width.SHORT,
            BATCH_SIZE_DISPLAY)
        .define(
            FLUSH_INTERVAL_MS_CONFIG,
            Type.LONG,
            1000L,
            ConfigDef.Range.atLeast(0),
            Importance.LOW,
            FLUSH_INTERVAL_MS_DOC,
            WRITE_GROUP,
            ++order,
            Width.SHORT,
            FLUSH_INTERVAL_MS_DISPLAY)
        .define(
            BUFFER_MAX_BYTES_CONFIG,
            Type.INT,
            32 << 20,
            ConfigDef.Range.between(1 << 16, 1 << 30),
            Importance.LOW,
            BUFFER_MAX_BYTES_DOC,
            WRITE_GROUP,
            ++order,
            Width.SHORT,
            BUFFER_MAX_BYTES_DISPLAY)
        .define(
            NULL_VALUES_CONFIG,
            Type.STRING,
            "ignore",
            NULL_VALUES_CHOICES.validator(),
            Importance.LOW,
            NULL_VALUES_DOC,
            WRITE_GROUP,
            ++order,
            Width.SHORT,
            NULL_VALUES_DISPLAY,
            NULL_VALUES_CHOICES);
    def.define(
        DATABASE_PREFIX_CONFIG,
        Type.STRING,
        "",
        Importance.MEDIUM,
        DATABASE_PREFIX_DOC,
        ConnectionConfigs.GROUP,
        20,
        Width.MEDIUM,
        DATABASE_PREFIX_DISPLAY);
    RetryConfigs.define(def);
    int m = 0;
    def.define(STABLE_FORMAT_CONFIG, Type.STRING, "${topic}", Importance.MEDIUM, STABLE_FORMAT_DOC,
            MAPPING_GROUP, ++m, Width.MEDIUM, STABLE_FORMAT_DISPLAY)
        .define(SUBTABLE_FORMAT_CONFIG, Type.STRING, "", Importance.MEDIUM, SUBTABLE_FORMAT_DOC,
            MAPPING_GROUP, ++m, Width.MEDIUM, SUBTABLE_FORMAT_DISPLAY)
        .define(TAG_FIELDS_CONFIG, Type.LIST, "", Importance.MEDIUM, TAG_FIELDS_DOC,
            MAPPING_GROUP, ++m, Width.LONG, TAG_FIELDS_DISPLAY)
        .define(TIMESTAMP_FIELD_CONFIG, Type.STRING, "", Importance.MEDIUM, TIMESTAMP_FIELD_DOC,
            MAPPING_GROUP, ++m, Width.MEDIUM, TIMESTAMP_FIELD_DISPLAY)
        .define(TIMESTAMP_UNIT_CONFIG, Type.STRING, "auto", TIMESTAMP_UNIT_CHOICES.validator(),
            Importance.LOW, TIMESTAMP_UNIT_DOC, MAPPING_GROUP, ++m, Width.SHORT,
            TIMESTAMP_UNIT_DISPLAY, TIMESTAMP_UNIT_CHOICES)
        .define(TIMESTAMP_FORMAT_CONFIG, Type.STRING, "", Importance.LOW, TIMESTAMP_FORMAT_DOC,
            MAPPING_GROUP, ++m, Width.MEDIUM, TIMESTAMP_FORMAT_DISPLAY)
        .define(FIELDS_INCLUDE_CONFIG, Type.LIST, "", Importance.LOW, FIELDS_INCLUDE_DOC,
            MAPPING_GROUP, ++m, Width.LONG, FIELDS_INCLUDE_DISPLAY)
        .define(FIELDS_EXCLUDE_CONFIG, Type.LIST, "", Importance.LOW, FIELDS_EXCLUDE_DOC,
            MAPPING_GROUP, ++m, Width.LONG, FIELDS_EXCLUDE_DISPLAY)
        .define(AUTO_CREATE_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, AUTO_CREATE_DOC,
            MAPPING_GROUP, ++m, Width.SHORT, AUTO_CREATE_DISPLAY)
        .define(AUTO_EVOLVE_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, AUTO_EVOLVE_DOC,
            MAPPING_GROUP, ++m, Width.SHORT, AUTO_EVOLVE_DISPLAY);
    return def;
  }

  /** How structured records map to super tables, for native code. */
  private Json mappingJson() {
    String subtable = getString(SUBTABLE_FORMAT_CONFIG);
    String tsField = getString(TIMESTAMP_FIELD_CONFIG);
    String tsFormat = getString(TIMESTAMP_FORMAT_CONFIG);
    return Json.object()
        .put("stable", getString(STABLE_FORMAT_CONFIG))
        .put("subtable", subtable.isEmpty() ? null : subtable)
        .put("tags", getList(TAG_FIELDS_CONFIG))
        .put("timestamp_field", tsField.isEmpty() ? null : tsField)
        .put("timestamp_unit", getString(TIMESTAMP_UNIT_CONFIG))
        .put("timestamp_format", tsFormat.isEmpty() ? null : tsFormat)
        .put("include", getList(FIELDS_INCLUDE_CONFIG))
        .put("exclude", getList(FIELDS_EXCLUDE_CONFIG))
        .put("auto_create", getBoolean(AUTO_CREATE_CONFIG))
        .put("auto_evolve", getBoolean(AUTO_EVOLVE_CONFIG));
  }

  public String schemaless() {
    return getString(SCHEMALESS_CONFIG);
  }

  public String precision() {
    return getString(PRECISION_CONFIG);
  }

  public int maxRetries() {
    return RetryConfigs.maxRetries(this);
  }

  /** How long the shim waits for one native write before giving up on it. */
  public long writeWaitMs() {
    return ConnectionConfigs.nativeCallBoundMs(this);
  }

  public int batchSize() {
    return getInt(BATCH_SIZE_CONFIG);
  }

  public long flushIntervalMs() {
    return getLong(FLUSH_INTERVAL_MS_CONFIG);
  }

  public int bufferMaxBytes() {
    return getInt(BUFFER_MAX_BYTES_CONFIG);
  }

  public boolean failOnNullValues() {
    return "fail".equals(getString(NULL_VALUES_CONFIG));
  }

  /** The one target database (connection.database, else from the URL); null when unset. */
  public String database() {
    return ConnectionConfigs.database(this);
  }

  /** Prefix for per-topic databases; null when unset. */
  public String databasePrefix() {
    String prefix = getString(DATABASE_PREFIX_CONFIG);
    return prefix == null || prefix.isEmpty() ? null : prefix;
  }

  /** Whether records have somewhere to go: a database, or a per-topic prefix. */
  public boolean hasTarget() {
    return database() != null || databasePrefix() != null;
  }

  /** The connection object alone, for checking the server in validate(). */
  public String connectionJson() {
    return ConnectionConfigs.nativeJson(this, 1).toString();
  }

  /** The configuration the native sink writer is opened with. */
  public String nativeJson() {
    Json json = Json.object()
        .put("connection", ConnectionConfigs.nativeJson(this))
        .put("database", database())
        .put("database_prefix", databasePrefix())
        .put("protocol", schemaless())
        .put("precision", precision())
        .put("batch_size", batchSize())
        .put("mapping", mappingJson())
        .put("text_json", "json".equals(getString(TEXT_VALUES_CONFIG)))
        .put("write_path", getString(WRITE_PATH_CONFIG))
        .put("write_parallelism", getInt(WRITE_PARALLELISM_CONFIG))
        .put("write_binding", "auto".equals(getString(WRITE_BINDING_CONFIG)));
    return json.toString();
  }
}

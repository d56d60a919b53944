package io.tdconnect.sink;

import io.tdconnect.config.Choices;
import io.tdconnect.config.ConnectionConfigs;
import io.tdconnect.config.Json;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Configuration of {@link TDengineSinkConnector}. */
public class TDengineSinkConfig extends AbstractConfig {
  public static final String WRITE_GROUP = "Write";
  public static final String RETRY_GROUP = "Retries";

  public static final String SCHEMALESS_CONFIG = "db.schemaless";
  private static final String SCHEMALESS_DOC =
      "Text protocol of String (or UTF-8 byte[]) record values: line (InfluxDB line protocol),"
          + " telnet (OpenTSDB telnet) or json (OpenTSDB JSON). A value may hold several lines.";
  private static final String SCHEMALESS_DISPLAY = "Schemaless protocol";
  private static final Choices SCHEMALESS_CHOICES = Choices.of("line", "telnet", "json");

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
  private static final String BATCH_SIZE_DOC = "Most rows sent to TDengine in one write.";
  private static final String BATCH_SIZE_DISPLAY = "Batch size";

  public static final String NULL_VALUES_CONFIG = "behavior.on.null.values";
  private static final String NULL_VALUES_DOC =
      "What a record with a null value (a tombstone) does: ignore (skipped, its offset committed)"
          + " or fail (a data error: the task fails, or the record goes to the dead letter queue"
          + " when errors.tolerance=all and one is configured).";
  private static final String NULL_VALUES_DISPLAY = "Null values";
  private static final Choices NULL_VALUES_CHOICES = Choices.of("ignore", "fail");

  public static final String MAX_RETRIES_CONFIG = "max.retries";
  private static final String MAX_RETRIES_DOC =
      "Consecutive transient failures (TDengine unreachable, busy, leader change) tolerated"
          + " before the task fails; each successful write resets the count.";
  private static final String MAX_RETRIES_DISPLAY = "Max retries";

  public static final String RETRY_BACKOFF_MS_CONFIG = "retry.backoff.ms";
  private static final String RETRY_BACKOFF_MS_DOC =
      "How long to wait before redelivering a batch after a transient TDengine failure.";
  private static final String RETRY_BACKOFF_MS_DISPLAY = "Retry backoff (ms)";

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
            SCHEMALESS_CHOICES)
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
    def.define(
            MAX_RETRIES_CONFIG,
            Type.INT,
            3,
            ConfigDef.Range.atLeast(0),
            Importance.LOW,
            MAX_RETRIES_DOC,
            RETRY_GROUP,
            1,
            Width.SHORT,
            MAX_RETRIES_DISPLAY)
        .define(
            RETRY_BACKOFF_MS_CONFIG,
            Type.LONG,
            3000L,
            ConfigDef.Range.atLeast(0),
            Importance.LOW,
            RETRY_BACKOFF_MS_DOC,
            RETRY_GROUP,
            2,
            Width.SHORT,
            RETRY_BACKOFF_MS_DISPLAY);
    return def;
  }

  public String schemaless() {
    return getString(SCHEMALESS_CONFIG);
  }

  public String precision() {
    return getString(PRECISION_CONFIG);
  }

  public long retryBackoffMs() {
    return getLong(RETRY_BACKOFF_MS_CONFIG);
  }

  public int maxRetries() {
    return getInt(MAX_RETRIES_CONFIG);
  }

  public int batchSize() {
    return getInt(BATCH_SIZE_CONFIG);
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

  /** The configuration the native sink writer is opened with. */
  public String nativeJson() {
    return Json.object()
        .put("connection", ConnectionConfigs.nativeJson(this))
        .put("database", database())
        .put("database_prefix", databasePrefix())
        .put("protocol", schemaless())
        .put("precision", precision())
        .put("batch_size", batchSize())
        .toString();
  }
}

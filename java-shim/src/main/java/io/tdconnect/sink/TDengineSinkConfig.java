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
            PRECISION_CHOICES);
    def.define(
        RETRY_BACKOFF_MS_CONFIG,
        Type.LONG,
        3000L,
        ConfigDef.Range.atLeast(0),
        Importance.LOW,
        RETRY_BACKOFF_MS_DOC,
        RETRY_GROUP,
        1,
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

  /** Target database (connection.database, else from the URL); null when unset. */
  public String database() {
    return ConnectionConfigs.database(this);
  }

  /** The configuration the native sink writer is opened with. */
  public String nativeJson() {
    return Json.object()
        .put("connection", ConnectionConfigs.nativeJson(this))
        .put("database", database())
        .put("protocol", schemaless())
        .put("precision", precision())
        .toString();
  }
}

package io.tdconnect.source;

import io.tdconnect.config.Choices;
import io.tdconnect.config.ConnectionConfigs;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Configuration of {@link TDengineSourceConnector}. */
public class TDengineSourceConfig extends AbstractConfig {
  public static final String TOPIC_GROUP = "Topics";
  public static final String READ_GROUP = "Reading";

  public static final String TOPIC_PREFIX_CONFIG = "topic.prefix";
  private static final String TOPIC_PREFIX_DOC =
      "Prefix of the Kafka topics the source writes to (topic = prefix + delimiter + database"
          + " [+ delimiter + super table]).";
  private static final String TOPIC_PREFIX_DISPLAY = "Topic prefix";

  public static final String READ_METHOD_CONFIG = "read.method";
  private static final String READ_METHOD_DOC =
      "subscription (TDengine TMQ, default) or query (time-window polling).";
  private static final String READ_METHOD_DISPLAY = "Read method";
  private static final Choices READ_METHOD_CHOICES = Choices.of("subscription", "query");

  public static final String POLL_INTERVAL_MS_CONFIG = "poll.interval.ms";
  private static final String POLL_INTERVAL_MS_DOC =
      "Longest time one poll waits for new data before returning to the worker.";
  private static final String POLL_INTERVAL_MS_DISPLAY = "Poll interval (ms)";

  public static final ConfigDef CONFIG_DEF = configDef();

  public TDengineSourceConfig(Map<?, ?> props) {
    super(CONFIG_DEF, props);
  }

  private static ConfigDef configDef() {
    ConfigDef def = ConnectionConfigs.define(new ConfigDef());
    def.define(
        TOPIC_PREFIX_CONFIG,
        Type.STRING,
        ConfigDef.NO_DEFAULT_VALUE,
        new ConfigDef.NonEmptyString(),
        Importance.HIGH,
        TOPIC_PREFIX_DOC,
        TOPIC_GROUP,
        1,
        Width.MEDIUM,
        TOPIC_PREFIX_DISPLAY);
    int order = 0;
    def.define(
            READ_METHOD_CONFIG,
            Type.STRING,
            "subscription",
            READ_METHOD_CHOICES.validator(),
            Importance.HIGH,
            READ_METHOD_DOC,
            READ_GROUP,
            ++order,
            Width.SHORT,
            READ_METHOD_DISPLAY,
            READ_METHOD_CHOICES)
        .define(
            POLL_INTERVAL_MS_CONFIG,
            Type.LONG,
            1000L,
            ConfigDef.Range.between(1, 60_000),
            Importance.MEDIUM,
            POLL_INTERVAL_MS_DOC,
            READ_GROUP,
            ++order,
            Width.SHORT,
            POLL_INTERVAL_MS_DISPLAY);
    return def;
  }

  public String topicPrefix() {
    return getString(TOPIC_PREFIX_CONFIG);
  }

  public long pollIntervalMs() {
    return getLong(POLL_INTERVAL_MS_CONFIG);
  }
}

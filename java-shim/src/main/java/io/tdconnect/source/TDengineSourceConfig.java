package io.tdconnect.source;

import io.tdconnect.config.Choices;
import io.tdconnect.config.ConnectionConfigs;
import io.tdconnect.config.Json;
import io.tdconnect.config.RetryConfigs;
import io.tdconnect.config.Visibility;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/** Configuration of {@link TDengineSourceConnector}; keys of TDengine's own connector keep their meaning. */
public class TDengineSourceConfig extends AbstractConfig {
  public static final String TOPIC_GROUP = "Topics";
  public static final String READ_GROUP = "Reading";

  public static final String TOPIC_PREFIX_CONFIG = "topic.prefix";
  private static final String TOPIC_PREFIX_DOC =
      "Prefix of the Kafka topics the source writes to (topic = prefix + delimiter + database"
          + " [+ delimiter + super table]).";
  private static final String TOPIC_PREFIX_DISPLAY = "Topic prefix";

  public static final String TOPIC_DELIMITER_CONFIG = "topic.delimiter";
  private static final String TOPIC_DELIMITER_DOC = "Separator between the parts of a topic name.";
  private static final String TOPIC_DELIMITER_DISPLAY = "Topic delimiter";

  public static final String TOPIC_PER_STABLE_CONFIG = "topic.per.stable";
  private static final String TOPIC_PER_STABLE_DOC =
      "One topic per super table (prefix-db-stable); false: one topic per database (prefix-db).";
  private static final String TOPIC_PER_STABLE_DISPLAY = "Topic per super table";

  public static final String TOPIC_IGNORE_DB_CONFIG = "topic.ignore.db";
  private static final String TOPIC_IGNORE_DB_DOC =
      "Leave the database out of per-super-table topic names (prefix-stable).";
  private static final String TOPIC_IGNORE_DB_DISPLAY = "Topic without database";

  public static final String OUT_FORMAT_CONFIG = "out.format";
  private static final String OUT_FORMAT_DOC =
      "Record values: json (an object of columns and tags; timestamps as integers in the database"
          + " precision, bytes as base64, DECIMAL as exact JSON numbers), line (InfluxDB line"
          + " protocol with TDengine's typed number suffixes; DECIMAL as an exact quoted string) or"
          + " struct (a typed Connect Struct for any converter: Avro, Protobuf, JSON Schema;"
          + " DECIMAL as Connect Decimal). Keys are the child table name.";
  private static final String OUT_FORMAT_DISPLAY = "Output format";
  private static final Choices OUT_FORMAT_CHOICES = Choices.of("json", "line", "struct");

  public static final String STRUCT_TIMESTAMP_CONFIG = "struct.timestamp.type";
  private static final String STRUCT_TIMESTAMP_DOC =
      "TIMESTAMP columns in struct records: timestamp (Connect Timestamp, milliseconds; finer"
          + " digits of us/ns databases are floored) or int64 (the raw value in the database precision).";
  private static final String STRUCT_TIMESTAMP_DISPLAY = "Struct timestamp type";
  private static final Choices STRUCT_TIMESTAMP_CHOICES = Choices.of("timestamp", "int64");

  public static final String READ_METHOD_CONFIG = "read.method";
  private static final String READ_METHOD_DOC =
      "subscription (TDengine TMQ: every row, whenever it was written, once the WAL has it) or"
          + " query (time-window queries per super table or normal table, in (row time, child"
          + " table) order; rows written later with a row time already passed are not seen).";
  private static final String READ_METHOD_DISPLAY = "Read method";
  private static final Choices READ_METHOD_CHOICES = Choices.of("subscription", "query");

  public static final String STABLES_INCLUDE_CONFIG = "stables.include";
  private static final String STABLES_INCLUDE_DOC =
      "Super tables to read (query mode: also normal tables); empty: all of the database.";
  private static final String STABLES_INCLUDE_DISPLAY = "Super tables to include";

  public static final String STABLES_EXCLUDE_CONFIG = "stables.exclude";
  private static final String STABLES_EXCLUDE_DOC = "Super tables (query mode: also normal tables) never read.";
  private static final String STABLES_EXCLUDE_DISPLAY = "Super tables to exclude";

  public static final String GROUP_ID_CONFIG = "subscription.group.id";
  private static final String GROUP_ID_DOC =
      "TDengine consumer group of the tasks; empty: tdconnect-<connector name>. Offsets live in"
          + " Kafka Connect's offset storage; the group only mirrors them.";
  private static final String GROUP_ID_DISPLAY = "Subscription group";

  public static final String FROM_CONFIG = "subscription.from";
  private static final String FROM_DOC =
      "Where a vgroup without a stored offset starts: earliest (the retained WAL) or latest.";
  private static final String FROM_DISPLAY = "Start from";
  private static final Choices FROM_CHOICES = Choices.of("latest", "earliest");

  public static final String POLL_INTERVAL_MS_CONFIG = "poll.interval.ms";
  private static final String POLL_INTERVAL_MS_DOC =
      "Longest time one poll waits for new data before returning to the worker (stop() ends a"
          + " task within it); in query mode also how often idle tables are queried again and new or"
          + " dropped tables looked for.";
  private static final String POLL_INTERVAL_MS_DISPLAY = "Poll interval (ms)";

  public static final String DISCOVERY_INTERVAL_MS_CONFIG = "discovery.interval.ms";
  private static final String DISCOVERY_INTERVAL_MS_DOC =
      "How often the connector looks for super tables created or dropped upstream (then the"
          + " tasks are reconfigured); query mode looks every poll.interval.ms (at least 1 s).";
  private static final String DISCOVERY_INTERVAL_MS_DISPLAY = "Discovery interval (ms)";

  public static final String FETCH_MAX_ROWS_CONFIG = "fetch.max.rows";
  private static final String FETCH_MAX_ROWS_DOC =
      "Query mode: rows per query (one poll). Subscription mode: a poll returns one TMQ message.";
  private static final String FETCH_MAX_ROWS_DISPLAY = "Fetch max rows";

  public static final String PRECISION_CONFIG = "data.precision";
  private static final String PRECISION_DOC =
      "Accepted for TDengine's connector; timestamps keep the database's own precision.";
  private static final String PRECISION_DISPLAY = "Timestamp precision";

  public static final String QUERY_INTERVAL_MS_CONFIG = "query.interval.ms";
  private static final String QUERY_INTERVAL_MS_DOC =
      "Query mode: the longest span of row time one query covers; 0: up to now (less"
          + " timestamp.delay.interval.ms). Empty spans are skipped, not crawled.";
  private static final String QUERY_INTERVAL_MS_DISPLAY = "Query window (ms)";

  public static final String TIMESTAMP_DELAY_CONFIG = "timestamp.delay.interval.ms";
  private static final String TIMESTAMP_DELAY_DOC =
      "Query mode: rows whose time is less than this much before now are left for a later"
          + " poll, so rows still in flight (client batches, slow devices) land before the"
          + " window passes them.";
  private static final String TIMESTAMP_DELAY_DISPLAY = "Delay before reading (ms)";

  public static final String TIMESTAMP_INITIAL_CONFIG = "timestamp.initial";
  private static final String TIMESTAMP_INITIAL_DOC =
      "Query mode: row time where tables without a stored offset start, as yyyy-MM-dd HH:mm:ss"
          + " (UTC), RFC 3339 with an offset, or epoch milliseconds; empty: their first row.";
  private static final String TIMESTAMP_INITIAL_DISPLAY = "Initial timestamp";

  public static final ConfigDef CONFIG_DEF = configDef();

  public TDengineSourceConfig(Map<?, ?> props) {
    super(CONFIG_DEF, props);
  }

  private static ConfigDef configDef() {
    ConfigDef def = RetryConfigs.define(ConnectionConfigs.define(new ConfigDef()));
    int t = 0;
    def.define(TOPIC_PREFIX_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
            Importance.HIGH, TOPIC_PREFIX_DOC, TOPIC_GROUP, ++t, Width.MEDIUM, TOPIC_PREFIX_DISPLAY)
        .define(TOPIC_DELIMITER_CONFIG, Type.STRING, "-", Importance.LOW, TOPIC_DELIMITER_DOC, TOPIC_GROUP, ++t,
            Width.SHORT, TOPIC_DELIMITER_DISPLAY)
        .define(TOPIC_PER_STABLE_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, TOPIC_PER_STABLE_DOC, TOPIC_GROUP,
            ++t, Width.SHORT, TOPIC_PER_STABLE_DISPLAY)
        .define(TOPIC_IGNORE_DB_CONFIG, Type.BOOLEAN, false, Importance.LOW, TOPIC_IGNORE_DB_DOC, TOPIC_GROUP, ++t,
            Width.SHORT, TOPIC_IGNORE_DB_DISPLAY)
        .define(OUT_FORMAT_CONFIG, Type.STRING, "json", OUT_FORMAT_CHOICES.validator(), Importance.HIGH,
            OUT_FORMAT_DOC, TOPIC_GROUP, ++t, Width.SHORT, OUT_FORMAT_DISPLAY,
            Collections.singletonList(STRUCT_TIMESTAMP_CONFIG), OUT_FORMAT_CHOICES)
        .define(STRUCT_TIMESTAMP_CONFIG, Type.STRING, "timestamp", STRUCT_TIMESTAMP_CHOICES.validator(),
            Importance.LOW, STRUCT_TIMESTAMP_DOC, TOPIC_GROUP, ++t, Width.SHORT, STRUCT_TIMESTAMP_DISPLAY,
            Collections.<String>emptyList(),
            Visibility.whenEquals(OUT_FORMAT_CONFIG, "struct").offering(STRUCT_TIMESTAMP_CHOICES));
    Visibility subscription = Visibility.whenEquals(READ_METHOD_CONFIG, "subscription");
    Visibility query = Visibility.whenEquals(READ_METHOD_CONFIG, "query");
    int r = 0;
    def.define(READ_METHOD_CONFIG, Type.STRING, "subscription", READ_METHOD_CHOICES.validator(), Importance.HIGH,
            READ_METHOD_DOC, READ_GROUP, ++r, Width.SHORT, READ_METHOD_DISPLAY,
            Arrays.asList(GROUP_ID_CONFIG, FROM_CONFIG, QUERY_INTERVAL_MS_CONFIG, TIMESTAMP_DELAY_CONFIG,
                TIMESTAMP_INITIAL_CONFIG),
            READ_METHOD_CHOICES)
        .define(STABLES_INCLUDE_CONFIG, Type.LIST, "", Importance.MEDIUM, STABLES_INCLUDE_DOC, READ_GROUP, ++r,
            Width.LONG, STABLES_INCLUDE_DISPLAY)
        .define(STABLES_EXCLUDE_CONFIG, Type.LIST, "", Importance.LOW, STABLES_EXCLUDE_DOC, READ_GROUP, ++r,
            Width.LONG, STABLES_EXCLUDE_DISPLAY)
        .define(GROUP_ID_CONFIG, Type.STRING, "", null, Importance.LOW, GROUP_ID_DOC, READ_GROUP, ++r,
            Width.MEDIUM, GROUP_ID_DISPLAY, Collections.<String>emptyList(), subscription)
        .define(FROM_CONFIG, Type.STRING, "latest", FROM_CHOICES.validator(), Importance.MEDIUM, FROM_DOC,
            READ_GROUP, ++r, Width.SHORT, FROM_DISPLAY, Collections.<String>emptyList(),
            subscription.offering(FROM_CHOICES))
        .define(POLL_INTERVAL_MS_CONFIG, Type.LONG, 1000L, ConfigDef.Range.between(1, 60_000), Importance.MEDIUM,
            POLL_INTERVAL_MS_DOC, READ_GROUP, ++r, Width.SHORT, POLL_INTERVAL_MS_DISPLAY)
        .define(DISCOVERY_INTERVAL_MS_CONFIG, Type.LONG, 30_000L, ConfigDef.Range.atLeast(1000), Importance.LOW,
            DISCOVERY_INTERVAL_MS_DOC, READ_GROUP, ++r, Width.SHORT, DISCOVERY_INTERVAL_MS_DISPLAY)
        .define(FETCH_MAX_ROWS_CONFIG, Type.INT, 10_000, ConfigDef.Range.between(1, 1_000_000), Importance.LOW,
            FETCH_MAX_ROWS_DOC, READ_GROUP, ++r, Width.SHORT, FETCH_MAX_ROWS_DISPLAY)
        .define(QUERY_INTERVAL_MS_CONFIG, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.LOW,
            QUERY_INTERVAL_MS_DOC, READ_GROUP, ++r, Width.SHORT, QUERY_INTERVAL_MS_DISPLAY,
            Collections.<String>emptyList(), query)
        .define(TIMESTAMP_DELAY_CONFIG, Type.LONG, 5_000L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
            TIMESTAMP_DELAY_DOC, READ_GROUP, ++r, Width.SHORT, TIMESTAMP_DELAY_DISPLAY,
            Collections.<String>emptyList(), query)
        .define(TIMESTAMP_INITIAL_CONFIG, Type.STRING, "", InitialTimestamp.VALIDATOR, Importance.MEDIUM,
            TIMESTAMP_INITIAL_DOC, READ_GROUP, ++r, Width.MEDIUM, TIMESTAMP_INITIAL_DISPLAY,
            Collections.<String>emptyList(), query)
        .define(PRECISION_CONFIG, Type.STRING, "", Importance.LOW, PRECISION_DOC, READ_GROUP, ++r, Width.SHORT,
            PRECISION_DISPLAY);
    return def;
  }

  public String topicPrefix() {
    return getString(TOPIC_PREFIX_CONFIG);
  }

  /** How long a task waits for one native call before it stops waiting for it. */
  public long nativeCallBoundMs() {
    return ConnectionConfigs.nativeCallBoundMs(this);
  }

  public long pollIntervalMs() {
    return getLong(POLL_INTERVAL_MS_CONFIG);
  }

  public long discoveryIntervalMs() {
    return getLong(DISCOVERY_INTERVAL_MS_CONFIG);
  }

  public boolean structOutput() {
    return "struct".equals(getString(OUT_FORMAT_CONFIG));
  }

  /** Struct TIMESTAMP columns as Connect Timestamps (else raw int64). */
  public boolean structTimestamps() {
    return "timestamp".equals(getString(STRUCT_TIMESTAMP_CONFIG));
  }

  public boolean queryMethod() {
    return "query".equals(getString(READ_METHOD_CONFIG));
  }

  /** How often the connector looks for new or dropped tables. */
  public long tableDiscoveryMs() {
    return queryMethod() ? Math.max(1000, pollIntervalMs()) : discoveryIntervalMs();
  }

  /** The database to read (connection.database, else the URL path); null when unset. */
  public String database() {
    return ConnectionConfigs.database(this);
  }

  /** The connection object native code reads. */
  public String connectionJson() {
    return ConnectionConfigs.nativeJson(this).toString();
  }

  /** The connection for the connector's table listing: one attempt (discovery retries it). */
  public String listingConnectionJson() {
    return ConnectionConfigs.nativeJson(this, 1).toString();
  }

  /** Of the database's super tables, those this connector reads, in order. */
  /** Super tables stables.include names (subscription mode, where they must be super tables). */
  public List<String> includedStables() {
    return queryMethod() ? java.util.Collections.emptyList() : getList(STABLES_INCLUDE_CONFIG);
  }

  public List<String> selectStables(List<String> all) {
    List<String> include = getList(STABLES_INCLUDE_CONFIG);
    List<String> exclude = getList(STABLES_EXCLUDE_CONFIG);
    List<String> chosen = new ArrayList<>();
    for (String s : all) {
      if ((include.isEmpty() || include.contains(s)) && !exclude.contains(s)) {
        chosen.add(s);
      }
    }
    return chosen;
  }

  /** The configuration a task's native reader is opened with. */
  public String nativeJson(String connectorName, List<String> stables) {
    String group = getString(GROUP_ID_CONFIG);
    return Json.object()
        .put("connection", ConnectionConfigs.nativeJson(this))
        .put("database", database())
        .put("stables", stables)
        .put("topic_prefix", topicPrefix())
        .put("topic_delimiter", getString(TOPIC_DELIMITER_CONFIG))
        .put("topic_per_stable", getBoolean(TOPIC_PER_STABLE_CONFIG))
        .put("topic_ignore_db", getBoolean(TOPIC_IGNORE_DB_CONFIG))
        .put("out_format", getString(OUT_FORMAT_CONFIG))
        .put("group_id", group.isEmpty() ? "tdconnect-" + connectorName : group)
        .put("from_earliest", "earliest".equals(getString(FROM_CONFIG)))
        .put("read_method", getString(READ_METHOD_CONFIG))
        .put("fetch_max_rows", getInt(FETCH_MAX_ROWS_CONFIG))
        .put("query_interval_ms", getLong(QUERY_INTERVAL_MS_CONFIG))
        .put("query_delay_ms", getLong(TIMESTAMP_DELAY_CONFIG))
        .put("timestamp_initial", getString(TIMESTAMP_INITIAL_CONFIG))
        .toString();
  }
}

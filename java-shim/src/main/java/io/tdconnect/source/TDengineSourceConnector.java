package io.tdconnect.source;

import io.tdconnect.Version;
import io.tdconnect.config.ConfigErrors;
import io.tdconnect.config.ConnectionConfigs;
import io.tdconnect.jmx.TaskMBeans;
import io.tdconnect.jni.NativeLibrary;
import io.tdconnect.jni.TdNative;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams TDengine super tables into Kafka through TMQ subscriptions, or
 * super tables and normal tables through time-window queries; the tables
 * are shared out among the tasks.
 */
public class TDengineSourceConnector extends SourceConnector {
  private static final Logger log = LoggerFactory.getLogger(TDengineSourceConnector.class);
  /** Task config key: the task's super tables, one per line. */
  static final String TASK_STABLES = "tdconnect.task.stables";
  /** How often tables are listed while they are not known (TDengine was away at start). */
  private static final long UNKNOWN_RETRY_MS = 5_000;

  private Map<String, String> props;
  private TDengineSourceConfig config;
  /** The tables to share out; null while they could not be listed yet (TDengine away). */
  private volatile List<String> stables;
  private volatile long listedAt;
  /** Looks for super tables created or dropped upstream and reconfigures the tasks. */
  private ScheduledExecutorService discovery;

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    TDengineSourceConfig config = new TDengineSourceConfig(props);
    if (config.database() == null) {
      throw new ConnectException(missingDatabaseMessage());
    }
    NativeLibrary.load();
    this.config = config;
    this.props = new HashMap<>(props);
    try {
      this.stables = listStables();
    } catch (RetriableException e) {
      // TDengine is away: tasks wait with nothing to read until the tables are known.
      log.warn("Could not list the tables of {} at start, retrying every {} ms: {}", config.database(),
          UNKNOWN_RETRY_MS, e.getMessage());
      this.stables = null;
    }
    long every = Math.min(config.tableDiscoveryMs(), UNKNOWN_RETRY_MS);
    discovery = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tdconnect-source-discovery-" + props.get("name"));
      t.setDaemon(true);
      return t;
    });
    discovery.scheduleWithFixedDelay(this::rediscover, every, every, TimeUnit.MILLISECONDS);
  }

  private List<String> listStables() {
    String listed =
        TdNative.sourceTables(config.listingConnectionJson(), config.database(), config.queryMethod());
    List<String> all = listed.isEmpty() ? new ArrayList<>() : Arrays.asList(listed.split("\n"));
    listedAt = System.currentTimeMillis();
    return config.selectStables(all);
  }

  private void rediscover() {
    if (stables != null && System.currentTimeMillis() - listedAt < config.tableDiscoveryMs()) {
      return;
    }
    try {
      List<String> now = listStables();
      if (!now.equals(stables)) {
        log.info("Tables of {} changed from {} to {}: reconfiguring tasks", config.database(), stables, now);
        stables = now;
        context.requestTaskReconfiguration();
      }
    } catch (RuntimeException e) {
      log.warn("Could not list the tables of {}: {}", config.database(), e.getMessage());
    }
  }

  @Override
  public Class<? extends Task> taskClass() {
    return TDengineSourceTask.class;
  }

  /** Round-robin: task i reads super tables i, i + n, i + 2n, ... */
  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<String> known = this.stables;
    List<String> stables = known == null ? new ArrayList<>() : known;
    int tasks = Math.max(1, Math.min(maxTasks, stables.size()));
    List<StringBuilder> shares = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      shares.add(new StringBuilder());
    }
    for (int i = 0; i < stables.size(); i++) {
      StringBuilder share = shares.get(i % tasks);
      share.append(share.length() == 0 ? "" : "\n").append(stables.get(i));
    }
    List<Map<String, String>> configs = new ArrayList<>(tasks);
    for (StringBuilder share : shares) {
      Map<String, String> c = new HashMap<>(props);
      c.put(TASK_STABLES, share.toString());
      c.put(TaskMBeans.TASK_ID_CONFIG, Integer.toString(configs.size()));
      configs.add(c);
    }
    return configs;
  }

  /**
   * Kafka 3.3+ (KIP-618): with a worker's exactly.once.source.support=enabled,
   * records and offsets commit in one transaction, and a task resumes exactly
   * after the last committed record (offset + skip). Older workers never call
   * this; the enum is then absent, which is fine as nothing loads it.
   */
  public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
    return ExactlyOnceSupport.SUPPORTED;
  }

  @Override
  public void stop() {
    if (discovery != null) {
      discovery.shutdownNow();
    }
  }

  @Override
  public ConfigDef config() {
    return TDengineSourceConfig.CONFIG_DEF;
  }

  /** Adds cross-field and platform checks to per-field validation; never throws. */
  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config result = super.validate(connectorConfigs);
    if (ConfigErrors.hasAnyErrors(result)) {
      return result;
    }
    TDengineSourceConfig config = new TDengineSourceConfig(connectorConfigs);
    if (config.database() == null) {
      ConfigErrors.field(result, ConnectionConfigs.DATABASE_CONFIG).addErrorMessage(missingDatabaseMessage());
    }
    if (ConfigErrors.checkNativeLibrary(result) && config.database() != null) {
      try {
        ConfigErrors.attachServerFindings(result, TdNative.checkServer(config.listingConnectionJson(),
            config.database(), false, String.join("\n", config.includedStables())));
      } catch (RuntimeException e) {
        ConfigErrors.field(result, ConnectionConfigs.URL_CONFIG)
            .addErrorMessage("could not check the server: " + e.getMessage());
      }
    }
    return result;
  }

  private static String missingDatabaseMessage() {
    return "No database to read: set " + ConnectionConfigs.DATABASE_CONFIG + " or put it in the path of "
        + ConnectionConfigs.URL_CONFIG;
  }
}

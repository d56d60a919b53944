package io.tdconnect.sink;

import io.tdconnect.Version;
import io.tdconnect.config.ConfigErrors;
import io.tdconnect.config.ConnectionConfigs;
import io.tdconnect.jmx.TaskMBeans;
import io.tdconnect.jni.TdNative;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;

/** Writes Kafka records into TDengine. Pure Java until a task starts or a config is validated. */
public class TDengineSinkConnector extends SinkConnector {
  private Map<String, String> props;

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    TDengineSinkConfig config = new TDengineSinkConfig(props);
    if (!config.hasTarget()) {
      throw new ConnectException(missingDatabaseMessage());
    }
    this.props = new HashMap<>(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return TDengineSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> configs = new ArrayList<>(maxTasks);
    for (int i = 0; i < maxTasks; i++) {
      Map<String, String> c = new HashMap<>(props);
      c.put(TaskMBeans.TASK_ID_CONFIG, Integer.toString(i));
      configs.add(c);
    }
    return configs;
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return TDengineSinkConfig.CONFIG_DEF;
  }

  /** Adds cross-field and platform checks to per-field validation; never throws. */
  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config result = super.validate(connectorConfigs);
    if (ConfigErrors.hasAnyErrors(result)) {
      return result;
    }
    TDengineSinkConfig config = new TDengineSinkConfig(connectorConfigs);
    if (!config.hasTarget()) {
      ConfigErrors.field(result, ConnectionConfigs.DATABASE_CONFIG)
          .addErrorMessage(missingDatabaseMessage());
    }
    if (ConfigErrors.checkNativeLibrary(result) && config.hasTarget()) {
      String problem = TdNative.sinkCheckConfig(config.nativeJson());
      if (problem != null) {
        ConfigErrors.attach(result, problem, ConnectionConfigs.URL_CONFIG);
      } else {
        checkServer(result, config);
      }
    }
    return result;
  }

  /** What the server says about this config: reachable, credentials, database. Never throws. */
  private static void checkServer(Config result, TDengineSinkConfig config) {
    try {
      ConfigErrors.attachServerFindings(result, TdNative.checkServer(
          config.connectionJson(), config.database(), true, ""));
    } catch (RuntimeException e) {
      ConfigErrors.field(result, ConnectionConfigs.URL_CONFIG)
          .addErrorMessage("could not check the server: " + e.getMessage());
    }
  }

  private static String missingDatabaseMessage() {
    return "No target database: set "
        + ConnectionConfigs.DATABASE_CONFIG
        + ", put it in the path of "
        + ConnectionConfigs.URL_CONFIG
        + ", or set "
        + TDengineSinkConfig.DATABASE_PREFIX_CONFIG
        + " for one database per topic";
  }
}

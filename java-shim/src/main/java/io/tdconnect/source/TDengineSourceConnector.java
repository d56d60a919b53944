package io.tdconnect.source;

import io.tdconnect.Version;
import io.tdconnect.config.ConfigErrors;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Streams TDengine data into Kafka. This release loads, validates and runs
 * its task without producing records yet.
 */
public class TDengineSourceConnector extends SourceConnector {
  private Map<String, String> props;

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    new TDengineSourceConfig(props);
    this.props = new HashMap<>(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return TDengineSourceTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    return Collections.singletonList(new HashMap<>(props));
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return TDengineSourceConfig.CONFIG_DEF;
  }

  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config result = super.validate(connectorConfigs);
    if (!ConfigErrors.hasAnyErrors(result)) {
      ConfigErrors.checkNativeLibrary(result);
    }
    return result;
  }
}

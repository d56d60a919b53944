package io.tdconnect.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/** A fixed set of allowed values, offered to UIs as recommended values. */
public final class Choices implements ConfigDef.Recommender {
  private final List<Object> values;

  private Choices(String... values) {
    this.values = Arrays.<Object>asList((Object[]) values);
  }

  public static Choices of(String... values) {
    return new Choices(values);
  }

  public ConfigDef.Validator validator() {
    return ConfigDef.ValidString.in(values.toArray(new String[0]));
  }

  @Override
  public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
    return new ArrayList<>(values); // Connect narrows the list it gets in place
  }

  @Override
  public boolean visible(String name, Map<String, Object> parsedConfig) {
    return true;
  }
}

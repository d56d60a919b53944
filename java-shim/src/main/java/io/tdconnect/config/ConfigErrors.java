package io.tdconnect.config;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;

/** Helpers for attaching errors to fields of a {@code validate()} answer. */
public final class ConfigErrors {
  private ConfigErrors() {}

  public static ConfigValue field(Config config, String name) {
    for (ConfigValue v : config.configValues()) {
      if (v.name().equals(name)) {
        return v;
      }
    }
    throw new IllegalArgumentException("no config value named " + name);
  }

  public static boolean hasErrors(Config config, String... names) {
    for (String name : names) {
      if (!field(config, name).errorMessages().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  public static boolean hasAnyErrors(Config config) {
    for (ConfigValue v : config.configValues()) {
      if (!v.errorMessages().isEmpty()) {
        return true;
      }
    }
    return false;
  }
}

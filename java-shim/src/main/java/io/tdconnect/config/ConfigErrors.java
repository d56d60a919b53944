package io.tdconnect.config;

import io.tdconnect.jni.NativeLibrary;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.errors.ConnectException;

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

  /**
   * Loads the native library so an unsupported platform shows up while validating,
   * as an error on connection.url rather than as a failed task later.
   */
  public static void checkNativeLibrary(Config config) {
    try {
      NativeLibrary.load();
    } catch (ConnectException e) {
      field(config, ConnectionConfigs.URL_CONFIG).addErrorMessage(e.getMessage());
    }
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

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
  public static boolean checkNativeLibrary(Config config) {
    try {
      NativeLibrary.load();
      return true;
    } catch (ConnectException e) {
      field(config, ConnectionConfigs.URL_CONFIG).addErrorMessage(e.getMessage());
      return false;
    }
  }

  /** Attaches a problem to the field its message names (the longest name found), else to {@code fallback}. */
  public static void attach(Config config, String message, String fallback) {
    ConfigValue target = field(config, fallback);
    int longest = 0;
    for (ConfigValue v : config.configValues()) {
      if (v.name().length() > longest && message.contains(v.name())) {
        target = v;
        longest = v.name().length();
      }
    }
    target.addErrorMessage(message);
  }

  /**
   * Attaches what the server said ({@code key<TAB>problem} lines from
   * {@code TdNative.checkServer}) to the fields at fault; a key not in the
   * answer falls back to connection.url.
   */
  public static void attachServerFindings(Config config, String findings) {
    for (String line : findings.split("\n")) {
      int tab = line.indexOf('\t');
      if (tab <= 0) {
        continue;
      }
      String key = line.substring(0, tab);
      String problem = line.substring(tab + 1);
      boolean known = false;
      for (ConfigValue v : config.configValues()) {
        known |= v.name().equals(key);
      }
      field(config, known ? key : ConnectionConfigs.URL_CONFIG).addErrorMessage(problem);
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

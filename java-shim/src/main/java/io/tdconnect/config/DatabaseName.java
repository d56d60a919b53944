package io.tdconnect.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** TDengine database names: 1-64 letters, digits or underscores. */
public final class DatabaseName {
  static final String RULE = "a database name is 1-64 letters, digits or '_'";

  private DatabaseName() {}

  public static boolean isValid(String name) {
    return name != null && name.matches("[A-Za-z0-9_]{1,64}");
  }

  /** Accepts null/empty (meaning "not set"), otherwise a valid name. */
  public static final ConfigDef.Validator OPTIONAL =
      new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
          String s = (String) value;
          if (s != null && !s.isEmpty() && !isValid(s)) {
            throw new ConfigException(name, value, RULE);
          }
        }

        @Override
        public String toString() {
          return "1-64 letters, digits or '_'";
        }
      };
}

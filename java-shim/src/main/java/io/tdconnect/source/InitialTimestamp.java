package io.tdconnect.source;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * timestamp.initial: checked here so config/validate shows a bad value on
 * its field; the native reader parses the same three forms.
 */
final class InitialTimestamp {
  private static final DateTimeFormatter PLAIN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  static final ConfigDef.Validator VALIDATOR = new ConfigDef.Validator() {
    @Override
    public void ensureValid(String name, Object value) {
      String text = value == null ? "" : value.toString().trim();
      if (!text.isEmpty() && !valid(text)) {
        throw new ConfigException(name, value,
            "expected yyyy-MM-dd HH:mm:ss (UTC), RFC 3339 with an offset, or epoch milliseconds");
      }
    }

    @Override
    public String toString() {
      return "yyyy-MM-dd HH:mm:ss (UTC), RFC 3339, or epoch ms";
    }
  };

  private InitialTimestamp() {}

  static boolean valid(String text) {
    if (text.matches("-?\\d{1,18}")) {
      return true;
    }
    try {
      OffsetDateTime.parse(text);
      return true;
    } catch (DateTimeParseException e) {
      // not RFC 3339; try the plain form
    }
    try {
      LocalDateTime.parse(text, PLAIN);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}

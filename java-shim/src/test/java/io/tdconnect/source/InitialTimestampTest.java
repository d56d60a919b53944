package io.tdconnect.source;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class InitialTimestampTest {
  @Test
  void acceptsThePlainFormRfc3339AndEpochMillis() {
    assertTrue(InitialTimestamp.valid("2023-11-14 22:13:20"));
    assertTrue(InitialTimestamp.valid("2023-11-14T22:13:20+08:00"));
    assertTrue(InitialTimestamp.valid("1700000000000"));
    assertFalse(InitialTimestamp.valid("2023-11-14"));
    assertFalse(InitialTimestamp.valid("yesterday"));
  }

  @Test
  void aBadValueIsAConfigErrorOnItsField() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> InitialTimestamp.VALIDATOR.ensureValid("timestamp.initial", "14/11/2023"));
    assertTrue(e.getMessage().contains("timestamp.initial"), e.getMessage());
  }
}

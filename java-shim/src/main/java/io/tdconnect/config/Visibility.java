package io.tdconnect.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Shows a key in Control Center's form only when another key's value makes
 * it apply (query-mode keys for read.method=query, the native library for
 * taos:// URLs, ...); the key it depends on lists it in its dependents.
 */
public final class Visibility implements ConfigDef.Recommender {
  private final String key;
  private final Predicate<Object> shown;
  private final Choices choices;

  private Visibility(String key, Predicate<Object> shown, Choices choices) {
    this.key = key;
    this.shown = shown;
    this.choices = choices;
  }

  /** Visible while {@code key}'s value is {@code value}. */
  public static Visibility whenEquals(String key, String value) {
    return new Visibility(key, v -> value.equals(v), null);
  }

  /** Visible while {@code key}'s value passes {@code shown}. */
  public static Visibility when(String key, Predicate<Object> shown) {
    return new Visibility(key, shown, null);
  }

  /** The same, offering {@code values} as recommended values. */
  public Visibility offering(Choices values) {
    return new Visibility(key, shown, values);
  }

  @Override
  public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
    return choices == null ? new ArrayList<>() : choices.validValues(name, parsedConfig);
  }

  @Override
  public boolean visible(String name, Map<String, Object> parsedConfig) {
    return shown.test(parsedConfig.get(key));
  }
}

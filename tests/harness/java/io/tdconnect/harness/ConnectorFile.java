package io.tdconnect.harness;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Reads a connector config file the way {@code confluent local services connect
 * connector load NAME --config FILE} does: {@code {"name","config"}} JSON as is,
 * a flat JSON map or a .properties file wrapped as {@code {name, config}}.
 */
public final class ConnectorFile {
  private ConnectorFile() {}

  @SuppressWarnings("unchecked")
  public static Map<String, Object> read(Path file) throws IOException {
    Map<String, Object> config;
    String name;
    if (file.toString().endsWith(".json")) {
      Map<String, Object> json = MiniJson.object(Files.readString(file));
      if (json.get("config") instanceof Map) {
        config = new LinkedHashMap<>((Map<String, Object>) json.get("config"));
        name = (String) json.get("name");
      } else {
        config = new LinkedHashMap<>(json);
        name = (String) json.get("name");
      }
    } else {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      }
      config = new LinkedHashMap<>();
      for (String k : p.stringPropertyNames()) {
        config.put(k, p.getProperty(k));
      }
      name = p.getProperty("name");
    }
    if (name == null || name.isEmpty()) {
      throw new IOException(file + ": no connector name");
    }
    config.put("name", name);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", name);
    out.put("config", config);
    return out;
  }
}

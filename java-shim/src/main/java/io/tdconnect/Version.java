package io.tdconnect;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The connector version, from a file the build writes (no native code involved). */
public final class Version {
  private static final String VERSION = load();

  private Version() {}

  public static String get() {
    return VERSION;
  }

  private static String load() {
    Properties props = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("/io/tdconnect/tdconnect.properties")) {
      if (in != null) {
        props.load(in);
      }
    } catch (IOException e) {
      // fall through to "unknown": a version string must never stop plugin scanning
    }
    return props.getProperty("version", "unknown");
  }
}

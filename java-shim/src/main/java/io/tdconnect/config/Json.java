package io.tdconnect.config;

/**
 * Minimal JSON object writer for the configuration handed to native code once
 * per task (no JSON library is bundled, and the worker's is not ours to use).
 */
public final class Json {
  private final StringBuilder sb = new StringBuilder("{");

  public static Json object() {
    return new Json();
  }

  public Json put(String key, String value) {
    key(key);
    if (value == null) {
      sb.append("null");
    } else {
      string(value);
    }
    return this;
  }

  public Json put(String key, long value) {
    key(key);
    sb.append(value);
    return this;
  }

  public Json put(String key, boolean value) {
    key(key);
    sb.append(value);
    return this;
  }

  public Json put(String key, java.util.List<String> values) {
    key(key);
    sb.append('[');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      string(values.get(i));
    }
    sb.append(']');
    return this;
  }

  public Json put(String key, Json nested) {
    key(key);
    sb.append(nested.toString());
    return this;
  }

  @Override
  public String toString() {
    return sb.toString() + "}";
  }

  private void key(String key) {
    if (sb.length() > 1) {
      sb.append(',');
    }
    string(key);
    sb.append(':');
  }

  private void string(String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }
}

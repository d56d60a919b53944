package io.tdconnect.config;

import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * A {@code connection.url} reduced to what the native client needs: a DSN of
 * the {@code taos} crate ({@code ws://}, {@code wss://} or {@code taos://}
 * host:port) and the database named in the URL path, if any.
 *
 * <p>Accepted forms: {@code ws://h:6041[/db]}, {@code wss://h[:p][/db]},
 * {@code taos://h:6030[/db]} (native libtaos), and the JDBC URLs of TDengine's
 * own connector: {@code jdbc:TAOS://h:6030/db} (native), {@code
 * jdbc:TAOS-WS://h:6041/db} and {@code jdbc:TAOS-RS://h:6041/db} (both served
 * here over taosAdapter's WebSocket). JDBC query parameters are ignored.
 */
public final class TdengineUrl {
  private final String dsn;
  private final String database;

  private TdengineUrl(String dsn, String database) {
    this.dsn = dsn;
    this.database = database;
  }

  public String dsn() {
    return dsn;
  }

  /** Database from the URL path, or null. */
  public String database() {
    return database;
  }

  public boolean isNative() {
    return dsn.startsWith("taos://");
  }

  public static TdengineUrl parse(String url) {
    if (url == null || url.trim().isEmpty()) {
      throw new ConfigException("connection.url", url, "must not be empty");
    }
    String u = url.trim();
    String lower = u.toLowerCase(Locale.ROOT);
    String scheme;
    String rest;
    if (lower.startsWith("jdbc:taos://")) {
      scheme = "taos";
      rest = u.substring("jdbc:TAOS://".length());
    } else if (lower.startsWith("jdbc:taos-ws://") || lower.startsWith("jdbc:taos-rs://")) {
      scheme = "ws";
      rest = u.substring("jdbc:TAOS-WS://".length());
    } else if (lower.startsWith("ws://") || lower.startsWith("taos+ws://")) {
      scheme = "ws";
      rest = u.substring(u.indexOf("://") + 3);
    } else if (lower.startsWith("wss://")) {
      scheme = "wss";
      rest = u.substring("wss://".length());
    } else if (lower.startsWith("taos://")) {
      scheme = "taos";
      rest = u.substring("taos://".length());
    } else {
      throw new ConfigException(
          "connection.url",
          url,
          "use ws://host:6041 (WebSocket via taosAdapter), taos://host:6030 (native libtaos)"
              + " or a jdbc:TAOS://, jdbc:TAOS-WS://, jdbc:TAOS-RS:// URL");
    }
    int query = rest.indexOf('?');
    if (query >= 0) {
      rest = rest.substring(0, query);
    }
    int slash = rest.indexOf('/');
    String hostPort = slash >= 0 ? rest.substring(0, slash) : rest;
    String path = slash >= 0 ? rest.substring(slash + 1) : "";
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (hostPort.isEmpty() || hostPort.contains("@")) {
      throw new ConfigException(
          "connection.url", url, "needs host[:port] and no credentials (use connection.user/password)");
    }
    int colon = hostPort.lastIndexOf(':');
    if (colon >= 0) {
      String port = hostPort.substring(colon + 1);
      if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
        throw new ConfigException("connection.url", url, "port '" + port + "' is not a valid port");
      }
    }
    if (!path.isEmpty() && !DatabaseName.isValid(path)) {
      throw new ConfigException("connection.url", url, DatabaseName.RULE);
    }
    return new TdengineUrl(scheme + "://" + hostPort, path.isEmpty() ? null : path);
  }

  /** ConfigDef validator: the value must parse. */
  public static final ConfigDef.Validator VALIDATOR =
      new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
          parse((String) value);
        }

        @Override
        public String toString() {
          return "ws://host:port, wss://host:port, taos://host:port or jdbc:TAOS[-WS|-RS]://host:port/db";
        }
      };
}

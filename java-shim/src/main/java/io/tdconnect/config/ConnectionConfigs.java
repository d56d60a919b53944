package io.tdconnect.config;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.types.Password;

/**
 * Connection keys shared by the sink and source configs (same names and
 * meaning as TDengine's own Kafka connector).
 */
public final class ConnectionConfigs {
  public static final String GROUP = "Connection";

  public static final String URL_CONFIG = "connection.url";
  public static final String URL_DEFAULT = "ws://localhost:6041";
  private static final String URL_DOC =
      "Where TDengine is. ws://host:6041 (default style) talks WebSocket to taosAdapter and needs"
          + " no TDengine client installed; wss:// adds TLS; taos://host:6030 uses the native"
          + " client library libtaos, which must be installed on the worker. The JDBC URLs of"
          + " TDengine's own connector are accepted too: jdbc:TAOS://host:6030/db (native),"
          + " jdbc:TAOS-WS://host:6041/db and jdbc:TAOS-RS://host:6041/db (WebSocket). A database"
          + " in the URL path is used unless connection.database is set.";
  private static final String URL_DISPLAY = "TDengine URL";

  public static final String USER_CONFIG = "connection.user";
  private static final String USER_DOC = "TDengine user.";
  private static final String USER_DISPLAY = "User";

  public static final String PASSWORD_CONFIG = "connection.password";
  private static final String PASSWORD_DOC =
      "TDengine password. May come from a Kafka config provider, e.g. ${file:/path:key}; never logged.";
  private static final String PASSWORD_DISPLAY = "Password";

  public static final String DATABASE_CONFIG = "connection.database";
  private static final String DATABASE_DOC =
      "TDengine database; overrides a database in the connection.url path. The sink creates it if"
          + " missing (with data.precision); the source needs one.";
  private static final String DATABASE_DISPLAY = "Database";

  public static final String NATIVE_LIBRARY_CONFIG = "connection.native.library.path";
  private static final String NATIVE_LIBRARY_DOC =
      "Path of libtaos.so for taos:// URLs. Empty: the system's library search path"
          + " (LD_LIBRARY_PATH, ldconfig). Ignored for WebSocket URLs.";
  private static final String NATIVE_LIBRARY_DISPLAY = "Native client library";

  public static final String TLS_CA_FILE_CONFIG = "connection.tls.ca.file";
  private static final String TLS_CA_FILE_DOC =
      "PEM file of the certificate authorities to trust for wss:// URLs, e.g. the private CA or"
          + " self-signed certificate of the TLS endpoint in front of taosAdapter. Empty: the"
          + " system's trust store. Each connector has its own.";
  private static final String TLS_CA_FILE_DISPLAY = "TLS CA file";

  public static final String TLS_VERIFY_HOSTNAME_CONFIG = "connection.tls.verify.hostname";
  private static final String TLS_VERIFY_HOSTNAME_DOC =
      "Whether wss:// checks that the server's certificate names the host of connection.url."
          + " Turn off only for a server reached by an address its certificate does not name;"
          + " the certificate chain is checked either way.";
  private static final String TLS_VERIFY_HOSTNAME_DISPLAY = "TLS host name check";

  public static final String ATTEMPTS_CONFIG = "connection.attempts";
  private static final String ATTEMPTS_DOC =
      "Attempts to connect when a source task opens its reader while TDengine is unreachable or busy."
          + " The sink connects once at start (a server away then is retried by its writes); every"
          + " reconnect after a failure makes one attempt, spaced by the retry backoff.";
  private static final String ATTEMPTS_DISPLAY = "Connection attempts";

  public static final String BACKOFF_MS_CONFIG = "connection.backoff.ms";
  private static final String BACKOFF_MS_DOC = "Pause between connection attempts.";
  private static final String BACKOFF_MS_DISPLAY = "Connection backoff (ms)";

  public static final String REQUEST_TIMEOUT_MS_CONFIG = "request.timeout.ms";
  private static final String REQUEST_TIMEOUT_MS_DOC =
      "Longest wait for any one TDengine request (connect, query, write, TMQ poll, commit or"
          + " seek). A request unanswered by then is abandoned with its connection, counted as a"
          + " transient failure (see retry.timeout.ms), and the next attempt reconnects.";
  private static final String REQUEST_TIMEOUT_MS_DISPLAY = "Request timeout (ms)";

  public static final String PROGRESS_LOG_INTERVAL_MS_CONFIG = "progress.log.interval.ms";
  private static final String PROGRESS_LOG_INTERVAL_MS_DOC =
      "How often a task logs one INFO line of progress (rows written or records produced since"
          + " the last line, buffered, dead-lettered, lag, and RETRYING with the outage's length and"
          + " last error, or idle); 0 turns it off. A stalled task and an idle one read differently"
          + " there. At start each task logs the server's version and address.";
  private static final String PROGRESS_LOG_INTERVAL_MS_DISPLAY = "Progress log interval (ms)";

  private ConnectionConfigs() {}

  /** Adds the connection keys, in this order, to the "Connection" group. */
  public static ConfigDef define(ConfigDef def) {
    int order = 0;
    return def.define(
            URL_CONFIG,
            Type.STRING,
            URL_DEFAULT,
            TdengineUrl.VALIDATOR,
            Importance.HIGH,
            URL_DOC,
            GROUP,
            ++order,
            Width.LONG,
            URL_DISPLAY,
            java.util.Arrays.asList(
                NATIVE_LIBRARY_CONFIG, TLS_CA_FILE_CONFIG, TLS_VERIFY_HOSTNAME_CONFIG))
        .define(
            USER_CONFIG, Type.STRING, "root", Importance.HIGH, USER_DOC, GROUP, ++order, Width.SHORT,
            USER_DISPLAY)
        .define(
            PASSWORD_CONFIG,
            Type.PASSWORD,
            "taosdata",
            Importance.HIGH,
            PASSWORD_DOC,
            GROUP,
            ++order,
            Width.SHORT,
            PASSWORD_DISPLAY)
        .define(
            DATABASE_CONFIG,
            Type.STRING,
            "",
            DatabaseName.OPTIONAL,
            Importance.HIGH,
            DATABASE_DOC,
            GROUP,
            ++order,
            Width.MEDIUM,
            DATABASE_DISPLAY)
        .define(
            NATIVE_LIBRARY_CONFIG,
            Type.STRING,
            "",
            Importance.LOW,
            NATIVE_LIBRARY_DOC,
            GROUP,
            ++order,
            Width.LONG,
            NATIVE_LIBRARY_DISPLAY,
            java.util.Collections.<String>emptyList(),
            Visibility.when(URL_CONFIG, ConnectionConfigs::nativeUrl))
        .define(
            TLS_CA_FILE_CONFIG,
            Type.STRING,
            "",
            Importance.LOW,
            TLS_CA_FILE_DOC,
            GROUP,
            ++order,
            Width.LONG,
            TLS_CA_FILE_DISPLAY,
            java.util.Collections.<String>emptyList(),
            Visibility.when(URL_CONFIG, ConnectionConfigs::tlsUrl))
        .define(
            TLS_VERIFY_HOSTNAME_CONFIG,
            Type.BOOLEAN,
            true,
            Importance.LOW,
            TLS_VERIFY_HOSTNAME_DOC,
            GROUP,
            ++order,
            Width.SHORT,
            TLS_VERIFY_HOSTNAME_DISPLAY,
            java.util.Collections.<String>emptyList(),
            Visibility.when(URL_CONFIG, ConnectionConfigs::tlsUrl))
        .define(
            ATTEMPTS_CONFIG,
            Type.INT,
            3,
            ConfigDef.Range.atLeast(1),
            Importance.LOW,
            ATTEMPTS_DOC,
            GROUP,
            ++order,
            Width.SHORT,
            ATTEMPTS_DISPLAY)
        .define(
            BACKOFF_MS_CONFIG,
            Type.LONG,
            5000L,
            ConfigDef.Range.atLeast(0),
            Importance.LOW,
            BACKOFF_MS_DOC,
            GROUP,
            ++order,
            Width.SHORT,
            BACKOFF_MS_DISPLAY)
        .define(
            REQUEST_TIMEOUT_MS_CONFIG,
            Type.LONG,
            30_000L,
            ConfigDef.Range.between(100, 3_600_000),
            Importance.LOW,
            REQUEST_TIMEOUT_MS_DOC,
            GROUP,
            ++order,
            Width.SHORT,
            REQUEST_TIMEOUT_MS_DISPLAY)
        .define(
            PROGRESS_LOG_INTERVAL_MS_CONFIG,
            Type.LONG,
            60_000L,
            ConfigDef.Range.atLeast(0),
            Importance.LOW,
            PROGRESS_LOG_INTERVAL_MS_DOC,
            GROUP,
            ++order,
            Width.SHORT,
            PROGRESS_LOG_INTERVAL_MS_DISPLAY);
  }

  public static long progressLogIntervalMs(AbstractConfig config) {
    return config.getLong(PROGRESS_LOG_INTERVAL_MS_CONFIG);
  }

  /** "TDengine 3.3.2.0 at ws://host:port" for a task's start line, asking the server (a few seconds at most). */
  public static String describeServer(AbstractConfig config) {
    String version;
    try {
      version = io.tdconnect.jni.TdNative.serverVersion(nativeJson(config, 1).toString());
    } catch (RuntimeException e) {
      version = null;
    }
    return "TDengine " + (version == null ? "(version unknown: no answer)" : version) + " at "
        + url(config).dsn();
  }

  /**
   * A bound on one native call of the shim: a few requests plus the
   * connection attempts it may make. Only a native defect can outlast it
   * (each request is bounded natively); the shim then gives the call up.
   */
  public static long nativeCallBoundMs(AbstractConfig config) {
    long request = config.getLong(REQUEST_TIMEOUT_MS_CONFIG);
    long connect = config.getInt(ATTEMPTS_CONFIG) * (request + config.getLong(BACKOFF_MS_CONFIG));
    return 4 * request + connect;
  }

  /** Whether a connection.url value speaks the native protocol (libtaos). */
  static boolean nativeUrl(Object url) {
    try {
      return url instanceof String && TdengineUrl.parse((String) url).dsn().startsWith("taos://");
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Whether a connection.url value speaks WebSocket over TLS. */
  static boolean tlsUrl(Object url) {
    try {
      return url instanceof String && TdengineUrl.parse((String) url).dsn().startsWith("wss://");
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The parsed {@code connection.url} of a config built on {@link #define}. */
  public static TdengineUrl url(AbstractConfig config) {
    return TdengineUrl.parse(config.getString(URL_CONFIG));
  }

  /** {@code connection.database}, else the URL's database, else null. */
  public static String database(AbstractConfig config) {
    String db = config.getString(DATABASE_CONFIG);
    return db != null && !db.isEmpty() ? db : url(config).database();
  }

  /** The {@code connection} object of the native configuration JSON. */
  public static Json nativeJson(AbstractConfig config) {
    return nativeJson(config, config.getInt(ATTEMPTS_CONFIG));
  }

  /** The same, with another number of connection attempts. */
  public static Json nativeJson(AbstractConfig config, int attempts) {
    Password password = config.getPassword(PASSWORD_CONFIG);
    String lib = config.getString(NATIVE_LIBRARY_CONFIG);
    Json json =
        Json.object()
            .put("dsn", url(config).dsn())
            .put("user", config.getString(USER_CONFIG))
            .put("password", password == null ? "" : password.value())
            .put("attempts", attempts)
            .put("backoff_ms", config.getLong(BACKOFF_MS_CONFIG))
            .put("request_timeout_ms", config.getLong(REQUEST_TIMEOUT_MS_CONFIG));
    if (lib != null && !lib.isEmpty()) {
      json.put("native_library", lib);
    }
    String ca = config.getString(TLS_CA_FILE_CONFIG);
    if (ca != null && !ca.trim().isEmpty()) {
      json.put("tls_ca_file", ca.trim());
    }
    if (!config.getBoolean(TLS_VERIFY_HOSTNAME_CONFIG)) {
      json.put("tls_verify_hostname", false);
    }
    return json;
  }
}

package io.tdconnect.harness;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The TDengine server of tests, benchmarks and ./tests/stack, from
 * configuration only (a server's own {@code target.env} holds these lines):
 *
 * <ul>
 *   <li>{@code TDENGINE_DSN} or {@code TDENGINE_WS_URL}: the URL connectors use
 *       ({@code ws://host:port}, or {@code taos://host:port});
 *   <li>{@code TDENGINE_NATIVE_URL}: the same server over the native protocol
 *       ({@code taos://host:port}) with {@code TDENGINE_LIBTAOS} (path of libtaos.so);
 *   <li>{@code TDENGINE_USER}/{@code TDENGINE_PASSWORD} (root/taosdata);
 *   <li>{@code TDENGINE_VERSION}: a label for the test lines;
 *   <li>{@code TDENGINE_STOP_COMMAND}/{@code TDENGINE_START_COMMAND}: shell commands
 *       that stop and start the server (outage tests), {@code
 *       TDENGINE_FREEZE_COMMAND}/{@code TDENGINE_THAW_COMMAND}: that freeze the
 *       WebSocket endpoint (taosAdapter) with SIGSTOP and let it go (black-hole tests).
 * </ul>
 *
 * A server that is configured but does not answer is an error, not a skip.
 */
public final class TDengineTarget {
  public static final String ENV_DSN = "TDENGINE_DSN";
  private final String url;
  private final String user;
  private final String password;
  private final String libtaos;

  private TDengineTarget(String url) {
    this.url = url;
    this.user = env("TDENGINE_USER", "root");
    this.password = env("TDENGINE_PASSWORD", "taosdata");
    this.libtaos = env("TDENGINE_LIBTAOS", "").isEmpty() ? null : env("TDENGINE_LIBTAOS", "");
  }

  /** The configured URL (TDENGINE_DSN, else TDENGINE_WS_URL, else TDENGINE_NATIVE_URL); empty when none. */
  private static String configuredUrl() {
    for (String key : new String[] {ENV_DSN, "TDENGINE_WS_URL", "TDENGINE_NATIVE_URL"}) {
      String v = env(key, "");
      if (!v.isEmpty()) {
        return v;
      }
    }
    return "";
  }

  /** Whether a server is configured at all. */
  public static boolean configured() {
    return !configuredUrl().isEmpty();
  }

  /** The configured server, when one is configured and answers. */
  public static Optional<TDengineTarget> find() {
    String dsn = configuredUrl();
    return !dsn.isEmpty() && answers(dsn) ? Optional.of(new TDengineTarget(dsn)) : Optional.empty();
  }

  private static boolean answers(String url) {
    URI u = URI.create(url);
    return ManagedProcess.portOpen(u.getHost(), u.getPort());
  }

  /** Why {@link #find()} found nothing, for the one skip (or failure) line. */
  public static String whyMissing() {
    String dsn = configuredUrl();
    return dsn.isEmpty()
        ? "no server configured (set TDENGINE_DSN or TDENGINE_WS_URL, or source a server's target.env)"
        : "the configured server " + dsn + " does not accept connections";
  }

  /** The server's version label (TDENGINE_VERSION), or "TDengine". */
  public static String version() {
    return env("TDENGINE_VERSION", "TDengine");
  }

  /** Whether the server can be stopped and started (TDENGINE_STOP_COMMAND / TDENGINE_START_COMMAND). */
  public static boolean controllable() {
    return !env("TDENGINE_STOP_COMMAND", "").isEmpty() && !env("TDENGINE_START_COMMAND", "").isEmpty();
  }

  /** Whether the WebSocket endpoint can be frozen (TDENGINE_FREEZE_COMMAND / TDENGINE_THAW_COMMAND). */
  public static boolean freezable() {
    return !env("TDENGINE_FREEZE_COMMAND", "").isEmpty() && !env("TDENGINE_THAW_COMMAND", "").isEmpty();
  }

  /** Stops the server (TDENGINE_STOP_COMMAND). */
  public void stopServer() throws Exception {
    shell(env("TDENGINE_STOP_COMMAND", ""));
  }

  /** Starts the server (TDENGINE_START_COMMAND) and waits until its port answers. */
  public void startServer() throws Exception {
    shell(env("TDENGINE_START_COMMAND", ""));
    long deadline = System.currentTimeMillis() + 60_000;
    while (!answers(url)) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("TDengine did not come back on " + url);
      }
      Thread.sleep(200);
    }
  }

  /**
   * Freezes a server process (SIGSTOP): {@code adapter} (the WebSocket
   * endpoint) or {@code taosd}; it accepts connections and answers nothing.
   */
  public void freeze(String process) throws Exception {
    shell(env("TDENGINE_FREEZE_COMMAND", "") + " " + process);
  }

  public void thaw(String process) throws Exception {
    shell(env("TDENGINE_THAW_COMMAND", "") + " " + process);
  }

  private static void shell(String command) throws Exception {
    if (command.isEmpty()) {
      throw new IllegalStateException("no TDENGINE_*_COMMAND configured for this action");
    }
    Process p = new ProcessBuilder("bash", "-c", command).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("'" + command + "' exited with " + p.exitValue());
    }
  }

  /** The URL for connector configs ({@code connection.url}). */
  public String url() {
    return url;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** The same server over the native protocol: TDENGINE_NATIVE_URL and TDENGINE_LIBTAOS, when both are set. */
  public Optional<TDengineTarget> nativeTarget() {
    if (url.startsWith("taos://")) {
      return Optional.of(this);
    }
    String nativeUrl = env("TDENGINE_NATIVE_URL", "");
    return nativeUrl.isEmpty() || libtaos == null ? Optional.empty() : Optional.of(new TDengineTarget(nativeUrl));
  }

  /** Why {@link #nativeTarget()} is empty. */
  public static String whyNoNative() {
    return "TDENGINE_NATIVE_URL and TDENGINE_LIBTAOS must both be set for native tests";
  }

  /** The same server over WebSocket (TDENGINE_WS_URL when this one is native). */
  public Optional<TDengineTarget> webSocketTarget() {
    if (!url.startsWith("taos://")) {
      return Optional.of(this);
    }
    String ws = env("TDENGINE_WS_URL", "");
    return ws.isEmpty() ? Optional.empty() : Optional.of(new TDengineTarget(ws));
  }

  /** Connection keys for a connector config. */
  public Map<String, Object> connectorKeys() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("connection.url", url);
    m.put("connection.user", user);
    m.put("connection.password", password);
    if (libtaos != null && url.startsWith("taos://")) {
      m.put("connection.native.library.path", libtaos);
    }
    return m;
  }

  /** The connection object the native code reads (see ConnectionConfigs). */
  public String connectionJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dsn", url);
    m.put("user", user);
    m.put("password", password);
    m.put("request_timeout_ms", 30_000);
    if (libtaos != null) {
      m.put("native_library", libtaos);
    }
    return MiniJson.write(m);
  }

  @Override
  public String toString() {
    return url;
  }

  private static String env(String name, String def) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? def : v;
  }
}

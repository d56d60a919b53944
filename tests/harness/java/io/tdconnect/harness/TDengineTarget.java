package io.tdconnect.harness;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where the TDengine used by tests and ./tests/stack is: {@code TDENGINE_DSN}
 * ({@code ws://host:6041} or {@code taos://host:6030}), else a server on the
 * default local ports. Credentials: {@code TDENGINE_USER}/{@code
 * TDENGINE_PASSWORD} (root/taosdata). {@code TDENGINE_LIBTAOS}: path of
 * libtaos.so for native connections. {@code TDENGINE_STOP_COMMAND} and
 * {@code TDENGINE_START_COMMAND}: shell commands that stop and start the
 * server, for outage tests.
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
    this.libtaos = findLibtaos();
  }

  /** The configured or local server, if one answers. */
  public static Optional<TDengineTarget> find() {
    String dsn = System.getenv(ENV_DSN);
    if (dsn != null && !dsn.isEmpty()) {
      URI u = URI.create(dsn);
      return ManagedProcess.portOpen(u.getHost(), u.getPort())
          ? Optional.of(new TDengineTarget(dsn))
          : Optional.empty();
    }
    if (ManagedProcess.portOpen("127.0.0.1", 6041)) {
      return Optional.of(new TDengineTarget("ws://127.0.0.1:6041"));
    }
    if (ManagedProcess.portOpen("127.0.0.1", 6030)) {
      return Optional.of(new TDengineTarget("taos://127.0.0.1:6030"));
    }
    return Optional.empty();
  }

  /** Why {@link #find()} found nothing, for the one skip line. */
  public static String whyMissing() {
    String dsn = System.getenv(ENV_DSN);
    return dsn != null && !dsn.isEmpty()
        ? ENV_DSN + "=" + dsn + " does not accept connections"
        : ENV_DSN + " is not set and nothing listens on 127.0.0.1:6041 (taosAdapter) or :6030 (taosd)";
  }

  /** Whether the server can be stopped and started (TDENGINE_STOP_COMMAND / TDENGINE_START_COMMAND). */
  public static boolean controllable() {
    return !env("TDENGINE_STOP_COMMAND", "").isEmpty() && !env("TDENGINE_START_COMMAND", "").isEmpty();
  }

  /** Stops the server (TDENGINE_STOP_COMMAND). */
  public void stopServer() throws Exception {
    shell(env("TDENGINE_STOP_COMMAND", ""));
  }

  /** Starts the server (TDENGINE_START_COMMAND) and waits until its port answers. */
  public void startServer() throws Exception {
    shell(env("TDENGINE_START_COMMAND", ""));
    URI u = URI.create(url);
    long deadline = System.currentTimeMillis() + 60_000;
    while (!ManagedProcess.portOpen(u.getHost(), u.getPort())) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("TDengine did not come back on " + url);
      }
      Thread.sleep(200);
    }
  }

  private static void shell(String command) throws Exception {
    if (command.isEmpty()) {
      throw new IllegalStateException("TDENGINE_STOP_COMMAND / TDENGINE_START_COMMAND not set");
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

  /**
   * The same server over the native protocol, when its port 6030 answers and a
   * libtaos is known ({@code TDENGINE_LIBTAOS}, or in a standard install location).
   */
  public Optional<TDengineTarget> nativeTarget() {
    String host = URI.create(url).getHost();
    if (!ManagedProcess.portOpen(host, 6030) || libtaos == null) {
      return Optional.empty();
    }
    return Optional.of(url.startsWith("taos://") ? this : new TDengineTarget("taos://" + host + ":6030"));
  }

  /** The same server over WebSocket, when its port 6041 answers. */
  public Optional<TDengineTarget> webSocketTarget() {
    if (!url.startsWith("taos://")) {
      return Optional.of(this);
    }
    String host = URI.create(url).getHost();
    return ManagedProcess.portOpen(host, 6041)
        ? Optional.of(new TDengineTarget("ws://" + host + ":6041"))
        : Optional.empty();
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
    if (libtaos != null) {
      m.put("native_library", libtaos);
    }
    return MiniJson.write(m);
  }

  @Override
  public String toString() {
    return url;
  }

  /** TDENGINE_LIBTAOS, else libtaos.so where TDengine's installers put it, else null. */
  private static String findLibtaos() {
    String configured = System.getenv("TDENGINE_LIBTAOS");
    if (configured != null && !configured.isEmpty()) {
      return configured;
    }
    for (String p : new String[] {"/usr/lib/libtaos.so", "/usr/local/lib/libtaos.so", "/usr/local/taos/driver/libtaos.so"}) {
      if (java.nio.file.Files.exists(java.nio.file.Path.of(p))) {
        return p;
      }
    }
    return null;
  }

  private static String env(String name, String def) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? def : v;
  }
}

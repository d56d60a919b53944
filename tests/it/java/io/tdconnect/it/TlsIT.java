package io.tdconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdconnect.harness.ConnectRest;
import io.tdconnect.harness.TDengineTarget;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * wss:// end to end: the sink and the source through TLS with a private CA
 * trusted by connection.tls.ca.file; an untrusted CA and a certificate for
 * another name are refused on the key that fixes them. Open-source taosAdapter (3.3.2 to 3.3.8)
 * has no TLS listener of its own, so TLS is terminated as deployments do it:
 * nginx (Debian's package) in front of the server's taosAdapter, with a
 * certificate signed by a CA made for this test.
 */
class TlsIT {
  private static final int RECORDS = 500;

  private static void run(Path dir, String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("openssl.log").toFile()).start();
    assertEquals(0, p.waitFor(), String.join(" ", command) + "\n"
        + new String(Files.readAllBytes(dir.resolve("openssl.log"))));
  }

  /** A CA (ca.pem) and a server certificate for 127.0.0.1 signed by it (server.pem, server.key). */
  private static void makeCertificates(Path dir, String name) throws Exception {
    run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out",
        name + ".pem", "-days", "2", "-subj", "/CN=tdconnect test CA " + name);
    if (!name.equals("ca")) {
      return;
    }
    run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=127.0.0.1");
    Files.write(dir.resolve("ext.cnf"), List.of("subjectAltName=IP:127.0.0.1,DNS:localhost",
        "basicConstraints=CA:FALSE", "extendedKeyUsage=serverAuth"));
    run(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf");
  }

  private static String nginx() {
    for (String candidate : new String[] {"/usr/sbin/nginx", "/usr/bin/nginx"}) {
      if (new File(candidate).canExecute()) {
        return candidate;
      }
    }
    return null;
  }

  /** Starts nginx terminating TLS on a free port in front of {@code upstream} (host:port). */
  private static Process tlsProxy(Path dir, String nginx, String upstream, int port) throws Exception {
    Files.createDirectories(dir.resolve("temp"));
    Files.write(dir.resolve("nginx.conf"), List.of(
        "daemon off;", "pid " + dir.resolve("nginx.pid") + ";", "error_log " + dir.resolve("nginx-error.log") + ";",
        "events { worker_connections 256; }",
        "http {", "  access_log off;",
        "  client_body_temp_path " + dir.resolve("temp") + ";", "  proxy_temp_path " + dir.resolve("temp") + ";",
        "  map $http_upgrade $connection_upgrade { default upgrade; '' close; }",
        "  server {", "    listen " + port + " ssl;",
        "    ssl_certificate " + dir.resolve("server.pem") + ";",
        "    ssl_certificate_key " + dir.resolve("server.key") + ";",
        "    location / {", "      proxy_pass http://" + upstream + ";", "      proxy_http_version 1.1;",
        "      proxy_set_header Upgrade $http_upgrade;", "      proxy_set_header Connection $connection_upgrade;",
        "      proxy_read_timeout 3600s;", "    }", "  }", "}"));
    Process p = new ProcessBuilder(nginx, "-c", dir.resolve("nginx.conf").toString(), "-p", dir.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
    long deadline = System.currentTimeMillis() + 10_000;
    while (!io.tdconnect.harness.ManagedProcess.portOpen("127.0.0.1", port)) {
      assertTrue(p.isAlive() && System.currentTimeMillis() < deadline,
          "nginx did not start: " + new String(Files.readAllBytes(dir.resolve("nginx.out"))));
      Thread.sleep(100);
    }
    return p;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static List<Object> urlErrors(ConnectRest rest, Map<String, Object> config) throws Exception {
    return errors(rest, config, "connection.url");
  }

  private static List<Object> errors(ConnectRest rest, Map<String, Object> config, String key) throws Exception {
    ConnectRest.Response r = rest.put("/connector-plugins/TDengineSinkConnector/config/validate", config);
    assertEquals(200, r.status, r.toString());
    @SuppressWarnings("unchecked")
    Map<String, Object> value =
        (Map<String, Object>) ConfigValidateIT.byName(r.object()).get(key).get("value");
    @SuppressWarnings("unchecked")
    List<Object> errors = (List<Object>) value.get("errors");
    return errors;
  }

  @Test
  void sinkAndSourceRunOverWssWithAPrivateCa() throws Exception {
    TDengineTarget td = TDengine.require("TlsIT");
    if (!td.url().startsWith("ws://")) {
      TDengine.skip("no ws:// server", "TlsIT", "TLS is tested in front of a taosAdapter (ws://); configured: "
          + td.url());
    }
    String nginx = nginx();
    if (nginx == null) {
      TDengine.skip("no nginx", "TlsIT", "nginx terminates TLS in front of taosAdapter (tests/toolchain installs"
          + " Debian's nginx-light)");
    }
    Path dir = TestCluster.WORK.resolve("tls");
    Files.createDirectories(dir);
    makeCertificates(dir, "ca");
    makeCertificates(dir, "other");
    URI ws = URI.create(td.url());
    int port = freePort();
    Process proxy = tlsProxy(dir, nginx, ws.getHost() + ":" + ws.getPort(), port);
    String wss = "wss://127.0.0.1:" + port;
    String db = "it_tls";
    ConnectRest rest = TestCluster.worker(TestCluster.Worker.LATEST_STANDALONE).rest();
    List<String> seen = new ArrayList<>();
    try {
      TDengine.freshDatabase(td, db);
      Map<String, Object> sink = TestCluster.sinkConfig(td, "it-tls", db);
      sink.put("name", "sink-tls");
      sink.put("connection.url", wss);
      sink.put("db.schemaless", "line");
      // The system store does not know the test CA: refused, on the key that fixes it.
      List<Object> untrusted = errors(rest, sink, "connection.tls.ca.file");
      assertEquals(1, untrusted.size(), untrusted.toString());
      assertTrue(untrusted.toString().contains("not trusted"), untrusted.toString());
      seen.add("system store: connection.tls.ca.file says " + untrusted.get(0).toString().replaceAll("\\s+", " "));

      sink.put("connection.tls.ca.file", dir.resolve("other.pem").toString());
      assertTrue(errors(rest, sink, "connection.tls.ca.file").toString().contains("not trusted"));
      seen.add("another CA: refused");

      sink.put("connection.tls.ca.file", dir.resolve("ca.pem").toString());
      sink.put("connection.url", "wss://127.0.0.2:" + port);
      List<Object> misnamed = errors(rest, sink, "connection.tls.verify.hostname");
      assertTrue(misnamed.toString().contains("does not name 127.0.0.2"), misnamed.toString());
      sink.put("connection.tls.verify.hostname", "false");
      assertEquals(List.of(), urlErrors(rest, sink));
      assertEquals(List.of(), errors(rest, sink, "connection.tls.verify.hostname"));
      seen.add("an address the certificate does not name: refused on connection.tls.verify.hostname, accepted"
          + " with it false");

      sink.put("connection.url", wss);
      sink.remove("connection.tls.verify.hostname");
      assertEquals(List.of(), urlErrors(rest, sink));
      assertEquals(List.of(), errors(rest, sink, "connection.tls.ca.file"));
      TestCluster.createTopic("it-tls", 1);
      rest.createConnector(ConnectRest.connectorBody("sink-tls", sink));
      rest.awaitRunning("sink-tls", 1, 60_000);
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < RECORDS; i++) {
        lines.add("tls,dev=d" + (i % 5) + " v=" + i + "i " + (1_700_000_000_000L + i));
      }
      TestCluster.produce("it-tls", lines);
      assertEquals(RECORDS, TDengine.awaitCount(td, "select count(*) from " + db + ".tls", RECORDS, 90_000));
      seen.add("sink over " + wss + " with connection.tls.ca.file: " + RECORDS + " rows");

      Map<String, Object> source = SourceSubscriptionIT.config(td, db, "tls", "json");
      source.put("connection.url", wss);
      source.put("connection.tls.ca.file", dir.resolve("ca.pem").toString());
      source.put("read.method", "query");
      rest.createConnector(ConnectRest.connectorBody("source-tls", source));
      rest.awaitRunning("source-tls", 1, 60_000);
      List<String> out = TestCluster.consume("tls-" + db + "-tls", RECORDS, 90_000);
      assertEquals(RECORDS, out.size());
      seen.add("source (query) over " + wss + ": " + RECORDS + " records");

    } finally {
      rest.delete("/connectors/sink-tls");
      rest.delete("/connectors/source-tls");
      proxy.destroy();
      TDengine.dropDatabase(td, db);
    }
    System.out.println("TDengine-backed: " + TDengineTarget.version() + " TLS through nginx: " + String.join("; ", seen));
  }
}

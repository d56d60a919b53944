package io.tdconnect.jni;

import io.tdconnect.config.Json;
import io.tdconnect.config.TdengineUrl;
import io.tdconnect.harness.TDengineTarget;
import java.net.URL;
import java.util.Optional;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Run by tests/aarch64/jvm-abi-check in a JVM of another architecture (under
 * qemu-user), not by Surefire: the shipped jar's library for that JVM's
 * platform loads through {@link NativeLibrary}, answers with the shim's ABI
 * version, and a native error comes back as a Java exception. With a TDengine
 * server configured, the library also asks it its version over WebSocket
 * (tokio, taos-ws and the TLS-capable stack running on that architecture).
 *
 * <p>usage: ForeignArchAbiCheck EXPECTED_PLATFORM (e.g. linux-aarch64)
 */
public final class ForeignArchAbiCheck {
  private ForeignArchAbiCheck() {}

  public static void main(String[] args) {
    String expected = args[0];
    String platform = NativeLibrary.platform();
    require(platform.equals(expected), "this JVM is " + platform + ", expected " + expected);
    URL from = NativeLibrary.class.getProtectionDomain().getCodeSource().getLocation();
    require(from.getPath().endsWith(".jar"), "NativeLibrary came from " + from + ", not the jar");

    NativeLibrary.load();
    int abi = TdNative.abiVersion();
    require(
        abi == TdNative.ABI_VERSION,
        "abiVersion() = " + abi + ", the shim has " + TdNative.ABI_VERSION);

    String refusal = null;
    try {
      TdNative.sinkOpen("{not json");
    } catch (ConnectException e) {
      refusal = e.getMessage();
    }
    require(
        refusal != null && refusal.contains("sink configuration"),
        "sinkOpen of bad JSON gave " + refusal + " instead of a ConnectException");

    System.out.println(
        "jvm-abi-check: "
            + platform
            + " (os.arch="
            + System.getProperty("os.arch")
            + ", Java "
            + System.getProperty("java.version")
            + "): library from "
            + from.getPath().substring(from.getPath().lastIndexOf('/') + 1)
            + " loaded, abiVersion() = "
            + abi
            + " = TdNative.ABI_VERSION, bad sink config refused as ConnectException");
    askServerVersion(platform);
  }

  private static void askServerVersion(String platform) {
    if (!TDengineTarget.configured()) {
      System.out.println("jvm-abi-check: " + TDengineTarget.whyMissing() + "; server not asked");
      return;
    }
    Optional<TDengineTarget> target = TDengineTarget.find();
    require(target.isPresent(), TDengineTarget.whyMissing());
    Optional<TDengineTarget> ws = target.get().webSocketTarget();
    if (!ws.isPresent()) {
      System.out.println("jvm-abi-check: no WebSocket URL (TDENGINE_WS_URL); server not asked");
      return;
    }
    String connection =
        Json.object()
            .put("dsn", TdengineUrl.parse(ws.get().url()).dsn())
            .put("user", ws.get().user())
            .put("password", ws.get().password())
            .put("attempts", 1)
            .put("backoff_ms", 200)
            .put("request_timeout_ms", 10_000)
            .toString();
    String version = TdNative.serverVersion(connection);
    require(version != null, "serverVersion() over " + ws.get().url() + " got no answer");
    System.out.println(
        "TDengine-backed: "
            + TDengineTarget.version()
            + " answered the "
            + platform
            + " library (aarch64 JVM under qemu) over "
            + ws.get().url()
            + ": server version "
            + version);
  }

  private static void require(boolean ok, String problem) {
    if (!ok) {
      System.out.println("jvm-abi-check FAILED: " + problem);
      System.exit(1);
    }
  }
}

package io.tdconnect.jni;

import java.net.URL;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Run by tests/aarch64/jvm-abi-check in a JVM of another architecture (under
 * qemu-user), not by Surefire: the shipped jar's library for that JVM's
 * platform loads through {@link NativeLibrary}, answers with the shim's ABI
 * version, and a native error comes back as a Java exception.
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
  }

  private static void require(boolean ok, String problem) {
    if (!ok) {
      System.out.println("jvm-abi-check FAILED: " + problem);
      System.exit(1);
    }
  }
}

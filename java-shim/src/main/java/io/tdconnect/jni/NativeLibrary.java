package io.tdconnect.jni;

import io.tdconnect.Version;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the native library bundled in this jar, once per class loader.
 *
 * <p>The JDK refuses to load one file into two class loaders, and Connect gives
 * every plugin (and every installed copy of it) its own loader; so each loader
 * extracts the library to its own fresh temporary file, deleted when the JVM
 * exits (kept until then so native backtraces can be symbolized from it).
 *
 * <p>Only {@code start()} and {@code validate()} paths call this: Connect
 * instantiates every plugin while scanning, and that must stay pure Java.
 */
public final class NativeLibrary {
  /** The {@code native/<platform>/} directories the jar carries (pom.xml builds each). */
  static final List<String> SUPPORTED_PLATFORMS =
      Collections.unmodifiableList(Arrays.asList("linux-x86_64", "linux-aarch64"));

  private static final Logger log = LoggerFactory.getLogger(NativeLibrary.class);
  private static boolean loaded;

  private NativeLibrary() {}

  /** Loads and checks the library if this class loader has not yet done so. */
  public static synchronized void load() {
    if (loaded) {
      return;
    }
    String platform = platform();
    String resource = resourceFor(platform);
    try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new ConnectException(
            "tdconnect: the jar lacks "
                + resource
                + " for supported platform "
                + platform
                + "; the jar is corrupt or was built without it");
      }
      Path dir = Files.createTempDirectory("tdconnect-" + Version.get() + "-");
      Path file = dir.resolve("libtdconnect_jni.so");
      dir.toFile().deleteOnExit();
      file.toFile().deleteOnExit();
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      System.load(file.toAbsolutePath().toString());
    } catch (IOException e) {
      throw new ConnectException("tdconnect: cannot extract its native library: " + e, e);
    } catch (UnsatisfiedLinkError e) {
      throw new ConnectException(
          "tdconnect: cannot load its native library on " + platform + ": " + e.getMessage(), e);
    }
    int abi = TdNative.abiVersion();
    if (abi != TdNative.ABI_VERSION) {
      throw new ConnectException(
          "tdconnect: native library ABI version "
              + abi
              + " does not match the Java shim's "
              + TdNative.ABI_VERSION
              + "; the jar is corrupt or mixed from two releases");
    }
    loaded = true;
    log.info("tdconnect {}: native library loaded for {}", Version.get(), platform);
  }

  /** This JVM's {@code <os>-<arch>}, as used for the resource directory inside the jar. */
  static String platform() {
    return platform(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
  }

  /** {@code <os>-<arch>} for the given {@code os.name} and {@code os.arch} values. */
  static String platform(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    String arch = osArch.toLowerCase(Locale.ROOT);
    String osPart =
        os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macos" : os.replace(' ', '_');
    String archPart =
        arch.equals("amd64") || arch.equals("x86_64")
            ? "x86_64"
            : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : arch;
    return osPart + "-" + archPart;
  }

  /** The library's path inside the jar; a clear refusal for a platform the jar does not carry. */
  static String resourceFor(String platform) {
    if (!SUPPORTED_PLATFORMS.contains(platform)) {
      throw new ConnectException(
          "tdconnect has no native library for platform "
              + platform
              + " (os.name="
              + System.getProperty("os.name")
              + ", os.arch="
              + System.getProperty("os.arch")
              + "); supported platforms: "
              + String.join(", ", SUPPORTED_PLATFORMS));
    }
    return "/native/" + platform + "/libtdconnect_jni.so";
  }
}

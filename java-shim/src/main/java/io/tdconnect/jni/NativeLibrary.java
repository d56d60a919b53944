package io.tdconnect.jni;

import io.tdconnect.Version;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
  static final String SUPPORTED_PLATFORMS = "linux-x86_64";
  private static final Logger log = LoggerFactory.getLogger(NativeLibrary.class);
  private static boolean loaded;

  private NativeLibrary() {}

  /** Loads and checks the library if this class loader has not yet done so. */
  public static synchronized void load() {
    if (loaded) {
      return;
    }
    String platform = platform();
    String resource = "/native/" + platform + "/libtdconnect_jni.so";
    try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new ConnectException(
            "tdconnect has no native library for platform "
                + platform
                + " (os.name="
                + System.getProperty("os.name")
                + ", os.arch="
                + System.getProperty("os.arch")
                + "); supported platforms: "
                + SUPPORTED_PLATFORMS);
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

  /** {@code <os>-<arch>} as used for the resource directory inside the jar. */
  static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String osPart = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macos" : os.replace(' ', '_');
    String archPart =
        arch.equals("amd64") || arch.equals("x86_64")
            ? "x86_64"
            : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : arch;
    return osPart + "-" + archPart;
  }
}

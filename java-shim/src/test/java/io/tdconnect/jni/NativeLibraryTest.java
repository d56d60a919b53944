package io.tdconnect.jni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped library, loaded from the build's classes like a worker loads it from the jar. */
class NativeLibraryTest {
  @BeforeAll
  static void load() {
    NativeLibrary.load();
  }

  @Test
  void abiMatchesAndLoadIsIdempotent() {
    assertEquals(TdNative.ABI_VERSION, TdNative.abiVersion());
    NativeLibrary.load();
  }

  @Test
  void closeIsIdempotentAndStaleHandlesFailCleanly() {
    TdNative.sinkClose(0);
    TdNative.sinkClose(987654321L);
    TdNative.sinkClose(987654321L);
    ByteBuffer buf = ByteBuffer.allocateDirect(16);
    ConnectException e =
        assertThrows(ConnectException.class, () -> TdNative.sinkWrite(987654321L, buf, 0, 0, false));
    assertTrue(e.getMessage().contains("closed or unknown"), e.getMessage());
  }

  @Test
  void lengthBeyondTheBufferIsRefused() {
    ByteBuffer buf = ByteBuffer.allocateDirect(16);
    ConnectException e = assertThrows(ConnectException.class, () -> TdNative.sinkWrite(1, buf, 17, 0, false));
    assertTrue(e.getMessage().contains("outside direct buffer"), e.getMessage());
  }

  @Test
  void badConfigurationIsFatal() {
    ConnectException e = assertThrows(ConnectException.class, () -> TdNative.sinkOpen("{not json"));
    assertTrue(e.getMessage().contains("sink configuration"), e.getMessage());
  }

  @Test
  void platformNamesAreStable() {
    assertEquals("linux-x86_64", NativeLibrary.platform());
    assertEquals("linux-x86_64", NativeLibrary.platform("Linux", "amd64"));
    assertEquals("linux-x86_64", NativeLibrary.platform("Linux", "x86_64"));
    assertEquals("linux-aarch64", NativeLibrary.platform("Linux", "aarch64"));
    assertEquals("linux-aarch64", NativeLibrary.platform("Linux", "arm64"));
    assertEquals("macos-aarch64", NativeLibrary.platform("Mac OS X", "aarch64"));
  }

  @Test
  void eachSupportedPlatformHasItsLibraryInTheBuild() {
    for (String platform : NativeLibrary.SUPPORTED_PLATFORMS) {
      String resource = NativeLibrary.resourceFor(platform);
      assertEquals("/native/" + platform + "/libtdconnect_jni.so", resource);
      assertNotNull(NativeLibrary.class.getResource(resource), resource);
    }
  }

  @Test
  void anUnsupportedPlatformIsRefusedNamingTheSupportedOnes() {
    ConnectException e =
        assertThrows(
            ConnectException.class,
            () -> NativeLibrary.resourceFor(NativeLibrary.platform("Linux", "riscv64")));
    assertTrue(e.getMessage().contains("platform linux-riscv64"), e.getMessage());
    String supported = "supported platforms: linux-x86_64, linux-aarch64";
    assertTrue(e.getMessage().contains(supported), e.getMessage());
  }

  /**
   * Connect gives each plugin its own class loader; two loaders (two workers in
   * one JVM, two installed versions) must each load their own copy.
   */
  @Test
  void twoClassLoadersEachLoadTheLibrary() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      urls.add(new File(entry).toURI().toURL());
    }
    Object[] loaded = new Object[2];
    for (int i = 0; i < 2; i++) {
      try (URLClassLoader loader =
          new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
        Class<?> lib = Class.forName(NativeLibrary.class.getName(), true, loader);
        lib.getMethod("load").invoke(null);
        Class<?> natives = Class.forName(TdNative.class.getName(), true, loader);
        Method abi = natives.getDeclaredMethod("abiVersion");
        abi.setAccessible(true);
        assertEquals(TdNative.ABI_VERSION, abi.invoke(null));
        loaded[i] = lib;
      }
    }
    assertNotSame(loaded[0], loaded[1]);
  }
}

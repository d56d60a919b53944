package io.tdconnect.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A JVM child process (broker or worker) with its output in a log file. */
public final class ManagedProcess {
  private final String name;
  private final Process process;
  private final Path log;

  private ManagedProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** JVM options for tests: small heap, quick start-up (C1 only). */
  public static final List<String> TEST_JVM =
      List.of("-Xms128m", "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  /** The options Kafka's own start scripts use (KAFKA_HEAP_OPTS for Connect, KAFKA_JVM_PERFORMANCE_OPTS), for benchmarks. */
  public static final List<String> KAFKA_SCRIPT_JVM =
      List.of("-Xms256m", "-Xmx2g", "-server", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
          "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-XX:MaxInlineLevel=15",
          "-Djava.awt.headless=true");

  /** The Java home of this (the test) JVM. */
  public static final Path TEST_JAVA_HOME = Path.of(System.getProperty("java.home"));

  /** Starts {@code java jvmArgs -cp libs/* mainClass args} with output appended to {@code log}. */
  public static ManagedProcess startJava(
      String name, Path libs, String mainClass, Path log, List<String> jvmArgs, String... args)
      throws IOException {
    return startJava(name, TEST_JAVA_HOME, libs, mainClass, log, jvmArgs, args);
  }

  /** Like {@link #startJava(String, Path, String, Path, List, String...)} with the java of {@code javaHome}. */
  public static ManagedProcess startJava(
      String name, Path javaHome, Path libs, String mainClass, Path log, List<String> jvmArgs, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaHome.resolve("bin").resolve("java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(libs.toAbsolutePath() + "/*");
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    Files.createDirectories(log.getParent());
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    Files.writeString(log.resolveSibling(name + ".pid"), Long.toString(p.pid()));
    return new ManagedProcess(name, p, log);
  }

  /** Fails when something already listens on the port (e.g. a leftover of an earlier run). */
  public static void requireFreePort(int port) throws IOException {
    if (portOpen("127.0.0.1", port)) {
      throw new IOException("port " + port + " is already in use; stop whatever holds it first");
    }
  }

  /**
   * Kills processes recorded in {@code *.pid} files below {@code dir} whose command
   * line mentions {@code dir}: what a crashed or killed earlier test run left behind.
   */
  public static void killLeftovers(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      for (Path pidFile : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".pid"))::iterator) {
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(pid)
            .filter(h -> h.info().commandLine().map(c -> c.contains(dir.toString())).orElse(false))
            .ifPresent(
                h -> {
                  h.destroyForcibly();
                  h.onExit().join();
                });
      }
    }
  }

  /** Sends SIGTERM without waiting, so several processes can stop at once. */
  public void requestStop() {
    process.destroy();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** Waits until something accepts connections on the port, or fails with the log's tail. */
  public void awaitPort(int port, long timeoutMs) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(name + " exited with " + process.exitValue() + "\n" + tail());
      }
      if (portOpen("127.0.0.1", port)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IOException(name + " did not open port " + port + " in " + timeoutMs + " ms\n" + tail());
  }

  public static boolean portOpen(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 300);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits for a short-lived process (a tool run) and fails unless it exits 0. */
  public void waitFor(long seconds) throws IOException, InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(name + " did not finish in " + seconds + " s\n" + tail());
    }
    if (process.exitValue() != 0) {
      throw new IOException(name + " exited with " + process.exitValue() + "\n" + tail());
    }
  }

  /** SIGTERM, then SIGKILL if it has not ended after {@code graceMs}. */
  public void stop(long graceMs) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(graceMs, TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** SIGKILL: a crash, nothing flushed or committed on the way out. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}

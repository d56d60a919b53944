package io.tdconnect.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A Kafka Connect worker (standalone or distributed) in its own JVM. */
public final class ConnectWorker {
  public enum Mode {
    STANDALONE,
    DISTRIBUTED
  }

  private final String name;
  private final Mode mode;
  private final Path dir;
  private final Path pluginPath;
  private final int restPort;
  private final String discovery;
  private final String bootstrap;
  private final Path libs;
  private ManagedProcess process;
  private List<String> jvm = ManagedProcess.TEST_JVM;
  private Path javaHome = ManagedProcess.TEST_JAVA_HOME;
  private final List<String> extraProperties = new ArrayList<>();

  /**
   * @param discovery value of {@code plugin.discovery} (Kafka 3.6+), or null to leave the
   *     worker's default
   */
  public ConnectWorker(
      String name,
      Mode mode,
      Path dir,
      Path libs,
      Path pluginPath,
      String bootstrap,
      int restPort,
      String discovery) {
    this.name = name;
    this.mode = mode;
    this.dir = dir;
    this.libs = libs;
    this.pluginPath = pluginPath;
    this.bootstrap = bootstrap;
    this.restPort = restPort;
    this.discovery = discovery;
  }

  /** Extra {@code key=value} lines of worker.properties; call before start. */
  public ConnectWorker withProperties(List<String> lines) {
    extraProperties.addAll(lines);
    return this;
  }

  /** JVM options of the worker (default {@link ManagedProcess#TEST_JVM}); call before start. */
  public ConnectWorker withJvm(List<String> options) {
    this.jvm = options;
    return this;
  }

  /** The Java runtime the worker runs on (default: the test JVM's); call before start. */
  public ConnectWorker withJavaHome(Path home) {
    this.javaHome = home;
    return this;
  }

  public ConnectRest rest() {
    return new ConnectRest(restPort);
  }

  public int restPort() {
    return restPort;
  }

  public ManagedProcess process() {
    return process;
  }

  public Path workerProperties() {
    return dir.resolve("worker.properties");
  }

  /** Writes worker.properties and starts the worker; returns once REST answers. */
  public void start() throws IOException, InterruptedException {
    ManagedProcess.requireFreePort(restPort);
    Files.createDirectories(dir);
    List<String> lines = new ArrayList<>();
    lines.add("bootstrap.servers=" + bootstrap);
    lines.add("plugin.path=" + pluginPath.toAbsolutePath());
    if (discovery != null) {
      lines.add("plugin.discovery=" + discovery);
    }
    lines.add("listeners=http://127.0.0.1:" + restPort);
    lines.add("rest.advertised.host.name=127.0.0.1");
    lines.add("rest.advertised.port=" + restPort);
    lines.add("key.converter=org.apache.kafka.connect.storage.StringConverter");
    lines.add("value.converter=org.apache.kafka.connect.storage.StringConverter");
    lines.add("offset.flush.interval.ms=2000");
    // Secrets through ${file:PATH:KEY}, as production workers keep them.
    lines.add("config.providers=file");
    lines.add("config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider");
    lines.add("task.shutdown.graceful.timeout.ms=10000");
    if (mode == Mode.STANDALONE) {
      lines.add("offset.storage.file.filename=" + dir.resolve("connect.offsets").toAbsolutePath());
    } else {
      lines.add("group.id=" + name);
      lines.add("config.storage.topic=" + name + "-configs");
      lines.add("offset.storage.topic=" + name + "-offsets");
      lines.add("status.storage.topic=" + name + "-status");
      lines.add("config.storage.replication.factor=1");
      lines.add("offset.storage.replication.factor=1");
      lines.add("status.storage.replication.factor=1");
      lines.add("offset.storage.partitions=5");
      lines.add("status.storage.partitions=1");
      lines.add("scheduled.rebalance.max.delay.ms=1000");
    }
    lines.addAll(extraProperties);
    Files.write(workerProperties(), lines);
    String main =
        mode == Mode.STANDALONE
            ? "org.apache.kafka.connect.cli.ConnectStandalone"
            : "org.apache.kafka.connect.cli.ConnectDistributed";
    process =
        ManagedProcess.startJava(
            name,
            javaHome,
            libs,
            main,
            dir.resolve("worker.log"),
            with(jvm, "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                // Timestamps in worker.log, to tell where a test's or benchmark's time went.
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"),
            workerProperties().toString());
    process.awaitPort(restPort, 180_000);
    long deadline = System.currentTimeMillis() + 180_000;
    while (!rest().ready()) {
      if (System.currentTimeMillis() > deadline || !process.isAlive()) {
        throw new IOException(name + " REST not ready\n" + process.tail());
      }
      Thread.sleep(250);
    }
  }

  private static List<String> with(List<String> options, String... extra) {
    List<String> all = new ArrayList<>(options);
    all.addAll(Arrays.asList(extra));
    return all;
  }

  public void stop() throws InterruptedException {
    if (process != null) {
      process.stop(30_000);
    }
  }

  /** Simulates a crash: SIGKILL. */
  public void kill() throws InterruptedException {
    if (process != null) {
      process.kill();
    }
  }
}

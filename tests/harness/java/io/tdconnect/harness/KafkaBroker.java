package io.tdconnect.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/** A single-node KRaft broker (combined broker + controller) run from Maven artifacts. */
public final class KafkaBroker {
  private List<String> jvm = ManagedProcess.TEST_JVM;
  private final Path dir;
  private final int port;
  private final int controllerPort;
  private ManagedProcess process;

  public KafkaBroker(Path dir, int port, int controllerPort) {
    this.dir = dir;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  /** JVM options of the broker (default {@link ManagedProcess#TEST_JVM}); call before start. */
  public KafkaBroker withJvm(List<String> options) {
    this.jvm = options;
    return this;
  }

  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  public ManagedProcess process() {
    return process;
  }

  public void start(Path libs) throws IOException, InterruptedException {
    ManagedProcess.requireFreePort(port);
    ManagedProcess.requireFreePort(controllerPort);
    Files.createDirectories(dir);
    Path props = dir.resolve("server.properties");
    Path data = dir.resolve("data");
    Files.writeString(
        props,
        String.join(
            "\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
            "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
            "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
            "controller.listener.names=CONTROLLER",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name=PLAINTEXT",
            "log.dirs=" + data,
            "num.partitions=1",
            "offsets.topic.replication.factor=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=true",
            // Source records carry TDengine row times, often days old in tests: with time-based
            // retention Kafka would delete them within minutes (at its next retention check).
            "log.retention.ms=-1",
            ""));
    if (!Files.exists(data.resolve("meta.properties"))) {
      ManagedProcess format =
          ManagedProcess.startJava(
              "kafka-storage-format",
              libs,
              "kafka.tools.StorageTool",
              dir.resolve("format.log"),
              ManagedProcess.TEST_JVM,
              "format",
              "-t",
              clusterId(),
              "-c",
              props.toString(),
              "--ignore-formatted");
      format.waitFor(120);
    }
    process =
        ManagedProcess.startJava(
            "kafka-broker", libs, "kafka.Kafka", dir.resolve("broker.log"), jvm, props.toString());
    process.awaitPort(port, 120_000);
  }

  /**
   * A KRaft cluster id: 16 random bytes, base64url without padding, never
   * starting with '-' (the tool would read it as an option; Kafka avoids it too).
   */
  static String clusterId() {
    while (true) {
      UUID u = UUID.randomUUID();
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
      b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
      String id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
      if (!id.startsWith("-")) {
        return id;
      }
    }
  }

  public void stop() throws InterruptedException {
    if (process != null) {
      process.stop(30_000);
    }
  }
}

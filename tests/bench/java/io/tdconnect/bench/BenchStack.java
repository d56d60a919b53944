package io.tdconnect.bench;

import io.tdconnect.harness.ConnectWorker;
import io.tdconnect.harness.HubArchive;
import io.tdconnect.harness.KafkaBroker;
import io.tdconnect.harness.ManagedProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmarks' Kafka: a fresh broker and a standalone worker with the Hub
 * archive installed, both with the JVM options of Kafka's start scripts (not
 * the lean test ones).
 */
final class BenchStack implements AutoCloseable {
  final KafkaBroker broker;
  final ConnectWorker worker;

  private BenchStack(KafkaBroker broker, ConnectWorker worker) {
    this.broker = broker;
    this.worker = worker;
  }

  static BenchStack start() throws Exception {
    Path work = Path.of(System.getProperty("bench.dir"));
    Path libs = Path.of(System.getProperty("kafka.libs"));
    ManagedProcess.killLeftovers(work);
    HubArchive.deleteRecursively(work);
    KafkaBroker broker =
        new KafkaBroker(work.resolve("broker"), 29092, 29093).withJvm(ManagedProcess.KAFKA_SCRIPT_JVM);
    broker.start(libs);
    Path plugins = work.resolve("plugins");
    HubArchive.install(
        Path.of(System.getProperty("hub.zip")), plugins, "tdconnect-kafka-connect-tdengine",
        System.getProperty("hub.version"));
    List<String> jvm = new ArrayList<>(ManagedProcess.KAFKA_SCRIPT_JVM);
    String jfr = System.getenv("BENCH_WORKER_JFR"); // a .jfr path: profile the worker (diagnosis only)
    if (jfr != null && !jfr.isEmpty()) {
      jvm.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
    }
    ConnectWorker worker = new ConnectWorker(
        "bench", ConnectWorker.Mode.STANDALONE, work.resolve("worker"), libs, plugins, broker.bootstrap(), 28083,
        null).withJvm(jvm);
    worker.start();
    return new BenchStack(broker, worker);
  }

  @Override
  public void close() throws InterruptedException {
    worker.stop();
    broker.stop();
  }
}

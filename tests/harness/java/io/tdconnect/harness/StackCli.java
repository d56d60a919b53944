package io.tdconnect.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ./tests/stack: a local Kafka broker (9092) and a distributed Connect worker
 * (8083) with the plugin installed from the built Hub archive, processes that
 * outlive this command. System properties (set by tests/stack): stack.dir,
 * hub.zip, hub.version, kafka.libs, example.sink.
 */
public final class StackCli {
  private static final int BROKER_PORT = 9092;
  private static final int CONTROLLER_PORT = 9093;
  private static final int REST_PORT = 8083;

  private final Path dir = Path.of(System.getProperty("stack.dir"));

  public static void main(String[] args) throws Exception {
    StackCli cli = new StackCli();
    String cmd = args.length == 0 ? "status" : args[0];
    switch (cmd) {
      case "up":
        cli.up();
        break;
      case "down":
        cli.down();
        break;
      case "load":
        if (args.length < 2) {
          throw new IllegalArgumentException("usage: tests/stack load FILE");
        }
        cli.load(Path.of(args[1]));
        break;
      case "status":
        cli.status();
        break;
      case "produce":
        if (args.length < 2) {
          throw new IllegalArgumentException("usage: tests/stack produce TOPIC < lines");
        }
        cli.produce(args[1]);
        break;
      default:
        throw new IllegalArgumentException("usage: tests/stack up|down|load FILE|produce TOPIC|status");
    }
    System.exit(0);
  }

  private void up() throws Exception {
    Files.createDirectories(dir);
    Path libs = Path.of(System.getProperty("kafka.libs"));
    if (!ManagedProcess.portOpen("127.0.0.1", BROKER_PORT)) {
      KafkaBroker broker = new KafkaBroker(dir.resolve("broker"), BROKER_PORT, CONTROLLER_PORT);
      broker.start(libs);
      writePid("broker", broker.process().pid());
      System.out.println("Kafka broker   127.0.0.1:" + BROKER_PORT + "  (log " + broker.process().log() + ")");
    } else {
      System.out.println("Kafka broker   127.0.0.1:" + BROKER_PORT + "  already running");
    }
    if (!ManagedProcess.portOpen("127.0.0.1", REST_PORT)) {
      Path plugins = dir.resolve("plugins");
      Path installed =
          HubArchive.install(
              Path.of(System.getProperty("hub.zip")),
              plugins,
              "tdconnect-kafka-connect-tdengine",
              System.getProperty("hub.version"));
      System.out.println("Plugin         " + installed);
      ConnectWorker worker =
          new ConnectWorker(
              "tdconnect-stack",
              ConnectWorker.Mode.DISTRIBUTED,
              dir.resolve("connect"),
              libs,
              plugins,
              "127.0.0.1:" + BROKER_PORT,
              REST_PORT,
              null);
      worker.start();
      writePid("connect", worker.process().pid());
      System.out.println("Connect worker http://127.0.0.1:" + REST_PORT + "  (log " + worker.process().log() + ")");
    } else {
      System.out.println("Connect worker http://127.0.0.1:" + REST_PORT + "  already running");
    }
    load(Path.of(System.getProperty("example.sink")));
    status();
  }

  private void load(Path file) throws Exception {
    Map<String, Object> connector = ConnectorFile.read(file);
    @SuppressWarnings("unchecked")
    Map<String, Object> config = (Map<String, Object>) connector.get("config");
    Optional<TDengineTarget> td = TDengineTarget.find();
    String envDsn = System.getenv(TDengineTarget.ENV_DSN);
    if (envDsn != null && !envDsn.isEmpty() && config.containsKey("connection.url")) {
      config.put("connection.url", envDsn);
      System.out.println("connection.url set from " + TDengineTarget.ENV_DSN + ": " + envDsn);
    }
    if (!td.isPresent()) {
      System.out.println("WARNING: no TDengine reachable (" + TDengineTarget.whyMissing() + "); the connector's task will fail until one is.");
    }
    String name = (String) connector.get("name");
    ConnectRest rest = new ConnectRest(REST_PORT);
    ConnectRest.Response r = rest.put("/connectors/" + name + "/config", config);
    if (r.status != 200 && r.status != 201) {
      throw new IOException("loading " + name + " failed: " + r);
    }
    System.out.println("Connector      " + name + (r.status == 201 ? " created" : " updated") + " from " + file);
  }

  @SuppressWarnings("unchecked")
  private void status() throws Exception {
    System.out.println("Broker  127.0.0.1:" + BROKER_PORT + " " + (ManagedProcess.portOpen("127.0.0.1", BROKER_PORT) ? "up" : "down"));
    ConnectRest rest = new ConnectRest(REST_PORT);
    if (!rest.ready()) {
      System.out.println("Connect http://127.0.0.1:" + REST_PORT + " down");
      return;
    }
    System.out.println("Connect http://127.0.0.1:" + REST_PORT + " up");
    Optional<TDengineTarget> td = TDengineTarget.find();
    System.out.println("TDengine " + td.map(TDengineTarget::url).orElse("not reachable: " + TDengineTarget.whyMissing()));
    for (Object name : rest.get("/connectors").array()) {
      Map<String, Object> s = rest.get("/connectors/" + name + "/status").object();
      StringBuilder line = new StringBuilder("  " + name + ": " + ((Map<String, Object>) s.get("connector")).get("state"));
      for (Object t : (List<Object>) s.get("tasks")) {
        Map<String, Object> task = (Map<String, Object>) t;
        line.append(", task ").append(task.get("id")).append(' ').append(task.get("state"));
        if (task.get("trace") != null) {
          line.append(" (").append(String.valueOf(task.get("trace")).split("\n")[0]).append(')');
        }
      }
      System.out.println(line);
    }
  }

  private void down() throws Exception {
    for (String name : new String[] {"connect", "broker"}) {
      Path pid = dir.resolve(name + ".pid");
      if (!Files.exists(pid)) {
        continue;
      }
      long p = Long.parseLong(Files.readString(pid).trim());
      Optional<ProcessHandle> h = ProcessHandle.of(p);
      if (h.isPresent()) {
        h.get().destroy();
        try {
          h.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          h.get().destroyForcibly();
        }
        System.out.println("stopped " + name + " (pid " + p + ")");
      }
      Files.delete(pid);
    }
  }

  /** Sends each line of standard input as one record (null key) and waits for acks=all. */
  private void produce(String topic) throws IOException {
    java.util.Properties p = new java.util.Properties();
    p.put("bootstrap.servers", "127.0.0.1:" + BROKER_PORT);
    p.put("key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
    p.put("value.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName());
    p.put("acks", "all");
    long n = 0;
    try (org.apache.kafka.clients.producer.KafkaProducer<String, String> producer =
            new org.apache.kafka.clients.producer.KafkaProducer<>(p);
        java.io.BufferedReader in =
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (!line.isEmpty()) {
          producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, line));
          n++;
        }
      }
      producer.flush();
    }
    System.out.println("produced " + n + " records to " + topic);
  }

  private void writePid(String name, long pid) throws IOException {
    Files.writeString(dir.resolve(name + ".pid"), Long.toString(pid));
  }
}

package io.tdconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdconnect.harness.ConnectRest;
import io.tdconnect.harness.MonitoringFiles;
import io.tdconnect.harness.PrometheusScrape;
import io.tdconnect.harness.TDengineTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The monitoring files the Hub archive ships work on a real worker: with the
 * real jmx_prometheus_javaagent and etc/tdconnect-jmx-exporter.yml, a sink
 * (two tasks, a dead letter queue) and a source running against TDengine,
 * the agent's /metrics has every name the rules make and every name the
 * Grafana dashboard reads, each for these connectors with connector and task
 * (or state) labels, and the counters show what the connectors did.
 */
class MetricsExporterIT {
  private static final String SINK = "metrics-sink";
  private static final String SOURCE = "metrics-source";
  private static final String DB = "it_metrics";
  private static final String TMQ_TOPIC = "tdconnect_it_metrics_cpu";
  private static final int ROWS = 200;

  @Test
  void everyRuleAndDashboardNameIsExportedPerConnectorAndTask() throws Exception {
    TDengineTarget td = TDengine.require("MetricsExporterIT");
    TDengine.dropTopic(td, TMQ_TOPIC);
    TDengine.freshDatabase(td, DB);
    TestCluster.createTopic("metrics-lines", 2);
    ConnectRest rest = TestCluster.worker(TestCluster.Worker.METRICS_STANDALONE).rest();
    Path etc = TestCluster.installedComponent().resolve("etc");

    Map<String, Object> sink = TestCluster.sinkConfig(td, "metrics-lines", DB);
    sink.put("tasks.max", "2");
    sink.put("errors.tolerance", "all");
    sink.put("errors.deadletterqueue.topic.name", "metrics-dlq");
    sink.put("errors.deadletterqueue.topic.replication.factor", "1");
    rest.createConnector(ConnectRest.connectorBody(SINK, sink));
    rest.awaitRunning(SINK, 2, 60_000);
    List<String> values = new ArrayList<>(SinkLineProtocolIT.lines("cpu", 0, ROWS));
    values.add("this is not line protocol");
    TestCluster.produce("metrics-lines", values);
    assertEquals(ROWS, TDengine.awaitCount(td, "select count(*) from " + DB + ".cpu", ROWS, 60_000));

    Map<String, Object> source = SourceSubscriptionIT.config(td, DB, "tdmetrics", "json");
    rest.createConnector(ConnectRest.connectorBody(SOURCE, source));
    rest.awaitRunning(SOURCE, 1, 60_000);
    assertEquals(ROWS, TestCluster.consume("tdmetrics-" + DB + "-cpu", ROWS, 90_000).size());

    Set<String> names = new LinkedHashSet<>();
    for (MonitoringFiles.Rule r : MonitoringFiles.rules(etc.resolve(MonitoringFiles.RULES))) {
      names.add(r.name);
    }
    Set<String> dashboard = MonitoringFiles.dashboardMetrics(etc.resolve(MonitoringFiles.DASHBOARD));
    names.addAll(dashboard);

    String url = "http://127.0.0.1:" + TestCluster.EXPORTER_PORT + "/metrics";
    PrometheusScrape scrape = null;
    Set<String> missing = names;
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      scrape = PrometheusScrape.of(url);
      missing = missing(scrape, names);
      if (missing.isEmpty() && scrape.sum("tdconnect_sink_rows_written_total", "connector", SINK) >= ROWS
          && scrape.sum("tdconnect_source_records_produced_total", "connector", SOURCE) >= ROWS
          // the task reads the reader's stats (rows read, lag) every 5 s
          && scrape.sum("tdconnect_source_rows_read_total", "connector", SOURCE) >= ROWS
          && scrape.sum("kafka_connect_task_dlq_produce_requests_total", "connector", SINK) >= 1) {
        break;
      }
      Thread.sleep(1000);
    }
    java.nio.file.Files.writeString(TestCluster.WORK.resolve("metrics-scrape.txt"), scrape.text()); // to look at
    assertEquals(new TreeSet<>(), missing, "not exported for " + SINK + "/" + SOURCE + "; ours in the scrape:\n"
        + ours(scrape));

    // Per task, and what the connectors did.
    Set<String> sinkTasks = new TreeSet<>();
    for (PrometheusScrape.Sample s : scrape.find("tdconnect_sink_rows_written_total", "connector", SINK)) {
      sinkTasks.add(s.labels.get("task"));
    }
    assertEquals(Set.of("0", "1"), sinkTasks, "one series per sink task");
    for (String task : sinkTasks) { // tdconnect's task label is Connect's task id
      assertEquals(value(scrape, "kafka_connect_sink_task_records_sent_total", SINK, task),
          value(scrape, "tdconnect_sink_records_received_total", SINK, task), "task " + task);
      assertEquals(value(scrape, "kafka_connect_task_dlq_produce_requests_total", SINK, task),
          value(scrape, "tdconnect_sink_records_dead_lettered_total", SINK, task), "task " + task);
    }
    assertEquals(ROWS, scrape.sum("tdconnect_sink_rows_written_total", "connector", SINK));
    assertEquals(1, scrape.sum("tdconnect_sink_records_dead_lettered_total", "connector", SINK));
    assertEquals(1, scrape.sum("kafka_connect_task_dlq_produce_requests_total", "connector", SINK));
    assertEquals(ROWS + 1, scrape.sum("kafka_connect_sink_task_records_read_total", "connector", SINK));
    assertTrue(scrape.sum("tdconnect_source_records_produced_total", "connector", SOURCE) >= ROWS);
    assertTrue(scrape.sum("tdconnect_source_rows_read_total", "connector", SOURCE) >= ROWS);
    // Healthy: nothing is retrying.
    assertEquals(0, scrape.sum("tdconnect_sink_retrying_since_timestamp_seconds", "connector", SINK));
    assertEquals(0, scrape.sum("tdconnect_source_retrying_since_timestamp_seconds", "connector", SOURCE));
    double running = 0;
    for (PrometheusScrape.Sample s : scrape.find("kafka_connect_connector_tasks", "connector", SINK)) {
      running += "running".equals(s.labels.get("state")) ? s.value : 0;
    }
    assertEquals(2, running, "the sink's running tasks");

    assertEquals(204, rest.delete("/connectors/" + SOURCE).status);
    assertEquals(204, rest.delete("/connectors/" + SINK).status);
    TDengine.dropTopic(td, TMQ_TOPIC);
    TDengine.dropDatabase(td, DB);
    System.out.println("TDengine-backed: " + TDengineTarget.version() + " jmx_prometheus_javaagent with the shipped"
        + " rules: all " + names.size() + " metric names (" + dashboard.size() + " read by the dashboard) exported"
        + " per connector and task; sink wrote " + ROWS + " rows over 2 tasks, 1 record to the DLQ, source produced "
        + (long) scrape.sum("tdconnect_source_records_produced_total", "connector", SOURCE) + " records");
  }

  private static double value(PrometheusScrape scrape, String name, String connector, String task) {
    for (PrometheusScrape.Sample s : scrape.find(name, "connector", connector)) {
      if (task.equals(s.labels.get("task"))) {
        return s.value;
      }
    }
    throw new AssertionError(name + "{connector=" + connector + ",task=" + task + "} not in the scrape");
  }

  /** name{connector=C} for each name and connector of it without a sample carrying a task (or state) label. */
  private static Set<String> missing(PrometheusScrape scrape, Set<String> names) {
    Set<String> missing = new TreeSet<>();
    for (String name : names) {
      for (String connector : connectorsOf(name)) {
        boolean found = false;
        for (PrometheusScrape.Sample s : scrape.find(name, "connector", connector)) {
          found |= s.labels.containsKey("task") || s.labels.containsKey("state");
        }
        if (!found) {
          missing.add(name + "{connector=" + connector + "}");
        }
      }
    }
    return missing;
  }

  /** Which of our connectors a metric is for: sink and source metrics for theirs, task-generic ones for both. */
  private static List<String> connectorsOf(String name) {
    if (name.startsWith("tdconnect_sink_") || name.startsWith("kafka_connect_sink_")) {
      return List.of(SINK);
    }
    if (name.startsWith("tdconnect_source_") || name.startsWith("kafka_connect_source_")) {
      return List.of(SOURCE);
    }
    return List.of(SINK, SOURCE);
  }

  private static String ours(PrometheusScrape scrape) {
    StringBuilder sb = new StringBuilder();
    if (scrape != null) {
      for (String line : scrape.text().split("\n")) {
        if (line.startsWith("tdconnect_") || line.startsWith("kafka_connect_")) {
          sb.append(line).append('\n');
        }
      }
    }
    return sb.toString();
  }
}

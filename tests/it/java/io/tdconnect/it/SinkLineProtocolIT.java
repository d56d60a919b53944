package io.tdconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tdconnect.harness.ConnectRest;
import io.tdconnect.harness.TDengineTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Line-protocol strings: Kafka → Connect (standalone, distributed, 3.9) → JNI → TDengine. */
class SinkLineProtocolIT {
  static final int RECORDS = 10_000;

  /** 10 subtables (host tag) with distinct millisecond timestamps: one row per record. */
  static List<String> lines(String measurement, int from, int count) {
    List<String> out = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      out.add(measurement + ",host=h" + (i % 10) + " v=" + i + "i,ok=true " + (1_700_000_000_000L + i));
    }
    return out;
  }

  static Map<String, Object> sinkConfig(String name, String topic, String database, Map<String, Object> connection) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("connector.class", "io.tdconnect.sink.TDengineSinkConnector");
    config.put("tasks.max", "2");
    config.put("topics", topic);
    config.putAll(connection);
    config.put("connection.database", database);
    config.put("db.schemaless", "line");
    config.put("data.precision", "ms");
    return ConnectRest.connectorBody(name, config);
  }

  @ParameterizedTest
  @EnumSource(
      value = TestCluster.Worker.class,
      names = {"LATEST_STANDALONE", "LATEST_DISTRIBUTED", "LEGACY_STANDALONE"})
  void tenThousandRecordsBecomeTenThousandRows(TestCluster.Worker w) throws Exception {
    TDengineTarget td = TDengine.require("SinkLineProtocolIT " + w);
    run(w, td, "ws");
  }

  @ParameterizedTest
  @EnumSource(value = TestCluster.Worker.class, names = {"LATEST_STANDALONE"})
  void nativeConnectionWritesToo(TestCluster.Worker w) throws Exception {
    TDengineTarget td = TDengine.require("SinkLineProtocolIT native " + w);
    java.util.Optional<TDengineTarget> nativeTd = td.nativeTarget();
    if (!nativeTd.isPresent()) {
      TDengine.skip("no TDengine", "native sink", TDengineTarget.whyNoNative());
    }
    run(w, nativeTd.get(), "native");
  }

  private void run(TestCluster.Worker w, TDengineTarget td, String style) throws Exception {
    String id = w.id().replace('-', '_') + "_" + style;
    String topic = "lines-" + id;
    String database = "it_" + id;
    TDengine.freshDatabase(td, database);
    TestCluster.createTopic(topic, 2);
    ConnectRest rest = TestCluster.worker(w).rest();
    rest.createConnector(sinkConfig("sink-" + id, topic, database, td.connectorKeys()));
    rest.awaitRunning("sink-" + id, 2, 60_000);
    TestCluster.produce(topic, lines("cpu", 0, RECORDS));
    long rows = TDengine.awaitCount(td, "select count(*) from " + database + ".cpu", RECORDS, 120_000);
    assertEquals(RECORDS, rows, "rows in " + database + ".cpu over " + td.url());
    Thread.sleep(1000);
    assertEquals(RECORDS, TDengine.count(td, "select count(*) from " + database + ".cpu"));
    assertEquals(10, TDengine.count(td, "select count(*) from (select distinct tbname from " + database + ".cpu)"));
    assertEquals(204, rest.delete("/connectors/sink-" + id).status);
    TDengine.dropDatabase(td, database);
    System.out.println("TDengine-backed: " + w + " over " + td.url() + ": " + RECORDS + " records -> " + rows + " rows");
  }
}

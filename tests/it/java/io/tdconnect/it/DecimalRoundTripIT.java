package io.tdconnect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdconnect.harness.ConnectRest;
import io.tdconnect.harness.TDengineTarget;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Connect {@code Decimal} through the sink into TDengine and back out through
 * the source, exactly: DECIMAL(p,s) columns on servers that have them (3.3.6+),
 * exact text in VARCHAR columns before. Values use all 38 digits; one that
 * needs 39 goes to the DLQ.
 */
class DecimalRoundTripIT {
  private static final int ROWS = 200;
  private static final String DB = "it_decimal";
  private static final Pattern PRICE = Pattern.compile("\"price\":\"?(-?[0-9.]+)\"?");

  private static String price(int i) {
    // 28 integer digits + 10 decimal places = 38 digits, the most TDengine holds.
    String integer = String.format("%028d", 1_000_000_007L * (i + 1)).replaceFirst("^0", "9");
    return (i % 3 == 0 ? "-" : "") + integer + "." + String.format("%010d", 123_456_789L * i % 10_000_000_000L);
  }

  private static String record(int i, String price) {
    String decimal = "{\"field\":\"%s\",\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\","
        + "\"version\":1,\"parameters\":{\"scale\":\"%s\"%s},\"optional\":true}";
    String schema = "{\"type\":\"struct\",\"fields\":[{\"field\":\"device\",\"type\":\"string\"},"
        + "{\"field\":\"at\",\"type\":\"int64\"},"
        + String.format(decimal, "price", "10", ",\"connect.decimal.precision\":\"38\"") + ","
        + String.format(decimal, "qty", "0", "") + "]}";
    String payload = "{\"device\":\"d" + (i % 4) + "\",\"at\":" + (1_700_000_000_000L + i) + ",\"price\":" + price
        + ",\"qty\":" + (i * 7) + "}";
    return "{\"schema\":" + schema + ",\"payload\":" + payload + "}";
  }

  /** Whether the server has DECIMAL columns (3.3.6+): a probe table is accepted. */
  private static boolean hasDecimal(TDengineTarget td) {
    try {
      TDengine.exec(td, "CREATE STABLE " + DB + ".probe (ts TIMESTAMP, d DECIMAL(10, 2)) TAGS (t INT)");
      TDengine.exec(td, "DROP STABLE " + DB + ".probe");
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Map<String, Object> sourceConfig(TDengineTarget td, String method, String format) {
    Map<String, Object> c = SourceSubscriptionIT.config(td, DB, "dec-" + method, format);
    c.put("read.method", method);
    c.put("stables", "prices");
    if (format.equals("struct")) {
      c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
      c.put("value.converter.schemas.enable", "true");
      c.put("value.converter.decimal.format", "NUMERIC");
    } else {
      c.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
    }
    return c;
  }

  private static Set<String> prices(List<String> values) {
    Set<String> out = new HashSet<>();
    for (String v : values) {
      Matcher m = PRICE.matcher(v);
      if (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  @Test
  void decimalsRoundTripExactly() throws Exception {
    TDengineTarget td = TDengine.require("DecimalRoundTripIT");
    TDengine.freshDatabase(td, DB);
    boolean decimalColumns = hasDecimal(td);
    TestCluster.createTopic("it-decimal", 1);
    Map<String, Object> sink = TestCluster.sinkConfig(td, "it-decimal", DB);
    sink.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    sink.put("value.converter.schemas.enable", "true");
    sink.put("stable.name.format", "prices");
    sink.put("subtable.name.format", "p_${field.device}");
    sink.put("tag.fields", "device");
    sink.put("timestamp.field", "at");
    sink.put("timestamp.unit", "ms");
    sink.put("errors.tolerance", "all");
    sink.put("errors.deadletterqueue.topic.name", "it-decimal-dead");
    sink.put("errors.deadletterqueue.topic.replication.factor", "1");
    ConnectRest rest = TestCluster.worker(TestCluster.Worker.LATEST_STANDALONE).rest();
    rest.createConnector(ConnectRest.connectorBody("sink-decimal", sink));
    rest.awaitRunning("sink-decimal", 1, 60_000);

    Set<String> expected = new HashSet<>();
    List<String> values = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      expected.add(price(i));
      values.add(record(i, price(i)));
    }
    // 39 digits: more than any DECIMAL holds (a data error); a VARCHAR column holds its text.
    String tooLong = "1" + price(1);
    values.add(record(ROWS, tooLong));
    int rows = decimalColumns ? ROWS : ROWS + 1;
    if (!decimalColumns) {
      expected.add(tooLong);
    }
    TestCluster.produce("it-decimal", values);
    assertEquals(rows, TDengine.awaitCount(td, "select count(*) from " + DB + ".prices", rows, 90_000));
    if (decimalColumns) {
      assertEquals(1, TestCluster.consume("it-decimal-dead", 1, 30_000).size());
    }
    String priceType = decimalColumns ? "DECIMAL(38,10)" : "VARCHAR(64)";
    assertEquals(1, TDengine.count(td, "select count(*) from information_schema.ins_columns where db_name = '" + DB
        + "' and table_name = 'prices' and col_name = 'price' and col_type = '" + priceType + "'"),
        "price column is " + priceType);
    String sample = price(7);
    assertEquals(1, TDengine.count(td, "select count(*) from " + DB + ".prices where cast(price as varchar(64)) = '"
        + sample + "'"), sample);
    assertEquals(204, rest.delete("/connectors/sink-decimal").status);

    for (String[] run : new String[][] {{"query", "struct"}, {"subscription", "json"}, {"subscription", "struct"}}) {
      String name = "source-decimal-" + run[0] + "-" + run[1];
      Map<String, Object> c = sourceConfig(td, run[0], run[1]);
      c.put("topic.prefix", "dec-" + run[0] + "-" + run[1]);
      rest.createConnector(ConnectRest.connectorBody(name, c));
      rest.awaitRunning(name, 1, 60_000);
      String topic = "dec-" + run[0] + "-" + run[1] + "-" + DB + "-prices";
      List<String> out = TestCluster.consume(topic, rows, 90_000);
      assertEquals(rows, out.size(), name + ": " + out.size() + " records");
      assertEquals(expected, prices(out), name + " gives every decimal exactly");
      if (run[1].equals("struct") && decimalColumns) {
        assertTrue(out.get(0).contains("\"name\":\"org.apache.kafka.connect.data.Decimal\""), out.get(0));
        assertTrue(out.get(0).contains("\"scale\":\"10\""), out.get(0));
      }
      assertEquals(204, rest.delete("/connectors/" + name).status);
    }
    TDengine.dropTopic(td, "tdconnect_" + DB + "_prices" + (decimalColumns ? "_cast" : ""));
    TDengine.dropDatabase(td, DB);
    System.out.println("TDengine-backed: " + TDengineTarget.version() + " Decimal round trip exact (" + ROWS
        + " values of 38 digits; one of 39 " + (decimalColumns ? "to the DLQ" : "kept as text") + "): sink column "
        + priceType
        + ", source query/struct, subscription/json, subscription/struct");
  }
}

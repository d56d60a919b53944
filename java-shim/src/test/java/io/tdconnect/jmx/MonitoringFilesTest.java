package io.tdconnect.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdconnect.harness.MiniJson;
import io.tdconnect.harness.MonitoringFiles;
import io.tdconnect.sink.SinkTaskMetricsMBean;
import io.tdconnect.source.SourceTaskMetricsMBean;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * The shipped exporter rules cover every numeric attribute of both task
 * MBeans, and the dashboard reads only names the rules make. (That a real
 * worker exports them all is MetricsExporterIT's job.)
 */
class MonitoringFilesTest {
  private static final Path ETC = Path.of("confluent-hub", "etc");

  private static List<MonitoringFiles.Rule> rules() throws Exception {
    return MonitoringFiles.rules(ETC.resolve(MonitoringFiles.RULES));
  }

  /** The first rule the exporter applies to an attribute of our MBean, or null. */
  private static MonitoringFiles.Rule ruleFor(List<MonitoringFiles.Rule> rules, String type, String attribute) {
    // jmx_exporter's view of io.tdconnect:type=T,connector="c-1",task=0 (ObjectName.quote, as TaskMBeans does).
    String bean = "io.tdconnect<type=" + type + ", connector=" + ObjectName.quote("c-1") + ", task=0><>" + attribute;
    for (MonitoringFiles.Rule r : rules) {
      if (r.matches(bean)) {
        return r;
      }
    }
    return null;
  }

  private static void coversEveryNumericAttribute(Class<?> mbean, String type, Set<String> textOnly) throws Exception {
    List<MonitoringFiles.Rule> rules = rules();
    Set<String> text = new TreeSet<>();
    Set<String> names = new HashSet<>();
    for (Method m : mbean.getMethods()) {
      String attribute = m.getName().substring(3);
      if (m.getReturnType() == String.class) {
        text.add(attribute);
        continue;
      }
      assertTrue(m.getReturnType() == long.class || m.getReturnType() == double.class, m.toString());
      MonitoringFiles.Rule r = ruleFor(rules, type, attribute);
      assertNotNull(r, type + " attribute " + attribute + " has no exporter rule");
      assertEquals("$1", r.labels.get("connector"), r.toString());
      assertEquals("$2", r.labels.get("task"), r.toString());
      assertTrue(names.add(r.name), "two attributes share " + r.name);
      assertTrue(r.name.startsWith("tdconnect_" + type.replace("-task", "") + "_"), r.name);
      if (attribute.endsWith("Ms")) {
        assertEquals("0.001", r.valueFactor, r + ": milliseconds are exported as seconds");
      }
    }
    assertEquals(textOnly, text, "text attributes (not exportable as numbers)");
  }

  @Test
  void everySinkTaskAttributeHasARule() throws Exception {
    coversEveryNumericAttribute(SinkTaskMetricsMBean.class, "sink-task", Set.of("LastError"));
  }

  @Test
  void everySourceTaskAttributeHasARule() throws Exception {
    coversEveryNumericAttribute(SourceTaskMetricsMBean.class, "source-task", Set.of("LastWarning"));
  }

  @Test
  void rulesAreWellFormed() throws Exception {
    List<MonitoringFiles.Rule> rules = rules();
    assertTrue(rules.size() > 40, "rules read: " + rules.size());
    Set<String> names = new HashSet<>();
    for (MonitoringFiles.Rule r : rules) {
      assertNotNull(r.name, r.toString());
      assertTrue(r.name.matches("(tdconnect|kafka_connect)_[a-z0-9_]+"), r.name);
      assertTrue(names.add(r.name), "duplicate " + r.name);
      assertTrue(r.help != null && !r.help.isEmpty(), r + " has no help");
      assertTrue("COUNTER".equals(r.type) || "GAUGE".equals(r.type), r + ": " + r.type);
      // The exporter appends _total to counters; naming them so keeps file and scrape alike.
      assertEquals("COUNTER".equals(r.type), r.name.endsWith("_total"), r.toString());
      assertTrue(r.pattern.endsWith(":"), r + ": end the attribute with ':' so a prefix never matches");
      assertTrue(r.labels.containsKey("connector"), r.toString());
      assertTrue(r.labels.containsKey("task") || r.labels.containsKey("state"), r.toString());
      java.util.regex.Pattern.compile(r.pattern);
    }
  }

  @Test
  void theDashboardReadsOnlyExportedNames() throws Exception {
    Set<String> exported = new HashSet<>();
    for (MonitoringFiles.Rule r : rules()) {
      exported.add(r.name);
    }
    Set<String> used = MonitoringFiles.dashboardMetrics(ETC.resolve(MonitoringFiles.DASHBOARD));
    assertTrue(used.size() > 30, used.toString());
    Set<String> unknown = new TreeSet<>(used);
    unknown.removeAll(exported);
    assertEquals(new TreeSet<>(), unknown, "dashboard names no rule exports");
    for (String q : MonitoringFiles.dashboardQueries(ETC.resolve(MonitoringFiles.DASHBOARD))) {
      assertFalse(q.contains("__name__"), "name regexes hide names from this check: " + q);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theDashboardPicksItsPrometheusDatasource() throws Exception {
    Map<String, Object> d = MiniJson.object(
        new String(Files.readAllBytes(ETC.resolve(MonitoringFiles.DASHBOARD)), StandardCharsets.UTF_8));
    assertTrue(((Number) d.get("schemaVersion")).intValue() >= 36);
    List<Object> vars = (List<Object>) ((Map<String, Object>) d.get("templating")).get("list");
    Map<String, Object> ds = (Map<String, Object>) vars.get(0);
    assertEquals("datasource", ds.get("type"));
    assertEquals("prometheus", ds.get("query"));
    List<String> titles = new ArrayList<>();
    for (Object p : (List<Object>) d.get("panels")) {
      Map<String, Object> panel = (Map<String, Object>) p;
      titles.add((String) panel.get("title"));
      if (!"row".equals(panel.get("type"))) {
        Map<String, Object> source = (Map<String, Object>) panel.get("datasource");
        assertEquals("${datasource}", source.get("uid"), panel.get("title") + " uses another datasource");
        for (Object t : (List<Object>) panel.get("targets")) {
          assertEquals("${datasource}", ((Map<String, Object>) ((Map<String, Object>) t).get("datasource")).get("uid"));
        }
      }
    }
    assertTrue(titles.contains("tdconnect task state"), titles.toString());
  }
}

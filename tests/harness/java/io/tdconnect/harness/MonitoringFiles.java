package io.tdconnect.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the shipped monitoring files: the JMX exporter rules (in the one
 * layout confluent-hub/etc/tdconnect-jmx-exporter.yml keeps: one
 * {@code - pattern:} line per rule, then {@code name:}, {@code type:},
 * {@code help:}, {@code valueFactor:} and a flow-style {@code labels:} map)
 * and the metric names the Grafana dashboard's queries use.
 */
public final class MonitoringFiles {
  public static final String RULES = "tdconnect-jmx-exporter.yml";
  public static final String DASHBOARD = "tdconnect-grafana-dashboard.json";

  /** A metric name of ours in a PromQL expression (no regex name selectors are used). */
  private static final Pattern METRIC = Pattern.compile("\\b(?:tdconnect|kafka_connect)_[a-z0-9_]*[a-z0-9]\\b");
  private static final Pattern FIELD = Pattern.compile("^\\s*(-\\s+)?(pattern|name|type|help|valueFactor|labels):\\s*(.*)$");
  private static final Pattern LABEL = Pattern.compile("(\\w+):\\s*\"([^\"]*)\"");

  private MonitoringFiles() {}

  /** One exporter rule. */
  public static final class Rule {
    public String pattern;
    public String name;
    public String type;
    public String help;
    public String valueFactor;
    public final Map<String, String> labels = new LinkedHashMap<>();

    /** Whether the exporter would apply this rule to {@code bean><>attribute} (it wraps patterns in ^.*(?:…).*$). */
    public boolean matches(String beanAndAttribute) {
      return Pattern.compile("^.*(?:" + pattern + ").*$").matcher(beanAndAttribute + ": 1").matches();
    }

    @Override
    public String toString() {
      return name + " <- " + pattern;
    }
  }

  public static List<Rule> rules(Path yml) throws IOException {
    List<Rule> rules = new ArrayList<>();
    boolean inRules = false;
    for (String line : Files.readAllLines(yml, StandardCharsets.UTF_8)) {
      if (line.startsWith("rules:")) {
        inRules = true;
        continue;
      }
      Matcher m = FIELD.matcher(line);
      if (!inRules || line.trim().startsWith("#") || !m.matches()) {
        continue;
      }
      String key = m.group(2);
      String value = m.group(3).trim();
      if (key.equals("pattern")) {
        rules.add(new Rule());
      }
      if (rules.isEmpty()) {
        throw new IOException(yml + ": " + key + " before the first pattern: " + line);
      }
      Rule r = rules.get(rules.size() - 1);
      switch (key) {
        case "pattern": r.pattern = unquote(value); break;
        case "name": r.name = value; break;
        case "type": r.type = value; break;
        case "help": r.help = value; break;
        case "valueFactor": r.valueFactor = value; break;
        default:
          Matcher l = LABEL.matcher(value);
          while (l.find()) {
            r.labels.put(l.group(1), l.group(2));
          }
      }
    }
    return rules;
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("'") && v.endsWith("'") ? v.substring(1, v.length() - 1) : v;
  }

  /** The PromQL expressions of the dashboard: panel targets' expr and query variables' queries. */
  public static List<String> dashboardQueries(Path json) throws IOException {
    List<String> out = new ArrayList<>();
    collect(MiniJson.parse(new String(Files.readAllBytes(json), StandardCharsets.UTF_8)), null, out);
    return out;
  }

  /** The metric names (ours and Kafka Connect's) the dashboard's queries read. */
  public static Set<String> dashboardMetrics(Path json) throws IOException {
    Set<String> names = new LinkedHashSet<>();
    for (String q : dashboardQueries(json)) {
      Matcher m = METRIC.matcher(q);
      while (m.find()) {
        names.add(m.group());
      }
    }
    return names;
  }

  private static void collect(Object node, String key, List<String> out) {
    if (node instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) node).entrySet()) {
        collect(e.getValue(), (String) e.getKey(), out);
      }
    } else if (node instanceof List) {
      for (Object o : (List<?>) node) {
        collect(o, key, out);
      }
    } else if (node instanceof String && ("expr".equals(key) || "query".equals(key) || "definition".equals(key))) {
      out.add((String) node);
    }
  }
}

package io.tdconnect.config;

import io.tdconnect.sink.TDengineSinkConfig;
import io.tdconnect.source.TDengineSourceConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.types.Password;

/**
 * Renders the connectors' ConfigDefs as Markdown key tables: the Hub
 * archive's doc/configuration.md (written by the build, before the zip is
 * assembled) and the blocks of README.md between
 * {@code <!-- config-reference:CONNECTOR:GROUP,GROUP -->} and
 * {@code <!-- /config-reference -->}, which ConfigReferenceTest keeps equal
 * to this rendering. Test code: not in the connector jar.
 *
 * <p>{@code ConfigReference OUT.md} writes the reference; {@code
 * ConfigReference --readme README.md} rewrites the README's blocks
 * (tests/config-reference does that).
 */
public final class ConfigReference {
  static final Pattern BLOCK =
      Pattern.compile("(<!-- config-reference:(sink|source):([^>]*?) -->\n)(.*?)(<!-- /config-reference -->)",
          Pattern.DOTALL);

  private ConfigReference() {}

  /** The ConfigDef of "sink" or "source". */
  static ConfigDef def(String connector) {
    switch (connector) {
      case "sink": return TDengineSinkConfig.CONFIG_DEF;
      case "source": return TDengineSourceConfig.CONFIG_DEF;
      default: throw new IllegalArgumentException(connector);
    }
  }

  /** The whole reference: both connectors, every group, every key. */
  static String document() {
    StringBuilder sb = new StringBuilder();
    sb.append("# tdconnect configuration reference\n\n")
        .append("Generated at build time from the connectors' ConfigDefs (what `validate()` and Control Center\n")
        .append("show). Keys of Kafka Connect itself (`name`, `connector.class`, `tasks.max`, `topics`,\n")
        .append("`errors.*`, `transforms`, converters) are documented by Kafka.\n\n");
    section(sb, "Sink connector", "io.tdconnect.sink.TDengineSinkConnector", "sink");
    sb.append('\n');
    section(sb, "Source connector", "io.tdconnect.source.TDengineSourceConnector", "source");
    return sb.toString();
  }

  private static void section(StringBuilder sb, String title, String className, String connector) {
    sb.append("## ").append(title).append(" (`").append(className).append("`)\n\n");
    List<String> groups = def(connector).groups();
    for (int i = 0; i < groups.size(); i++) {
      sb.append("### ").append(groups.get(i)).append("\n\n").append(table(def(connector), groups.get(i)));
      if (i < groups.size() - 1) {
        sb.append('\n');
      }
    }
  }

  /** The README form: for each group a bold caption and its table. */
  static String groups(String connector, List<String> groups) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < groups.size(); i++) {
      if (!def(connector).groups().contains(groups.get(i))) {
        throw new IllegalArgumentException(connector + " has no group " + groups.get(i));
      }
      sb.append("**").append(groups.get(i)).append("**\n\n").append(table(def(connector), groups.get(i)));
      if (i < groups.size() - 1) {
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  /** The keys of one group, in their order, as a Markdown table. */
  static String table(ConfigDef def, String group) {
    List<ConfigKey> keys = new ArrayList<>();
    for (ConfigKey k : def.configKeys().values()) {
      if (group.equals(k.group) && !k.internalConfig) {
        keys.add(k);
      }
    }
    keys.sort((a, b) -> Integer.compare(a.orderInGroup, b.orderInGroup));
    StringBuilder sb = new StringBuilder();
    sb.append("| key | type | default | valid values | importance | description |\n");
    sb.append("|---|---|---|---|---|---|\n");
    for (ConfigKey k : keys) {
      sb.append("| `").append(k.name).append("` | ")
          .append(k.type.name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
          .append(cell(defaultValue(k))).append(" | ")
          .append(text(k.validator == null && k.type == ConfigDef.Type.BOOLEAN ? "`true`, `false`"
              : validValues(k.validator))).append(" | ")
          .append(k.importance.name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
          .append(text(k.documentation)).append(" |\n");
    }
    return sb.toString();
  }

  static String defaultValue(ConfigKey k) {
    if (!k.hasDefault()) {
      return "required";
    }
    if (k.defaultValue == null) {
      return "null";
    }
    String text = k.defaultValue instanceof Password
        ? ((Password) k.defaultValue).value()
        : ConfigDef.convertToString(k.defaultValue, k.type);
    return text.isEmpty() ? "`\"\"`" : "`" + text + "`";
  }

  /** Kafka's validator texts, made readable: [a, b] as a list of values, ranges as bounds. */
  static String validValues(ConfigDef.Validator v) {
    if (v == null) {
      return "";
    }
    String text = v.toString();
    if (v instanceof ConfigDef.Range) {
      Matcher m = Pattern.compile("\\[(-?\\d+)?,\\.\\.\\.(?:,(-?\\d+))?\\]").matcher(text);
      if (m.matches()) {
        String min = m.group(1);
        String max = m.group(2);
        return min != null && max != null ? min + " … " + max : min != null ? "≥ " + min : "≤ " + max;
      }
    }
    if (v instanceof ConfigDef.ValidString && text.startsWith("[") && text.endsWith("]")) {
      return "`" + String.join("`, `", text.substring(1, text.length() - 1).split(",\\s*")) + "`";
    }
    return text;
  }

  private static String cell(String text) {
    return text == null ? "" : text.replace("\n", " ").replace("|", "\\|").trim();
  }

  /** Prose in a cell: also {@code <name>} must not read as an HTML tag. */
  private static String text(String text) {
    return cell(text).replace("<", "&lt;").replace(">", "&gt;");
  }

  /** README text with every config-reference block rendered anew (unchanged when it is up to date). */
  static String rewriteReadme(String readme) {
    Matcher m = BLOCK.matcher(readme);
    StringBuffer out = new StringBuffer();
    while (m.find()) {
      String rendered = groups(m.group(2), Arrays.asList(m.group(3).trim().split("\\s*,\\s*")));
      // A blank line before the end marker ends the table for every Markdown reader.
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + rendered + "\n" + m.group(5)));
    }
    m.appendTail(out);
    return out.toString();
  }

  public static void main(String[] args) throws IOException {
    if (args.length == 2 && args[0].equals("--readme")) {
      Path readme = Path.of(args[1]);
      String before = new String(Files.readAllBytes(readme), StandardCharsets.UTF_8);
      String after = rewriteReadme(before);
      Files.write(readme, after.getBytes(StandardCharsets.UTF_8));
      System.out.println("config-reference: " + readme + (before.equals(after) ? " was up to date" : " rewritten"));
    } else if (args.length == 1) {
      Path out = Path.of(args[0]);
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.write(out, document().getBytes(StandardCharsets.UTF_8));
      System.out.println("config-reference: wrote " + out);
    } else {
      throw new IllegalArgumentException("usage: ConfigReference OUT.md | --readme README.md");
    }
  }
}

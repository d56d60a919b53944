package io.tdconnect.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.junit.jupiter.api.Test;

/** README.md's key tables are the ConfigDefs' (tests/config-reference regenerates them), and cover every key. */
class ConfigReferenceTest {
  private static final String REGENERATE = "README.md's key tables differ from the ConfigDefs: run tests/config-reference";

  private static String readme() throws Exception {
    return new String(Files.readAllBytes(Path.of("README.md")), StandardCharsets.UTF_8);
  }

  /** Groups the README renders, per connector. */
  private static Set<String> readmeGroups(String connector) throws Exception {
    Set<String> groups = new LinkedHashSet<>();
    Matcher m = ConfigReference.BLOCK.matcher(readme());
    while (m.find()) {
      if (m.group(2).equals(connector)) {
        groups.addAll(Arrays.asList(m.group(3).trim().split("\\s*,\\s*")));
      }
    }
    return groups;
  }

  @Test
  void theReadmeTablesAreTheGeneratedOnes() throws Exception {
    String readme = readme();
    assertTrue(ConfigReference.BLOCK.matcher(readme).find(), "README.md has no config-reference block");
    assertEquals(ConfigReference.rewriteReadme(readme), readme, REGENERATE);
  }

  @Test
  void theReadmeShowsEverySinkGroup() throws Exception {
    assertEquals(new LinkedHashSet<>(ConfigReference.def("sink").groups()), readmeGroups("sink"));
  }

  /** Source groups the README leaves out must be the sink's keys, same type, default and text. */
  @Test
  void theReadmeShowsEverySourceKeyOrItsSinkTwin() throws Exception {
    Set<String> shown = readmeGroups("source");
    ConfigDef source = ConfigReference.def("source");
    ConfigDef sink = ConfigReference.def("sink");
    List<String> notShown = new ArrayList<>();
    for (ConfigKey k : source.configKeys().values()) {
      if (shown.contains(k.group)) {
        continue;
      }
      notShown.add(k.name);
      ConfigKey twin = sink.configKeys().get(k.name);
      assertTrue(twin != null, "source key " + k.name + " is in no README table");
      assertEquals(twin.type, k.type, k.name);
      assertEquals(ConfigReference.defaultValue(twin), ConfigReference.defaultValue(k), k.name);
      assertEquals(twin.documentation, k.documentation, k.name);
      assertEquals(twin.group, k.group, k.name);
    }
    assertTrue(readme().contains("as for the sink"), "README must say the source's " + notShown + " are the sink's");
  }

  @Test
  void theReferenceDocumentHasEveryKey() {
    String doc = ConfigReference.document();
    for (String connector : new String[] {"sink", "source"}) {
      for (ConfigKey k : ConfigReference.def(connector).configKeys().values()) {
        assertTrue(doc.contains("| `" + k.name + "` | " + k.type.name().toLowerCase(java.util.Locale.ROOT) + " | "
            + ConfigReference.defaultValue(k) + " |"), connector + " " + k.name);
        assertTrue(k.documentation != null && !k.documentation.isEmpty(), k.name + " has no documentation");
      }
    }
  }

  @Test
  void validValuesReadAsValues() {
    assertEquals("≥ 1", ConfigReference.validValues(ConfigDef.Range.atLeast(1)));
    assertEquals("1 … 60000", ConfigReference.validValues(ConfigDef.Range.between(1, 60_000)));
    assertEquals("`ms`, `us`, `ns`", ConfigReference.validValues(ConfigDef.ValidString.in("ms", "us", "ns")));
    assertEquals("", ConfigReference.validValues(null));
  }
}

package io.tdconnect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceTaskMetricsTest {
  @Test
  void nativeStatsUpdateTheGaugesAndYieldWarningsAndEvents() {
    SourceTaskMetrics m = new SourceTaskMetrics();
    List<String> events = new ArrayList<>();
    assertEquals(
        Collections.singletonList("vgroup 2 behind"),
        m.update("rows_read=12\nlag=42\nbehind_ms=1500\nwal_retention_s=3600\nwarning=vgroup 2 behind\nevent=seek t/2 to 7\n",
            events));
    assertEquals(Collections.singletonList("seek t/2 to 7"), events);
    assertEquals(42, m.getLag());
    assertEquals(12, m.getRowsRead());
    assertEquals(1500, m.getBehindMs());
    assertEquals(3600, m.getWalRetentionSeconds());
    assertEquals("vgroup 2 behind", m.getLastWarning());
    m.polled(10, 2_000_000);
    assertEquals(10, m.getRecordsProduced());
    assertEquals(2.0, m.getMaxPollLatencyMs());
  }
}

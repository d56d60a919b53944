package io.tdconnect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import org.junit.jupiter.api.Test;

class SinkTaskMetricsTest {
  @Test
  void publishedPerTaskAndReadableOverJmx() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    SinkTaskMetrics a = new SinkTaskMetrics();
    SinkTaskMetrics b = new SinkTaskMetrics();
    a.register("my \"sink\"", 3, null);
    b.register("my \"sink\"", 3, null); // task 3 still registered: the lowest free number
    assertNotEquals(a.objectName(), b.objectName());
    assertEquals("3", a.objectName().getKeyProperty("task"));
    assertEquals("0", b.objectName().getKeyProperty("task"));
    a.received(10);
    a.wrote(8, 2_000_000);
    a.wrote(2, 4_000_000);
    a.retried("busy");
    a.deadLettered("bad line");
    assertEquals(10L, server.getAttribute(a.objectName(), "RecordsReceived"));
    assertEquals(10L, server.getAttribute(a.objectName(), "RowsWritten"));
    assertEquals(2L, server.getAttribute(a.objectName(), "BatchesWritten"));
    assertEquals(3.0, server.getAttribute(a.objectName(), "AverageWriteLatencyMs"));
    assertEquals(4.0, server.getAttribute(a.objectName(), "MaxWriteLatencyMs"));
    assertEquals(1L, server.getAttribute(a.objectName(), "RecordsSentToDeadLetterQueue"));
    assertEquals("bad line", server.getAttribute(a.objectName(), "LastError"));
    javax.management.ObjectName nameA = a.objectName();
    javax.management.ObjectName nameB = b.objectName();
    a.unregister();
    b.unregister();
    assertFalse(server.isRegistered(nameA));
    assertFalse(server.isRegistered(nameB));
  }
}

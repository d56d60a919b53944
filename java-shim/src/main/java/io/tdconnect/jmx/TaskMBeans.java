package io.tdconnect.jmx;

import java.lang.management.ManagementFactory;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes task metrics as {@code io.tdconnect:type=TYPE,connector=NAME,task=N}; JMX failures only log. */
public final class TaskMBeans {
  private static final Logger log = LoggerFactory.getLogger(TaskMBeans.class);

  private TaskMBeans() {}

  /** Registers under the lowest free task number of the connector; null when JMX refused. */
  public static ObjectName register(Object mbean, String type, String connector) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    String quoted = ObjectName.quote(connector == null ? "unnamed" : connector);
    for (int task = 0; task < 10_000; task++) {
      try {
        ObjectName candidate = new ObjectName("io.tdconnect:type=" + type + ",connector=" + quoted + ",task=" + task);
        server.registerMBean(mbean, candidate);
        return candidate;
      } catch (InstanceAlreadyExistsException e) {
        // taken by another task of the same connector: try the next number
      } catch (JMException e) {
        log.warn("tdconnect: {} metrics not published over JMX: {}", type, e.toString());
        return null;
      }
    }
    return null;
  }

  public static void unregister(ObjectName name) {
    if (name != null) {
      try {
        ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
      } catch (JMException e) {
        log.debug("tdconnect: unregistering {}: {}", name, e.toString());
      }
    }
  }
}

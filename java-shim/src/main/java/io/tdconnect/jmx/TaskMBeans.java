package io.tdconnect.jmx;

import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes task metrics as {@code io.tdconnect:type=TYPE,connector=NAME,task=N}; JMX failures only log. */
public final class TaskMBeans {
  private static final Logger log = LoggerFactory.getLogger(TaskMBeans.class);

  /**
   * Task config key the connectors set to each task's index in taskConfigs(),
   * which is the task's id in Connect: the MBean's task number then matches
   * the task label of Connect's own metrics.
   */
  public static final String TASK_ID_CONFIG = "tdconnect.task.id";

  private TaskMBeans() {}

  /** The task's id in Connect, from its config; -1 when the config has none. */
  public static int taskId(Map<String, String> taskProps) {
    try {
      return Integer.parseInt(taskProps.get(TASK_ID_CONFIG));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Registers under {@code taskId} (Connect's task id; -1: none), or, when that
   * is taken (a previous instance of the task still stopping), under the
   * lowest free task number of the connector; null when JMX refused.
   */
  public static ObjectName register(Object mbean, String type, String connector, int taskId) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    String quoted = ObjectName.quote(connector == null ? "unnamed" : connector);
    for (int i = taskId < 0 ? 0 : -1; i < 10_000; i++) {
      int task = i < 0 ? taskId : i;
      try {
        ObjectName candidate = new ObjectName("io.tdconnect:type=" + type + ",connector=" + quoted + ",task=" + task);
        server.registerMBean(mbean, candidate);
        if (taskId >= 0 && task != taskId) {
          log.warn("tdconnect: {} metrics of task {} published as task={}: task={} is still registered", type,
              taskId, task, taskId);
        }
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

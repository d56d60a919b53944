package io.tdconnect.source;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tdconnect.config.ConfigErrors;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.junit.jupiter.api.Test;

class TDengineSourceConnectorTest {
  @Test
  void topicPrefixIsRequired() {
    Map<String, String> p = new HashMap<>();
    p.put("connection.url", "ws://localhost:6041");
    Config result = new TDengineSourceConnector().validate(p);
    assertFalse(ConfigErrors.field(result, "topic.prefix").errorMessages().isEmpty());
  }

  @Test
  void taskStartsPollsAndStopsPromptly() throws Exception {
    Map<String, String> p = new HashMap<>();
    p.put("topic.prefix", "td");
    p.put("poll.interval.ms", "60000");
    TDengineSourceTask task = new TDengineSourceTask();
    task.start(p);
    Thread stopper = new Thread(task::stop);
    long t0 = System.nanoTime();
    stopper.start();
    assertNull(task.poll());
    assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "poll ended by stop()");
  }
}

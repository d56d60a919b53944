package io.tdconnect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.tdconnect.sink.TDengineSinkConnector;
import io.tdconnect.source.TDengineSourceConnector;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.source.SourceConnector;
import org.junit.jupiter.api.Test;

class ServiceManifestTest {
  @Test
  void connectorsAreServiceLoadable() {
    List<String> sinks = new ArrayList<>();
    ServiceLoader.load(SinkConnector.class).forEach(c -> sinks.add(c.getClass().getName()));
    List<String> sources = new ArrayList<>();
    ServiceLoader.load(SourceConnector.class).forEach(c -> sources.add(c.getClass().getName()));
    assertEquals(List.of(TDengineSinkConnector.class.getName()), sinks);
    assertEquals(List.of(TDengineSourceConnector.class.getName()), sources);
  }

  @Test
  void versionComesFromTheBuild() {
    assertNotEquals("unknown", Version.get());
    assertEquals(Version.get(), new TDengineSinkConnector().version());
  }
}

package io.tdconnect.source;

import io.tdconnect.Version;
import io.tdconnect.jni.NativeLibrary;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/**
 * Source task skeleton: loads the native library on start and polls without
 * producing records. {@code poll()} returns within poll.interval.ms, and
 * {@code stop()} (called from another thread) ends a waiting poll at once.
 */
public class TDengineSourceTask extends SourceTask {
  private final CountDownLatch stopped = new CountDownLatch(1);
  private TDengineSourceConfig config;

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    config = new TDengineSourceConfig(props);
    NativeLibrary.load();
  }

  @Override
  public List<SourceRecord> poll() throws InterruptedException {
    stopped.await(config.pollIntervalMs(), TimeUnit.MILLISECONDS);
    return null;
  }

  @Override
  public void stop() {
    stopped.countDown();
  }
}

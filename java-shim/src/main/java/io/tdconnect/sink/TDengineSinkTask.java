package io.tdconnect.sink;

import io.tdconnect.Version;
import io.tdconnect.jni.NativeDataException;
import io.tdconnect.jni.NativeLibrary;
import io.tdconnect.jni.TdNative;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * Hands each {@code put()} batch to native code in one call. Offsets are
 * offered for commit only after TDengine acknowledged the rows.
 */
public class TDengineSinkTask extends SinkTask {
  private TDengineSinkConfig config;
  private final BatchEncoder encoder = new BatchEncoder();
  /** Next offset to consume per partition, for rows TDengine has acknowledged. */
  private final Map<TopicPartition, OffsetAndMetadata> acknowledged = new HashMap<>();
  private long handle;

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    config = new TDengineSinkConfig(props);
    NativeLibrary.load();
    handle = TdNative.sinkOpen(config.nativeJson());
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    ByteBuffer batch = encoder.encode(records);
    try {
      TdNative.sinkWrite(handle, batch, batch.limit());
    } catch (NativeDataException e) {
      throw new DataException(
          RecordRef.of(encoder.record(e.recordIndex())) + ": " + e.getMessage(), e);
    } catch (RetriableException e) {
      context.timeout(config.retryBackoffMs());
      throw new RetriableException(
          "TDengine write of " + RecordRef.range(records) + " will be retried: " + e.getMessage(), e);
    } catch (ConnectException e) {
      throw new ConnectException(
          "TDengine write of " + RecordRef.range(records) + " failed: " + e.getMessage(), e);
    }
    for (SinkRecord r : records) {
      acknowledged.put(
          new TopicPartition(r.topic(), r.kafkaPartition()), new OffsetAndMetadata(r.kafkaOffset() + 1));
    }
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> preCommit(
      Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    if (handle != 0) {
      TdNative.sinkFlush(handle);
    }
    Map<TopicPartition, OffsetAndMetadata> safe = new HashMap<>();
    for (TopicPartition tp : currentOffsets.keySet()) {
      OffsetAndMetadata offset = acknowledged.get(tp);
      if (offset != null) {
        safe.put(tp, offset);
      }
    }
    return safe;
  }

  @Override
  public void close(Collection<TopicPartition> partitions) {
    acknowledged.keySet().removeAll(partitions);
  }

  @Override
  public void stop() {
    if (handle != 0) {
      TdNative.sinkClose(handle);
      handle = 0;
    }
  }
}

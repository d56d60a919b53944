package io.tdconnect.sink;

import io.tdconnect.jni.TestHooks;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Microbenchmark (a measurement, not a test; run by tests/bench/sink-throughput):
 * per record cost of what the sink adds between Connect and the write —
 * encoding into the batch buffer (Java), crossing JNI once per batch, and
 * decoding the frame and record fields (Rust, release build of the testkit
 * with the shipped decoder). Converter work is Connect's and done beforehand:
 * the maps are what JsonConverter (schemas.enable=false) makes of the JSON.
 */
public final class EncodeDecodeBenchmark {
  private static final int RECORDS = Integer.getInteger("bench.micro.records", 1_000_000);
  private static final int BATCH = Integer.getInteger("bench.batch.size", 10_000);
  private static final int ROUNDS = 5;

  public static void main(String[] args) {
    List<SinkRecord> lines = new ArrayList<>(RECORDS);
    List<SinkRecord> maps = new ArrayList<>(RECORDS);
    List<byte[]> json = new ArrayList<>(RECORDS);
    for (int i = 0; i < RECORDS; i++) {
      String device = "d" + (i % 1000);
      String load = (i % 1000 / 10) + "." + (i % 10);
      long at = 1_700_000_000_000L + i / 1000;
      lines.add(record(device, "readings,device=" + device + " load=" + load + ",seq=" + i + "i " + at, i));
      Map<String, Object> map = new HashMap<>();
      map.put("device", device);
      map.put("load", Double.parseDouble(load));
      map.put("seq", (long) i);
      map.put("at", at);
      maps.add(record(device, map, i));
      json.add(("{\"device\":\"" + device + "\",\"load\":" + load + ",\"seq\":" + i + ",\"at\":" + at + "}")
          .getBytes(StandardCharsets.UTF_8));
    }
    measure("line strings", lines);
    measure("JSON maps", maps);
    measureJsonConverter(json);
  }

  /**
   * For comparison: what Connect's JsonConverter spends making those maps of
   * the JSON bytes, on the task thread before put(); with ByteArrayConverter
   * and text.values=json the bytes go to the native side as they are.
   */
  private static void measureJsonConverter(List<byte[]> json) {
    JsonConverter converter = new JsonConverter();
    converter.configure(Collections.singletonMap("schemas.enable", "false"), false);
    double best = Double.MAX_VALUE;
    long fields = 0;
    for (int round = 0; round < ROUNDS; round++) {
      long start = System.nanoTime();
      for (byte[] value : json) {
        fields += ((Map<?, ?>) converter.toConnectData("bench", value).value()).size();
      }
      best = Math.min(best, (System.nanoTime() - start) / (double) json.size());
    }
    if (fields != 4L * ROUNDS * json.size()) {
      throw new IllegalStateException("JsonConverter made " + fields + " fields");
    }
    System.out.printf(
        "Connect's JsonConverter (for comparison) %.3f us/record (best of %d rounds over %d records)%n",
        best / 1000, ROUNDS, json.size());
  }

  private static SinkRecord record(String key, Object value, long offset) {
    return new SinkRecord("bench", 0, null, key, null, value, offset, 1_700_000_000_000L, null);
  }

  private static void measure(String name, List<SinkRecord> records) {
    SinkBuffer buffer = new SinkBuffer();
    double best = Double.MAX_VALUE;
    double bestEncode = Double.MAX_VALUE;
    for (int round = 0; round < ROUNDS; round++) {
      long encodeNanos = 0;
      long start = System.nanoTime();
      for (int from = 0; from < records.size(); from += BATCH) {
        long t0 = System.nanoTime();
        for (SinkRecord r : records.subList(from, Math.min(from + BATCH, records.size()))) {
          buffer.add(r, 0);
        }
        ByteBuffer frame = buffer.frame();
        encodeNanos += System.nanoTime() - t0;
        int decoded = TestHooks.decodeBatch(frame, frame.limit());
        if (decoded != buffer.size()) {
          throw new IllegalStateException("decoded " + decoded + " of " + buffer.size());
        }
        buffer.clear();
      }
      double perRecord = (System.nanoTime() - start) / (double) records.size();
      best = Math.min(best, perRecord);
      bestEncode = Math.min(bestEncode, encodeNanos / (double) records.size());
    }
    System.out.printf(
        "encode+JNI+decode %-12s %.3f us/record (encode %.3f us, JNI+decode %.3f us; best of %d rounds over"
            + " %d records, batches of %d)%n",
        name, best / 1000, bestEncode / 1000, (best - bestEncode) / 1000, ROUNDS, records.size(), BATCH);
  }
}

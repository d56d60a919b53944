package io.tdconnect.bench;

/**
 * The benchmark's records. Record i belongs to subtable i % S and is at
 * T0 + i / S ms, so every subtable's timestamps ascend. Keep in step with
 * native/core/benches/raw_ceiling.rs, which writes the same rows.
 */
final class BenchRecords {
  static final long T0 = 1_700_000_000_000L;

  private BenchRecords() {}

  static String device(long i, int subtables) {
    return "d" + (i % subtables);
  }

  static String load(long i) {
    return (i % 1000 / 10) + "." + (i % 10);
  }

  static long at(long i, int subtables) {
    return T0 + i / subtables;
  }

  /** InfluxDB line protocol. */
  static String line(long i, int subtables) {
    return "readings,device=" + device(i, subtables) + " load=" + load(i) + ",seq=" + i + "i " + at(i, subtables);
  }

  /**
   * TDengine's own {@code meters} shape (2 tags, 3 fields) as line protocol:
   * subtable d is location California.City{d / 10}, groupid d % 10.
   */
  static String meters(long i, int subtables) {
    long d = i % subtables;
    return "meters,location=California.City" + (d / 10) + ",groupid=" + (d % 10) + " current=" + (10 + i % 7) + "."
        + (i % 100) + ",voltage=" + (200 + i % 30) + "i,phase=0." + (i % 1000) + " " + at(i, subtables);
  }

  /** A JSON map, read by JsonConverter with schemas.enable=false. */
  static String json(long i, int subtables) {
    return "{\"device\":\"" + device(i, subtables) + "\",\"load\":" + load(i) + ",\"seq\":" + i
        + ",\"at\":" + at(i, subtables) + "}";
  }
}

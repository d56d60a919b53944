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

  /**
   * A wide shape: TDengine's meters tags and 20 fields (16 doubles, 2
   * integers, a bool and a string), as sensors with many channels send.
   */
  static String wide(long i, int subtables) {
    long d = i % subtables;
    StringBuilder b = new StringBuilder(320);
    b.append("wide,location=California.City").append(d / 10).append(",groupid=").append(d % 10).append(' ');
    for (int f = 0; f < 16; f++) {
      b.append('c').append(f).append('=').append(f + i % 7).append('.').append((i + f) % 100).append(',');
    }
    b.append("voltage=").append(200 + i % 30).append("i,count=").append(i).append("i,");
    b.append("on=").append(i % 2 == 0 ? 't' : 'f').append(",status=\"ok").append(i % 5).append('"');
    return b.append(' ').append(at(i, subtables)).toString();
  }

  /** A JSON map, read by JsonConverter with schemas.enable=false. */
  static String json(long i, int subtables) {
    return "{\"device\":\"" + device(i, subtables) + "\",\"load\":" + load(i) + ",\"seq\":" + i
        + ",\"at\":" + at(i, subtables) + "}";
  }
}

package io.tdconnect.bench;

/**
 * One benchmark run, named {@code SHAPE[-native][-taos][-xN]}: the record
 * shape (meters, wide, line, maps, json), the native write path instead of
 * server-side schemaless, the native protocol ({@code taos://}) instead of
 * WebSocket, and N tasks over an N-partition topic (1 by default).
 */
final class BenchMode {
  final String name;
  final String shape;
  final boolean nativePath;
  final boolean taos;
  final int tasks;

  private BenchMode(String name, String shape, boolean nativePath, boolean taos, int tasks) {
    this.name = name;
    this.shape = shape;
    this.nativePath = nativePath;
    this.taos = taos;
    this.tasks = tasks;
  }

  static BenchMode parse(String name, int defaultTasks) {
    String[] parts = name.trim().split("-");
    String shape = parts[0];
    if (!shape.matches("meters|wide|line|maps|json")) {
      throw new IllegalArgumentException("unknown benchmark shape in " + name + ": meters, wide, line, maps or json");
    }
    boolean nativePath = false;
    boolean taos = false;
    int tasks = defaultTasks;
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].equals("native")) {
        nativePath = true;
      } else if (parts[i].equals("taos")) {
        taos = true;
      } else if (parts[i].matches("x[1-9][0-9]*")) {
        tasks = Integer.parseInt(parts[i].substring(1));
      } else {
        throw new IllegalArgumentException("unknown benchmark option '" + parts[i] + "' in " + name);
      }
    }
    return new BenchMode(name.trim(), shape, nativePath, taos, tasks);
  }

  /** Line protocol text (else JSON maps or JSON text). */
  boolean lineProtocol() {
    return shape.equals("meters") || shape.equals("wide") || shape.equals("line");
  }

  /** The super table the rows land in. */
  String stable() {
    return lineProtocol() && !shape.equals("line") ? shape : "readings";
  }

  /** The raw ceiling's input mode (native/core/benches/raw_ceiling.rs). */
  String rawShape() {
    return shape;
  }

  /** Runs with the same raw ceiling: the same rows, write path and protocol. */
  String ceilingKey() {
    return shape + (nativePath ? "-native" : "") + (taos ? "-taos" : "");
  }

  /** The record i of subtable i % S. */
  String record(long i, int subtables) {
    switch (shape) {
      case "meters":
        return BenchRecords.meters(i, subtables);
      case "wide":
        return BenchRecords.wide(i, subtables);
      case "line":
        return BenchRecords.line(i, subtables);
      default:
        return BenchRecords.json(i, subtables);
    }
  }

  /** A name usable in a database or topic name. */
  String slug() {
    return name.replace('-', '_');
  }
}

package io.tdconnect.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU seconds (user + system, from /proc) that the benchmark's processes
 * used during one phase: the Connect worker (or the raw ceiling), the
 * taosAdapter and taosd; with the wall time, it says what bounds a rate.
 * Linux only; elsewhere every figure is 0.
 */
final class CpuMeter {
  private final Map<String, Long> startTicks;
  private final long workerPid;
  private final long startNanos = System.nanoTime();

  private CpuMeter(long workerPid) {
    this.workerPid = workerPid;
    this.startTicks = sample(workerPid);
  }

  /** Starts measuring; {@code workerPid} is the process measured as "client" (0: none). */
  static CpuMeter start(long workerPid) {
    return new CpuMeter(workerPid);
  }

  /** e.g. "cpu: client 6.1 s, taosadapter 5.2 s, taosd 1.4 s of 2 cores x 10.3 s". */
  String stop(String clientName) {
    double wall = (System.nanoTime() - startNanos) / 1e9;
    Map<String, Long> end = sample(workerPid);
    StringBuilder b = new StringBuilder("cpu:");
    for (Map.Entry<String, Long> e : end.entrySet()) {
      double s = (e.getValue() - startTicks.getOrDefault(e.getKey(), 0L)) / 100.0;
      b.append(' ').append(e.getKey().equals("client") ? clientName : e.getKey()).append(String.format(" %.1f s,", s));
    }
    b.setLength(b.length() - 1);
    return b.append(String.format(" of %d cores x %.1f s", Runtime.getRuntime().availableProcessors(), wall)).toString();
  }

  private static Map<String, Long> sample(long workerPid) {
    Map<String, Long> ticks = new LinkedHashMap<>();
    ticks.put("client", workerPid > 0 ? ticks(Path.of("/proc", String.valueOf(workerPid))) : 0L);
    ticks.put("taosadapter", 0L);
    ticks.put("taosd", 0L);
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        String comm = read(p.resolve("comm")).trim();
        if (comm.equals("taosadapter") || comm.equals("taosd")) {
          ticks.merge(comm, ticks(p), Long::sum);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or a process went away: figures stay 0
    }
    return ticks;
  }

  /** utime + stime of a process, in clock ticks (1/100 s). */
  private static long ticks(Path proc) {
    String stat = read(proc.resolve("stat"));
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return 0;
    }
    String[] f = stat.substring(close + 2).split(" ");
    return f.length > 12 ? Long.parseLong(f[11]) + Long.parseLong(f[12]) : 0;
  }

  private static String read(Path p) {
    try {
      return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}

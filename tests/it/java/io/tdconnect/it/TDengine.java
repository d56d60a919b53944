package io.tdconnect.it;

import io.tdconnect.harness.TDengineTarget;
import io.tdconnect.jni.TestHooks;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** The TDengine server for TDengine-backed tests, or a skip with one clear line. */
final class TDengine {
  private TDengine() {}

  /**
   * Returns the server; skips the calling test (printing why) when none is
   * configured, and fails it when the configured one does not answer.
   */
  static TDengineTarget require(String test) {
    Optional<TDengineTarget> td = TDengineTarget.find();
    if (!td.isPresent()) {
      if (TDengineTarget.configured()) {
        throw new AssertionError(test + ": " + TDengineTarget.whyMissing());
      }
      String line = "SKIPPED (no TDengine) " + test + ": " + TDengineTarget.whyMissing();
      System.out.println(line);
      Assumptions.abort(line);
    }
    return td.get();
  }

  /** Skips the calling test with one clear line (a capability of the server is not configured). */
  static void skip(String kind, String test, String why) {
    String line = "SKIPPED (" + kind + ") " + test + ": " + why;
    System.out.println(line);
    Assumptions.abort(line);
  }

  static long count(TDengineTarget td, String sql) {
    return patiently(() -> TestHooks.queryLong(td.connectionJson(), sql));
  }

  static void exec(TDengineTarget td, String sql) {
    patiently(() -> {
      TestHooks.exec(td.connectionJson(), sql);
      return 0L;
    });
  }

  /**
   * The test's own requests ride out transient answers too: right after a
   * restart TDengine's client (also inside taosAdapter) may refuse new
   * connections for a while ("Unable to establish connection", 0x000B).
   */
  private static long patiently(java.util.function.LongSupplier request) {
    long deadline = System.currentTimeMillis() + 120_000;
    while (true) {
      try {
        return request.getAsLong();
      } catch (org.apache.kafka.connect.errors.RetriableException e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /**
   * Drops and creates a test database with one vgroup (a test server has few
   * vnodes; the connector's own CREATE ... IF NOT EXISTS then leaves it be).
   */
  static void freshDatabase(TDengineTarget td, String name) {
    exec(td, "DROP DATABASE IF EXISTS " + name);
    exec(td, "CREATE DATABASE " + name + " VGROUPS 1 PRECISION 'ms'");
  }

  /**
   * Drops a TMQ topic; TDengine refuses while a consumer that just left is
   * still registered (a few seconds), so this retries for a while.
   */
  static void dropTopic(TDengineTarget td, String topic) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        exec(td, "DROP TOPIC IF EXISTS " + topic);
        return;
      } catch (RuntimeException e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
        Thread.sleep(1000);
      }
    }
  }

  static void dropDatabase(TDengineTarget td, String name) {
    exec(td, "DROP DATABASE IF EXISTS " + name);
  }

  /** Polls {@code select count(*)} until it equals {@code expected}, then checks it stays so. */
  static long awaitCount(TDengineTarget td, String sql, long expected, long timeoutMs)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    long n = -2;
    while (System.currentTimeMillis() < deadline) {
      try {
        n = count(td, sql);
      } catch (RuntimeException e) {
        n = -2; // table not created yet
      }
      if (n >= expected) {
        break;
      }
      Thread.sleep(500);
    }
    return n;
  }
}

package io.tdconnect.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
  @Test
  void backoffDoublesUpToItsCapAndSuccessResets() {
    RetryBudget b = new RetryBudget(600_000, 1000, 5000, -1);
    assertEquals(1000, b.failed("write", "down", 0));
    assertEquals(2000, b.failed("write", "down", 1000));
    assertEquals(4000, b.failed("write", "down", 3000));
    assertEquals(5000, b.failed("write", "down", 7000));
    assertEquals(5000, b.failed("write", "down", 12000));
    assertEquals(5, b.attempts());
    assertEquals(12000, b.retryingForMs(12000));
    b.succeeded();
    assertFalse(b.failing());
    assertEquals(1000, b.failed("write", "down", 20000));
  }

  @Test
  void theTimeBudgetFailsWithTheOutageLengthAndTheKeysToRaise() {
    RetryBudget b = new RetryBudget(60_000, 1000, 10_000, -1);
    b.failed("TDengine write of t-0@5", "connection refused", 1_000);
    ConnectException e = assertThrows(ConnectException.class,
        () -> b.failed("TDengine write of t-0@5", "connection refused", 62_000));
    assertTrue(e.getMessage().contains("failed for 1 min 1 s"), e.getMessage());
    assertTrue(e.getMessage().contains("retry.timeout.ms=60000"), e.getMessage());
    assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
  }

  @Test
  void theLastDelayNeverOvershootsTheBudget() {
    RetryBudget b = new RetryBudget(10_000, 8000, 8000, -1);
    b.failed("w", "x", 0);
    assertEquals(2000, b.failed("w", "x", 8000));
  }

  @Test
  void maxRetriesStillCountsWhenSet() {
    RetryBudget b = new RetryBudget(600_000, 10, 10, 2);
    b.failed("w", "x", 0);
    b.failed("w", "x", 10);
    ConnectException e = assertThrows(ConnectException.class, () -> b.failed("w", "x", 20));
    assertTrue(e.getMessage().contains("max.retries=2"), e.getMessage());
  }
}

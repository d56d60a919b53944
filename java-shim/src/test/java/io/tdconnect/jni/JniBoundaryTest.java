package io.tdconnect.jni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.junit.jupiter.api.Test;

/** The one error mapping of the JNI boundary, exercised through the testkit library. */
class JniBoundaryTest {
  @Test
  void panicBecomesAJavaExceptionAndTheJvmLivesOn() {
    for (int i = 0; i < 3; i++) {
      NativePanicException e =
          assertThrows(NativePanicException.class, () -> TestHooks.panicNow("boom"));
      assertTrue(e.getMessage().contains("panicked: boom"), e.getMessage());
      assertTrue(e.getMessage().contains("jni-testkit/src/lib.rs"), e.getMessage());
      assertTrue(e.getMessage().contains("native backtrace"), e.getMessage());
    }
    // Still alive and the boundary still works after repeated panics.
    assertThrows(RetriableException.class, () -> TestHooks.failWith(1, "later"));
  }

  @Test
  void dataErrorsCarryTheRecordIndex() {
    NativeDataException e =
        assertThrows(NativeDataException.class, () -> TestHooks.failWith(0, "bad line"));
    assertEquals(42, e.recordIndex());
    assertEquals("bad line", e.getMessage());
  }

  @Test
  void retriableErrorsAreRetriableExceptions() {
    RetriableException e =
        assertThrows(RetriableException.class, () -> TestHooks.failWith(1, "server busy"));
    assertEquals("server busy", e.getMessage());
  }

  @Test
  void fatalErrorsAreConnectExceptionsWithABacktrace() {
    ConnectException e =
        assertThrows(ConnectException.class, () -> TestHooks.failWith(2, "bad credentials"));
    assertFalse(e instanceof RetriableException);
    assertFalse(e instanceof NativeDataException);
    assertTrue(e.getMessage().startsWith("bad credentials\nnative backtrace:"), e.getMessage());
  }
}

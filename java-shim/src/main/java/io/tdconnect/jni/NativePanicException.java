package io.tdconnect.jni;

import org.apache.kafka.connect.errors.ConnectException;

/** A bug in native code was caught at the JNI boundary; the JVM is unaffected. */
public class NativePanicException extends ConnectException {
  private static final long serialVersionUID = 1L;

  /** Called from native code. */
  public NativePanicException(String message) {
    super(message);
  }
}

package io.tdconnect.jni;

import org.apache.kafka.connect.errors.DataException;

/** One record of a batch cannot be written; {@link #recordIndex()} says which. */
public class NativeDataException extends DataException {
  private static final long serialVersionUID = 1L;
  private final int recordIndex;

  /** Called from native code. */
  public NativeDataException(int recordIndex, String message) {
    super(message);
    this.recordIndex = recordIndex;
  }

  public int recordIndex() {
    return recordIndex;
  }
}

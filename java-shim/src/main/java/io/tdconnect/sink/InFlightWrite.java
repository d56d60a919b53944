package io.tdconnect.sink;

/** A sink task's write handed to a writer thread, and the records it holds. */
final class InFlightWrite {
  final SinkBuffer buffer;
  final NativeWriter.Pending pending;
  /** Submitted while the write before it was in flight. */
  final boolean pipelined;
  final long startedNanos = System.nanoTime();

  InFlightWrite(SinkBuffer buffer, NativeWriter.Pending pending, boolean pipelined) {
    this.buffer = buffer;
    this.pending = pending;
    this.pipelined = pipelined;
  }
}

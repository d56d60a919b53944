package org.apache.kafka.connect.source;

/**
 * Compile-time stand-in for the Kafka 3.3+ (KIP-618) enum, so the shim can
 * declare exactly-once support while compiling against the oldest
 * connect-api it supports. Never packaged (see the jar plugin's excludes):
 * workers that call the method bring the real class.
 */
public enum ExactlyOnceSupport {
  SUPPORTED,
  UNSUPPORTED
}

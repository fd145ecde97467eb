package io.respool.hostworker;

/** The host key cannot be used (unsafe permissions, malformed, unreadable); the message says how to fix it. */
public final class HostKeyException extends RuntimeException {
  public HostKeyException(String message) {
    super(message, null, false, false);
  }
}

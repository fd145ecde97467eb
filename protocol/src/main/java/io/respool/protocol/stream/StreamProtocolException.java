package io.respool.protocol.stream;

/** A stream frame that breaks the protocol: malformed, on the wrong channel, or beyond its credit. */
public final class StreamProtocolException extends RuntimeException {
  public StreamProtocolException(String message) {
    super(message, null, false, false);
  }
}

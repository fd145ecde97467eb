package io.respool.protocol.stream;

/**
 * The receiving side of a stream's flow control. The receiver granted the peer {@code size}
 * bytes when the stream opened; it counts what arrives against what the peer may still send
 * ({@link #outstanding()}), and as its consumer drains bytes it grants them back, in batches of at
 * least half the window (fewer, smaller {@link StreamFrame.Channel#CREDIT} frames) — so at most
 * {@code size} bytes are ever buffered between the peer and the consumer.
 *
 * <p>Invariant: {@code outstanding + buffered + drained-not-yet-granted == size}, none negative.
 * A peer sending beyond its credit gets a {@link StreamProtocolException}.
 *
 * <p>Plain accounting, not thread-safe: the owner synchronizes.
 */
public final class ReceiveWindow {
  private final long size;
  private final long batch;
  private long outstanding;
  private long buffered;
  private long drained;

  public ReceiveWindow(long size) {
    if (size < 1 || size > CreditWindow.MAX) throw new IllegalArgumentException("a window must be between 1 and " + CreditWindow.MAX + ", was " + size);
    this.size = size;
    this.batch = Math.max(1, size / 2);
    this.outstanding = size;
  }

  public long size() { return size; }

  /** Credit the peer still has: what it may send before it hears from us again. */
  public long outstanding() { return outstanding; }

  /** Received, not yet consumed. */
  public long buffered() { return buffered; }

  /** {@code bytes} arrived from the peer. */
  public void received(long bytes) {
    if (bytes < 0) throw new IllegalArgumentException("bytes must not be negative");
    if (bytes > outstanding) throw new StreamProtocolException("peer sent " + bytes + " bytes with a credit of " + outstanding);
    outstanding -= bytes;
    buffered += bytes;
  }

  /**
   * The consumer took {@code bytes} of what arrived. Returns the credit to grant the peer now (0:
   * nothing yet, too little drained to be worth a frame), which is counted as outstanding again.
   */
  public long consumed(long bytes) {
    if (bytes < 0 || bytes > buffered) throw new IllegalArgumentException("consumed " + bytes + " of " + buffered + " buffered bytes");
    buffered -= bytes;
    drained += bytes;
    if (drained < batch) return 0;
    long grant = drained;
    drained = 0;
    outstanding += grant;
    return grant;
  }
}

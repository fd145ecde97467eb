package io.respool.protocol.stream;

/**
 * The sending side of a stream's flow control: how many data bytes this side may still send.
 * It starts with the window the peer granted when the stream opened and grows with each
 * {@link StreamFrame.Channel#CREDIT} frame; every payload byte sent on a data channel takes one
 * byte of it. Never negative; a grant that would push it past {@link #MAX} is the peer's protocol
 * error (a well-behaved receiver never has more than its window outstanding), so it throws
 * instead of wrapping or saturating, which would desynchronize the two sides.
 *
 * <p>Plain accounting, not thread-safe: the owner synchronizes.
 */
public final class CreditWindow {
  /** Largest credit outstanding at once (a u32). */
  public static final long MAX = 0xFFFF_FFFFL;

  private long available;

  public CreditWindow(long initial) {
    if (initial < 0 || initial > MAX) throw new StreamProtocolException("a window must be between 0 and " + MAX + ", was " + initial);
    this.available = initial;
  }

  /** Bytes that may be sent now. */
  public long available() { return available; }

  /** Adds a credit the peer granted. */
  public void grant(long bytes) {
    if (bytes < 1 || bytes > MAX) throw new StreamProtocolException("a credit must be between 1 and " + MAX + ", was " + bytes);
    if (bytes > MAX - available) throw new StreamProtocolException("a credit of " + bytes + " would raise the window past " + MAX);
    available += bytes;
  }

  /** Takes up to {@code wanted} bytes of credit and returns how many were taken (0 when none is left). */
  public long take(long wanted) {
    if (wanted < 0) throw new IllegalArgumentException("wanted must not be negative");
    long n = Math.min(wanted, available);
    available -= n;
    return n;
  }

  /** Gives back credit taken with {@link #take} but not used (fewer bytes were there to send). */
  public void refund(long bytes) {
    if (bytes < 0 || bytes > MAX - available) throw new IllegalArgumentException("cannot refund " + bytes + " bytes");
    available += bytes;
  }
}

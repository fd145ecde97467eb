package io.respool.hostworker;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Full-jitter exponential backoff: the n-th delay is uniform in [0, min(cap, base·2ⁿ)]. The jitter
 * spreads a whole fleet's reconnects after a gateway restart instead of having them arrive in
 * waves. Not thread-safe: it lives on the connection's event loop.
 */
public final class Backoff {
  private final long baseMs;
  private final long capMs;
  private final RandomGenerator random;
  private int attempt;

  public Backoff(Duration base, Duration cap, RandomGenerator random) {
    this.baseMs = Math.max(1, base.toMillis());
    this.capMs = Math.max(baseMs, cap.toMillis());
    this.random = random;
  }

  /** The delay before the next attempt, in milliseconds; each call widens the window until the cap. */
  public long nextDelayMs() {
    long ceiling = baseMs;
    for (int i = 0; i < attempt && ceiling < capMs; i++) ceiling *= 2;
    attempt++;
    return random.nextLong(Math.min(ceiling, capMs) + 1);
  }

  /** Called after a successful registration: the next failure starts from the base again. */
  public void reset() { attempt = 0; }
}

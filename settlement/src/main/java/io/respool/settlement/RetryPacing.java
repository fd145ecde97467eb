package io.respool.settlement;

import java.time.Duration;

/**
 * When a failing round may run again: after n failures in a row, interval × 2ⁿ, capped at
 * {@code max}; a success resets it. Pure (the caller passes the clock in nanoseconds), one round at
 * a time (not thread-safe).
 */
public final class RetryPacing {
  private final long intervalNanos;
  private final long maxNanos;
  private int failures;
  private long notBefore = Long.MIN_VALUE;

  public RetryPacing(Duration interval, Duration max) {
    this.intervalNanos = interval.toNanos();
    this.maxNanos = Math.max(intervalNanos, max.toNanos());
  }

  /** Whether a round may run at {@code nowNanos}. */
  public boolean due(long nowNanos) {
    return failures == 0 || nowNanos - notBefore >= 0;
  }

  /** A round failed at {@code nowNanos}; returns the pause before the next one. */
  public Duration failed(long nowNanos) {
    failures = Math.min(failures + 1, 62);
    long pause = intervalNanos;
    for (int i = 0; i < failures && pause < maxNanos; i++) pause *= 2;
    pause = Math.min(pause, maxNanos);
    notBefore = nowNanos + pause;
    return Duration.ofNanos(pause);
  }

  public void succeeded() {
    failures = 0;
  }

  public int failures() { return failures; }
}

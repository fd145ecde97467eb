package io.respool.bench;

import java.util.List;

/**
 * Whether a window's slow requests keep a beat: the period between {@link #MIN_MS} and {@link #MAX_MS} ms at which
 * their start times line up best. Each start time is a point on a circle of that period; the length of their mean
 * (1 when all share one phase) is the concentration. Times with no beat give about {@code 1/√n}, so a concentration
 * several times that names a periodic cause: a timer, a collector, a kernel thread of the machine. With 10,000 hosts
 * the slow requests of a lone client kept a 544-ms beat, which turned out to be the machine's {@code kdamond}
 * (the README's *Benchmarks*).
 */
final class SlowPeriod {
  static final int MIN_MS = 100;
  static final int MAX_MS = 3_000;
  static final int STEP_MS = 2;
  /** Fewer slow requests than this say nothing about a beat. */
  static final int MIN_POINTS = 10;

  /**
   * @param periodMs the best-aligned period
   * @param concentration the length of the mean phase vector at that period, 0–1
   * @param noBeat what times without a beat would give on average, {@code 1/√n}
   */
  record Beat(int periodMs, double concentration, double noBeat) {}

  private SlowPeriod() {}

  /** The best-aligned period of these start times (ms), or null for fewer than {@link #MIN_POINTS}. */
  static Beat of(List<Long> startsMs) {
    int n = startsMs.size();
    if (n < MIN_POINTS) return null;
    int bestPeriod = MIN_MS;
    double best = -1;
    for (int p = MIN_MS; p <= MAX_MS; p += STEP_MS) {
      double c = concentration(startsMs, p);
      if (c > best) {
        best = c;
        bestPeriod = p;
      }
    }
    return new Beat(bestPeriod, best, 1 / Math.sqrt(n));
  }

  static double concentration(List<Long> startsMs, int periodMs) {
    double cos = 0;
    double sin = 0;
    for (long t : startsMs) {
      double angle = 2 * Math.PI * Math.floorMod(t, periodMs) / periodMs;
      cos += Math.cos(angle);
      sin += Math.sin(angle);
    }
    return Math.hypot(cos, sin) / startsMs.size();
  }
}

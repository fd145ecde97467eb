package io.respool.suggestions;

import java.util.Arrays;

/**
 * Percentiles of a set of readings by nearest rank (the smallest reading with at least q of the
 * readings at or below it), so every figure is a value that was actually measured.
 *
 * @param count how many readings
 */
public record Stats(double p50, double p90, double p99, double max, long count) {
  public static final Stats NONE = new Stats(0, 0, 0, 0, 0);

  public static Stats of(double[] values, int n) {
    if (n == 0) return NONE;
    double[] v = Arrays.copyOf(values, n);
    Arrays.sort(v);
    return new Stats(rank(v, 0.50), rank(v, 0.90), rank(v, 0.99), v[n - 1], n);
  }

  public static Stats of(double[] values) {
    return of(values, values.length);
  }

  /** Nearest-rank percentile of sorted readings. */
  static double rank(double[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** The larger of each figure: what the busiest of several replicas needs at each level. */
  public Stats upperEnvelope(Stats o) {
    if (count == 0) return o;
    if (o.count == 0) return this;
    return new Stats(Math.max(p50, o.p50), Math.max(p90, o.p90), Math.max(p99, o.p99), Math.max(max, o.max), Math.max(count, o.count));
  }

  public Stats scaled(double factor) {
    return new Stats(p50 * factor, p90 * factor, p99 * factor, max * factor, count);
  }
}

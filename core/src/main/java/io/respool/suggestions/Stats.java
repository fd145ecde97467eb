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

  /**
   * Weighted percentiles (as the VPA recommender's decaying histogram, but exact): each figure is
   * the smallest reading whose readings at or below it carry at least q of the total weight, so it
   * is still a value that was measured; {@code max} and {@code count} are not weighted. Equal
   * weights give {@link #of(double[], int)}.
   */
  public static Stats weighted(double[] values, double[] weights, int n) {
    if (n == 0) return NONE;
    double total = 0;
    for (int i = 0; i < n; i++) {
      if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) throw new IllegalArgumentException("weights must be finite and not negative");
      total += weights[i];
    }
    if (total == 0) return of(values, n);
    // sorted by value with the weights alongside, on primitive arrays (a day of 5 s samples is 17,280 readings per figure)
    double[] v = Arrays.copyOf(values, n);
    double[] w = Arrays.copyOf(weights, n);
    sortTogether(v, w, new double[n], new double[n], 0, n);
    double[] qs = {0.50, 0.90, 0.99};
    double[] at = new double[qs.length];
    double cumulative = 0;
    int next = 0;
    for (int k = 0; k < n && next < qs.length; k++) {
      cumulative += w[k];
      // a relative tolerance so that equal weights land on the same rank as the unweighted nearest rank
      while (next < qs.length && cumulative >= qs[next] * total * (1 - 1e-12)) at[next++] = v[k];
    }
    while (next < qs.length) at[next++] = v[n - 1];
    return new Stats(at[0], at[1], at[2], v[n - 1], n);
  }

  /** Merge sort of {@code v[from, to)} by value, carrying {@code w} along ({@code tv}, {@code tw}: scratch space). */
  private static void sortTogether(double[] v, double[] w, double[] tv, double[] tw, int from, int to) {
    if (to - from < 2) return;
    int mid = (from + to) >>> 1;
    sortTogether(v, w, tv, tw, from, mid);
    sortTogether(v, w, tv, tw, mid, to);
    if (Double.compare(v[mid - 1], v[mid]) <= 0) return; // already in order (a steady series often is)
    System.arraycopy(v, from, tv, from, to - from);
    System.arraycopy(w, from, tw, from, to - from);
    int i = from;
    int j = mid;
    for (int k = from; k < to; k++) {
      if (j >= to || (i < mid && Double.compare(tv[i], tv[j]) <= 0)) {
        v[k] = tv[i];
        w[k] = tw[i++];
      } else {
        v[k] = tv[j];
        w[k] = tw[j++];
      }
    }
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

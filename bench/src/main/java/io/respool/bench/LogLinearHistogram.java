package io.respool.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A histogram of non-negative longs (nanoseconds here) with bounded relative error, in the manner
 * of HdrHistogram but small enough to read in one sitting. Values below 256 are kept exactly;
 * above, each power-of-two range [2^e, 2^(e+1)) is split into {@value #SUB} equal buckets, so a
 * bucket is at most 1/128 of its lower bound wide and its midpoint is within 1/256 (0.4 %) of
 * every value in it. 7,296 buckets cover every positive long.
 *
 * <p>Histograms with the same layout merge by adding bucket counts, which is why per-process
 * results can be combined exactly afterwards (percentiles cannot be averaged). Not thread-safe:
 * each owner records on one thread.
 */
public final class LogLinearHistogram {
  static final int SUB_BITS = 7;
  static final int SUB = 1 << SUB_BITS; // 128
  /** Largest exponent of a positive long is 62; see {@link #index}. */
  static final int BUCKETS = (62 - SUB_BITS + 1) * SUB + SUB;

  private final long[] counts = new long[BUCKETS];
  private long count;
  private double sum; // for the mean only; a double cannot overflow
  private long min = Long.MAX_VALUE;
  private long max = Long.MIN_VALUE;

  public void record(long value) {
    if (value < 0) throw new IllegalArgumentException("negative value " + value);
    counts[index(value)]++;
    count++;
    sum += value;
    min = Math.min(min, value);
    max = Math.max(max, value);
  }

  /** Bucket of {@code v}: v itself below 256, else (shift · 128 + the top 8 bits of v). */
  static int index(long v) {
    if (v < SUB) return (int) v;
    int e = 63 - Long.numberOfLeadingZeros(v); // floor(log2 v) >= 7
    int shift = e - SUB_BITS;
    return shift * SUB + (int) (v >>> shift); // v >>> shift is in [128, 256)
  }

  static long lowerBound(int index) {
    if (index < 2 * SUB) return index;
    int shift = index / SUB - 1;
    long sub = index - (long) shift * SUB;
    return sub << shift;
  }

  static long width(int index) {
    return index < 2 * SUB ? 1 : 1L << (index / SUB - 1);
  }

  public long count() { return count; }

  public long min() { return count == 0 ? 0 : min; }

  public long max() { return count == 0 ? 0 : max; }

  public double mean() { return count == 0 ? 0 : sum / count; }

  /**
   * The nearest-rank percentile (the value at rank ceil(p/100 · count)), as the midpoint of its
   * bucket, clamped to the exact min and max; within 0.4 % of the exact value. 0 when empty.
   */
  public long percentile(double p) {
    if (p < 0 || p > 100) throw new IllegalArgumentException("percentile " + p);
    if (count == 0) return 0;
    long rank = Math.max(1, (long) Math.ceil(p / 100.0 * count));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        long mid = lowerBound(i) + (width(i) - 1) / 2;
        return Math.clamp(mid, min, max);
      }
    }
    return max; // unreachable: the counts add up to count
  }

  public void merge(LogLinearHistogram other) {
    for (int i = 0; i < BUCKETS; i++) counts[i] += other.counts[i];
    count += other.count;
    sum += other.sum;
    if (other.count > 0) {
      min = Math.min(min, other.min);
      max = Math.max(max, other.max);
    }
  }

  /** Sparse form: only non-empty buckets, as [index, count] pairs, plus the layout to check on read. */
  public JsonObject toJson() {
    JsonArray buckets = new JsonArray();
    for (int i = 0; i < BUCKETS; i++) {
      if (counts[i] != 0) buckets.add(new JsonArray().add(i).add(counts[i]));
    }
    return new JsonObject()
        .put("layout", "log-linear/" + SUB_BITS)
        .put("count", count).put("sum", sum).put("min", min()).put("max", max())
        .put("buckets", buckets);
  }

  public static LogLinearHistogram fromJson(JsonObject json) {
    if (!("log-linear/" + SUB_BITS).equals(json.getString("layout"))) {
      throw new IllegalArgumentException("histogram layout " + json.getString("layout") + " is not log-linear/" + SUB_BITS);
    }
    LogLinearHistogram h = new LogLinearHistogram();
    for (Object o : json.getJsonArray("buckets")) {
      JsonArray pair = (JsonArray) o;
      h.counts[pair.getInteger(0)] += pair.getLong(1);
    }
    h.count = json.getLong("count");
    h.sum = json.getDouble("sum");
    if (h.count > 0) {
      h.min = json.getLong("min");
      h.max = json.getLong("max");
    }
    return h;
  }
}

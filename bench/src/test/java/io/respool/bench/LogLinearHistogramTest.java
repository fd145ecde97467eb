package io.respool.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogLinearHistogramTest {
  private static final double[] PERCENTILES = {0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100};

  /** The nearest-rank percentile of a sorted array: the definition the histogram approximates. */
  private static long exact(long[] sorted, double p) {
    long rank = Math.max(1, (long) Math.ceil(p / 100.0 * sorted.length));
    return sorted[(int) rank - 1];
  }

  private static void assertWithinOnePercent(LogLinearHistogram h, long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    for (double p : PERCENTILES) {
      long want = exact(sorted, p);
      long got = h.percentile(p);
      assertThat((double) Math.abs(got - want)).as("p%s: %d vs exact %d", p, got, want).isLessThanOrEqualTo(want * 0.01);
    }
    assertThat(h.count()).isEqualTo(values.length);
    assertThat(h.min()).isEqualTo(sorted[0]);
    assertThat(h.max()).isEqualTo(sorted[sorted.length - 1]);
  }

  @Test
  void percentilesAreWithinOnePercentOfTheSortedArray() {
    SplittableRandom rnd = new SplittableRandom(42);
    // latency-like: log-uniform from 1 µs to 10 s, so every octave of the layout is exercised
    long[] values = new long[200_000];
    for (int i = 0; i < values.length; i++) values[i] = (long) Math.pow(10, 3 + rnd.nextDouble() * 7);
    LogLinearHistogram h = new LogLinearHistogram();
    for (long v : values) h.record(v);
    assertWithinOnePercent(h, values);
  }

  @Test
  void smallValuesAreExactAndExtremesWork() {
    LogLinearHistogram h = new LogLinearHistogram();
    long[] values = {0, 1, 2, 3, 255, 256, 257, Long.MAX_VALUE};
    for (long v : values) h.record(v);
    assertWithinOnePercent(h, values);
    assertThat(h.percentile(0)).isZero();
    assertThat(h.percentile(50)).isEqualTo(3); // rank 4 of 8
    assertThat(new LogLinearHistogram().percentile(99)).isZero();
    assertThatThrownBy(() -> h.record(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyValueFallsInsideItsBucket() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 100_000; i++) {
      long v = rnd.nextLong(Long.MAX_VALUE) >>> rnd.nextInt(63);
      int idx = LogLinearHistogram.index(v);
      assertThat(idx).isBetween(0, LogLinearHistogram.BUCKETS - 1);
      long lo = LogLinearHistogram.lowerBound(idx);
      assertThat(v).isBetween(lo, lo + LogLinearHistogram.width(idx) - 1);
    }
  }

  @Test
  void mergeEqualsRecordingEverythingInOne() {
    SplittableRandom rnd = new SplittableRandom(1);
    LogLinearHistogram a = new LogLinearHistogram();
    LogLinearHistogram b = new LogLinearHistogram();
    LogLinearHistogram all = new LogLinearHistogram();
    long[] values = new long[50_000];
    for (int i = 0; i < values.length; i++) {
      // two different distributions, as two load generators on different event loops would see
      values[i] = i % 2 == 0 ? 200_000 + rnd.nextLong(300_000) : 1_000_000 + rnd.nextLong(50_000_000);
      (i % 2 == 0 ? a : b).record(values[i]);
      all.record(values[i]);
    }
    // through JSON, as the per-process result files travel
    LogLinearHistogram merged = LogLinearHistogram.fromJson(new JsonObject(a.toJson().encode()));
    merged.merge(LogLinearHistogram.fromJson(new JsonObject(b.toJson().encode())));
    assertThat(merged.toJson()).isEqualTo(all.toJson());
    for (double p : PERCENTILES) assertThat(merged.percentile(p)).isEqualTo(all.percentile(p));
    assertWithinOnePercent(merged, values);
  }

  @Test
  void resultDocumentsMergeCountsHistogramsAndReasons() {
    LogLinearHistogram h1 = new LogLinearHistogram();
    h1.record(1_000);
    LogLinearHistogram h2 = new LogLinearHistogram();
    h2.record(3_000_000);
    JsonObject one = new JsonObject().put("acks", 1).put("rampSeconds", 2.5).put("heartbeatLatencyNanos", h1.toJson())
        .put("disconnectReasons", new JsonObject().put("closed (1001)", 2));
    JsonObject two = new JsonObject().put("acks", 4).put("rampSeconds", 1.5).put("heartbeatLatencyNanos", h2.toJson())
        .put("disconnectReasons", new JsonObject().put("closed (1001)", 1).put("closed (no close frame)", 3));
    JsonObject merged = Results.merge(one, two);
    assertThat(merged.getLong("acks")).isEqualTo(5);
    assertThat(merged.getDouble("rampSeconds")).isEqualTo(2.5);
    assertThat(merged.getJsonObject("disconnectReasons").getMap()).containsEntry("closed (1001)", 3L).containsEntry("closed (no close frame)", 3);
    LogLinearHistogram h = LogLinearHistogram.fromJson(merged.getJsonObject("heartbeatLatencyNanos"));
    assertThat(h.count()).isEqualTo(2);
    assertThat(h.max()).isEqualTo(3_000_000);
  }
}

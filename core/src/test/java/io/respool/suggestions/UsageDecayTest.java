package io.respool.suggestions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.protocol.task.UsageSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** VPA-style time decay of the usage percentiles, on series whose answers are worked out by hand. */
class UsageDecayTest {
  static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
  static final double MIB = 1024.0 * 1024.0;

  @Test
  void weightedPercentilesAreTheSmallestReadingCarryingTheShare() {
    // total weight 10: 1 carries 8, up to 2 carries 9, up to 3 carries 9.5
    Stats s = Stats.weighted(new double[] {3, 1, 4, 2}, new double[] {0.5, 8, 0.5, 1}, 4);
    assertThat(s.p50()).isEqualTo(1);
    assertThat(s.p90()).isEqualTo(2);
    assertThat(s.p99()).isEqualTo(4);
    assertThat(s.max()).isEqualTo(4);
    assertThat(s.count()).isEqualTo(4);
  }

  @Test
  void equalWeightsGiveThePlainNearestRank() {
    double[] values = new double[37];
    double[] ones = new double[37];
    for (int i = 0; i < values.length; i++) {
      values[i] = (i * 7919) % 101; // a scrambled series
      ones[i] = 0.25;
    }
    for (int n : new int[] {1, 2, 9, 10, 11, 20, 37}) assertThat(Stats.weighted(values, ones, n)).isEqualTo(Stats.of(values, n));
    assertThat(Stats.weighted(values, new double[37], 37)).as("all weight zero: unweighted").isEqualTo(Stats.of(values, 37));
    assertThatThrownBy(() -> Stats.weighted(values, new double[] {-1}, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Memory hourly for 10 h: 2048 MiB for the first 5 readings, 512 MiB for the last 5. Unweighted,
   * 2048 is the 90th percentile. With a half-life of 1 h, the readings weigh 2^-9 … 2^0: the five
   * recent ones carry 1.9375 of 1.998 (97 %), so the 50th and 90th percentiles are 512 while the
   * 99th (1.978 needed) and the maximum stay 2048.
   */
  @Test
  void aWorkloadThatShrankIsSizedByWhatItUsesNow() {
    List<UsageSample> series = new ArrayList<>();
    for (int h = 0; h < 10; h++) series.add(sample("t1", h, T0.plus(Duration.ofHours(h)), h < 5 ? 2048 : 512, h * 3600.0 * 0.5));
    UsageProfile plain = profile(series, null);
    assertThat(plain.memoryMb().p50()).isEqualTo(512);
    assertThat(plain.memoryMb().p90()).isEqualTo(2048);

    UsageProfile decayed = profile(series, Duration.ofHours(1));
    assertThat(decayed.memoryMb().p50()).isEqualTo(512);
    assertThat(decayed.memoryMb().p90()).isEqualTo(512);
    assertThat(decayed.memoryMb().p99()).isEqualTo(2048);
    assertThat(decayed.memoryMb().max()).as("the maximum is never weighted").isEqualTo(2048);
    assertThat(decayed.samples()).isEqualTo(10);

    // a half-life far longer than the window weighs the readings almost alike: the plain answer
    assertThat(profile(series, Duration.ofDays(365)).memoryMb()).isEqualTo(plain.memoryMb());
  }

  /**
   * CPU: 0.5 cores for 6 intervals, then 2 cores for the last 4 (a rate per pair, weighted by the
   * later sample's age). With a half-life of one interval the last 4 pairs carry 1 + 1/2 + 1/4 +
   * 1/8 = 1.875 of 1.998 (94 %): p50 and p90 are 2 cores. Unweighted, p50 is 0.5 (6 of 10 at or
   * below it) and p90 is 2. A growing workload is sized by its new level sooner.
   */
  @Test
  void aWorkloadThatGrewCountsItsNewLevelSooner() {
    List<UsageSample> series = new ArrayList<>();
    double cpu = 0;
    for (int i = 0; i <= 10; i++) {
      if (i > 0) cpu += (i <= 6 ? 0.5 : 2.0) * 60;
      series.add(sample("t1", i, T0.plusSeconds(60L * i), 256, cpu));
    }
    UsageProfile plain = profile(series, null);
    assertThat(plain.cpuCores().p50()).isEqualTo(0.5);
    assertThat(plain.cpuCores().p90()).isEqualTo(2.0);
    UsageProfile decayed = profile(series, Duration.ofMinutes(1));
    assertThat(decayed.cpuCores().p50()).isEqualTo(2.0);
    assertThat(decayed.cpuCores().p90()).isEqualTo(2.0);
  }

  /** Each task decays from its own last reading: a replica that stopped reporting earlier still counts. */
  @Test
  void eachTaskDecaysFromItsOwnLastReading() {
    List<UsageSample> series = new ArrayList<>();
    for (int h = 0; h < 4; h++) series.add(sample("early", h, T0.plus(Duration.ofHours(h)), 1024, 0));
    for (int h = 0; h < 4; h++) series.add(sample("late", h, T0.plus(Duration.ofHours(200 + h)), 256, 0));
    UsageProfile decayed = profile(series, Duration.ofHours(1));
    assertThat(decayed.memoryMb().p50()).as("the busiest replica, though 200 half-lives older").isEqualTo(1024);
    assertThatThrownBy(() -> profile(series, Duration.ofHours(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  static UsageProfile profile(List<UsageSample> series, Duration halfLife) {
    return UsageProfile.of(series, Duration.ofHours(1), 0.02, 1024, halfLife);
  }

  static UsageSample sample(String task, long seq, Instant at, double memoryMb, double cpuSeconds) {
    return new UsageSample(task, seq + 1, at, cpuSeconds, (long) (memoryMb * MIB), null, 0, 0, 0, 0);
  }
}

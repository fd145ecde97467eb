package io.respool.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import io.respool.metering.UsageSeries.Point;
import io.respool.protocol.task.UsageSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UsageSeriesTest {
  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  static Instant t(long s) {
    return T0.plusSeconds(s);
  }

  /** A sample whose every counter is {@code counter} (cpuSeconds = counter / 10). */
  static UsageSample s(String task, long seq, long at, long counter, long memory, Double gpu) {
    return new UsageSample(task, seq, t(at), counter / 10.0, memory, gpu, counter, 2 * counter, 3 * counter, 4 * counter);
  }

  static List<Point> series(List<UsageSample> samples, long from, long to, long stepSeconds) {
    return UsageSeries.of(samples, t(from), t(to), Duration.ofSeconds(stepSeconds));
  }

  @Test
  void cpuRateIsTheDeltaOverTheTimeBetweenSamples() {
    List<UsageSample> samples = List.of(s("a", 1, 0, 0, 100, null), s("a", 2, 10, 200, 300, null));
    List<Point> one = series(samples, 0, 10, 10);
    assertThat(one).hasSize(1);
    assertThat(one.getFirst().cpuCores()).isCloseTo(2.0, within(1e-9));
    // steps shorter than the sampling interval: the rate is spread, not piled into the later step
    List<Point> two = series(samples, 0, 10, 5);
    assertThat(two).extracting(Point::cpuCores).containsExactly(2.0, 2.0);
    assertThat(two).extracting(Point::at).containsExactly(t(0), t(5));
  }

  @Test
  void countersAreDeltasInTheStepOfTheLaterSampleSummedOverTasks() {
    List<UsageSample> samples = List.of(
        s("a", 1, 0, 0, 100, 0.5), s("a", 2, 10, 200, 300, 1.0), s("a", 3, 20, 300, 200, null),
        s("b", 1, 5, 1000, 50, 0.2), s("b", 2, 15, 1100, 70, null));
    List<Point> p = series(samples, 0, 30, 10);
    assertThat(p).hasSize(3);
    // step [0,10): a@0 only (a baseline), b@5 (a baseline)
    assertThat(p.get(0)).isEqualTo(new Point(t(0), p.get(0).cpuCores(), 150, (0.5 + 0.2) / 2, 0, 0, 0, 0));
    // step [10,20): a@10 (+200), b@15 (+100); memory max per task summed
    assertThat(p.get(1).netRxBytes()).isEqualTo(300);
    assertThat(p.get(1).netTxBytes()).isEqualTo(600);
    assertThat(p.get(1).blockReadBytes()).isEqualTo(900);
    assertThat(p.get(1).blockWriteBytes()).isEqualTo(1200);
    assertThat(p.get(1).memoryBytes()).isEqualTo(370);
    assertThat(p.get(1).gpuUtilization()).isEqualTo(1.0);
    // step [20,30): a@20 (+100), no GPU reading
    assertThat(p.get(2).netRxBytes()).isEqualTo(100);
    assertThat(p.get(2).memoryBytes()).isEqualTo(200);
    assertThat(p.get(2).gpuUtilization()).isNull();
    // cpu: a 20 s over [0,10), 10 s over [10,20); b 10 s over [5,15)
    assertThat(p.get(0).cpuCores()).isCloseTo(2.0 + 0.5, within(1e-9));
    assertThat(p.get(1).cpuCores()).isCloseTo(1.0 + 0.5, within(1e-9));
    assertThat(p.get(2).cpuCores()).isCloseTo(0.0, within(1e-9));
  }

  @Test
  void aCounterThatGoesDownRestartedFromZero() {
    List<UsageSample> samples = List.of(s("a", 1, 0, 1000, 0, null), s("a", 2, 10, 1500, 0, null),
        s("a", 3, 20, 200, 0, null), s("a", 4, 30, 260, 0, null));
    List<Point> p = series(samples, 0, 40, 10);
    assertThat(p).extracting(Point::netRxBytes).containsExactly(0L, 500L, 200L, 60L);
    assertThat(p).extracting(Point::cpuCores).allMatch(c -> c >= 0);
    assertThat(p.get(1).cpuCores()).isCloseTo(20.0 / 10, within(1e-9)); // cpu went 150 → 20 s: a restart, 20 cpu s over [10,20)
  }

  @Test
  void duplicatesAreIgnoredAndGapsBridged() {
    List<UsageSample> samples = List.of(s("a", 1, 0, 0, 0, null), s("a", 3, 20, 400, 0, null),
        s("a", 3, 20, 999_999, 0, null), s("a", 1, 0, 77, 0, null));
    List<Point> p = series(samples, 0, 30, 10);
    assertThat(p).extracting(Point::netRxBytes).containsExactly(0L, 0L, 400L);
    assertThat(p.get(0).cpuCores()).isCloseTo(2.0, within(1e-9));
    assertThat(p.get(1).cpuCores()).isCloseTo(2.0, within(1e-9));
    // input order does not matter beyond which duplicate comes first
    List<UsageSample> shuffled = new ArrayList<>(samples.subList(0, 2));
    Collections.reverse(shuffled);
    assertThat(series(shuffled, 0, 30, 10)).isEqualTo(series(samples.subList(0, 2), 0, 30, 10));
  }

  @Test
  void aSampleBeforeTheWindowIsTheBaseline() {
    List<UsageSample> samples = List.of(s("a", 1, -10, 100, 999, 0.9), s("a", 2, 5, 250, 10, null));
    List<Point> p = series(samples, 0, 10, 10);
    assertThat(p.getFirst().netRxBytes()).isEqualTo(150);
    assertThat(p.getFirst().memoryBytes()).isEqualTo(10); // the gauge outside the window is not shown
    assertThat(p.getFirst().gpuUtilization()).isNull();
    assertThat(p.getFirst().cpuCores()).isCloseTo(15.0 / 15 * 5 / 10, within(1e-9)); // 1 core for the 5 s of [0,5) in the window
  }

  @Test
  void theLastStepIsCutAtTheEndOfTheWindow() {
    List<UsageSample> samples = List.of(s("a", 1, 0, 0, 0, null), s("a", 2, 30, 300, 0, null));
    List<Point> p = series(samples, 0, 25, 10);
    assertThat(p).extracting(Point::at).containsExactly(t(0), t(10), t(20));
    assertThat(p).extracting(Point::cpuCores).allSatisfy(c -> assertThat(c).isCloseTo(1.0, within(1e-9)));
    assertThat(p).extracting(Point::netRxBytes).containsOnly(0L); // the later sample is outside the window
  }

  @Test
  void stepBounds() {
    assertThatThrownBy(() -> UsageSeries.of(List.of(), t(0), t(10), Duration.ofMillis(999))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> series(List.of(), 10, 10, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> series(List.of(), 10, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> series(List.of(), 0, 10_001, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> UsageSeries.of(List.of(), t(0), t(10_000).plusMillis(1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> UsageSeries.of(List.of(), Instant.MIN, Instant.MAX, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    assertThat(series(List.of(), 0, 10_000, 1)).hasSize(UsageSeries.MAX_POINTS);
    assertThat(series(List.of(), 0, 1, 3600)).containsExactly(new Point(t(0), 0, 0, null, 0, 0, 0, 0));
  }

  @Test
  void rejectsBadSamples() {
    assertThatThrownBy(() -> new UsageSample("a", 0, T0, 0, 0, null, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UsageSample("a", 1, T0, Double.NaN, 0, null, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UsageSample("a", 1, T0, 0, 0, 1.5, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UsageSample("a", 1, T0, 0, -1, null, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Random samples inside the window: nothing is negative, and every delta lands in exactly one step. */
  @Test
  void deltasAreConservedAndNeverNegative() {
    qt().withExamples(500).forAll(longs().all()).checkAssert(seed -> {
      Random r = new Random(seed);
      long window = 1 + r.nextInt(600);
      long step = 1 + r.nextInt(60);
      List<UsageSample> samples = new ArrayList<>();
      long expectedRx = 0;
      double expectedCpu = 0;
      int tasks = 1 + r.nextInt(3);
      for (int task = 0; task < tasks; task++) {
        long at = r.nextLong(0, window * 1000);
        long rx = r.nextInt(1000);
        double cpu = r.nextInt(100);
        long seq = 1;
        samples.add(new UsageSample("t" + task, seq, T0.plusMillis(at), cpu, 0, null, rx, 0, 0, 0));
        while (true) {
          at += 1 + r.nextInt(20_000);
          if (at >= window * 1000) break;
          seq += 1 + (r.nextInt(5) == 0 ? r.nextInt(3) : 0); // gaps
          long nextRx = r.nextInt(6) == 0 ? r.nextInt(100) : rx + r.nextInt(1000); // sometimes a restart
          double nextCpu = r.nextInt(6) == 0 ? r.nextInt(10) : cpu + r.nextInt(50);
          expectedRx += nextRx >= rx ? nextRx - rx : nextRx;
          expectedCpu += nextCpu >= cpu ? nextCpu - cpu : nextCpu;
          rx = nextRx;
          cpu = nextCpu;
          UsageSample sample = new UsageSample("t" + task, seq, T0.plusMillis(at), cpu, 0, null, rx, 0, 0, 0);
          samples.add(sample);
          if (r.nextInt(8) == 0) samples.add(sample); // resent
        }
      }
      Collections.shuffle(samples, r);
      List<Point> points = UsageSeries.of(samples, T0, T0.plusSeconds(window), Duration.ofSeconds(step));
      assertThat(points).hasSize((int) ((window + step - 1) / step));
      double cpuSeconds = 0;
      long rxSum = 0;
      for (int k = 0; k < points.size(); k++) {
        Point p = points.get(k);
        assertThat(p.cpuCores()).isGreaterThanOrEqualTo(0);
        assertThat(p.netRxBytes()).isNotNegative();
        long length = Math.min(step, window - k * step);
        cpuSeconds += p.cpuCores() * length;
        rxSum += p.netRxBytes();
      }
      assertThat(rxSum).as("seed %d", seed).isEqualTo(expectedRx);
      assertThat(cpuSeconds).as("seed %d", seed).isCloseTo(expectedCpu, within(1e-6 * (1 + expectedCpu)));
    });
  }

  @Test
  void gpuMemoryIsEachTasksLargestReadingSummedAndNullWithoutReadings() {
    Instant t0 = t(0);
    List<UsageSample> samples = List.of(
        new UsageSample("a", 1, t(1), 0, 0, 0.5, 0, 0, 0, 0, 100L), new UsageSample("a", 2, t(2), 0, 0, 0.7, 0, 0, 0, 0, 300L),
        new UsageSample("b", 1, t(3), 0, 0, 0.1, 0, 0, 0, 0, 1000L),
        new UsageSample("a", 3, t(12), 0, 0, null, 0, 0, 0, 0, null));
    List<Point> p = series(samples, 0, 20, 10);
    assertThat(p.get(0).gpuMemoryBytes()).isEqualTo(1300L);
    assertThat(p.get(1).gpuMemoryBytes()).isNull();
    assertThat(p.get(0).at()).isEqualTo(t0);
  }
}

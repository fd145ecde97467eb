package io.respool.hostworker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void theCeilingDoublesFromTheBaseUpToTheCapAndResets() {
    // a generator that always draws the top of the window exposes the ceiling itself
    RandomGenerator top = new RandomGenerator() {
      @Override public long nextLong() { throw new UnsupportedOperationException(); }
      @Override public long nextLong(long bound) { return bound - 1; }
    };
    Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(10), top);

    assertThat(IntStream.range(0, 9).mapToLong(i -> backoff.nextDelayMs()).toArray())
        .containsExactly(250, 500, 1000, 2000, 4000, 8000, 10000, 10000, 10000);
    backoff.reset();
    assertThat(backoff.nextDelayMs()).isEqualTo(250);
  }

  @Test
  void everyDelayIsDrawnFromTheWholeWindow() {
    Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(10), new SplittableRandom(1));
    long[] delays = IntStream.range(0, 2000).mapToLong(i -> backoff.nextDelayMs()).toArray();

    assertThat(LongStream.of(delays).min().orElseThrow()).isNotNegative();
    assertThat(LongStream.of(delays).max().orElseThrow()).isLessThanOrEqualTo(10_000);
    // full jitter: late delays spread over the whole window, not just its top
    assertThat(IntStream.range(100, 2000).mapToLong(i -> delays[i]).min().orElseThrow()).isLessThan(1_000);
    assertThat(IntStream.range(100, 2000).mapToLong(i -> delays[i]).max().orElseThrow()).isGreaterThan(9_000);
  }
}

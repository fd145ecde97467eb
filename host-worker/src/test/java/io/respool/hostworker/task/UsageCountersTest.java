package io.respool.hostworker.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.hostworker.task.UsageCounters.Counters;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The counter math of usage samples, without I/O. */
class UsageCountersTest {
  private static final Instant RUN_1 = Instant.parse("2025-06-01T10:00:00Z");
  private static final Instant RUN_2 = Instant.parse("2025-06-01T11:00:00Z");

  @Test
  void readingsOfOneRunAreReportedAsTheyAreAndNumberedFromOne() {
    UsageCounters first = UsageCounters.NONE.next(RUN_1, new Counters(1.5, 10, 20, 30, 40));
    UsageCounters second = first.next(RUN_1, new Counters(2.5, 11, 21, 31, 41));

    assertThat(first.seq()).isEqualTo(1);
    assertThat(first.total()).isEqualTo(new Counters(1.5, 10, 20, 30, 40));
    assertThat(second.seq()).isEqualTo(2);
    assertThat(second.total()).isEqualTo(new Counters(2.5, 11, 21, 31, 41));
  }

  @Test
  void aResumedRunCountsOnFromWhereTheLastOneEnded() {
    UsageCounters firstRun = UsageCounters.NONE.next(RUN_1, new Counters(10, 100, 200, 300, 400));

    // the new container / cgroup counts from zero again
    UsageCounters resumed = firstRun.next(RUN_2, new Counters(0.5, 1, 2, 3, 4));
    UsageCounters later = resumed.next(RUN_2, new Counters(1.5, 5, 6, 7, 8));

    assertThat(resumed.total()).isEqualTo(new Counters(10.5, 101, 202, 303, 404));
    assertThat(later.total()).isEqualTo(new Counters(11.5, 105, 206, 307, 408));
    assertThat(later.seq()).isEqualTo(3);
    assertThat(later.run()).isEqualTo(RUN_2);
  }

  @Test
  void aLowerReadingWithinARunDoesNotTakeTheTotalBack() {
    UsageCounters high = UsageCounters.NONE.next(RUN_1, new Counters(5, 50, 50, 50, 50));

    UsageCounters glitch = high.next(RUN_1, new Counters(0, 0, 0, 0, 0)); // e.g. a container that just ended

    assertThat(glitch.total()).isEqualTo(high.total());
    assertThat(glitch.seq()).isEqualTo(2);
  }

  @Test
  void anUnknownRunIsTakenAsTheCurrentOne() {
    UsageCounters known = UsageCounters.NONE.next(RUN_1, new Counters(5, 0, 0, 0, 0));

    UsageCounters next = known.next(null, new Counters(6, 0, 0, 0, 0));

    assertThat(next.run()).isEqualTo(RUN_1);
    assertThat(next.total().cpuSeconds()).isEqualTo(6);
  }

  @Test
  void negativeOrNonFiniteReadingsCountAsZero() {
    assertThat(new Counters(Double.NaN, -1, -2, -3, -4)).isEqualTo(Counters.ZERO);
    assertThat(new Counters(-0.5, 0, 0, 0, 0).cpuSeconds()).isZero();
  }

  /** Property: whatever the drivers read, over any runs, the totals never decrease and seq goes up by one. */
  @Test
  void totalsNeverDecreaseAndSeqRisesByOneForAnyReadings() {
    SplittableRandom random = new SplittableRandom(42);
    for (int trial = 0; trial < 200; trial++) {
      UsageCounters state = UsageCounters.NONE;
      Instant run = RUN_1;
      for (int i = 0; i < 100; i++) {
        if (random.nextInt(10) == 0) run = run.plusSeconds(1 + random.nextInt(1000));
        Counters reading = new Counters(random.nextDouble() * 100, random.nextLong(1 << 20), random.nextLong(1 << 20),
            random.nextLong(1 << 20), random.nextLong(1 << 20));
        UsageCounters next = state.next(random.nextInt(20) == 0 ? null : run, reading);

        assertThat(next.seq()).isEqualTo(state.seq() + 1);
        Counters before = state.total();
        Counters after = next.total();
        assertThat(after.cpuSeconds()).isGreaterThanOrEqualTo(before.cpuSeconds());
        assertThat(after.netRxBytes()).isGreaterThanOrEqualTo(before.netRxBytes());
        assertThat(after.netTxBytes()).isGreaterThanOrEqualTo(before.netTxBytes());
        assertThat(after.blockReadBytes()).isGreaterThanOrEqualTo(before.blockReadBytes());
        assertThat(after.blockWriteBytes()).isGreaterThanOrEqualTo(before.blockWriteBytes());
        state = next;
      }
    }
  }
}

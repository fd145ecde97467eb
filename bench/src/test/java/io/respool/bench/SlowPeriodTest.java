package io.respool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlowPeriodTest {
  @Test
  void findsTheBeatOfTimesThatKeepOne() {
    Random random = new Random(7);
    List<Long> starts = new ArrayList<>();
    // every burst of a 544-ms beat catches a request or two, a few ms into it; some bursts catch none
    for (int k = 0; k < 27; k++) {
      if (random.nextInt(4) == 0) continue;
      long burst = 300 + k * 544L;
      starts.add(burst + random.nextInt(15));
      if (random.nextBoolean()) starts.add(burst + 13 + random.nextInt(15));
    }
    SlowPeriod.Beat beat = SlowPeriod.of(starts);
    // 544 or one of its halves lines them up; the best is within a step or two of it
    assertTrue(Math.abs(beat.periodMs() - 544) <= 4 || Math.abs(beat.periodMs() - 272) <= 2, beat.toString());
    assertTrue(beat.concentration() > 0.9, beat.toString());
    assertEquals(1 / Math.sqrt(starts.size()), beat.noBeat(), 1e-12);
  }

  @Test
  void timesWithoutABeatStayNearTheNoBeatLevel() {
    Random random = new Random(11);
    List<Long> starts = new ArrayList<>();
    for (int i = 0; i < 60; i++) starts.add((long) random.nextInt(15_000));
    SlowPeriod.Beat beat = SlowPeriod.of(starts);
    // the best of ~1,450 periods is still picked from noise: a few times 1/√n, far from a real beat
    assertTrue(beat.concentration() < 0.45, beat.toString());
    assertTrue(beat.concentration() < 4 * beat.noBeat(), beat.toString());
  }

  @Test
  void tooFewTimesSayNothing() {
    assertNull(SlowPeriod.of(List.of(1L, 545L, 1089L)));
  }

  @Test
  void concentrationIsOneWhenEveryTimeSharesAPhase() {
    assertEquals(1.0, SlowPeriod.concentration(List.of(10L, 510L, 1010L, 2510L), 500), 1e-9);
    // half a period apart: the phases cancel
    assertEquals(0.0, SlowPeriod.concentration(List.of(0L, 250L), 500), 1e-9);
  }
}

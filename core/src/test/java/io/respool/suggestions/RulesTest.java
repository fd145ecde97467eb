package io.respool.suggestions;

import static io.respool.suggestions.Recorded.booking;
import static io.respool.suggestions.Recorded.profile;
import static io.respool.suggestions.Recorded.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.respool.matching.Capacity;
import io.respool.matching.HostOffer;
import io.respool.protocol.host.Prices;
import io.respool.suggestions.Suggestion.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules on recorded series whose right answer is known, refusals included. */
class RulesTest {
  final Rules rules = new Rules(Thresholds.DEFAULTS);

  static Suggestion only(Evaluation e, Kind kind) {
    List<Suggestion> of = e.suggestions().stream().filter(s -> s.kind() == kind).toList();
    assertThat(of).as("one " + kind + " in " + e).hasSize(1);
    return of.get(0);
  }

  static boolean has(Evaluation e, Kind kind) {
    return e.suggestions().stream().anyMatch(s -> s.kind() == kind);
  }

  @Test
  void aSteadyWorkloadOnAFifthOfItsReservationIsDownsizedToItsP90PlusTheMargin() {
    // 2 h at 0.4 cores and 300 MiB of 2 cores and 2048 MiB
    UsageProfile u = profile(series("t", 1440, t -> 0.4, t -> 300, null));
    Evaluation e = rules.forBooking(booking(2000, 2048, 0, u));
    Suggestion s = only(e, Kind.DOWNSIZE);
    // 0.4 × 1.15 = 0.46 → 0.50 cores (50 m steps); 300 × 1.15 = 345 → 384 MiB (64 MiB steps)
    assertThat(s.action().type()).isEqualTo("resize");
    assertThat(s.action().cpu()).isEqualTo(0.5);
    assertThat(s.action().memoryMb()).isEqualTo(384);
    assertThat(s.evidence().numbers().get("cpu.p90")).isCloseTo(0.4, within(1e-9));
    assertThat(s.evidence().numbers().get("memoryMb.max")).isCloseTo(300, within(1e-9));
    assertThat(s.evidence().samples()).isEqualTo(1440);
    assertThat(s.evidence().from()).isEqualTo(Recorded.T0);
    assertThat(s.evidence().to()).isEqualTo(Recorded.T0.plusSeconds(5 * 1439));
    // 20,000 + 4,096 per hour now (2 cores, 2 GiB); 5,000 + 768 after
    assertThat(s.saving().perHour()).isEqualTo(24_096 - 5_768);
    assertThat(s.saving().restOfBooking()).isEqualTo(12 * 24_096 - 12 * 5_768);
    assertThat(s.saving().currency()).isEqualTo("USDC");
    assertThat(s.actionable()).isTrue();
    assertThat(s.source()).isEqualTo(Suggestion.Source.rules);
    assertThat(has(e, Kind.STOP_IDLE)).as("it works: no stop").isFalse();
    assertThat(has(e, Kind.GROW)).isFalse();
  }

  @Test
  void tooFewSamplesAreRefusedWithTheirCount() {
    UsageProfile u = profile(series("t", 40, t -> 0.1, t -> 100, null));
    Evaluation e = rules.forBooking(booking(2000, 2048, 0, u));
    assertThat(has(e, Kind.DOWNSIZE)).isFalse();
    assertThat(e.declined()).anySatisfy(d -> {
      assertThat(d.kind()).isEqualTo(Kind.DOWNSIZE);
      assertThat(d.reason()).contains("only 40 samples").contains("at least 60");
    });
  }

  @Test
  void aBurstyWorkloadIsNotCutBelowItsRecentPeak() {
    // 0.1 cores, but 1.8 cores for 20 s every 10 minutes: p90 is low, the recent peak is not
    UsageProfile u = profile(series("t", 1440, t -> t % 600 < 20 ? 1.8 : 0.1, t -> 200, null));
    assertThat(u.cpuCores().p90()).isCloseTo(0.1, within(1e-9));
    assertThat(u.cpuRecentPeak()).isCloseTo(1.8, within(1e-9));
    Evaluation e = rules.forBooking(booking(2000, 256, 0, u));
    assertThat(has(e, Kind.DOWNSIZE)).as("1.8 × … stays within 20 % of 2 cores, and memory is small already").isFalse();
    assertThat(e.declined()).anySatisfy(d -> assertThat(d.reason()).contains("recent peak").contains("1.80 cores"));
  }

  @Test
  void aBurstyWorkloadWithRoomAboveItsPeakIsCutOnlyToThePeak() {
    UsageProfile u = profile(series("t", 1440, t -> t % 600 < 20 ? 1.2 : 0.1, t -> 200, null));
    Suggestion s = only(rules.forBooking(booking(4000, 2048, 0, u)), Kind.DOWNSIZE);
    assertThat(s.action().cpu()).as("never below the 1.2-core peak").isEqualTo(1.2);
  }

  @Test
  void anIdleBookingIsToldToStop() {
    UsageProfile u = profile(series("t", 1440, t -> t < 1800 ? 0.5 : 0.0, t -> 64, null));
    // the readings are rates over the 5 s before each sample: the one taken at 1,800 s is the first idle one
    assertThat(u.idleSeconds()).isEqualTo(5 * 1439 - 1795);
    BookingFacts f = booking(1000, 1024, 0, u);
    Suggestion stop = only(rules.forBooking(f), Kind.STOP_IDLE);
    assertThat(stop.action().type()).isEqualTo("stop");
    assertThat(stop.saving().perHour()).isEqualTo(f.pricePerHour());
    assertThat(stop.saving().restOfBooking()).isEqualTo(12 * f.pricePerHour());
    assertThat(stop.evidence().numbers().get("idleSeconds")).isEqualTo(5 * 1439 - 1795.0);
  }

  @Test
  void aShortIdleSpellIsNoReasonToStop() {
    UsageProfile u = profile(series("t", 1440, t -> t < 7000 ? 0.5 : 0.0, t -> 64, null));
    assertThat(has(rules.forBooking(booking(1000, 1024, 0, u)), Kind.STOP_IDLE)).isFalse();
  }

  @Test
  void growingMemoryHeadingForItsLimitIsGrownBeforeItGetsThere() {
    // +200 MiB per hour from 300 MiB, 1024 reserved, 12 h left: it would need about 2,700 MiB
    UsageProfile u = profile(series("t", 1440, t -> 0.5, t -> 300 + 200 * t / 3600.0, null));
    assertThat(u.memoryTrendMbPerHour()).isCloseTo(200, within(0.5));
    Evaluation e = rules.forBooking(booking(1000, 1024, 0, u));
    Suggestion g = only(e, Kind.GROW);
    assertThat(g.action().memoryMb()).isGreaterThan(1024).isEqualTo(Rules.roundUp((700 + 200 * 12) * 1.15, 64));
    assertThat(g.saving().perHour()).as("it costs more").isNegative();
    assertThat(g.rank()).as("risks first").isEqualTo(1);
    assertThat(has(e, Kind.DOWNSIZE)).isFalse();
  }

  @Test
  void aThrottledCpuIsGrownByHalf() {
    UsageProfile u = profile(series("t", 200, t -> 0.99, t -> 100, null));
    Suggestion g = only(rules.forBooking(booking(1000, 1024, 0, u)), Kind.GROW);
    assertThat(g.action().cpu()).isEqualTo(1.5);
    assertThat(g.action().memoryMb()).as("its memory (100 MiB) is cut in the same resize: 115 → 128 MiB").isEqualTo(128);
  }

  @Test
  void aGpuNeverUsedIsReportedWithWhatItCosts() {
    UsageProfile u = profile(series("t", 1440, t -> 1.0, t -> 900, t -> 0.0));
    Suggestion s = only(rules.forBooking(booking(1000, 1024, 1, u)), Kind.GPU_UNUSED);
    assertThat(s.saving().perHour()).isEqualTo(300_000);
    assertThat(s.actionable()).as("a booking cannot drop its GPU in place").isFalse();
    assertThat(s.action().gpus()).isZero();
  }

  @Test
  void aGpuThatWorksIsLeftAloneAndOneNeverMeasuredIsNotJudged() {
    UsageProfile busy = profile(series("t", 1440, t -> 1.0, t -> 900, t -> 0.7));
    assertThat(has(rules.forBooking(booking(1000, 1024, 1, busy)), Kind.GPU_UNUSED)).isFalse();
    UsageProfile unmeasured = profile(series("t", 1440, t -> 1.0, t -> 900, null));
    Evaluation e = rules.forBooking(booking(1000, 1024, 1, unmeasured));
    assertThat(has(e, Kind.GPU_UNUSED)).isFalse();
    assertThat(e.declined()).anySatisfy(d -> assertThat(d.reason()).contains("no GPU utilization"));
  }

  @Test
  void aCheaperQuoteElsewhereIsPassedOnOnlyWhenItSavesEnough() {
    UsageProfile u = profile(series("t", 1440, t -> 0.9, t -> 900, null));
    BookingFacts f = booking(1000, 1024, 0, u);
    BookingFacts cheaper = new BookingFacts(f.bookingId(), f.currency(), 1, f.cpuMillis(), f.memoryMb(), 0, 0, null, f.pricePerHour(),
        f.deposit(), f.billed(), f.asOf(), f.endsAt(), f.durationSeconds(), f.tasks(), u, new BookingFacts.Quote(List.of("host-b"), 6_000));
    Suggestion s = only(rules.forBooking(cheaper), Kind.MOVE_CHEAPER);
    assertThat(s.saving().perHour()).isEqualTo(f.pricePerHour() - 6_000);
    assertThat(s.action().hostIds()).containsExactly("host-b");
    BookingFacts barely = new BookingFacts(f.bookingId(), f.currency(), 1, f.cpuMillis(), f.memoryMb(), 0, 0, null, f.pricePerHour(),
        f.deposit(), f.billed(), f.asOf(), f.endsAt(), f.durationSeconds(), f.tasks(), u, new BookingFacts.Quote(List.of("host-b"),
        f.pricePerHour() - 1));
    assertThat(has(rules.forBooking(barely), Kind.MOVE_CHEAPER)).isFalse();
  }

  @Test
  void aDepositThatRunsOutBeforeTheEndAsksForATopUp() {
    UsageProfile u = profile(series("t", 1440, t -> 0.9, t -> 900, null));
    BookingFacts f = booking(1000, 1024, 0, u);
    // 12 h left but only 2 h of deposit at the current price
    BookingFacts shortOf = new BookingFacts(f.bookingId(), f.currency(), 1, f.cpuMillis(), f.memoryMb(), 0, 0, null, f.pricePerHour(),
        f.billed() + 2 * f.pricePerHour(), f.billed(), f.asOf(), f.endsAt(), f.durationSeconds(), f.tasks(), u, null);
    Suggestion s = only(rules.forBooking(shortOf), Kind.TOP_UP);
    assertThat(s.action().seconds()).isEqualTo(10 * 3600);
    assertThat(s.saving().restOfBooking()).isEqualTo(-10 * f.pricePerHour());
    assertThat(has(rules.forBooking(f), Kind.TOP_UP)).as("a deposit that lasts to the end").isFalse();
  }

  @Test
  void evaluatingAgainGivesTheSameIdsEvenAsReadingsMoveALittle() {
    BookingFacts a = booking(2000, 2048, 0, profile(series("t", 1440, t -> 0.4, t -> 300, null)));
    BookingFacts b = booking(2000, 2048, 0, profile(series("t", 1500, t -> 0.41, t -> 310, null)));
    assertThat(rules.forBooking(a)).isEqualTo(rules.forBooking(a));
    assertThat(only(rules.forBooking(a), Kind.DOWNSIZE).id()).isEqualTo(only(rules.forBooking(b), Kind.DOWNSIZE).id()).startsWith("sg_");
    BookingFacts resized = booking(1000, 2048, 0, profile(series("t", 1440, t -> 0.4, t -> 300, null)));
    assertThat(only(rules.forBooking(resized), Kind.DOWNSIZE).id()).as("other facts acted on, another id")
        .isNotEqualTo(only(rules.forBooking(a), Kind.DOWNSIZE).id());
  }

  @Test
  void memoryThatIsNotMeasuredIsNeverCut() {
    UsageProfile u = profile(series("t", 1440, t -> 0.4, t -> 0, null));
    Suggestion s = only(rules.forBooking(booking(2000, 2048, 0, u)), Kind.DOWNSIZE);
    assertThat(s.action().memoryMb()).isEqualTo(2048);
    assertThat(s.action().cpu()).isEqualTo(0.5);
  }

  // --- hosts --------------------------------------------------------------------------------

  static HostOffer offer(String id, String region, long cpuCoreHour, long cpuMillisFree) {
    return new HostOffer(id, true, region, "amd64", Set.of("process"), new Capacity(8000, 16384, 100, 0),
        new Capacity(cpuMillisFree, 16384, 100, 0), List.of(), new Prices("USDC", cpuCoreHour, 2_048, 10, Map.of()), 1.0, 1.0);
  }

  @Test
  void aHostAskingAboveTheMarketWhileIdleIsToldTheMedianAndAnUnreliableOneItsUptime() {
    List<HostOffer> market = List.of(offer("h1", "eu", 8_000, 0), offer("h2", "eu", 9_000, 0), offer("h3", "eu", 10_000, 0),
        offer("h4", "eu", 11_000, 0), offer("h5", "eu", 40_000, 8000));
    // each host is compared with the others' offers
    Market others = Market.of("USDC", market.subList(0, 4));
    assertThat(others.cpuCoreHour().p50()).isEqualTo(9_000);
    assertThat(others.cpuCoreHour().p90()).isEqualTo(11_000);
    assertThat(others.byRegion().get("eu").hosts()).isEqualTo(4);
    HostOffer h5 = market.get(4);
    HostFacts facts = new HostFacts("h5", true, "eu", h5.prices(), h5.total(), h5.free(), 0.80, others, Instant.EPOCH);
    Evaluation e = rules.forHost(facts);
    Suggestion reprice = only(e, Kind.HOST_REPRICE);
    assertThat(reprice.action().prices()).containsEntry("cpuCoreHour", 9_000L);
    assertThat(reprice.target()).isEqualTo(Suggestion.Target.host("h5"));
    assertThat(only(e, Kind.HOST_UPTIME).evidence().numbers().get("uptime")).isEqualTo(0.80);
    Suggestion idle = only(e, Kind.HOST_IDLE_CAPACITY);
    assertThat(idle.saving().perHour()).isEqualTo(8 * 40_000 + 16 * 2_048);

    HostOffer h1 = market.get(0);
    Evaluation busyCheap = rules.forHost(new HostFacts("h1", true, "eu", h1.prices(), h1.total(), h1.free(), 1.0,
        Market.of("USDC", market.subList(1, 5)), Instant.EPOCH));
    Suggestion raise = only(busyCheap, Kind.HOST_RAISE_PRICE);
    assertThat(raise.saving().perHour()).as("(10,000 − 8,000) × 8 cores rented").isEqualTo(16_000);
    assertThat(has(busyCheap, Kind.HOST_UPTIME)).isFalse();
  }

  @Test
  void aMarketTooThinToCompareIsDeclined() {
    List<HostOffer> market = List.of(offer("h1", "eu", 8_000, 0), offer("h2", "eu", 90_000, 8000));
    HostOffer h2 = market.get(1);
    Evaluation e = rules.forHost(new HostFacts("h2", true, "eu", h2.prices(), h2.total(), h2.free(), 1.0, Market.of("USDC", market.subList(0, 1)),
        Instant.EPOCH));
    assertThat(has(e, Kind.HOST_REPRICE)).isFalse();
    assertThat(e.declined()).anySatisfy(d -> assertThat(d.reason()).contains("only 1 offers"));
  }

  @Test
  void profilesTakeTheBusiestReplicaAndSurviveACounterRestart() {
    List<io.respool.protocol.task.UsageSample> two = new java.util.ArrayList<>(series("a", 100, t -> 0.2, t -> 100, null));
    two.addAll(series("b", 100, t -> 0.6, t -> 50, null));
    UsageProfile u = UsageProfile.of(two, Duration.ofHours(1), 0.02, 1024);
    assertThat(u.tasks()).isEqualTo(2);
    assertThat(u.cpuCores().p90()).isCloseTo(0.6, within(1e-9));
    assertThat(u.memoryMb().max()).isCloseTo(100, within(1e-9));
    // a resumed task's counter starts again from zero: counted from zero, never negative
    List<io.respool.protocol.task.UsageSample> restarted = new java.util.ArrayList<>(series("c", 10, t -> 0.5, t -> 10, null));
    restarted.add(new io.respool.protocol.task.UsageSample("c", 11, Recorded.T0.plusSeconds(50), 1.0, 0, null, 0, 0, 0, 0));
    assertThat(UsageProfile.of(restarted, Duration.ofHours(1), 0.02, 1024).cpuCores().max()).isCloseTo(0.5, within(1e-9));
  }
}

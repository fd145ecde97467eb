package io.respool.metering;

import static io.respool.metering.SettlementTest.n;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BillingTest {
  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  static Instant t(double seconds) {
    return T0.plusNanos(Math.round(seconds * 1e9));
  }

  static Interval iv(double from, double to) {
    return new Interval(t(from), t(to));
  }

  static TaskTimeline task(String id, String host, long price, Interval... running) {
    return new TaskTimeline(id, host, price, List.of(running));
  }

  static Bill.Line only(Bill bill) {
    assertThat(bill.lines()).hasSize(1);
    return bill.lines().getFirst();
  }

  @Test
  void oneSecondAt3600PerHourCostsOne() {
    Bill bill = Billing.bill(List.of(task("a", "h", 3600, iv(0, 1))), List.of(), t(3600));
    assertThat(only(bill)).isEqualTo(new Bill.Line("a", "h", 1, 3600, n(1)));
    assertThat(bill.total()).isEqualTo(1);
  }

  @Test
  void oneSecondAtOnePerHourCostsOneNotZero() {
    assertThat(Billing.bill(List.of(task("a", "h", 1, iv(0, 1))), List.of(), t(10)).total()).isEqualTo(1);
  }

  @Test
  void ninetyMinutesAt1000PerHourCost1500() {
    Bill bill = Billing.bill(List.of(task("a", "h", 1000, iv(0, 5400))), List.of(), t(9999));
    assertThat(only(bill).billedSeconds()).isEqualTo(5400);
    assertThat(bill.total()).isEqualTo(1500);
  }

  @Test
  void tenMinuteOutageInTheMiddleOfAnHourIsNotBilled() {
    Bill bill = Billing.bill(List.of(task("a", "h", 6000, iv(0, 3600))), List.of(new Outage("h", iv(1500, 2100))), t(3600));
    assertThat(only(bill).billedSeconds()).isEqualTo(3000);
    assertThat(bill.total()).isEqualTo(5000);
  }

  @Test
  void durationsAreSummedExactlyThenRoundedDownToWholeSeconds() {
    // 0.6 s + 0.6 s = 1.2 s → 1 s (rounding each run down would bill 0)
    Bill bill = Billing.bill(List.of(task("a", "h", 3600, iv(0, 0.6), iv(10, 10.6))), List.of(), t(100));
    assertThat(only(bill).billedSeconds()).isEqualTo(1);
    assertThat(Billing.bill(List.of(task("a", "h", 3600, iv(0, 0.999_999_999))), List.of(), t(100)).total()).isZero();
  }

  @Test
  void overlapsCountOnce() {
    TaskTimeline a = task("a", "h", 3600, iv(0, 100), iv(50, 150), iv(150, 200), iv(10, 20));
    List<Outage> outages = List.of(new Outage("h", iv(20, 40)), new Outage("h", iv(30, 60)), new Outage("h", iv(30, 35)));
    assertThat(only(Billing.bill(List.of(a), outages, t(1000))).billedSeconds()).isEqualTo(200 - 40);
  }

  @Test
  void openIntervalsEndAtAsOf() {
    TaskTimeline a = new TaskTimeline("a", "h", 3600, List.of(iv(0, 10), Interval.open(t(20))));
    assertThat(only(Billing.bill(List.of(a), List.of(), t(25.5))).billedSeconds()).isEqualTo(15);
    assertThat(only(Billing.bill(List.of(a), List.of(), t(5))).billedSeconds()).isEqualTo(5);
    assertThat(only(Billing.bill(List.of(a), List.of(new Outage("h", Interval.open(t(22)))), t(500))).billedSeconds()).isEqualTo(12);
  }

  @Test
  void onlyTheTasksOwnHostsOutagesCount() {
    List<TaskTimeline> tasks = List.of(task("b", "h2", 3600, iv(0, 100)), task("a", "h1", 7200, iv(0, 100)));
    Bill bill = Billing.bill(tasks, List.of(new Outage("h1", iv(0, 50))), t(100));
    assertThat(bill.lines()).containsExactly(new Bill.Line("a", "h1", 50, 7200, n(100)), new Bill.Line("b", "h2", 100, 3600, n(100)));
    assertThat(bill.total()).isEqualTo(200);
  }

  @Test
  void aTaskInsideAnOutageBillsNothing() {
    Bill bill = Billing.bill(List.of(task("a", "h", 1_000_000, iv(10, 20))), List.of(new Outage("h", iv(5, 25))), t(100));
    assertThat(bill.total()).isZero();
  }

  @Test
  void rejectsDuplicateTasksAndBadIntervals() {
    assertThatThrownBy(() -> Billing.bill(List.of(task("a", "h", 1, iv(0, 1)), task("a", "h", 1, iv(2, 3))), List.of(), t(5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> iv(2, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TaskTimeline("a", "h", -1, List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void capSplitsTheDepositOverTheLinesByLargestRemainder() {
    Bill bill = Bill.of(List.of(new Bill.Line("a", "h", 100, 3600, n(100)), new Bill.Line("b", "h", 50, 3600, n(50))));
    Bill capped = Billing.cappedAt(bill, n(100));
    // 100 × 100/150 = 66.67, 100 × 50/150 = 33.33: floors 66 + 33, the unit left to a
    assertThat(capped.lines()).extracting(Bill.Line::amount).containsExactly(n(67), n(33));
    assertThat(capped.lines()).extracting(Bill.Line::billedSeconds).containsExactly(100L, 50L);
    assertThat(capped.total()).isEqualTo(100);
    assertThat(Billing.cappedAt(bill, n(150))).isSameAs(bill);
    assertThat(Billing.cappedAt(bill, n(0)).total()).isZero();
    assertThatThrownBy(() -> Billing.cappedAt(bill, n(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void secondsUntilExhausted() {
    List<TaskTimeline> one = List.of(new TaskTimeline("a", "h", 3600, List.of(Interval.open(T0))));
    assertThat(Billing.secondsUntilExhausted(one, List.of(), T0, n(10))).isEqualTo(10);
    assertThat(Billing.reachedAt(one, List.of(), T0, n(10))).isEqualTo(t(10));
    assertThat(Billing.secondsUntilExhausted(one, List.of(), t(4), n(10))).isEqualTo(6);
    assertThat(Billing.secondsUntilExhausted(one, List.of(), t(20), n(10))).isZero();
    // 1/h: cost(1, 32400 s) = 9, cost(1, 32401 s) = 10
    List<TaskTimeline> cheap = List.of(new TaskTimeline("a", "h", 1, List.of(Interval.open(T0))));
    assertThat(Billing.secondsUntilExhausted(cheap, List.of(), T0, n(10))).isEqualTo(32_401);
    // a 10-minute outage ahead delays it by 10 minutes
    assertThat(Billing.secondsUntilExhausted(one, List.of(new Outage("h", iv(5, 605))), T0, n(10))).isEqualTo(610);
    // started mid-second: exact to the nanosecond, rounded up to whole seconds from asOf
    List<TaskTimeline> half = List.of(new TaskTimeline("a", "h", 3600, List.of(Interval.open(t(0.5)))));
    assertThat(Billing.reachedAt(half, List.of(), T0, n(2))).isEqualTo(t(2.5));
    assertThat(Billing.secondsUntilExhausted(half, List.of(), T0, n(2))).isEqualTo(3);
  }

  @Test
  void nothingRunningNeverExhausts() {
    List<TaskTimeline> closed = List.of(task("a", "h", 3600, iv(0, 5)));
    assertThat(Billing.secondsUntilExhausted(closed, List.of(), t(1), n(10))).isEqualTo(Long.MAX_VALUE);
    assertThat(Billing.reachedAt(closed, List.of(), t(1), n(5))).isEqualTo(t(5));
    List<TaskTimeline> open = List.of(new TaskTimeline("a", "h", 3600, List.of(Interval.open(T0))));
    assertThat(Billing.secondsUntilExhausted(open, List.of(new Outage("h", Interval.open(t(3)))), T0, n(10))).isEqualTo(Long.MAX_VALUE);
    assertThat(Billing.secondsUntilExhausted(List.of(), List.of(), T0, n(1))).isEqualTo(Long.MAX_VALUE);
    assertThat(Billing.secondsUntilExhausted(List.of(), List.of(), T0, n(0))).isZero();
    List<TaskTimeline> free = List.of(new TaskTimeline("a", "h", 0, List.of(Interval.open(T0))));
    assertThat(Billing.secondsUntilExhausted(free, List.of(), T0, n(1))).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void hugeAmountsDoNotOverflow() {
    long price = 1_000_000_000_000L; // 1e12 minor units per hour
    List<TaskTimeline> open = List.of(new TaskTimeline("a", "h", price, List.of(Interval.open(T0))));
    long deposit = 1_000_000_000_000_000L; // 1e15: 3600 s
    assertThat(Billing.secondsUntilExhausted(open, List.of(), T0, n(deposit))).isEqualTo(3_600_000);
    assertThat(Billing.reachedAt(open, List.of(), T0, n(Long.MAX_VALUE))).isNotNull();
  }

  @Test
  void thresholdsAndFractionUsed() {
    assertThat(Billing.threshold(n(10_001), 8_000)).isEqualTo(8_001); // ceil(8000.8)
    assertThat(Billing.threshold(n(10_000), 9_500)).isEqualTo(9_500);
    assertThat(Billing.threshold(n(Long.MAX_VALUE), 10_000)).isEqualTo(n(Long.MAX_VALUE));
    assertThatThrownBy(() -> Billing.threshold(n(1), 10_001)).isInstanceOf(IllegalArgumentException.class);
    Bill bill = Bill.of(List.of(new Bill.Line("a", "h", 1, 1, n(80))));
    assertThat(Billing.fractionUsed(bill, n(100))).isEqualTo(0.8);
    assertThat(Billing.fractionUsed(bill, n(50))).isEqualTo(1.0);
    assertThat(Billing.fractionUsed(Bill.of(List.of()), n(0))).isEqualTo(1.0);
  }

  @Test
  void intervalHelpers() {
    assertThat(Interval.union(List.of(iv(5, 6), iv(0, 2), iv(1, 3), iv(3, 4), iv(7, 7))))
        .containsExactly(iv(0, 4), iv(5, 6));
    assertThat(Interval.union(List.of(iv(0, 2), Interval.open(t(1)), iv(5, 9)))).containsExactly(Interval.open(T0));
    assertThat(Interval.subtract(List.of(iv(0, 10)), List.of(iv(2, 3), iv(5, 20)))).containsExactly(iv(0, 2), iv(3, 5));
    assertThat(Interval.subtract(List.of(Interval.open(T0)), List.of(iv(2, 3)))).containsExactly(iv(0, 2), Interval.open(t(3)));
    assertThat(iv(0, 2).overlaps(iv(2, 3))).isFalse();
    assertThat(iv(0, 2).overlaps(Interval.open(t(1)))).isTrue();
    assertThat(iv(0, 2).intersection(iv(1, 5))).isEqualTo(iv(1, 2));
    assertThat(Interval.open(t(3)).clip(t(2))).isNull();
    assertThat(Interval.open(t(3)).clip(t(5))).isEqualTo(iv(3, 5));
    assertThat(Interval.total(List.of(iv(0, 1.5), iv(1, 2.25)))).isEqualTo(Duration.ofMillis(2250));
    assertThat(Interval.totalSeconds(List.of(iv(0, 1.5), iv(1, 2.25)))).isEqualTo(2);
    assertThatThrownBy(() -> Interval.open(T0).length()).isInstanceOf(IllegalStateException.class);
  }
}

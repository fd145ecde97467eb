package io.respool.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random usage ledgers (tasks paused and resumed, overlapping runs, hosts going down and coming back,
 * open intervals, top-ups) checked against the invariants of issue 5 and against a brute-force count
 * of the billed milliseconds.
 */
class BillingPropertiesTest {
  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  static final long[] PRICES = {0, 1, 7, 999, 3600, 6000, 1_000_000, 1_000_000_000_000L};
  static final String[] HOSTS = {"h0", "h1", "h2"};

  /** A ledger with every instant a whole millisecond in [0, spanMs] after T0, optionally shifted by a few nanoseconds. */
  record Ledger(List<TaskTimeline> tasks, List<Outage> outages) {}

  static Ledger ledger(Random r, int spanMs, boolean nanos) {
    List<TaskTimeline> tasks = new ArrayList<>();
    int n = 1 + r.nextInt(5);
    for (int i = 0; i < n; i++) {
      tasks.add(new TaskTimeline("t" + i, HOSTS[r.nextInt(HOSTS.length)], PRICES[r.nextInt(PRICES.length)], runs(r, spanMs, nanos)));
    }
    List<Outage> outages = new ArrayList<>();
    int m = r.nextInt(6);
    for (int i = 0; i < m; i++) outages.add(new Outage(HOSTS[r.nextInt(HOSTS.length)], interval(r, spanMs, nanos, r.nextInt(5) == 0)));
    return new Ledger(tasks, outages);
  }

  /** Start, pause, resume, …: increasing toggles, the last run maybe still open, sometimes an overlapping extra run. */
  static List<Interval> runs(Random r, int spanMs, boolean nanos) {
    List<Interval> runs = new ArrayList<>();
    long at = r.nextInt(spanMs / 4 + 1);
    int toggles = r.nextInt(6);
    for (int i = 0; i < toggles && at < spanMs; i++) {
      long end = at + r.nextInt(spanMs / 3 + 1);
      boolean open = i == toggles - 1 && r.nextBoolean();
      runs.add(new Interval(instant(r, at, nanos), open ? null : instant(r, Math.max(end, at), nanos)));
      at = end + r.nextInt(spanMs / 5 + 1);
    }
    if (r.nextInt(4) == 0) runs.add(interval(r, spanMs, nanos, false));
    return runs;
  }

  static Interval interval(Random r, int spanMs, boolean nanos, boolean open) {
    long a = r.nextInt(spanMs + 1);
    long b = a + r.nextInt(spanMs / 2 + 1);
    Instant from = instant(r, a, nanos);
    if (open) return Interval.open(from);
    Instant to = instant(r, b, nanos);
    return new Interval(from, to.isBefore(from) ? from : to);
  }

  static Instant instant(Random r, long ms, boolean nanos) {
    Instant t = T0.plusMillis(ms);
    return nanos ? t.plusNanos(r.nextInt(1_000_000)) : t;
  }

  @Test
  void billedSecondsAreTheBillableMillisecondsCountedOneByOneRoundedDown() {
    qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
      Random r = new Random(seed);
      int span = 30_000;
      Ledger l = ledger(r, span, false);
      Instant asOf = T0.plusMillis(r.nextInt(span + 5_000));
      Bill bill = Billing.bill(l.tasks(), l.outages(), asOf);
      for (TaskTimeline task : l.tasks()) {
        long ms = 0;
        for (long m = 0; T0.plusMillis(m).isBefore(asOf); m++) {
          Instant at = T0.plusMillis(m);
          boolean running = task.running().stream().anyMatch(i -> contains(i, at));
          boolean down = l.outages().stream().anyMatch(o -> o.hostId().equals(task.hostId()) && contains(o.period(), at));
          if (running && !down) ms++;
        }
        Bill.Line line = bill.lines().stream().filter(x -> x.taskId().equals(task.taskId())).findFirst().orElseThrow();
        assertThat(line.billedSeconds()).as("seed %d task %s", seed, task.taskId()).isEqualTo(ms / 1000);
        assertThat(line.amount()).isEqualTo(ceil(BigInteger.valueOf(task.pricePerHour()).multiply(BigInteger.valueOf(ms / 1000)), 3600));
        if (task.pricePerHour() > 0 && ms >= 1000) assertThat(line.amount()).isPositive();
      }
      assertThat(bill.lines()).extracting(Bill.Line::taskId).isSorted();
      assertThat(bill.total()).isEqualTo(bill.lines().stream().map(Bill.Line::amount).reduce(BigInteger.ZERO, BigInteger::add));
    });
  }

  @Test
  void costNeverDecreasesAsTimePassesOrTheDepositGrows() {
    qt().withExamples(1000).forAll(longs().all()).checkAssert(seed -> {
      Random r = new Random(seed);
      int span = 4 * 3600_000;
      Ledger l = ledger(r, span, true);
      Instant asOf1 = instant(r, r.nextInt(span + 1), true);
      Instant asOf2 = asOf1.plusNanos(r.nextInt(4) == 0 ? r.nextInt(1_000_000_000) : (long) r.nextInt(span) * 1_000_000L);
      Bill b1 = Billing.bill(l.tasks(), l.outages(), asOf1);
      Bill b2 = Billing.bill(l.tasks(), l.outages(), asOf2);
      assertThat(b2.total()).as("seed %d", seed).isGreaterThanOrEqualTo(b1.total());
      for (int i = 0; i < b1.lines().size(); i++) {
        assertThat(b2.lines().get(i).billedSeconds()).isGreaterThanOrEqualTo(b1.lines().get(i).billedSeconds());
        assertThat(b2.lines().get(i).amount()).isGreaterThanOrEqualTo(b1.lines().get(i).amount());
      }
      long d1 = r.nextInt(4) == 0 ? v(b1.total()) : (long) (r.nextDouble() * 2 * v(b1.total()));
      long d2 = d1 + (r.nextBoolean() ? 0 : r.nextLong(1, Long.MAX_VALUE / 4));
      assertThat(Billing.cappedAt(b2, n(d2)).total()).isGreaterThanOrEqualTo(Billing.cappedAt(b1, n(d1)).total());
    });
  }

  @Test
  void outageTimeIsNeverBilled() {
    qt().withExamples(1000).forAll(longs().all()).checkAssert(seed -> {
      Random r = new Random(seed);
      int span = 4 * 3600_000;
      Ledger l = ledger(r, span, true);
      Instant asOf = instant(r, r.nextInt(span + 1), true);
      Bill before = Billing.bill(l.tasks(), l.outages(), asOf);
      List<Outage> more = new ArrayList<>(l.outages());
      more.add(new Outage(HOSTS[r.nextInt(HOSTS.length)], interval(r, span, true, r.nextInt(4) == 0)));
      Bill after = Billing.bill(l.tasks(), more, asOf);
      for (int i = 0; i < before.lines().size(); i++) {
        assertThat(after.lines().get(i).amount()).as("seed %d", seed).isLessThanOrEqualTo(before.lines().get(i).amount());
      }
      // a host down from before its task's first run to after its last: that task bills 0
      TaskTimeline victim = l.tasks().get(r.nextInt(l.tasks().size()));
      Instant first = victim.running().stream().map(Interval::from).min(Instant::compareTo).orElse(T0);
      more.add(new Outage(victim.hostId(), Interval.open(first.minusNanos(r.nextInt(1000)))));
      Bill down = Billing.bill(l.tasks(), more, asOf.plusSeconds(r.nextInt(100_000)));
      assertThat(down.lines().stream().filter(x -> x.taskId().equals(victim.taskId())).findFirst().orElseThrow().amount()).isZero();
    });
  }

  @Test
  void everySettlementAlongTheWayAddsUpToItsDeposit() {
    qt().withExamples(1000).forAll(longs().all(), integers().between(0, 10_000)).checkAssert((seed, feeBps) -> {
      Random r = new Random(seed);
      int span = 4 * 3600_000;
      Ledger l = ledger(r, span, true);
      long deposit = r.nextInt(3) == 0 ? 0 : r.nextLong(1, 10_000_000L);
      Instant asOf = T0;
      long lastBilled = 0;
      int topUps = 1 + r.nextInt(6);
      for (int i = 0; i < topUps; i++) {
        asOf = asOf.plusNanos((long) r.nextInt(span / topUps + 1) * 1_000_000L + r.nextInt(1_000_000));
        if (r.nextBoolean()) deposit += r.nextInt(3) == 0 ? r.nextLong(0, 1_000_000_000_000_000L) : r.nextInt(100_000);
        Bill bill = Billing.bill(l.tasks(), l.outages(), asOf);
        Bill capped = Billing.cappedAt(bill, n(deposit));
        for (Bill b : List.of(bill, capped)) {
          Settlement s = Settlement.of(n(deposit), b, feeBps);
          checkSettlement(s, b, deposit, feeBps);
          assertThat(s.billed()).as("seed %d: billed never decreases", seed).isGreaterThanOrEqualTo(n(lastBilled));
        }
        assertThat(Settlement.of(n(deposit), capped, feeBps).billed()).isEqualTo(Settlement.of(n(deposit), bill, feeBps).billed());
        lastBilled = v(Settlement.of(n(deposit), bill, feeBps).billed());
      }
    });
  }

  @Test
  void settlementsOfArbitraryBillsAddUpExactly() {
    qt().withExamples(2000).forAll(longs().all(), integers().between(0, 10_000)).checkAssert((seed, feeBps) -> {
      Random r = new Random(seed);
      long scale = r.nextBoolean() ? 1_000 : r.nextBoolean() ? 1_000_000_000_000_000L : Long.MAX_VALUE / 8;
      List<Bill.Line> lines = new ArrayList<>();
      int n = r.nextInt(7);
      for (int i = 0; i < n; i++) lines.add(new Bill.Line("t" + i, HOSTS[r.nextInt(HOSTS.length)], 0, 0, n(r.nextInt(5) == 0 ? 0 : r.nextLong(0, scale))));
      Bill bill = Bill.of(lines);
      long deposit = switch (r.nextInt(3)) {
        case 0 -> v(bill.total());
        case 1 -> r.nextLong(0, Math.max(1, v(bill.total())));
        default -> r.nextLong(v(bill.total()), Long.MAX_VALUE);
      };
      checkSettlement(Settlement.of(n(deposit), bill, feeBps), bill, deposit, feeBps);
      Bill capped = Billing.cappedAt(bill, n(deposit));
      checkCap(bill, capped, deposit);
    });
  }

  @Test
  void exhaustionIsForeseenToTheNanosecond() {
    qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
      Random r = new Random(seed);
      int span = 2 * 3600_000;
      Ledger l = ledger(r, span, true);
      Instant asOf = instant(r, r.nextInt(span + 1), true);
      long now = v(Billing.bill(l.tasks(), l.outages(), asOf).total());
      long amount = r.nextInt(4) == 0 ? r.nextLong(0, now + 1) : now + r.nextLong(0, 20_000);
      Instant at = Billing.reachedAt(l.tasks(), l.outages(), asOf, n(amount));
      long seconds = Billing.secondsUntilExhausted(l.tasks(), l.outages(), asOf, n(amount));
      if (at == null) {
        assertThat(seconds).isEqualTo(Long.MAX_VALUE);
        assertThat(Billing.bill(l.tasks(), l.outages(), asOf.plusSeconds(1_000_000_000_000L)).total()).as("seed %d", seed).isLessThan(n(amount));
        return;
      }
      assertThat(at).isAfterOrEqualTo(asOf);
      assertThat(Billing.bill(l.tasks(), l.outages(), at).total()).as("seed %d", seed).isGreaterThanOrEqualTo(n(amount));
      if (at.isAfter(asOf)) assertThat(Billing.bill(l.tasks(), l.outages(), at.minusNanos(1)).total()).isLessThan(n(amount));
      assertThat(seconds).isEqualTo(ceilSeconds(asOf, at));
      assertThat(Billing.bill(l.tasks(), l.outages(), asOf.plusSeconds(seconds)).total()).isGreaterThanOrEqualTo(n(amount));
    });
  }

  static boolean contains(Interval i, Instant at) {
    return !at.isBefore(i.from()) && (i.to() == null || at.isBefore(i.to()));
  }

  static void checkSettlement(Settlement s, Bill bill, long deposit, int feeBps) {
    BigInteger total = bill.total();
    assertThat(s.deposit()).isEqualTo(n(deposit));
    assertThat(s.billed()).isEqualTo(total.min(n(deposit)));
    assertThat(s.billed()).isLessThanOrEqualTo(n(deposit));
    assertThat(s.fee()).isEqualTo(s.billed().multiply(BigInteger.valueOf(feeBps)).divide(BigInteger.valueOf(10_000)));
    assertThat(s.refund()).isEqualTo(n(deposit).subtract(s.billed()));
    BigInteger sum = s.fee().add(s.refund());
    Map<String, BigInteger> byHost = new HashMap<>();
    for (Bill.Line l : bill.lines()) byHost.merge(l.hostId(), l.amount(), BigInteger::add);
    assertThat(s.hostShares().keySet()).containsExactlyInAnyOrderElementsOf(byHost.keySet());
    BigInteger pool = s.billed().subtract(s.fee());
    for (Map.Entry<String, BigInteger> e : s.hostShares().entrySet()) {
      assertThat(e.getValue()).isNotNegative().isLessThanOrEqualTo(byHost.get(e.getKey()));
      sum = sum.add(e.getValue());
      if (total.signum() > 0) { // within one unit below or above its exact proportional quota
        BigInteger num = pool.multiply(byHost.get(e.getKey()));
        assertThat(e.getValue()).isBetween(num.divide(total), BigInteger.valueOf(ceil(num, v(total))));
      }
    }
    assertThat(sum).isEqualTo(BigInteger.valueOf(deposit));
    assertThat(s.fee()).isNotNegative();
    assertThat(s.refund()).isNotNegative();
  }

  static void checkCap(Bill bill, Bill capped, long deposit) {
    assertThat(capped.total()).isEqualTo(bill.total().min(n(deposit)));
    for (int i = 0; i < bill.lines().size(); i++) {
      Bill.Line a = bill.lines().get(i);
      Bill.Line c = capped.lines().get(i);
      assertThat(c.taskId()).isEqualTo(a.taskId());
      assertThat(c.billedSeconds()).isEqualTo(a.billedSeconds());
      assertThat(c.amount()).isNotNegative().isLessThanOrEqualTo(a.amount());
      if (bill.total().compareTo(n(deposit)) > 0) {
        BigInteger num = a.amount().multiply(BigInteger.valueOf(deposit));
        assertThat(c.amount()).isBetween(num.divide(bill.total()), BigInteger.valueOf(ceil(num, v(bill.total()))));
      }
    }
    assertThat(Billing.cappedAt(capped, n(deposit))).isEqualTo(capped);
  }

  static BigInteger n(long v) {
    return BigInteger.valueOf(v);
  }

  /** An amount of these tests as a long (they stay inside one). */
  static long v(BigInteger amount) {
    return amount.longValueExact();
  }

  static long ceil(BigInteger num, long d) {
    return new java.math.BigDecimal(num).divide(java.math.BigDecimal.valueOf(d), 0, RoundingMode.CEILING).longValueExact();
  }

  static long ceilSeconds(Instant from, Instant to) {
    java.time.Duration d = java.time.Duration.between(from, to);
    return d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
  }
}

package io.respool.metering;

import io.respool.matching.Pricing;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bill of a booking from its usage ledger, as pure functions: no clock is read, the instant a
 * bill is for ({@code asOf}) is an argument.
 *
 * <p><b>Rule.</b> For each task, the billed time is the set of instants that are
 * <ul>
 *   <li>in one of its {@link TaskTimeline#running running} intervals (an open one ends at {@code asOf}),
 *   <li>before {@code asOf}, and
 *   <li>in no {@link Outage} of the task's host (an open outage lasts on),
 * </ul>
 * measured exactly at the precision of {@link Instant} (nanoseconds), each instant once however many
 * intervals or outages overlap on it. The task's {@code billedSeconds} is that duration <b>rounded
 * down</b> to whole seconds, and its amount is {@link Pricing#cost}(pricePerHour, billedSeconds) =
 * ceil(pricePerHour × billedSeconds / 3600) minor units, <b>rounded up</b> (so 0 s costs 0 and any
 * whole second of a priced task at least 1). The bill's total is the exact sum of the tasks' amounts.
 *
 * <p>For the same tasks and outages the bill never decreases as {@code asOf} advances: the billed
 * set only grows, and both roundings are monotone. An outage added later (a host found to have been
 * down) can only lower it.
 */
public final class Billing {
  private Billing() {}

  /** Basis points in a whole: 10,000 bps = 100 %. */
  public static final int BASIS_POINTS = 10_000;

  /**
   * The bill at {@code asOf}: one {@link Bill.Line} per task, sorted by task id (see the class
   * comment for the rule).
   *
   * @throws IllegalArgumentException if a task id appears twice or an argument is null
   */
  public static Bill bill(List<TaskTimeline> tasks, List<Outage> outages, Instant asOf) {
    if (asOf == null) throw new IllegalArgumentException("asOf is required");
    List<Billable> billables = billables(tasks, outages);
    List<Bill.Line> lines = new ArrayList<>(billables.size());
    for (Billable b : billables) {
      long seconds = b.secondsAsOf(asOf);
      lines.add(new Bill.Line(b.task.taskId(), b.task.hostId(), seconds, b.task.pricePerHour(), Pricing.cost(b.task.pricePerHour(), seconds)));
    }
    return Bill.of(lines);
  }

  /**
   * The bill with its total limited to {@code deposit}: unchanged if its total is at most the
   * deposit; otherwise the deposit is split over the lines in proportion to their amounts by the
   * largest-remainder method (each line gets floor(deposit × amount / total), the units left over go
   * one each to the lines with the largest remainders, ties to the smaller task id). The capped
   * total is then exactly the deposit, no line grows, and {@code billedSeconds} are kept as they were.
   */
  public static Bill cappedAt(Bill bill, BigInteger deposit) {
    if (deposit.signum() < 0) throw new IllegalArgumentException("deposit must not be negative, was " + deposit);
    if (bill.total().compareTo(deposit) <= 0) return bill;
    Map<String, BigInteger> weights = new HashMap<>();
    for (Bill.Line l : bill.lines()) weights.put(l.taskId(), l.amount());
    Map<String, BigInteger> capped = MinorUnits.largestRemainder(weights, deposit);
    List<Bill.Line> lines = new ArrayList<>(bill.lines().size());
    for (Bill.Line l : bill.lines()) {
      lines.add(new Bill.Line(l.taskId(), l.hostId(), l.billedSeconds(), l.pricePerHour(), capped.get(l.taskId())));
    }
    return new Bill(lines, deposit);
  }

  /**
   * The earliest instant t ≥ {@code asOf} at which {@link #bill}(tasks, outages, t).total ≥ {@code amount},
   * assuming nothing changes: open running intervals go on, open outages go on, closed ones stay as
   * given. Exact to the nanosecond. {@code asOf} itself if the bill is already there; null if it never
   * gets there (nothing that is billed runs on, or not before {@link Instant#MAX}).
   *
   * <p>The gateway schedules the warnings with {@code reachedAt(…, threshold(deposit, 8_000))} and
   * {@code threshold(deposit, 9_500)}, and the pause with {@code reachedAt(…, deposit)}.
   */
  public static Instant reachedAt(List<TaskTimeline> tasks, List<Outage> outages, Instant asOf, BigInteger amount) {
    if (asOf == null) throw new IllegalArgumentException("asOf is required");
    if (amount.signum() < 0) throw new IllegalArgumentException("amount must not be negative, was " + amount);
    List<Billable> billables = billables(tasks, outages);
    if (reached(billables, asOf, amount)) return asOf;
    long maxSeconds = Instant.MAX.getEpochSecond() - asOf.getEpochSecond() - 1;
    if (maxSeconds < 1 || !reached(billables, asOf.plusSeconds(maxSeconds), amount)) return null;
    // the total is monotone in time: find the whole second, then the nanosecond within it
    long lo = 0;
    long hi = maxSeconds;
    while (hi - lo > 1) {
      long mid = lo + (hi - lo) / 2;
      if (reached(billables, asOf.plusSeconds(mid), amount)) hi = mid;
      else lo = mid;
    }
    Instant base = asOf.plusSeconds(lo); // not reached at base, reached one second later
    long loNanos = 0;
    long hiNanos = 1_000_000_000L;
    while (hiNanos - loNanos > 1) {
      long mid = (loNanos + hiNanos) / 2;
      if (reached(billables, base.plusNanos(mid), amount)) hiNanos = mid;
      else loNanos = mid;
    }
    return base.plusNanos(hiNanos);
  }

  /**
   * Whole seconds from {@code asOf} until the bill reaches {@code deposit} ({@link #reachedAt}, rounded
   * up): 0 if it already has, {@link Long#MAX_VALUE} if it never will (nothing billed is running).
   */
  public static long secondsUntilExhausted(List<TaskTimeline> tasks, List<Outage> outages, Instant asOf, BigInteger deposit) {
    Instant at = reachedAt(tasks, outages, asOf, deposit);
    if (at == null) return Long.MAX_VALUE;
    Duration d = Duration.between(asOf, at);
    return d.getNano() == 0 ? d.getSeconds() : d.getSeconds() + 1;
  }

  /** ceil(deposit × basisPoints / 10,000): the amount at which that share of the deposit is used. */
  public static BigInteger threshold(BigInteger deposit, int basisPoints) {
    if (deposit.signum() < 0) throw new IllegalArgumentException("deposit must not be negative, was " + deposit);
    if (basisPoints < 0 || basisPoints > BASIS_POINTS) throw new IllegalArgumentException("basis points must be in [0, 10000], was " + basisPoints);
    return MinorUnits.mulDivCeil(deposit, basisPoints, BASIS_POINTS);
  }

  /**
   * min(1, total / deposit) as a double, for display; 1 when the deposit is 0 (nothing is left).
   * Decisions use {@link #threshold} and exact amounts, not this.
   */
  public static double fractionUsed(Bill bill, BigInteger deposit) {
    if (deposit.signum() < 0) throw new IllegalArgumentException("deposit must not be negative, was " + deposit);
    if (deposit.signum() == 0 || bill.total().compareTo(deposit) >= 0) return 1.0;
    return new java.math.BigDecimal(bill.total()).divide(new java.math.BigDecimal(deposit), java.math.MathContext.DECIMAL64).doubleValue();
  }

  /** A task with the instants it may be billed for, clipped to no instant yet. */
  private record Billable(TaskTimeline task, List<Interval> billed) {
    long secondsAsOf(Instant asOf) {
      return Interval.totalSeconds(Interval.clip(billed, asOf));
    }
  }

  private static List<Billable> billables(List<TaskTimeline> tasks, List<Outage> outages) {
    if (tasks == null || outages == null) throw new IllegalArgumentException("tasks and outages are required (may be empty)");
    Map<String, List<Interval>> down = new LinkedHashMap<>();
    for (Outage o : outages) down.computeIfAbsent(o.hostId(), h -> new ArrayList<>()).add(o.period());
    Set<String> ids = new HashSet<>();
    List<Billable> out = new ArrayList<>(tasks.size());
    for (TaskTimeline t : tasks) {
      if (!ids.add(t.taskId())) throw new IllegalArgumentException("task " + t.taskId() + " appears twice");
      out.add(new Billable(t, Interval.subtract(t.running(), down.getOrDefault(t.hostId(), List.of()))));
    }
    out.sort(Comparator.comparing(b -> b.task.taskId()));
    return out;
  }

  /** Whether the total at {@code at} is ≥ amount. */
  private static boolean reached(List<Billable> billables, Instant at, BigInteger amount) {
    BigInteger total = BigInteger.ZERO;
    for (Billable b : billables) {
      total = total.add(Pricing.cost(b.task.pricePerHour(), b.secondsAsOf(at)));
      if (total.compareTo(amount) >= 0) return true;
    }
    return total.compareTo(amount) >= 0;
  }
}

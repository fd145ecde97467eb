package io.respool.metering;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * A half-open period of time [{@code from}, {@code to}) at the precision of {@link Instant}
 * (nanoseconds). {@code to == null} means the period is still open: in the set operations here it
 * extends without end, and {@link #clip} resolves it against the instant a bill is computed
 * for. An interval with {@code from == to} is empty.
 */
public record Interval(Instant from, Instant to) {

  public Interval {
    if (from == null) throw new IllegalArgumentException("interval start is required");
    if (to != null && to.isBefore(from)) throw new IllegalArgumentException("interval ends (" + to + ") before it starts (" + from + ")");
  }

  /** [from, ∞): a period that has not ended yet. */
  public static Interval open(Instant from) {
    return new Interval(from, null);
  }

  public boolean isOpen() {
    return to == null;
  }

  public boolean isEmpty() {
    return to != null && to.equals(from);
  }

  /** The part of this interval before {@code asOf}: [from, min(to, asOf)), an open end read as {@code asOf}; null if that is empty. */
  public Interval clip(Instant asOf) {
    if (asOf == null) throw new IllegalArgumentException("asOf is required");
    Instant end = to == null || to.isAfter(asOf) ? asOf : to;
    return end.isAfter(from) ? new Interval(from, end) : null;
  }

  /** Whether the two share at least one instant (empty intervals overlap nothing). */
  public boolean overlaps(Interval other) {
    return intersection(other) != null;
  }

  /** The instants in both, or null if there are none. */
  public Interval intersection(Interval other) {
    Instant start = from.isAfter(other.from) ? from : other.from;
    Instant end = minEnd(to, other.to);
    if (end != null && !end.isAfter(start)) return null;
    return new Interval(start, end);
  }

  /** Length of a closed interval. */
  public Duration length() {
    if (to == null) throw new IllegalStateException("an open interval has no length; clip it first");
    return Duration.between(from, to);
  }

  /**
   * The union as disjoint, non-adjacent intervals sorted by start, so that no instant is counted
   * twice; empty intervals disappear and at most the last one is open.
   */
  public static List<Interval> union(Collection<Interval> intervals) {
    List<Interval> sorted = new ArrayList<>(intervals.size());
    for (Interval i : intervals) if (!i.isEmpty()) sorted.add(i);
    sorted.sort(Comparator.comparing(Interval::from));
    List<Interval> out = new ArrayList<>();
    Instant start = null;
    Instant end = null; // null = unbounded once start != null
    for (Interval i : sorted) {
      if (start != null && (end == null || !i.from.isAfter(end))) {
        end = maxEnd(end, i.to);
      } else {
        if (start != null) out.add(new Interval(start, end));
        start = i.from;
        end = i.to;
      }
    }
    if (start != null) out.add(new Interval(start, end));
    return out;
  }

  /** The instants in some interval of {@code kept} and in none of {@code removed}, as a {@link #union}. */
  public static List<Interval> subtract(Collection<Interval> kept, Collection<Interval> removed) {
    List<Interval> rest = union(kept);
    for (Interval cut : union(removed)) {
      List<Interval> next = new ArrayList<>(rest.size() + 1);
      for (Interval i : rest) {
        Interval overlap = i.intersection(cut);
        if (overlap == null) {
          next.add(i);
          continue;
        }
        if (i.from.isBefore(overlap.from)) next.add(new Interval(i.from, overlap.from));
        if (overlap.to != null && (i.to == null || overlap.to.isBefore(i.to))) next.add(new Interval(overlap.to, i.to));
      }
      rest = next;
    }
    return rest;
  }

  /** Every interval {@link #clip clipped} to {@code asOf}, the empty ones dropped. */
  public static List<Interval> clip(Collection<Interval> intervals, Instant asOf) {
    List<Interval> out = new ArrayList<>(intervals.size());
    for (Interval i : intervals) {
      Interval c = i.clip(asOf);
      if (c != null) out.add(c);
    }
    return out;
  }

  /** Exact length of the {@link #union} of closed intervals (overlaps counted once). */
  public static Duration total(Collection<Interval> intervals) {
    Duration sum = Duration.ZERO;
    for (Interval i : union(intervals)) sum = sum.plus(i.length());
    return sum;
  }

  /** Whole seconds in the {@link #total} of closed intervals, rounded down. */
  public static long totalSeconds(Collection<Interval> intervals) {
    return total(intervals).getSeconds(); // Duration keeps seconds floored with a non-negative nano part
  }

  private static Instant minEnd(Instant a, Instant b) {
    if (a == null) return b;
    if (b == null) return a;
    return a.isBefore(b) ? a : b;
  }

  private static Instant maxEnd(Instant a, Instant b) {
    if (a == null || b == null) return null;
    return a.isAfter(b) ? a : b;
  }
}

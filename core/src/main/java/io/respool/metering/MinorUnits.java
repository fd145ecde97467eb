package io.respool.metering;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Exact integer arithmetic on amounts in minor units. Amounts reach ~1e15 and are multiplied by
 * other amounts or basis points, so a product may leave 63 bits: {@link Math#multiplyHigh} detects
 * that and only then is the division done in {@link BigInteger} (as {@link io.respool.matching.Pricing} does).
 */
final class MinorUnits {
  private MinorUnits() {}

  /** floor(a × b / d) and its remainder. */
  record Quotient(long quotient, long remainder) {}

  /** floor(a × b / d) and the remainder, exactly, for a, b ≥ 0 and d > 0. */
  static Quotient mulDiv(long a, long b, long d) {
    if (a < 0 || b < 0 || d <= 0) throw new IllegalArgumentException("mulDiv needs a, b >= 0 and d > 0");
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if (hi == 0 && lo >= 0) return new Quotient(lo / d, lo % d);
    BigInteger[] qr = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divideAndRemainder(BigInteger.valueOf(d));
    return new Quotient(qr[0].longValueExact(), qr[1].longValueExact());
  }

  /** ceil(a × b / d), exactly, for a, b ≥ 0 and d > 0. */
  static long mulDivCeil(long a, long b, long d) {
    Quotient q = mulDiv(a, b, d);
    return q.remainder() == 0 ? q.quotient() : Math.addExact(q.quotient(), 1);
  }

  /**
   * Splits {@code amount} over the keys of {@code weights} in proportion to their weights by the
   * largest-remainder method: each key gets floor(amount × weight / Σ weights); the units left over
   * (fewer than the number of keys) go one each to the keys with the largest remainders, ties to the
   * smaller key. The parts add up to {@code amount} exactly, and when amount ≤ Σ weights no part
   * exceeds its weight. Every key is in the result, in key order.
   *
   * @throws IllegalArgumentException if an input is negative, or the weights are all 0 and amount is not
   */
  static SortedMap<String, Long> largestRemainder(Map<String, Long> weights, long amount) {
    if (amount < 0) throw new IllegalArgumentException("amount to split must not be negative, was " + amount);
    TreeMap<String, Long> sorted = new TreeMap<>(weights);
    long sum = 0;
    for (long w : sorted.values()) {
      if (w < 0) throw new IllegalArgumentException("weights must not be negative, was " + w);
      sum = Math.addExact(sum, w);
    }
    TreeMap<String, Long> parts = new TreeMap<>();
    if (sum == 0) {
      if (amount != 0) throw new IllegalArgumentException("cannot split " + amount + " over zero weights");
      sorted.keySet().forEach(k -> parts.put(k, 0L));
      return Collections.unmodifiableSortedMap(parts);
    }
    record Rest(String key, long remainder) {}
    List<Rest> rests = new ArrayList<>(sorted.size());
    long given = 0;
    for (Map.Entry<String, Long> e : sorted.entrySet()) {
      Quotient q = mulDiv(amount, e.getValue(), sum);
      parts.put(e.getKey(), q.quotient());
      given += q.quotient(); // ≤ amount
      rests.add(new Rest(e.getKey(), q.remainder()));
    }
    rests.sort(Comparator.comparingLong(Rest::remainder).reversed().thenComparing(Rest::key));
    long left = amount - given; // Σ of fractional parts, so < number of keys with a remainder
    for (int i = 0; i < left; i++) parts.merge(rests.get(i).key(), 1L, Long::sum);
    return Collections.unmodifiableSortedMap(parts);
  }
}

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
 * Exact integer arithmetic on amounts in minor units, in {@link BigInteger}: an amount in the base
 * unit of a chain (wei) leaves 63 bits beyond ~9.2 ETH, and amounts are multiplied by other amounts
 * or basis points. Nothing is ever rounded through floating point.
 */
final class MinorUnits {
  private MinorUnits() {}

  /** floor(a × b / d) and its remainder. */
  record Quotient(BigInteger quotient, BigInteger remainder) {}

  /** floor(a × b / d) and the remainder, exactly, for a, b ≥ 0 and d > 0. */
  static Quotient mulDiv(BigInteger a, BigInteger b, BigInteger d) {
    if (a.signum() < 0 || b.signum() < 0 || d.signum() <= 0) throw new IllegalArgumentException("mulDiv needs a, b >= 0 and d > 0");
    BigInteger[] qr = a.multiply(b).divideAndRemainder(d);
    return new Quotient(qr[0], qr[1]);
  }

  static Quotient mulDiv(BigInteger a, long b, long d) {
    return mulDiv(a, BigInteger.valueOf(b), BigInteger.valueOf(d));
  }

  /** ceil(a × b / d), exactly, for a, b ≥ 0 and d > 0. */
  static BigInteger mulDivCeil(BigInteger a, long b, long d) {
    Quotient q = mulDiv(a, b, d);
    return q.remainder().signum() == 0 ? q.quotient() : q.quotient().add(BigInteger.ONE);
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
  static SortedMap<String, BigInteger> largestRemainder(Map<String, BigInteger> weights, BigInteger amount) {
    if (amount.signum() < 0) throw new IllegalArgumentException("amount to split must not be negative, was " + amount);
    TreeMap<String, BigInteger> sorted = new TreeMap<>(weights);
    BigInteger sum = BigInteger.ZERO;
    for (BigInteger w : sorted.values()) {
      if (w.signum() < 0) throw new IllegalArgumentException("weights must not be negative, was " + w);
      sum = sum.add(w);
    }
    TreeMap<String, BigInteger> parts = new TreeMap<>();
    if (sum.signum() == 0) {
      if (amount.signum() != 0) throw new IllegalArgumentException("cannot split " + amount + " over zero weights");
      sorted.keySet().forEach(k -> parts.put(k, BigInteger.ZERO));
      return Collections.unmodifiableSortedMap(parts);
    }
    record Rest(String key, BigInteger remainder) {}
    List<Rest> rests = new ArrayList<>(sorted.size());
    BigInteger given = BigInteger.ZERO;
    for (Map.Entry<String, BigInteger> e : sorted.entrySet()) {
      Quotient q = mulDiv(amount, e.getValue(), sum);
      parts.put(e.getKey(), q.quotient());
      given = given.add(q.quotient()); // ≤ amount
      rests.add(new Rest(e.getKey(), q.remainder()));
    }
    rests.sort(Comparator.comparing(Rest::remainder).reversed().thenComparing(Rest::key));
    int left = amount.subtract(given).intValueExact(); // Σ of fractional parts, so < number of keys with a remainder
    for (int i = 0; i < left; i++) parts.merge(rests.get(i).key(), BigInteger.ONE, BigInteger::add);
    return Collections.unmodifiableSortedMap(parts);
  }

  /** The values as amounts. */
  static Map<String, BigInteger> amounts(Map<String, Long> values) {
    Map<String, BigInteger> out = new TreeMap<>();
    values.forEach((k, v) -> out.put(k, BigInteger.valueOf(v)));
    return out;
  }
}

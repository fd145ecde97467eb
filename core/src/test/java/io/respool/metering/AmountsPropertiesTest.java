package io.respool.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.respool.matching.Pricing;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Amounts became {@link BigInteger} (issue 15: more than 2⁶³ wei). Where an amount fits in a long,
 * the new arithmetic must give exactly what the long arithmetic gave: {@link LongMath} below is the
 * long implementation as it was (Pricing.cost, MinorUnits.mulDiv and largestRemainder, the fee and
 * the settlement split), kept here as the oracle. Beyond a long, the old code threw; the new one
 * goes on, and its invariants (parts add up exactly) still hold.
 */
class AmountsPropertiesTest {

  /** The long arithmetic before issue 15, as the reference. */
  static final class LongMath {
    /** floor(a × b / d) and the remainder, exactly; ArithmeticException when the quotient leaves a long. */
    static long[] mulDiv(long a, long b, long d) {
      long hi = Math.multiplyHigh(a, b);
      long lo = a * b;
      if (hi == 0 && lo >= 0) return new long[] {lo / d, lo % d};
      BigInteger[] qr = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divideAndRemainder(BigInteger.valueOf(d));
      return new long[] {qr[0].longValueExact(), qr[1].longValueExact()};
    }

    static long cost(long pricePerHour, long seconds) {
      long[] q = mulDiv(pricePerHour, seconds, 3600);
      return q[1] == 0 ? q[0] : Math.addExact(q[0], 1);
    }

    static SortedMap<String, Long> largestRemainder(Map<String, Long> weights, long amount) {
      TreeMap<String, Long> sorted = new TreeMap<>(weights);
      long sum = 0;
      for (long w : sorted.values()) sum = Math.addExact(sum, w);
      TreeMap<String, Long> parts = new TreeMap<>();
      if (sum == 0) {
        sorted.keySet().forEach(k -> parts.put(k, 0L));
        return parts;
      }
      List<long[]> rests = new ArrayList<>();
      List<String> keys = new ArrayList<>(sorted.keySet());
      long given = 0;
      for (int i = 0; i < keys.size(); i++) {
        long[] q = mulDiv(amount, sorted.get(keys.get(i)), sum);
        parts.put(keys.get(i), q[0]);
        given += q[0];
        rests.add(new long[] {i, q[1]});
      }
      rests.sort(Comparator.<long[]>comparingLong(r -> r[1]).reversed().thenComparing(r -> keys.get((int) r[0])));
      long left = amount - given;
      for (int i = 0; i < left; i++) parts.merge(keys.get((int) rests.get(i)[0]), 1L, Long::sum);
      return parts;
    }
  }

  static BigInteger big(long v) {
    return BigInteger.valueOf(v);
  }

  static Map<String, BigInteger> big(Map<String, Long> m) {
    Map<String, BigInteger> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, big(v)));
    return out;
  }

  /** Prices and durations over every magnitude, so that products cross 63 bits often. */
  static long magnitude(Random r) {
    int bits = r.nextInt(63);
    return bits == 0 ? 0 : r.nextLong() >>> (64 - bits);
  }

  @Test
  void costEqualsTheLongCostWhereItFitsAndGoesOnBeyond() {
    qt().withExamples(5000).forAll(longs().all()).checkAssert(seed -> {
      Random r = new Random(seed);
      long price = magnitude(r);
      long seconds = r.nextInt(4) == 0 ? magnitude(r) : r.nextInt(366 * 24 * 3600);
      BigInteger exact = Pricing.cost(price, seconds);
      try {
        assertThat(exact).isEqualTo(big(LongMath.cost(price, seconds)));
      } catch (ArithmeticException beyondLong) {
        assertThat(exact.bitLength()).as("the long code threw only beyond a long").isGreaterThanOrEqualTo(63);
      }
      // ceil(p × s / 3600) exactly: the next lower amount is not enough
      BigInteger product = big(price).multiply(big(seconds));
      assertThat(exact.multiply(big(3600))).isGreaterThanOrEqualTo(product);
      if (exact.signum() > 0) assertThat(exact.subtract(BigInteger.ONE).multiply(big(3600))).isLessThan(product);
    });
  }

  @Test
  void largestRemainderEqualsTheLongSplitWhereItFits() {
    qt().withExamples(3000).forAll(longs().all()).checkAssert(seed -> {
      Random r = new Random(seed);
      Map<String, Long> weights = new TreeMap<>();
      int n = 1 + r.nextInt(6);
      for (int i = 0; i < n; i++) weights.put("k" + r.nextInt(9), r.nextInt(3) == 0 ? 0L : magnitude(r) >>> 4);
      long amount = weights.values().stream().allMatch(w -> w == 0) ? 0 : magnitude(r);
      SortedMap<String, BigInteger> parts = MinorUnits.largestRemainder(big(weights), big(amount));
      assertThat(parts.values().stream().reduce(BigInteger.ZERO, BigInteger::add)).isEqualTo(big(amount));
      SortedMap<String, Long> old;
      try {
        old = LongMath.largestRemainder(weights, amount);
      } catch (ArithmeticException beyondLong) {
        return; // the old code could not split this (Σ weights beyond a long)
      }
      assertThat(parts).isEqualTo(big(old));
    });
  }

  @Test
  void settlementEqualsTheLongSettlementWhereItFits() {
    qt().withExamples(3000).forAll(longs().all(), integers().between(0, 10_000)).checkAssert((seed, feeBps) -> {
      Random r = new Random(seed);
      List<Bill.Line> lines = new ArrayList<>();
      Map<String, Long> byHost = new TreeMap<>();
      long total = 0;
      int n = 1 + r.nextInt(4);
      for (int i = 0; i < n; i++) {
        long amount = magnitude(r) >>> 3; // a few lines still add up inside a long
        String host = "h" + r.nextInt(3);
        lines.add(new Bill.Line("t" + i, host, 1, 0, big(amount)));
        byHost.merge(host, amount, Long::sum);
        total += amount;
      }
      long deposit = r.nextBoolean() ? total + (magnitude(r) >>> 3) : r.nextLong(total + 1);
      Settlement s = Settlement.of(big(deposit), Bill.of(lines), feeBps);
      long billed = Math.min(total, deposit);
      long fee = LongMath.mulDiv(billed, feeBps, Billing.BASIS_POINTS)[0];
      assertThat(s.billed()).isEqualTo(big(billed));
      assertThat(s.fee()).isEqualTo(big(fee));
      assertThat(s.refund()).isEqualTo(big(deposit - billed));
      assertThat(s.hostShares()).isEqualTo(big(LongMath.largestRemainder(byHost, billed - fee)));
    });
  }

  @Test
  void escrowSettlementEqualsTheLongFormulaWhereItFits() {
    qt().withExamples(3000).forAll(longs().all(), integers().between(0, 10_000)).checkAssert((seed, feeBps) -> {
      Random r = new Random(seed);
      long deposit = magnitude(r);
      long billed = r.nextBoolean() ? magnitude(r) : r.nextLong(deposit + 1);
      Bill bill = Bill.of(List.of(new Bill.Line("t", "h", 1, 0, big(billed))));
      EscrowSplit.Part p = EscrowSplit.settle(Map.of("h", big(deposit)), bill, feeBps).get(0);
      long used = Math.min(billed, deposit);
      long fee = LongMath.mulDiv(used, feeBps, Billing.BASIS_POINTS)[0];
      assertThat(List.of(p.used(), p.fee(), p.hostAmount(), p.refund())).containsExactly(big(used), big(fee), big(used - fee), big(deposit - used));
    });
  }

  /** Beyond 2⁶³: a deposit of 20 ETH in wei splits, settles and adds up exactly, as the contract computes it. */
  @Test
  void amountsBeyondALongSettleExactly() {
    BigInteger wei = BigInteger.TEN.pow(18);
    BigInteger deposit = wei.multiply(big(20)); // 2e19 > 2^63
    assertThat(deposit.bitLength()).isGreaterThan(63);
    Map<String, BigInteger> deposits = EscrowSplit.deposits(Map.of("a", 3L, "b", 1L), deposit);
    assertThat(deposits).containsEntry("a", wei.multiply(big(15))).containsEntry("b", wei.multiply(big(5)));
    BigInteger used = wei.multiply(big(12)).add(big(7));
    Bill bill = Bill.of(List.of(new Bill.Line("t1", "a", 3600, Long.MAX_VALUE, used)));
    EscrowSplit.Part a = EscrowSplit.settle(Map.of("a", deposits.get("a")), bill, 250).get(0);
    BigInteger fee = used.multiply(big(250)).divide(big(10_000));
    assertThat(a.fee()).isEqualTo(fee);
    assertThat(a.hostAmount()).isEqualTo(used.subtract(fee));
    assertThat(a.refund()).isEqualTo(wei.multiply(big(3)).subtract(big(7)));
    assertThat(Pricing.cost(Long.MAX_VALUE, 7200)).isEqualTo(big(Long.MAX_VALUE).multiply(big(2)));
  }
}

package io.respool.matching;

import io.respool.protocol.host.Prices;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Map;

/**
 * Prices in integer minor units, never floating point.
 *
 * <p>Rounding rule (always up, so a positive price never rounds to zero):
 * <ul>
 *   <li>price per hour of a part = ceil(cpuCoreHour × cpuMillis / 1000)
 *       + ceil(memoryGbHour × memoryMb / 1024) + storageGbHour × storageGb + gpuHour[model] × gpus;
 *   <li>cost of {@code seconds} at a price per hour = ceil(pricePerHour × seconds / 3600).
 * </ul>
 * Prices per hour are longs: {@link Math#multiplyHigh} detects when a product leaves 63 bits and
 * the division is then done in {@link BigInteger}; a price beyond a long throws
 * {@link ArithmeticException}. Costs (price × time) are {@link BigInteger}s, never capped.
 * (Seed 003 computed {@code (seconds / 3600) * price}, which bills every rental under an hour at 0.)
 */
public final class Pricing {
  private Pricing() {}

  /** Price per hour of these resources on a host with these prices; null if it has no price for {@code gpuModel}. */
  public static Long pricePerHour(Prices prices, long cpuMillis, long memoryMb, long storageGb, int gpus, String gpuModel) {
    long price = Math.addExact(mulDivCeil(prices.cpuCoreHour(), cpuMillis, 1000),
        mulDivCeil(prices.memoryGbHour(), memoryMb, 1024));
    price = Math.addExact(price, Math.multiplyExact(prices.storageGbHour(), storageGb));
    if (gpus > 0) {
      Long gpuHour = gpuHour(prices, gpuModel);
      if (gpuHour == null) return null;
      price = Math.addExact(price, Math.multiplyExact(gpuHour, (long) gpus));
    }
    return price;
  }

  /**
   * Cost of {@code seconds} at {@code pricePerHour}: ceil(pricePerHour × seconds / 3600), exactly and
   * unbounded (a day at a few ETH an hour is beyond a long in wei).
   */
  public static BigInteger cost(long pricePerHour, long seconds) {
    if (pricePerHour < 0 || seconds < 0) throw new IllegalArgumentException("price and seconds must not be negative");
    BigInteger[] qr = BigInteger.valueOf(pricePerHour).multiply(BigInteger.valueOf(seconds)).divideAndRemainder(HOUR);
    return qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
  }

  private static final BigInteger HOUR = BigInteger.valueOf(3600);

  /** A host's GPU-hour price for a model, matched case-insensitively (the hosts table stores models lower-cased). */
  public static Long gpuHour(Prices prices, String model) {
    if (model == null) return null;
    Map<String, Long> byModel = prices.gpuHour();
    Long exact = byModel.get(model);
    if (exact != null) return exact;
    String lower = model.toLowerCase(Locale.ROOT);
    for (Map.Entry<String, Long> e : byModel.entrySet()) {
      if (e.getKey().toLowerCase(Locale.ROOT).equals(lower)) return e.getValue();
    }
    return null;
  }

  /** ceil(a × b / d) for a, b ≥ 0 and d > 0, exactly. */
  static long mulDivCeil(long a, long b, long d) {
    if (a < 0 || b < 0 || d <= 0) throw new IllegalArgumentException("mulDivCeil needs a, b >= 0 and d > 0");
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if (hi == 0 && lo >= 0) return Math.ceilDiv(lo, d);
    BigInteger[] qr = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divideAndRemainder(BigInteger.valueOf(d));
    BigInteger q = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
    return q.longValueExact();
  }
}

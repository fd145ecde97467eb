package io.respool.suggestions;

import io.respool.matching.Pricing;
import io.respool.protocol.host.Prices;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What is known of one running booking when it is evaluated: what it reserved and pays, what it
 * used, and what the matcher quotes for it elsewhere.
 *
 * @param cpuMillis per replica reserved now
 * @param pricePerHour of the whole booking now
 * @param deposit what the renter paid in (the booking's cost)
 * @param billed what the meter has billed so far
 * @param asOf when the facts were read
 * @param endsAt when the booked time runs out (null before it starts)
 * @param tasks where its replicas run, with each host's prices (null when that host is offline)
 * @param cheaper the cheapest plan the matcher quotes on other hosts for the same demand, or null
 */
public record BookingFacts(String bookingId, String currency, int replicas, long cpuMillis, long memoryMb, long storageGb, int gpus,
    String gpuModel, long pricePerHour, long deposit, long billed, Instant asOf, Instant endsAt, long durationSeconds, List<Placed> tasks,
    UsageProfile usage, Quote cheaper) {

  public BookingFacts {
    tasks = List.copyOf(tasks);
  }

  /** One task of the booking on its host. */
  public record Placed(String taskId, String hostId, long pricePerHour, Prices hostPrices) {}

  /** A plan the matcher quoted. */
  public record Quote(List<String> hostIds, long pricePerHour) {
    public Quote {
      hostIds = List.copyOf(hostIds);
    }
  }

  /** Seconds of booked time left (the whole duration before it starts). */
  public long remainingSeconds() {
    if (endsAt == null) return durationSeconds;
    return Math.max(0, Duration.between(asOf, endsAt).toSeconds());
  }

  /** Seconds until the deposit is used up at the current price; null for a free booking. */
  public Long secondsUntilExhausted() {
    if (pricePerHour <= 0) return null;
    long left = Math.max(0, deposit - billed);
    return java.math.BigInteger.valueOf(left).multiply(java.math.BigInteger.valueOf(3600))
        .divide(java.math.BigInteger.valueOf(pricePerHour)).min(java.math.BigInteger.valueOf(Long.MAX_VALUE)).longValue();
  }

  /** What the rest of the booking costs at {@code price} per hour. */
  public long restCost(long price) {
    return saturated(Pricing.cost(price, remainingSeconds()));
  }

  /**
   * An amount as a long for advice, {@link Long#MAX_VALUE} beyond: suggestions compare and show
   * amounts, they never move money (settlement works on the exact {@link java.math.BigInteger}).
   */
  public static long saturated(java.math.BigInteger amount) {
    return amount.bitLength() < 64 ? amount.longValue() : amount.signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
  }
}

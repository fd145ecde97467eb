package io.respool.metering;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The arithmetic of a booking paid through an escrow that pays one host per rental: how the cost is
 * divided into one deposit per host, and how each deposit settles. The settlement mirrors the
 * contract exactly ({@code fee = used × feeBps / 10,000} rounded down, host {@code used − fee},
 * renter {@code deposit − used}), so what the gateway records is what the chain moves.
 */
public final class EscrowSplit {
  private EscrowSplit() {}

  /** One deposit's settlement. Invariants: used = fee + hostAmount, used + refund = deposit. */
  public record Part(String hostId, long deposit, long used, long fee, long hostAmount, long refund) {
    public Part {
      if (used < 0 || fee < 0 || hostAmount < 0 || refund < 0 || used != fee + hostAmount || used + refund != deposit) {
        throw new IllegalArgumentException("inconsistent part for " + hostId + ": deposit " + deposit + ", used " + used + ", fee " + fee
            + ", host " + hostAmount + ", refund " + refund);
      }
    }
  }

  /**
   * Divides {@code cost} into one deposit per host in proportion to the price per hour of the host's
   * tasks (largest remainder: the deposits add up to {@code cost} exactly). A host whose part would be
   * 0 is left out (the contract refuses empty rentals), so the result may have fewer hosts.
   */
  public static Map<String, Long> deposits(Map<String, Long> pricePerHourByHost, long cost) {
    if (pricePerHourByHost.isEmpty()) throw new IllegalArgumentException("a booking has at least one host");
    long total = pricePerHourByHost.values().stream().mapToLong(Long::longValue).sum();
    Map<String, Long> weights = total == 0 ? equalWeights(pricePerHourByHost) : pricePerHourByHost;
    TreeMap<String, Long> out = new TreeMap<>(MinorUnits.largestRemainder(weights, cost));
    out.values().removeIf(v -> v == 0);
    return Collections.unmodifiableSortedMap(out);
  }

  /**
   * Settles each deposit on the bill: a host is paid min(its lines' amounts, its deposit). Lines of a
   * host without a deposit are not billable (the escrow cannot pay that host).
   */
  public static List<Part> settle(Map<String, Long> depositByHost, Bill bill, int feeBasisPoints) {
    if (feeBasisPoints < 0 || feeBasisPoints > Billing.BASIS_POINTS) {
      throw new IllegalArgumentException("fee must be between 0 and 10000 basis points, was " + feeBasisPoints);
    }
    Map<String, Long> billed = new TreeMap<>();
    for (Bill.Line l : bill.lines()) billed.merge(l.hostId(), l.amount(), Math::addExact);
    List<Part> parts = new ArrayList<>();
    for (Map.Entry<String, Long> d : new TreeMap<>(depositByHost).entrySet()) {
      long deposit = d.getValue();
      long used = Math.min(billed.getOrDefault(d.getKey(), 0L), deposit);
      long fee = MinorUnits.mulDiv(used, feeBasisPoints, Billing.BASIS_POINTS).quotient();
      parts.add(new Part(d.getKey(), deposit, used, fee, used - fee, deposit - used));
    }
    return List.copyOf(parts);
  }

  /** The booking's whole settlement: the parts added up. */
  public static Settlement total(List<Part> parts) {
    long deposit = 0;
    long used = 0;
    long fee = 0;
    long refund = 0;
    Map<String, Long> shares = new TreeMap<>();
    for (Part p : parts) {
      deposit = Math.addExact(deposit, p.deposit());
      used = Math.addExact(used, p.used());
      fee = Math.addExact(fee, p.fee());
      refund = Math.addExact(refund, p.refund());
      shares.merge(p.hostId(), p.hostAmount(), Math::addExact);
    }
    return new Settlement(deposit, used, fee, refund, shares);
  }

  private static Map<String, Long> equalWeights(Map<String, Long> keys) {
    Map<String, Long> w = new TreeMap<>();
    keys.keySet().forEach(k -> w.put(k, 1L));
    return w;
  }
}

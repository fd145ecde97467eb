package io.respool.metering;

import java.math.BigInteger;
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
  public record Part(String hostId, BigInteger deposit, BigInteger used, BigInteger fee, BigInteger hostAmount, BigInteger refund) {
    public Part {
      if (used.signum() < 0 || fee.signum() < 0 || hostAmount.signum() < 0 || refund.signum() < 0 || !used.equals(fee.add(hostAmount))
          || !used.add(refund).equals(deposit)) {
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
  public static Map<String, BigInteger> deposits(Map<String, Long> pricePerHourByHost, BigInteger cost) {
    if (pricePerHourByHost.isEmpty()) throw new IllegalArgumentException("a booking has at least one host");
    long total = pricePerHourByHost.values().stream().mapToLong(Long::longValue).sum();
    return nonZero(MinorUnits.largestRemainder(total == 0 ? equalWeights(pricePerHourByHost) : MinorUnits.amounts(pricePerHourByHost), cost));
  }

  /**
   * Divides the {@code extra} of a top-up over a booking's deposits in proportion to what they hold
   * (largest remainder: the parts add up to {@code extra} exactly); a deposit whose part is 0 is left out.
   */
  public static Map<String, BigInteger> topUps(Map<String, BigInteger> depositByHost, BigInteger extra) {
    if (depositByHost.isEmpty()) return Map.of();
    return nonZero(MinorUnits.largestRemainder(depositByHost, extra));
  }

  private static Map<String, BigInteger> nonZero(Map<String, BigInteger> parts) {
    TreeMap<String, BigInteger> out = new TreeMap<>(parts);
    out.values().removeIf(v -> v.signum() == 0);
    return Collections.unmodifiableSortedMap(out);
  }

  /**
   * Settles each deposit on the bill: a host is paid min(its lines' amounts, its deposit). Lines of a
   * host without a deposit are not billable (the escrow cannot pay that host).
   */
  public static List<Part> settle(Map<String, BigInteger> depositByHost, Bill bill, int feeBasisPoints) {
    if (feeBasisPoints < 0 || feeBasisPoints > Billing.BASIS_POINTS) {
      throw new IllegalArgumentException("fee must be between 0 and 10000 basis points, was " + feeBasisPoints);
    }
    Map<String, BigInteger> billed = new TreeMap<>();
    for (Bill.Line l : bill.lines()) billed.merge(l.hostId(), l.amount(), BigInteger::add);
    List<Part> parts = new ArrayList<>();
    for (Map.Entry<String, BigInteger> d : new TreeMap<>(depositByHost).entrySet()) {
      BigInteger deposit = d.getValue();
      BigInteger used = billed.getOrDefault(d.getKey(), BigInteger.ZERO).min(deposit);
      BigInteger fee = MinorUnits.mulDiv(used, feeBasisPoints, Billing.BASIS_POINTS).quotient();
      parts.add(new Part(d.getKey(), deposit, used, fee, used.subtract(fee), deposit.subtract(used)));
    }
    return List.copyOf(parts);
  }

  /** The booking's whole settlement: the parts added up. */
  public static Settlement total(List<Part> parts) {
    BigInteger deposit = BigInteger.ZERO;
    BigInteger used = BigInteger.ZERO;
    BigInteger fee = BigInteger.ZERO;
    BigInteger refund = BigInteger.ZERO;
    Map<String, BigInteger> shares = new TreeMap<>();
    for (Part p : parts) {
      deposit = deposit.add(p.deposit());
      used = used.add(p.used());
      fee = fee.add(p.fee());
      refund = refund.add(p.refund());
      shares.merge(p.hostId(), p.hostAmount(), BigInteger::add);
    }
    return new Settlement(deposit, used, fee, refund, shares);
  }

  private static Map<String, BigInteger> equalWeights(Map<String, Long> keys) {
    Map<String, BigInteger> w = new TreeMap<>();
    keys.keySet().forEach(k -> w.put(k, BigInteger.ONE));
    return w;
  }
}

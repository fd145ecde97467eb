package io.respool.metering;

import java.math.BigInteger;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the deposit of a finished booking is divided, so that the settlement issues only move money.
 * Invariants (checked by the constructor): every part ≥ 0, billed + refund == deposit and
 * Σ hostShares + fee == billed, hence Σ hostShares + fee + refund == deposit exactly.
 *
 * @param billed what the renter pays: min(bill total, deposit)
 * @param fee the platform's part of {@code billed}
 * @param refund what goes back to the renter: deposit − billed
 * @param hostShares what each host is paid, by host id (sorted); every host with a line in the bill
 *     is present, possibly with 0
 */
public record Settlement(BigInteger deposit, BigInteger billed, BigInteger fee, BigInteger refund, Map<String, BigInteger> hostShares) {

  public Settlement {
    if (deposit.signum() < 0 || billed.signum() < 0 || fee.signum() < 0 || refund.signum() < 0) {
      throw new IllegalArgumentException("settlement parts must not be negative: deposit " + deposit + ", billed " + billed
          + ", fee " + fee + ", refund " + refund);
    }
    if (!billed.add(refund).equals(deposit)) throw new IllegalArgumentException("billed " + billed + " + refund " + refund + " != deposit " + deposit);
    BigInteger paid = fee;
    for (Map.Entry<String, BigInteger> e : hostShares.entrySet()) {
      if (e.getValue() == null || e.getValue().signum() < 0) throw new IllegalArgumentException("share of host " + e.getKey() + " is " + e.getValue());
      paid = paid.add(e.getValue());
    }
    if (!paid.equals(billed)) throw new IllegalArgumentException("host shares + fee = " + paid + " != billed " + billed);
    hostShares = Collections.unmodifiableSortedMap(new TreeMap<>(hostShares));
  }

  /**
   * Settles a booking.
   * <ul>
   *   <li>billed = min(bill.total, deposit) (the bill may be {@link Billing#cappedAt capped} already or not);
   *   <li>fee = floor(billed × feeBasisPoints / 10,000), computed exactly (rounded down, in the renter's and host's favour);
   *   <li>refund = deposit − billed;
   *   <li>billed − fee is split over the hosts in proportion to the sum of their lines' amounts by the
   *       largest-remainder method: each host gets floor(pool × hostAmount / bill.total), and the units left
   *       over go one each to the hosts with the largest remainders, ties to the smaller host id. No host
   *       gets more than its lines' amounts.
   * </ul>
   *
   * @throws IllegalArgumentException if deposit < 0 or feeBasisPoints is outside [0, 10,000]
   */
  public static Settlement of(BigInteger deposit, Bill bill, int feeBasisPoints) {
    if (deposit.signum() < 0) throw new IllegalArgumentException("deposit must not be negative, was " + deposit);
    if (feeBasisPoints < 0 || feeBasisPoints > Billing.BASIS_POINTS) {
      throw new IllegalArgumentException("fee must be between 0 and 10000 basis points, was " + feeBasisPoints);
    }
    if (bill == null) throw new IllegalArgumentException("bill is required");
    BigInteger billed = bill.total().min(deposit);
    BigInteger fee = MinorUnits.mulDiv(billed, feeBasisPoints, Billing.BASIS_POINTS).quotient();
    Map<String, BigInteger> byHost = new TreeMap<>();
    for (Bill.Line l : bill.lines()) byHost.merge(l.hostId(), l.amount(), BigInteger::add);
    return new Settlement(deposit, billed, fee, deposit.subtract(billed), MinorUnits.largestRemainder(byHost, billed.subtract(fee)));
  }
}

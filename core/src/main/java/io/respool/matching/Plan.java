package io.respool.matching;

import java.math.BigInteger;
import java.util.List;

/**
 * A complete placement of every replica, to be reserved all-or-nothing.
 *
 * @param pricePerHour sum of the placements' prices per hour
 * @param cost what the whole duration costs: the sum of each placement's
 *     {@link Pricing#cost cost} (each rounded up once), so per-host payouts add up to it exactly
 * @param seconds the duration priced
 */
public record Plan(List<Placement> placements, long pricePerHour, BigInteger cost, long seconds) implements Result {
  public Plan {
    placements = List.copyOf(placements);
  }

  public static Plan of(List<Placement> placements, long seconds) {
    long price = 0;
    BigInteger cost = BigInteger.ZERO;
    for (Placement p : placements) {
      price = Math.addExact(price, p.pricePerHour());
      cost = cost.add(Pricing.cost(p.pricePerHour(), seconds));
    }
    return new Plan(placements, price, cost, seconds);
  }
}

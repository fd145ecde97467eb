package io.respool.metering;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a booking owes at one instant: one line per task (task ids unique; {@link Billing#bill} sorts them by id).
 *
 * @param total Σ of the lines' amounts, exactly (checked)
 */
public record Bill(List<Line> lines, BigInteger total) {

  /**
   * One task's part of a {@link Bill}.
   *
   * @param billedSeconds whole seconds billed (see {@link Billing#bill} for the rounding)
   * @param amount {@link io.respool.matching.Pricing#cost Pricing.cost}(pricePerHour, billedSeconds)
   *     = ceil(pricePerHour × billedSeconds / 3600), or less in a bill {@link Billing#cappedAt capped} at a deposit
   */
  public record Line(String taskId, String hostId, long billedSeconds, long pricePerHour, BigInteger amount) {
    public Line {
      if (taskId == null || hostId == null) throw new IllegalArgumentException("a bill line needs a task and a host");
      if (billedSeconds < 0 || pricePerHour < 0 || amount == null || amount.signum() < 0) {
        throw new IllegalArgumentException("bill line of " + taskId + " has a negative number: " + billedSeconds + " s, "
            + pricePerHour + "/h, amount " + amount);
      }
    }
  }

  public Bill {
    lines = List.copyOf(lines);
    BigInteger sum = BigInteger.ZERO;
    Set<String> tasks = new HashSet<>();
    for (Line l : lines) {
      if (!tasks.add(l.taskId())) throw new IllegalArgumentException("task " + l.taskId() + " has two lines in one bill");
      sum = sum.add(l.amount());
    }
    if (!sum.equals(total)) throw new IllegalArgumentException("bill total " + total + " is not the sum of its lines " + sum);
  }

  public static Bill of(List<Line> lines) {
    BigInteger sum = BigInteger.ZERO;
    for (Line l : lines) sum = sum.add(l.amount());
    return new Bill(lines, sum);
  }
}

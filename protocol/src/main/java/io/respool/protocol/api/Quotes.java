package io.respool.protocol.api;

import java.util.List;

/** Wire records of {@code POST /v1/quotes}: what a request would cost on the best matches, nothing reserved. */
public final class Quotes {
  private Quotes() {}

  /**
   * Omitted numbers are 0 (replicas 1, alternatives 3); {@code durationSeconds} is required.
 *
 * @param cpu cores per replica (thousandths allowed)
   * @param image the container image; without one the workload runs as a plain process
   * @param maxPricePerHour cap per replica, in minor units of {@code currency} per hour
   * @param strategy cheapest, best-fit or spread
   * @param alternatives how many alternative plans to return (1-10)
   * @param minUptime the share of its registered life a host must have been online, in [0, 1]
   */
  public record Request(Double cpu, Long memoryMb, Long storageGb, Integer gpus, String gpuModel, String arch, String region,
      String image, String currency, Long maxPricePerHour, Integer replicas, Boolean splittable, Long durationSeconds,
      String strategy, Integer alternatives, Double minUptime) {}

  public record Placement(String hostId, int replica, double cpu, long memoryMb, long storageGb, int gpus, String gpuModel,
      long pricePerHour) {}

  /** {@code cost} is for the whole duration: per placement ceil(pricePerHour × seconds / 3600), summed. */
  public record Plan(List<Placement> placements, long pricePerHour, java.math.BigInteger cost, String currency, long durationSeconds) {}

  public record Refusal(String reason, String message) {}

  /** The plans, best first; {@code refusal} says why there are none (or fewer than asked). */
  public record Response(List<Plan> plans, Refusal refusal) {}
}

package io.respool.suggestions;

import java.time.Duration;

/**
 * The knobs of the rules. {@link #DEFAULTS} follows the Kubernetes VPA recommender where it has an
 * opinion (target at the 90th percentile plus a 15 % margin).
 *
 * @param minSamples fewer samples than this and no resize is suggested
 * @param minSpan nor over a shorter window
 * @param margin added to the percentile (0.15 = 15 %)
 * @param minReduction a downsize must cut CPU or memory by at least this share
 * @param cpuStepMillis sizes are rounded up to this many millicores
 * @param minCpuMillis never below this
 * @param memoryStepMb sizes are rounded up to this many MiB
 * @param minMemoryMb never below this
 * @param throttledShare CPU at its 90th percentile at or above this share of the reservation counts as throttled
 * @param memoryNearShare a memory peak at or above this share of the reservation is near the limit
 * @param idleCores below this CPU rate a task is idle
 * @param idleBytesPerSecond and below this network rate
 * @param idleFor idle this long and a stop is suggested
 * @param gpuUnusedBelow a GPU busy less than this at the 99th percentile is unused
 * @param cheaperShare a quote elsewhere must be at least this much cheaper
 * @param minMarketHosts the market must have this many offers before a host's prices are compared with it
 * @param minUptime a host online less than this share of its life is told so
 * @param idleCapacityShare a host with at least this share of its CPU free has idle capacity
 */
public record Thresholds(int minSamples, Duration minSpan, double margin, double minReduction, long cpuStepMillis, long minCpuMillis,
    long memoryStepMb, long minMemoryMb, double throttledShare, double memoryNearShare, double idleCores, double idleBytesPerSecond,
    Duration idleFor, double gpuUnusedBelow, double cheaperShare, int minMarketHosts, double minUptime, double idleCapacityShare) {

  public static final Thresholds DEFAULTS = new Thresholds(60, Duration.ofMinutes(5), 0.15, 0.20, 50, 100, 64, 128, 0.95, 0.90, 0.02,
      1024, Duration.ofMinutes(30), 0.05, 0.10, 3, 0.95, 0.75);

  public Thresholds {
    if (minSamples < 2) throw new IllegalArgumentException("minSamples must be at least 2");
    if (margin < 0 || minReduction <= 0 || minReduction >= 1) throw new IllegalArgumentException("margin >= 0 and minReduction in (0, 1)");
    if (cpuStepMillis < 1 || memoryStepMb < 1) throw new IllegalArgumentException("steps must be positive");
  }

  public Thresholds withMinSamples(int n, Duration span) {
    return new Thresholds(n, span, margin, minReduction, cpuStepMillis, minCpuMillis, memoryStepMb, minMemoryMb, throttledShare,
        memoryNearShare, idleCores, idleBytesPerSecond, idleFor, gpuUnusedBelow, cheaperShare, minMarketHosts, minUptime, idleCapacityShare);
  }

  public Thresholds withIdleFor(Duration d) {
    return new Thresholds(minSamples, minSpan, margin, minReduction, cpuStepMillis, minCpuMillis, memoryStepMb, minMemoryMb, throttledShare,
        memoryNearShare, idleCores, idleBytesPerSecond, d, gpuUnusedBelow, cheaperShare, minMarketHosts, minUptime, idleCapacityShare);
  }
}

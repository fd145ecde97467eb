package io.respool.matching;

import java.time.Duration;

/**
 * What a renter asks for, per replica.
 *
 * @param gpuModel GPU model (case-insensitive), or null for any model when {@code gpus > 0}
 * @param arch CPU architecture as hosts report it (e.g. {@code amd64}), or null for any
 * @param region or null for any
 * @param maxPricePerHour cap per replica per hour in minor units of the host's currency, or null
 * @param minUptime minimum uptime fraction in [0, 1], or null
 * @param minReputation minimum reputation in [0, 1], or null
 * @param requiredDriver task driver the workload needs ({@code docker} or {@code process})
 * @param splittable whether one replica may be split across several hosts: CPU and memory are
 *     split, storage stays whole on the first part's host, and a replica with GPUs never splits
 * @param duration how long the capacity is rented (at least one second)
 * @param payoutChain the chain the booking pays its hosts on through an escrow ({@code ethereum},
 *     {@code solana}), so only hosts with a payout address there qualify; null when nothing is paid
 *     to the host on a chain (unpaid bookings, quotes)
 */
public record Demand(
    long cpuMillis,
    long memoryMb,
    long storageGb,
    int gpus,
    String gpuModel,
    String arch,
    String region,
    Long maxPricePerHour,
    Double minUptime,
    Double minReputation,
    String requiredDriver,
    int replicas,
    boolean splittable,
    Duration duration,
    String payoutChain) {

  /** Bounds that keep every price computation inside a long; anything larger is absurd input. */
  public static final long MAX_CPU_MILLIS = 4096L * 1000;
  public static final long MAX_MEMORY_MB = 1L << 34;
  public static final long MAX_STORAGE_GB = 1L << 30;
  public static final int MAX_GPUS = 1024;
  public static final int MAX_REPLICAS = 1000;

  public Demand {
    range("cpuMillis", cpuMillis, 0, MAX_CPU_MILLIS);
    range("memoryMb", memoryMb, 0, MAX_MEMORY_MB);
    range("storageGb", storageGb, 0, MAX_STORAGE_GB);
    range("gpus", gpus, 0, MAX_GPUS);
    range("replicas", replicas, 1, MAX_REPLICAS);
    if (cpuMillis == 0 && memoryMb == 0 && storageGb == 0 && gpus == 0) {
      throw new IllegalArgumentException("demand asks for no resources");
    }
    if (maxPricePerHour != null) range("maxPricePerHour", maxPricePerHour, 0, Long.MAX_VALUE);
    if (minUptime != null && !(minUptime >= 0 && minUptime <= 1)) throw new IllegalArgumentException("minUptime must be in [0, 1]");
    if (minReputation != null && !(minReputation >= 0 && minReputation <= 1)) throw new IllegalArgumentException("minReputation must be in [0, 1]");
    if (requiredDriver == null || requiredDriver.isBlank()) throw new IllegalArgumentException("requiredDriver is required");
    if (duration == null || duration.compareTo(Duration.ofSeconds(1)) < 0) throw new IllegalArgumentException("duration must be at least 1 s");
    if (gpuModel != null && gpuModel.isBlank()) gpuModel = null;
    if (arch != null && arch.isBlank()) arch = null;
    if (region != null && region.isBlank()) region = null;
    if (payoutChain != null && payoutChain.isBlank()) payoutChain = null;
  }

  /** A demand that pays no host on a chain. */
  public Demand(long cpuMillis, long memoryMb, long storageGb, int gpus, String gpuModel, String arch, String region,
      Long maxPricePerHour, Double minUptime, Double minReputation, String requiredDriver, int replicas, boolean splittable,
      Duration duration) {
    this(cpuMillis, memoryMb, storageGb, gpus, gpuModel, arch, region, maxPricePerHour, minUptime, minReputation, requiredDriver,
        replicas, splittable, duration, null);
  }

  /** The simplest demand: one docker replica, nothing else constrained, one hour. */
  public static Demand of(long cpuMillis, long memoryMb) {
    return new Demand(cpuMillis, memoryMb, 0, 0, null, null, null, null, null, null, "docker", 1, false, Duration.ofHours(1));
  }

  /** What one replica needs. */
  public Capacity perReplica() {
    return new Capacity(cpuMillis, memoryMb, storageGb, gpus);
  }

  /** Whole seconds of the rental, rounded up. */
  public long seconds() {
    return duration.getSeconds() + (duration.getNano() > 0 ? 1 : 0);
  }

  public Demand withReplicas(int n) {
    return new Demand(cpuMillis, memoryMb, storageGb, gpus, gpuModel, arch, region, maxPricePerHour, minUptime, minReputation, requiredDriver, n, splittable, duration, payoutChain);
  }

  public Demand withSplittable(boolean s) {
    return new Demand(cpuMillis, memoryMb, storageGb, gpus, gpuModel, arch, region, maxPricePerHour, minUptime, minReputation, requiredDriver, replicas, s, duration, payoutChain);
  }

  public Demand withGpus(int n, String model) {
    return new Demand(cpuMillis, memoryMb, storageGb, n, model, arch, region, maxPricePerHour, minUptime, minReputation, requiredDriver, replicas, splittable, duration, payoutChain);
  }

  public Demand withPlace(String region, String arch) {
    return new Demand(cpuMillis, memoryMb, storageGb, gpus, gpuModel, arch, region, maxPricePerHour, minUptime, minReputation, requiredDriver, replicas, splittable, duration, payoutChain);
  }

  public Demand withMaxPricePerHour(Long cap) {
    return new Demand(cpuMillis, memoryMb, storageGb, gpus, gpuModel, arch, region, cap, minUptime, minReputation, requiredDriver, replicas, splittable, duration, payoutChain);
  }

  public Demand withMinimums(Double uptime, Double reputation) {
    return new Demand(cpuMillis, memoryMb, storageGb, gpus, gpuModel, arch, region, maxPricePerHour, uptime, reputation, requiredDriver, replicas, splittable, duration, payoutChain);
  }

  public Demand withDriver(String driver) {
    return new Demand(cpuMillis, memoryMb, storageGb, gpus, gpuModel, arch, region, maxPricePerHour, minUptime, minReputation, driver, replicas, splittable, duration, payoutChain);
  }

  public Demand withStorageGb(long gb) {
    return new Demand(cpuMillis, memoryMb, gb, gpus, gpuModel, arch, region, maxPricePerHour, minUptime, minReputation, requiredDriver, replicas, splittable, duration, payoutChain);
  }

  public Demand withDuration(Duration d) {
    return new Demand(cpuMillis, memoryMb, storageGb, gpus, gpuModel, arch, region, maxPricePerHour, minUptime, minReputation, requiredDriver, replicas, splittable, d, payoutChain);
  }

  public Demand withPayoutChain(String chain) {
    return new Demand(cpuMillis, memoryMb, storageGb, gpus, gpuModel, arch, region, maxPricePerHour, minUptime, minReputation, requiredDriver, replicas, splittable, duration, chain);
  }

  private static void range(String name, long v, long min, long max) {
    if (v < min || v > max) throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], was " + v);
  }
}

package io.respool.matching;

/**
 * An amount of capacity in the units the hosts table stores: CPU in thousandths of a core,
 * memory in MiB, storage in GiB, whole GPUs. Never negative.
 */
public record Capacity(long cpuMillis, long memoryMb, long storageGb, int gpus) {
  public static final Capacity ZERO = new Capacity(0, 0, 0, 0);

  public Capacity {
    if (cpuMillis < 0 || memoryMb < 0 || storageGb < 0 || gpus < 0) {
      throw new IllegalArgumentException("capacity must not be negative: " + cpuMillis + "m cpu, " + memoryMb
          + " MiB, " + storageGb + " GiB, " + gpus + " gpus");
    }
  }

  public boolean fits(Capacity request) {
    return request.cpuMillis <= cpuMillis && request.memoryMb <= memoryMb && request.storageGb <= storageGb
        && request.gpus <= gpus;
  }

  public Capacity plus(Capacity o) {
    return new Capacity(Math.addExact(cpuMillis, o.cpuMillis), Math.addExact(memoryMb, o.memoryMb),
        Math.addExact(storageGb, o.storageGb), Math.addExact(gpus, o.gpus));
  }

  /** @throws IllegalArgumentException if {@code o} does not fit (a result would be negative) */
  public Capacity minus(Capacity o) {
    return new Capacity(cpuMillis - o.cpuMillis, memoryMb - o.memoryMb, storageGb - o.storageGb, gpus - o.gpus);
  }

  public boolean isZero() {
    return cpuMillis == 0 && memoryMb == 0 && storageGb == 0 && gpus == 0;
  }
}

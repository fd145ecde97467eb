package io.respool.matching;

/**
 * One part of a plan: what is reserved on one host for one replica. A split replica has several
 * placements with the same {@code replica} index on different hosts.
 *
 * @param gpuModel the model priced for {@code gpus}, or null when {@code gpus == 0}
 * @param pricePerHour {@link Pricing#pricePerHour} of this part, minor units
 */
public record Placement(
    String hostId, int replica, long cpuMillis, long memoryMb, long storageGb, int gpus, String gpuModel, long pricePerHour) {

  public Capacity capacity() {
    return new Capacity(cpuMillis, memoryMb, storageGb, gpus);
  }
}

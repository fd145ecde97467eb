package io.respool.protocol.api;

/** An amount of capacity: CPU in cores (thousandths), memory in MiB, storage in GiB, whole GPUs. */
public record Resources(double cpu, long memoryMb, long storageGb, int gpus) {
  public static Resources of(long cpuMillis, long memoryMb, long storageGb, int gpus) {
    return new Resources(cpuMillis / 1000.0, memoryMb, storageGb, gpus);
  }
}

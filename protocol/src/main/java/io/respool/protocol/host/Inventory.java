package io.respool.protocol.host;

import java.util.List;

/** What a host measured of itself. Memory in MiB, storage in GiB. */
public record Inventory(
    int cpuCores,
    int cpuThreads,
    String cpuModel,
    long memoryMb,
    long storageGb,
    List<Disk> disks,
    List<Gpu> gpus,
    String os,
    String arch) {

  public Inventory {
    Checks.range("inventory.cpuCores", cpuCores, 1, 4096);
    Checks.range("inventory.cpuThreads", cpuThreads, cpuCores, 8192);
    Checks.text("inventory.cpuModel", cpuModel, 200);
    Checks.range("inventory.memoryMb", memoryMb, 1, 1L << 34);
    Checks.range("inventory.storageGb", storageGb, 0, 1L << 30);
    disks = Checks.list("inventory.disks", disks, 64);
    gpus = Checks.list("inventory.gpus", gpus, 64);
    Checks.text("inventory.os", os, 200);
    Checks.text("inventory.arch", arch, 40);
  }

  public record Disk(String name, long totalGb, long freeGb) {
    public Disk {
      Checks.text("disk.name", name, 200);
      Checks.range("disk.totalGb", totalGb, 0, 1L << 30);
      Checks.range("disk.freeGb", freeGb, 0, totalGb);
    }
  }

  public record Gpu(int index, String model, long memoryMb, String uuid) {
    public Gpu {
      Checks.range("gpu.index", index, 0, 1024);
      Checks.text("gpu.model", model, 200);
      Checks.range("gpu.memoryMb", memoryMb, 0, 1L << 24);
      if (uuid != null) Checks.text("gpu.uuid", uuid, 100);
    }
  }
}

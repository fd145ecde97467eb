package io.respool.hostworker;

import io.respool.protocol.host.Inventory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.software.os.OSFileStore;
import oshi.software.os.OperatingSystem;

/**
 * The host as OSHI sees it, plus the GPUs of a {@link GpuProbe}. Blocking (reads /proc and /sys).
 *
 * <p>Offered storage ({@code storageGb}) is the usable space of the file store holding the
 * worker's home, not the sum over all disks: that is where the worker keeps work data, and summing
 * mounts would count bind mounts and overlays of one device several times and offer read-only or
 * system volumes. {@code disks} still lists every local file store for information.
 */
public final class OshiInventoryProbe implements InventoryProbe {
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;
  /** RAM-backed or read-only image file systems: not storage anyone can rent. */
  private static final Set<String> SKIPPED_TYPES = Set.of("tmpfs", "devtmpfs", "ramfs", "squashfs", "iso9660");

  private final SystemInfo system;
  private final GpuProbe gpus;
  private final Path home;

  public OshiInventoryProbe(SystemInfo system, GpuProbe gpus, Path home) {
    this.system = system;
    this.gpus = gpus;
    this.home = home;
  }

  @Override
  public Inventory probe() {
    CentralProcessor cpu = system.getHardware().getProcessor();
    int cores = Math.max(1, cpu.getPhysicalProcessorCount());
    int threads = Math.max(cores, cpu.getLogicalProcessorCount());
    String model = cpu.getProcessorIdentifier().getName();
    long memoryMb = Math.max(1, system.getHardware().getMemory().getTotal() / MIB);
    OperatingSystem os = system.getOperatingSystem();
    return new Inventory(cores, threads, clip(model == null || model.isBlank() ? "unknown" : model.trim(), 200),
        memoryMb, storageGb(), disks(os), gpus.probe(), clip(os.getFamily() + " " + os.getVersionInfo(), 200), arch());
  }

  private long storageGb() {
    try {
      return Files.getFileStore(home).getUsableSpace() / GIB;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read free space of " + home, e);
    }
  }

  private List<Inventory.Disk> disks(OperatingSystem os) {
    List<Inventory.Disk> disks = new ArrayList<>();
    Set<String> volumes = new HashSet<>();
    // shortest mount first, so a device mounted several times is listed under its main mount
    List<OSFileStore> stores = new ArrayList<>(os.getFileSystem().getFileStores(true));
    stores.sort(Comparator.comparingInt(s -> s.getMount().length()));
    for (OSFileStore store : stores) {
      long totalGb = store.getTotalSpace() / GIB;
      if (totalGb < 1 || SKIPPED_TYPES.contains(store.getType()) || !volumes.add(store.getVolume())) continue;
      long freeGb = Math.min(totalGb, store.getUsableSpace() / GIB);
      disks.add(new Inventory.Disk(clip(store.getMount(), 200), totalGb, freeGb));
      if (disks.size() == 64) break;
    }
    return disks;
  }

  private String arch() {
    String arch = System.getProperty("os.arch", "unknown");
    return arch.equals("amd64") ? "x86_64" : arch;
  }

  private String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}

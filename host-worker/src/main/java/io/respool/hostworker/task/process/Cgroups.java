package io.respool.hostworker.task.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The cgroup v1 controllers the driver may use on this host: {@code memory} (limit and OOM
 * kills), {@code cpu} (CFS quota) and {@code cpuacct} (CPU seconds). Task cgroups are created
 * under the worker's own cgroup of each hierarchy, so whatever limits the worker itself runs under
 * (a systemd unit with {@code Delegate=yes}, a container) still bound its tasks. A controller that
 * is missing or not writable is simply not used; the driver's capabilities say so.
 *
 * <p>cgroup v2 is not used: its "no internal processes" rule would require moving the worker out
 * of its own cgroup first.
 */
final class Cgroups {
  private final Path memory;
  private final Path cpu;
  private final Path cpuacct;

  private Cgroups(Path memory, Path cpu, Path cpuacct) {
    this.memory = memory;
    this.cpu = cpu;
    this.cpuacct = cpuacct;
  }

  /** No cgroups: limits fall back to rlimits, stats to {@code /proc}. */
  static Cgroups none() {
    return new Cgroups(null, null, null);
  }

  /** Finds the writable v1 controllers from this process's {@code /proc/self} files. */
  static Cgroups detect(Path proc) {
    List<String> mounts = lines(proc.resolve("self/mountinfo"));
    List<String> own = lines(proc.resolve("self/cgroup"));
    return new Cgroups(
        usable(mounts, own, "memory", "memory.limit_in_bytes"),
        usable(mounts, own, "cpu", "cpu.cfs_quota_us"),
        usable(mounts, own, "cpuacct", "cpuacct.usage"));
  }

  boolean limitsMemory() { return memory != null; }

  boolean limitsCpu() { return cpu != null; }

  boolean countsCpu() { return cpuacct != null; }

  /** Whether swap is charged too, so a task cannot swap its way past the limit. */
  boolean chargesSwap() { return memory != null && Files.exists(memory.resolve("memory.memsw.limit_in_bytes")); }

  /** Where a task's cgroups go (not created yet). */
  TaskCgroups plan(String name) {
    return new TaskCgroups(child(memory, name), child(cpu, name), child(cpuacct, name));
  }

  private static Path child(Path parent, String name) {
    return parent == null ? null : parent.resolve(name);
  }

  private static Path usable(List<String> mounts, List<String> own, String controller, String probeFile) {
    Optional<Path> parent = parentOf(mounts, own, controller);
    if (parent.isEmpty()) return null;
    Path probe = parent.get().resolve("respool-probe-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    try {
      Files.createDirectory(probe);
      try {
        return Files.isWritable(probe.resolve(probeFile)) ? parent.get() : null;
      } finally {
        Files.delete(probe);
      }
    } catch (IOException | RuntimeException e) {
      return null; // read-only hierarchy or not allowed: not usable here
    }
  }

  /** The directory of this process's cgroup in the v1 hierarchy holding {@code controller}. */
  private static Optional<Path> parentOf(List<String> mounts, List<String> own, String controller) {
    for (String m : mounts) {
      // "<id> <parent> <dev> <root> <mount point> <opts> [optional...] - <fstype> <source> <super opts>"
      int dash = m.indexOf(" - ");
      if (dash < 0) continue;
      String[] before = m.substring(0, dash).split(" ");
      String[] after = m.substring(dash + 3).split(" ");
      if (before.length < 5 || after.length < 3 || !after[0].equals("cgroup") || !List.of(after[2].split(",")).contains(controller)) continue;
      String root = before[3];
      for (String line : own) {
        String[] f = line.split(":", 3); // "<id>:<controllers>:<path>"
        if (f.length == 3 && List.of(f[1].split(",")).contains(controller)) {
          String path = f[2];
          if (!root.equals("/")) {
            if (!path.startsWith(root)) return Optional.empty();
            path = path.substring(root.length());
          }
          return Optional.of(Path.of(before[4], path.isEmpty() ? "/" : path).normalize());
        }
      }
    }
    return Optional.empty();
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      return List.of();
    }
  }
}

package io.respool.hostworker.task.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** One task's cgroup v1 directories (null for a controller not used); cpu and cpuacct may share one. */
record TaskCgroups(Path memory, Path cpu, Path cpuacct) {
  private static final long CFS_MIN_QUOTA_US = 1_000;

  /** The distinct directories, for joining, listing and removing. */
  List<Path> dirs() {
    Set<Path> dirs = new LinkedHashSet<>();
    for (Path p : new Path[] {memory, cpu, cpuacct}) if (p != null) dirs.add(p);
    return List.copyOf(dirs);
  }

  /** Creates the directories and writes the limits. */
  void create(long memoryBytes, long cpuMillis) throws IOException {
    for (Path dir : dirs()) Files.createDirectory(dir);
    if (memory != null) {
      write(memory.resolve("memory.limit_in_bytes"), memoryBytes);
      Path memsw = memory.resolve("memory.memsw.limit_in_bytes");
      if (Files.exists(memsw)) write(memsw, memoryBytes); // memory + swap: no swapping past the limit
    }
    if (cpu != null) {
      long period = Long.parseLong(Files.readString(cpu.resolve("cpu.cfs_period_us")).strip());
      write(cpu.resolve("cpu.cfs_quota_us"), Math.max(CFS_MIN_QUOTA_US, cpuMillis * period / 1000));
    }
  }

  /**
   * Whether the kernel OOM-killed a process of the task. {@code oom_kill} in {@code
   * memory.oom_control} counts exactly that (Linux ≥ 4.13); older kernels only say the limit was
   * hit ({@code failcnt}), which together with a SIGKILL exit is taken as an OOM kill.
   */
  boolean oomKilled(Integer exitCode) {
    if (memory == null) return false;
    try {
      for (String line : Files.readAllLines(memory.resolve("memory.oom_control"))) {
        if (line.startsWith("oom_kill ")) return Long.parseLong(line.substring(9).strip()) > 0;
      }
      return exitCode != null && exitCode == 137 && Long.parseLong(Files.readString(memory.resolve("memory.failcnt")).strip()) > 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** CPU seconds used by the task's processes so far, or -1 when not counted. */
  double cpuSeconds() {
    if (cpuacct == null) return -1;
    try {
      return Long.parseLong(Files.readString(cpuacct.resolve("cpuacct.usage")).strip()) / 1e9;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Memory charged to the task now (RSS and page cache), or -1 when not counted. */
  long memoryBytes() {
    if (memory == null) return -1;
    try {
      return Long.parseLong(Files.readString(memory.resolve("memory.usage_in_bytes")).strip());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Pids of the processes in any of the task's cgroups. */
  Set<Long> pids() {
    Set<Long> pids = new LinkedHashSet<>();
    for (Path dir : dirs()) {
      try (Stream<String> lines = Files.lines(dir.resolve("cgroup.procs"))) {
        lines.filter(l -> !l.isBlank()).forEach(l -> pids.add(Long.parseLong(l.strip())));
      } catch (IOException | RuntimeException e) {
        // removed already
      }
    }
    return pids;
  }

  /** Removes the directories; the kernel refuses while a process is still in one, so retry briefly. */
  void remove() {
    for (Path dir : dirs()) {
      for (int attempt = 0; attempt < 100 && Files.exists(dir); attempt++) {
        try {
          Files.delete(dir);
        } catch (IOException e) {
          sleep(20); // its last processes are still exiting
        }
      }
    }
  }

  private static void write(Path file, long value) throws IOException {
    Files.writeString(file, Long.toString(value), StandardOpenOption.WRITE);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

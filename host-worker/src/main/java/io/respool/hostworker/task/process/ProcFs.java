package io.respool.hostworker.task.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** What the driver reads from {@code /proc}: process identity, sessions, usage, host memory. */
final class ProcFs {
  /** Linux reports process times in USER_HZ, which is 100 on every architecture it exports. */
  static final double TICKS_PER_SECOND = 100.0;

  private final Path proc;
  private final String bootId;

  ProcFs(Path proc) {
    this.proc = proc;
    this.bootId = read(proc.resolve("sys/kernel/random/boot_id")).map(String::strip).orElse("unknown");
  }

  /** Fields of {@code /proc/<pid>/stat} the driver uses; times in ticks. */
  record Stat(long pid, char state, long pgid, long sid, long cpuTicks, long startTicks) {
    boolean zombie() { return state == 'Z' || state == 'X'; }
  }

  /**
   * A process as it was when first seen: a pid alone can be reused, but not with the same start
   * time in the same boot.
   */
  record ProcessId(long pid, long startTicks, String bootId) {}

  String bootId() { return bootId; }

  Optional<Stat> stat(long pid) {
    return read(proc.resolve(pid + "/stat")).flatMap(s -> parse(pid, s));
  }

  /** The identity of a live process, or empty when it is gone. */
  Optional<ProcessId> identify(long pid) {
    return stat(pid).filter(s -> !s.zombie()).map(s -> new ProcessId(pid, s.startTicks(), bootId));
  }

  boolean alive(ProcessId id) {
    return id != null && id.bootId().equals(bootId) && stat(id.pid()).filter(s -> !s.zombie() && s.startTicks() == id.startTicks()).isPresent();
  }

  /**
   * Live processes of the session or process group {@code leader} created, started no earlier than
   * it. The kernel never hands out a pid still used as a session or group id, so while any member
   * lives the pid cannot be reused; a live process holding the leader's pid with another start time
   * therefore means the pid was reused, and every session by that id is someone else's.
   */
  List<Stat> sessionOf(ProcessId leader) {
    if (leader == null || leader.startTicks() < 0 || !leader.bootId().equals(bootId)) return List.of();
    Optional<Stat> holder = stat(leader.pid());
    if (holder.isPresent() && holder.get().startTicks() != leader.startTicks()) return List.of();
    List<Stat> members = new ArrayList<>();
    for (Stat s : all()) {
      if ((s.sid() == leader.pid() || s.pgid() == leader.pid()) && s.startTicks() >= leader.startTicks() && !s.zombie()) members.add(s);
    }
    return members;
  }

  List<Stat> all() {
    List<Stat> stats = new ArrayList<>();
    try (Stream<Path> entries = Files.list(proc)) {
      entries.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
          .forEach(n -> stat(Long.parseLong(n)).ifPresent(stats::add));
    } catch (IOException e) {
      // no /proc: nothing to find
    }
    return stats;
  }

  /** Resident memory of one process, 0 when gone. */
  long rssBytes(long pid) {
    return kbField(proc.resolve(pid + "/status"), "VmRSS:") * 1024;
  }

  /** Bytes one process read from and wrote to storage: {read, write}. */
  long[] io(long pid) {
    Optional<String> io = read(proc.resolve(pid + "/io"));
    long r = 0, w = 0;
    if (io.isPresent()) {
      for (String line : io.get().split("\n")) {
        if (line.startsWith("read_bytes:")) r = Long.parseLong(line.substring(11).strip());
        if (line.startsWith("write_bytes:")) w = Long.parseLong(line.substring(12).strip());
      }
    }
    return new long[] {r, w};
  }

  long memTotalBytes() { return kbField(proc.resolve("meminfo"), "MemTotal:") * 1024; }

  long swapTotalBytes() { return kbField(proc.resolve("meminfo"), "SwapTotal:") * 1024; }

  private static long kbField(Path file, String name) {
    return read(file).stream().flatMap(String::lines).filter(l -> l.startsWith(name))
        .map(l -> l.substring(name.length()).strip().split("\\s+")[0]).mapToLong(Long::parseLong).findFirst().orElse(0);
  }

  private static Optional<Stat> parse(long pid, String stat) {
    // the command name (field 2) may hold spaces and parentheses: fields resume after the last ')'
    int close = stat.lastIndexOf(')');
    if (close < 0) return Optional.empty();
    String[] f = stat.substring(close + 2).strip().split(" ");
    if (f.length < 20) return Optional.empty();
    long cpu = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    return Optional.of(new Stat(pid, f[0].charAt(0), Long.parseLong(f[2]), Long.parseLong(f[3]), cpu, Long.parseLong(f[19])));
  }

  private static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // gone between listing and reading, or unreadable
    }
  }
}

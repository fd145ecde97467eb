package io.respool.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * CPU time (user + system) of named process groups, read from {@code /proc}, so a run can say
 * where the two cores went: the gateway JVM, PostgreSQL (the postmaster and its backends), Redis,
 * the simulated fleet, the load generator itself, and what else the machine did meanwhile. A group is {@code name=pid} (that process) or
 * {@code name=pid+} (with all its descendants, e.g. PostgreSQL's backends). Linux only; a group
 * whose process is gone reads as what its live processes add up to.
 */
final class ProcessCpu {
  /** USER_HZ, the unit of utime/stime in /proc/PID/stat: 100 on every mainstream Linux build. */
  private static final double TICKS_PER_SECOND = 100.0;

  private record Group(long pid, boolean descendants) {}

  private final Map<String, Group> groups = new LinkedHashMap<>();

  /** Parses {@code name=pid} or {@code name=pid+}; throws IllegalArgumentException on anything else. */
  void add(String spec) {
    int eq = spec.indexOf('=');
    if (eq < 1) throw new IllegalArgumentException("--watch wants name=pid or name=pid+, not '" + spec + "'");
    String name = spec.substring(0, eq);
    String pid = spec.substring(eq + 1);
    boolean descendants = pid.endsWith("+");
    if (descendants) pid = pid.substring(0, pid.length() - 1);
    if (!pid.matches("\\d{1,9}")) throw new IllegalArgumentException("--watch wants name=pid or name=pid+, not '" + spec + "'");
    groups.put(name, new Group(Long.parseLong(pid), descendants));
  }

  void addSelf(String name) {
    groups.put(name, new Group(ProcessHandle.current().pid(), false));
  }

  boolean isEmpty() { return groups.isEmpty(); }

  /** Key of the whole machine's busy time in {@link #sample}; {@link #cores} turns it into "everything else". */
  static final String MACHINE = "machine";
  static final String OTHER = "other processes";

  /** CPU seconds used so far by each group, and by the whole machine under {@link #MACHINE}. */
  Map<String, Double> sample() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, Group> e : groups.entrySet()) {
      long ticks = 0;
      for (long pid : members(e.getValue())) ticks += ticks(pid);
      out.put(e.getKey(), ticks / TICKS_PER_SECOND);
    }
    out.put(MACHINE, machineBusyTicks() / TICKS_PER_SECOND);
    return out;
  }

  /**
   * Cores used by each group between two samples taken {@code seconds} apart, then
   * {@link #OTHER}: the machine's busy time not accounted to any group (the kernel's own work,
   * and whatever else runs on the machine meanwhile), and {@link #MACHINE}: all of it.
   */
  static Map<String, Double> cores(Map<String, Double> before, Map<String, Double> after, double seconds) {
    Map<String, Double> out = new LinkedHashMap<>();
    double groups = 0;
    for (Map.Entry<String, Double> e : after.entrySet()) {
      if (e.getKey().equals(MACHINE)) continue;
      double used = Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0.0));
      groups += used;
      out.put(e.getKey(), round(used / seconds));
    }
    double machine = Math.max(0, after.getOrDefault(MACHINE, 0.0) - before.getOrDefault(MACHINE, 0.0));
    out.put(OTHER, round(Math.max(0, machine - groups) / seconds));
    out.put(MACHINE, round(machine / seconds));
    return out;
  }

  private static double round(double cores) {
    return Math.round(cores * 100) / 100.0;
  }

  /** Busy ticks of all CPUs from /proc/stat: user, nice, system, irq, softirq, steal (not idle, not iowait). */
  private static long machineBusyTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+"); // "cpu user nice system idle iowait irq softirq steal …"
      return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6]) + Long.parseLong(f[7])
          + Long.parseLong(f[8]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static Set<Long> members(Group g) {
    Set<Long> pids = new HashSet<>();
    Deque<Long> todo = new ArrayDeque<>();
    todo.add(g.pid());
    while (!todo.isEmpty()) {
      long pid = todo.poll();
      if (!pids.add(pid) || !g.descendants()) continue;
      // children of every thread of pid (the kernel lists them per thread)
      try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
        for (Path t : tasks) {
          try {
            for (String c : Files.readString(t.resolve("children")).trim().split("\\s+")) {
              if (!c.isEmpty()) todo.add(Long.parseLong(c));
            }
          } catch (IOException | NumberFormatException ignored) {
            // the thread ended meanwhile
          }
        }
      } catch (IOException ignored) {
        // the process ended meanwhile
      }
    }
    return pids;
  }

  /** utime + stime of one process (all its threads), in ticks; 0 if it is gone. */
  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // the command name (field 2) may hold spaces and parentheses: count fields after the last ')'
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of the whole line
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}

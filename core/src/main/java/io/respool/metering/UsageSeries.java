package io.respool.metering;

import io.respool.protocol.task.UsageSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The usage time series of a booking ({@code GET /v1/bookings/{id}/usage}) from its tasks' samples:
 * one {@link Point} per step of the window [from, to), the steps [from + k·step, from + (k+1)·step)
 * with the last one cut at {@code to}.
 *
 * <p><b>Samples.</b> Per task, samples are taken in {@code seq} order; a second sample with a
 * task's seq is ignored (the first in the list is kept), and a missing seq is no error: the
 * neighbours' counters still give the delta across it. Counters ({@code cpuSeconds}, net and block
 * bytes) are cumulative, so a task's first sample is only a baseline: pass each task's last sample
 * before {@code from} too, or the first step has nothing to compare with. Between two consecutive
 * samples a counter's delta is {@code cur − prev}, or {@code cur} when it went down (the process
 * restarted, e.g. on resume: counted from zero), never negative.
 *
 * <p><b>Points</b> (each summed over the tasks):
 * <ul>
 *   <li>{@code cpuCores}: the CPU delta between two samples is spread evenly over the time between
 *       them (rate = Δ cpuSeconds / Δt); a step's value is the CPU seconds falling in it divided by
 *       its length, so time without samples counts as idle and a pause between two samples lowers
 *       the average rather than vanishing. (If two samples have the same instant, the delta goes to
 *       the step holding them.)
 *   <li>{@code memoryBytes}: per task the largest reading in the step, 0 if none;
 *   <li>{@code gpuUtilization}: the mean over tasks of each task's mean reading in the step; null if
 *       no task has a reading in it;
 *   <li>{@code gpuMemoryBytes}: per task the largest GPU memory reading in the step, summed over the
 *       tasks that have one; null if none has;
 *   <li>net and block bytes: the deltas of the samples taken in the step (a delta belongs to the
 *       step of the later sample of its pair).
 * </ul>
 * A step with no samples has zeros and a null GPU utilization and GPU memory.
 */
public final class UsageSeries {
  private UsageSeries() {}

  /** The most points one series may have. */
  public static final int MAX_POINTS = 10_000;

  /** One step of the series, starting {@code at}; see the class comment for each value. */
  public record Point(
      Instant at,
      double cpuCores,
      long memoryBytes,
      Double gpuUtilization,
      long netRxBytes,
      long netTxBytes,
      long blockReadBytes,
      long blockWriteBytes,
      Long gpuMemoryBytes) {

    public Point(Instant at, double cpuCores, long memoryBytes, Double gpuUtilization, long netRxBytes, long netTxBytes,
        long blockReadBytes, long blockWriteBytes) {
      this(at, cpuCores, memoryBytes, gpuUtilization, netRxBytes, netTxBytes, blockReadBytes, blockWriteBytes, null);
    }
  }

  /**
   * The series of [from, to) in steps of {@code step}.
   *
   * @throws IllegalArgumentException if from is not before to, the step is shorter than a second, or
   *     the window holds more than {@link #MAX_POINTS} steps
   */
  public static List<Point> of(List<UsageSample> samples, Instant from, Instant to, Duration step) {
    if (samples == null || from == null || to == null || step == null) throw new IllegalArgumentException("samples, from, to and step are required");
    if (!from.isBefore(to)) throw new IllegalArgumentException("from (" + from + ") must be before to (" + to + ")");
    if (step.compareTo(Duration.ofSeconds(1)) < 0) throw new IllegalArgumentException("step must be at least 1 s, was " + step);
    Duration window = Duration.between(from, to);
    long whole = window.dividedBy(step);
    if (whole > MAX_POINTS) throw new IllegalArgumentException("window " + window + " in steps of " + step + " exceeds " + MAX_POINTS + " points");
    int n = (int) whole + (step.multipliedBy(whole).equals(window) ? 0 : 1);
    if (n > MAX_POINTS) throw new IllegalArgumentException("window " + window + " in steps of " + step + " exceeds " + MAX_POINTS + " points");

    Steps steps = new Steps(from, to, step, n);
    double[] cpuSeconds = new double[n];
    long[] memory = new long[n];
    double[] gpuMeans = new double[n];
    int[] gpuTasks = new int[n];
    long[] gpuMemory = new long[n];
    boolean[] gpuMemoryRead = new boolean[n];
    long[] rx = new long[n];
    long[] tx = new long[n];
    long[] read = new long[n];
    long[] write = new long[n];

    for (List<UsageSample> task : byTask(samples)) {
      long[] taskMemory = new long[n];
      long[] taskGpuMemory = new long[n];
      boolean[] taskGpuMemoryRead = new boolean[n];
      double[] gpuSum = new double[n];
      int[] gpuCount = new int[n];
      UsageSample prev = null;
      for (UsageSample cur : task) {
        int k = steps.indexOf(cur.at());
        if (k >= 0) {
          taskMemory[k] = Math.max(taskMemory[k], cur.memoryBytes());
          if (cur.gpuMemoryBytes() != null) {
            taskGpuMemory[k] = Math.max(taskGpuMemory[k], cur.gpuMemoryBytes());
            taskGpuMemoryRead[k] = true;
          }
          if (cur.gpuUtilization() != null) {
            gpuSum[k] += cur.gpuUtilization();
            gpuCount[k]++;
          }
        }
        if (prev != null) {
          double cpu = cur.cpuSeconds() >= prev.cpuSeconds() ? cur.cpuSeconds() - prev.cpuSeconds() : cur.cpuSeconds();
          if (cur.at().isAfter(prev.at())) steps.spread(cpuSeconds, prev.at(), cur.at(), cpu);
          else if (k >= 0) cpuSeconds[k] += cpu;
          if (k >= 0) {
            rx[k] = Math.addExact(rx[k], delta(prev.netRxBytes(), cur.netRxBytes()));
            tx[k] = Math.addExact(tx[k], delta(prev.netTxBytes(), cur.netTxBytes()));
            read[k] = Math.addExact(read[k], delta(prev.blockReadBytes(), cur.blockReadBytes()));
            write[k] = Math.addExact(write[k], delta(prev.blockWriteBytes(), cur.blockWriteBytes()));
          }
        }
        prev = cur;
      }
      for (int k = 0; k < n; k++) {
        memory[k] = Math.addExact(memory[k], taskMemory[k]);
        if (taskGpuMemoryRead[k]) {
          gpuMemory[k] = Math.addExact(gpuMemory[k], taskGpuMemory[k]);
          gpuMemoryRead[k] = true;
        }
        if (gpuCount[k] > 0) {
          gpuMeans[k] += gpuSum[k] / gpuCount[k];
          gpuTasks[k]++;
        }
      }
    }

    List<Point> points = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      points.add(new Point(steps.start(k), cpuSeconds[k] / steps.lengthSeconds(k), memory[k],
          gpuTasks[k] == 0 ? null : gpuMeans[k] / gpuTasks[k], rx[k], tx[k], read[k], write[k],
          gpuMemoryRead[k] ? gpuMemory[k] : null));
    }
    return points;
  }

  /** Increase of a cumulative counter; a counter that went down restarted from zero. */
  private static long delta(long prev, long cur) {
    return cur >= prev ? cur - prev : cur;
  }

  /** Each task's samples, first of each seq kept, in seq order. */
  private static List<List<UsageSample>> byTask(List<UsageSample> samples) {
    Map<String, Map<Long, UsageSample>> tasks = new LinkedHashMap<>();
    for (UsageSample s : samples) tasks.computeIfAbsent(s.taskId(), t -> new LinkedHashMap<>()).putIfAbsent(s.seq(), s);
    List<List<UsageSample>> out = new ArrayList<>(tasks.size());
    for (Map<Long, UsageSample> bySeq : tasks.values()) {
      List<UsageSample> list = new ArrayList<>(bySeq.values());
      list.sort(Comparator.comparingLong(UsageSample::seq));
      out.add(list);
    }
    return out;
  }

  /** The steps of a window: [start(k), end(k)), the last one cut at the window's end. */
  private record Steps(Instant from, Instant to, Duration step, int n) {
    Instant start(int k) {
      return from.plus(step.multipliedBy(k));
    }

    Instant end(int k) {
      Instant end = start(k + 1);
      return end.isAfter(to) ? to : end;
    }

    double lengthSeconds(int k) {
      return seconds(Duration.between(start(k), end(k)));
    }

    /** The step holding {@code t}, or -1 outside the window. */
    int indexOf(Instant t) {
      if (t.isBefore(from) || !t.isBefore(to)) return -1;
      return (int) Duration.between(from, t).dividedBy(step);
    }

    /** Adds {@code amount}, spread evenly over [a, b), to the steps it overlaps. */
    void spread(double[] into, Instant a, Instant b, double amount) {
      double rate = amount / seconds(Duration.between(a, b));
      Instant s = a.isBefore(from) ? from : a;
      Instant e = b.isAfter(to) ? to : b;
      if (!s.isBefore(e)) return;
      for (int k = indexOf(s); k < n && start(k).isBefore(e); k++) {
        Instant lo = s.isAfter(start(k)) ? s : start(k);
        Instant hi = e.isBefore(end(k)) ? e : end(k);
        if (lo.isBefore(hi)) into[k] += rate * seconds(Duration.between(lo, hi));
      }
    }

    private static double seconds(Duration d) {
      return d.getSeconds() + d.getNano() / 1e9;
    }
  }
}

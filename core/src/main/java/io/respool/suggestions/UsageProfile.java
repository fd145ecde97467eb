package io.respool.suggestions;

import io.respool.protocol.task.UsageSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a booking's tasks used, from their usage samples: the analytics the rules rest on.
 *
 * <p>Per task, samples are taken in {@code seq} order (the first of a repeated seq kept, as
 * {@code UsageSeries} does). CPU is a rate between consecutive samples (Δ cpuSeconds / Δt, a
 * counter that went down restarted from zero), one reading per pair; memory and GPU utilization are
 * gauges, one reading per sample; network and disk are byte rates per pair (rx + tx, read + write).
 * The workers sample at a fixed interval, so readings are not weighted by the time they cover; with
 * a half-life they are weighted by age instead, as the Kubernetes VPA recommender's decaying
 * histogram does: a reading {@code h} half-lives older than its task's last one weighs 2^-h in the
 * percentiles ({@link Stats#weighted}), so the figures follow what the workload does now rather
 * than what it did at the start of the window. Maxima, recent peaks, the trend and idle time are
 * never weighted.
 *
 * <p>A booking's figures are per replica, the busiest one: each percentile is the largest of that
 * percentile over its tasks ({@link Stats#upperEnvelope}), because a resize gives every replica the
 * same size and the busiest must still fit.
 *
 * @param from the first sample's time, {@code to} the last one's (the host's clock)
 * @param samples distinct samples read
 * @param cpuCores cores used
 * @param cpuRecentPeak the highest CPU rate in the last {@code recent} before {@code to}
 * @param memoryMb MiB in use
 * @param memoryRecentPeakMb the highest memory reading in the last {@code recent}
 * @param memoryTrendMbPerHour least-squares slope of memory over the last {@code recent}, the
 *     steepest task's (0 with fewer than 3 readings)
 * @param gpuUtilization busy fraction in [0, 1]; {@link Stats#NONE} when no task reported one
 * @param idleSeconds how long, up to {@code to}, every task has been idle (CPU below the idle
 *     rate and no network traffic above the idle rate)
 */
public record UsageProfile(Instant from, Instant to, long samples, int tasks, Stats cpuCores, double cpuRecentPeak, Stats memoryMb,
    double memoryRecentPeakMb, double memoryTrendMbPerHour, Stats gpuUtilization, Stats netBytesPerSecond, Stats diskBytesPerSecond,
    long idleSeconds) {

  private static final double MIB = 1024.0 * 1024.0;

  /** No samples at all. */
  public static UsageProfile empty() {
    return new UsageProfile(null, null, 0, 0, Stats.NONE, 0, Stats.NONE, 0, 0, Stats.NONE, Stats.NONE, Stats.NONE, 0);
  }

  /** Seconds between the first and the last sample. */
  public long spanSeconds() {
    return from == null ? 0 : Duration.between(from, to).toSeconds();
  }

  /**
   * The profile of {@code samples} (any tasks, any order).
   *
   * @param recent how far back from the last sample "recent" reaches (peaks, trend)
   * @param idleCores a CPU rate below which a task counts as idle
   * @param idleBytesPerSecond network traffic below which a task counts as idle
   */
  public static UsageProfile of(List<UsageSample> samples, Duration recent, double idleCores, double idleBytesPerSecond) {
    return of(samples, recent, idleCores, idleBytesPerSecond, null);
  }

  /**
   * The same with readings weighted by age: {@code halfLife} null (or zero) weighs every reading
   * alike.
   */
  public static UsageProfile of(List<UsageSample> samples, Duration recent, double idleCores, double idleBytesPerSecond,
      Duration halfLife) {
    if (halfLife != null && halfLife.isNegative()) throw new IllegalArgumentException("the half-life must not be negative");
    double halfLifeSeconds = halfLife == null || halfLife.isZero() ? 0 : halfLife.toNanos() / 1e9;
    List<List<UsageSample>> tasks = byTask(samples);
    if (tasks.isEmpty()) return empty();
    Instant from = null;
    Instant to = null;
    long count = 0;
    for (List<UsageSample> t : tasks) {
      count += t.size();
      Instant first = t.get(0).at();
      Instant last = t.get(t.size() - 1).at();
      for (UsageSample s : t) { // seq order is not always time order (a worker's clock may step)
        if (s.at().isBefore(first)) first = s.at();
        if (s.at().isAfter(last)) last = s.at();
      }
      if (from == null || first.isBefore(from)) from = first;
      if (to == null || last.isAfter(to)) to = last;
    }
    Instant recentFrom = to.minus(recent);
    Stats cpu = Stats.NONE;
    Stats memory = Stats.NONE;
    Stats gpu = Stats.NONE;
    Stats net = Stats.NONE;
    Stats disk = Stats.NONE;
    double cpuPeak = 0;
    double memoryPeak = 0;
    double trend = 0;
    Instant idleSince = null; // the latest start of a trailing idle run over the tasks
    boolean anyBusyToEnd = false;
    for (List<UsageSample> t : tasks) {
      int n = t.size();
      double[] cpuRates = new double[n];
      double[] netRates = new double[n];
      double[] diskRates = new double[n];
      double[] mem = new double[n];
      double[] gpus = new double[n];
      double[] sampleWeights = new double[n];
      double[] pairWeights = new double[n];
      double[] gpuWeights = new double[n];
      Instant taskLast = t.get(0).at();
      for (UsageSample s : t) if (s.at().isAfter(taskLast)) taskLast = s.at();
      int pairs = 0;
      int gpuReadings = 0;
      List<double[]> recentMemory = new ArrayList<>();
      Instant taskIdleSince = null;
      boolean idleRun = true; // scanning backwards below
      for (int i = 0; i < n; i++) {
        UsageSample cur = t.get(i);
        mem[i] = cur.memoryBytes() / MIB;
        sampleWeights[i] = weight(taskLast, cur.at(), halfLifeSeconds);
        if (cur.gpuUtilization() != null) {
          gpuWeights[gpuReadings] = sampleWeights[i];
          gpus[gpuReadings++] = cur.gpuUtilization();
        }
        if (!cur.at().isBefore(recentFrom)) {
          memoryPeak = Math.max(memoryPeak, mem[i]);
          recentMemory.add(new double[] {Duration.between(from, cur.at()).toMillis() / 3_600_000.0, mem[i]});
        }
        if (i == 0) continue;
        UsageSample prev = t.get(i - 1);
        double dt = Duration.between(prev.at(), cur.at()).toNanos() / 1e9;
        if (dt <= 0) continue;
        double rate = delta(prev.cpuSeconds(), cur.cpuSeconds()) / dt;
        cpuRates[pairs] = rate;
        netRates[pairs] = (delta(prev.netRxBytes(), cur.netRxBytes()) + delta(prev.netTxBytes(), cur.netTxBytes())) / dt;
        diskRates[pairs] = (delta(prev.blockReadBytes(), cur.blockReadBytes()) + delta(prev.blockWriteBytes(), cur.blockWriteBytes())) / dt;
        pairWeights[pairs] = sampleWeights[i];
        pairs++;
        if (!cur.at().isBefore(recentFrom)) cpuPeak = Math.max(cpuPeak, rate);
      }
      // trailing idle run: walk the pairs from the end while they stay idle
      int p = pairs - 1;
      for (int i = n - 1; i >= 1 && idleRun; i--) {
        UsageSample cur = t.get(i);
        UsageSample prev = t.get(i - 1);
        double dt = Duration.between(prev.at(), cur.at()).toNanos() / 1e9;
        if (dt <= 0) continue;
        if (cpuRates[p] < idleCores && netRates[p] < idleBytesPerSecond) taskIdleSince = prev.at();
        else idleRun = false;
        p--;
      }
      if (taskIdleSince == null) anyBusyToEnd = true;
      else if (idleSince == null || taskIdleSince.isAfter(idleSince)) idleSince = taskIdleSince;
      boolean decay = halfLifeSeconds > 0;
      cpu = cpu.upperEnvelope(decay ? Stats.weighted(cpuRates, pairWeights, pairs) : Stats.of(cpuRates, pairs));
      net = net.upperEnvelope(decay ? Stats.weighted(netRates, pairWeights, pairs) : Stats.of(netRates, pairs));
      disk = disk.upperEnvelope(decay ? Stats.weighted(diskRates, pairWeights, pairs) : Stats.of(diskRates, pairs));
      memory = memory.upperEnvelope(decay ? Stats.weighted(mem, sampleWeights, n) : Stats.of(mem, n));
      gpu = gpu.upperEnvelope(decay ? Stats.weighted(gpus, gpuWeights, gpuReadings) : Stats.of(gpus, gpuReadings));
      trend = Math.max(trend, slope(recentMemory));
    }
    long idle = anyBusyToEnd || idleSince == null ? 0 : Duration.between(idleSince, to).toSeconds();
    return new UsageProfile(from, to, count, tasks.size(), cpu, cpuPeak, memory, memoryPeak, trend, gpu, net, disk, idle);
  }

  /** 2^-(age in half-lives) of a reading at {@code at}, its task's last reading being at {@code last}; 1 without decay. */
  static double weight(Instant last, Instant at, double halfLifeSeconds) {
    if (halfLifeSeconds <= 0) return 1;
    double age = Math.max(0, Duration.between(at, last).toNanos() / 1e9);
    return Math.pow(2, -age / halfLifeSeconds); // relative to the task's last reading: never all zero
  }

  /** Least-squares slope of (hours, MiB) points; 0 with fewer than 3. */
  static double slope(List<double[]> points) {
    int n = points.size();
    if (n < 3) return 0;
    double sx = 0, sy = 0;
    for (double[] p : points) {
      sx += p[0];
      sy += p[1];
    }
    double mx = sx / n, my = sy / n, num = 0, den = 0;
    for (double[] p : points) {
      num += (p[0] - mx) * (p[1] - my);
      den += (p[0] - mx) * (p[0] - mx);
    }
    return den == 0 ? 0 : num / den;
  }

  private static double delta(double prev, double cur) {
    return cur >= prev ? cur - prev : cur;
  }

  private static double delta(long prev, long cur) {
    return cur >= prev ? cur - prev : cur;
  }

  /**
   * Each task's samples, first of each seq kept, in seq order: grouped, stably sorted by seq (linear
   * on the ordered rows the ledger returns), then repeats of a seq dropped — no boxed map per sample.
   */
  static List<List<UsageSample>> byTask(List<UsageSample> samples) {
    Map<String, List<UsageSample>> tasks = new LinkedHashMap<>();
    for (UsageSample s : samples) tasks.computeIfAbsent(s.taskId(), x -> new ArrayList<>()).add(s);
    List<List<UsageSample>> out = new ArrayList<>(tasks.size());
    for (List<UsageSample> list : tasks.values()) {
      list.sort(Comparator.comparingLong(UsageSample::seq));
      List<UsageSample> unique = new ArrayList<>(list.size());
      for (UsageSample s : list) if (unique.isEmpty() || unique.get(unique.size() - 1).seq() != s.seq()) unique.add(s);
      out.add(unique);
    }
    return out;
  }
}

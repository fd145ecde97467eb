package io.respool.hostworker.task;

import java.time.Instant;
import java.util.Objects;

/**
 * What a task's next usage sample builds on: the last sequence number used, and its counters.
 * Drivers count from zero for each run (a resumed container or process gets a new cgroup), and a
 * driver may read less than before within a run (a process that left the task's session, a
 * container that just ended). Samples must not: they carry counters cumulative over the task's
 * whole life, never decreasing. So the raw readings of the current run are kept next to the sum
 * of the earlier runs' last readings ({@code base}), and a reading is never taken below the last
 * one of its run. Pure: no I/O.
 *
 * @param seq the last sequence number used (0: none yet)
 * @param run start time of the run {@code raw} belongs to (null: none seen yet)
 * @param raw the highest readings of that run
 * @param base the last readings of all earlier runs, summed
 */
public record UsageCounters(long seq, Instant run, Counters raw, Counters base) {
  public static final UsageCounters NONE = new UsageCounters(0, null, Counters.ZERO, Counters.ZERO);

  public UsageCounters {
    if (seq < 0) throw new IllegalArgumentException("seq must not be negative");
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(base, "base");
  }

  /**
   * The state after a reading of run {@code run} (its {@code startedAt}; null when unknown, taken
   * as the current run), numbered {@code seq + 1}.
   */
  public UsageCounters next(Instant run, Counters reading) {
    boolean newRun = run != null && this.run != null && !run.equals(this.run);
    Counters base = newRun ? this.base.plus(raw) : this.base;
    Counters raw = newRun ? reading : this.raw.max(reading);
    return new UsageCounters(seq + 1, run != null ? run : this.run, raw, base);
  }

  /** The cumulative counters a sample reports: earlier runs plus this one. */
  public Counters total() {
    return base.plus(raw);
  }

  /** Cumulative counters of a task: CPU seconds, network and block I/O bytes. */
  public record Counters(double cpuSeconds, long netRxBytes, long netTxBytes, long blockReadBytes, long blockWriteBytes) {
    public static final Counters ZERO = new Counters(0, 0, 0, 0, 0);

    /** Negative or non-finite readings (a driver's glitch) count as 0. */
    public Counters {
      cpuSeconds = Double.isFinite(cpuSeconds) ? Math.max(0, cpuSeconds) : 0;
      netRxBytes = Math.max(0, netRxBytes);
      netTxBytes = Math.max(0, netTxBytes);
      blockReadBytes = Math.max(0, blockReadBytes);
      blockWriteBytes = Math.max(0, blockWriteBytes);
    }

    public static Counters of(TaskStats stats) {
      return new Counters(stats.cpuSeconds(), stats.networkRxBytes(), stats.networkTxBytes(), stats.blockReadBytes(), stats.blockWriteBytes());
    }

    Counters plus(Counters o) {
      return new Counters(cpuSeconds + o.cpuSeconds, netRxBytes + o.netRxBytes, netTxBytes + o.netTxBytes,
          blockReadBytes + o.blockReadBytes, blockWriteBytes + o.blockWriteBytes);
    }

    Counters max(Counters o) {
      return new Counters(Math.max(cpuSeconds, o.cpuSeconds), Math.max(netRxBytes, o.netRxBytes), Math.max(netTxBytes, o.netTxBytes),
          Math.max(blockReadBytes, o.blockReadBytes), Math.max(blockWriteBytes, o.blockWriteBytes));
    }
  }
}

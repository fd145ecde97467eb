package io.respool.protocol.task;

import java.time.Instant;

/**
 * One reading of a running task's resource use, numbered per task. {@code seq} runs 1, 2, 3… for
 * the task's whole life, across worker restarts, so the gateway can tell a resent sample (same
 * seq) from a lost one (a gap). Counters are cumulative over the task's life, resumes included;
 * {@code memoryBytes} and {@code gpuUtilization} are gauges at {@code at}.
 *
 * @param cpuSeconds CPU time used so far, in seconds
 * @param memoryBytes memory charged to the task now
 * @param gpuUtilization busy fraction of the task's GPUs in [0, 1], or null when not measured
 * @param netRxBytes bytes received so far (0 where traffic cannot be attributed to the task)
 * @param netTxBytes bytes sent so far
 * @param blockReadBytes bytes read from block devices so far
 * @param blockWriteBytes bytes written to block devices so far
 * @param gpuMemoryBytes memory used on the task's GPUs now (a gauge), or null when not measured
 */
public record UsageSample(
    String taskId,
    long seq,
    Instant at,
    double cpuSeconds,
    long memoryBytes,
    Double gpuUtilization,
    long netRxBytes,
    long netTxBytes,
    long blockReadBytes,
    long blockWriteBytes,
    Long gpuMemoryBytes) {

  public UsageSample {
    if (taskId == null || !TaskSpec.ID.matcher(taskId).matches()) throw new IllegalArgumentException("taskId must be 1-64 letters, digits, '_' or '-'");
    if (seq < 1) throw new IllegalArgumentException("seq must be at least 1, was " + seq);
    if (at == null) throw new IllegalArgumentException("at is required");
    if (!Double.isFinite(cpuSeconds) || cpuSeconds < 0) throw new IllegalArgumentException("cpuSeconds must be a non-negative number, was " + cpuSeconds);
    nonNegative("memoryBytes", memoryBytes);
    if (gpuUtilization != null && !(gpuUtilization >= 0 && gpuUtilization <= 1)) {
      throw new IllegalArgumentException("gpuUtilization must be between 0 and 1, was " + gpuUtilization);
    }
    nonNegative("netRxBytes", netRxBytes);
    nonNegative("netTxBytes", netTxBytes);
    nonNegative("blockReadBytes", blockReadBytes);
    nonNegative("blockWriteBytes", blockWriteBytes);
    if (gpuMemoryBytes != null) nonNegative("gpuMemoryBytes", gpuMemoryBytes);
  }

  /** A sample without a GPU memory reading. */
  public UsageSample(String taskId, long seq, Instant at, double cpuSeconds, long memoryBytes, Double gpuUtilization, long netRxBytes,
      long netTxBytes, long blockReadBytes, long blockWriteBytes) {
    this(taskId, seq, at, cpuSeconds, memoryBytes, gpuUtilization, netRxBytes, netTxBytes, blockReadBytes, blockWriteBytes, null);
  }

  private static void nonNegative(String field, long value) {
    if (value < 0) throw new IllegalArgumentException(field + " must not be negative, was " + value);
  }
}

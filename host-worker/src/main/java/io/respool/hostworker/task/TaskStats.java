package io.respool.hostworker.task;

/** Resource use of a task so far: cumulative CPU and I/O counters, current memory. */
public record TaskStats(
    String taskId,
    double cpuSeconds,
    long memoryBytes,
    long memoryLimitBytes,
    long networkRxBytes,
    long networkTxBytes,
    long blockReadBytes,
    long blockWriteBytes) {}

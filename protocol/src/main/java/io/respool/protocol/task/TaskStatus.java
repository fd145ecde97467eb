package io.respool.protocol.task;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A task as its driver sees it. {@code exitCode} is set once EXITED; {@code oomKilled} is true
 * when the memory limit killed it; {@code reason} says why it ended or failed, in words;
 * {@code ports} maps each published container port to its host port; {@code gpuIds} are the GPUs
 * the task holds on its host, by the UUIDs {@code nvidia-smi} reports (null, and absent on the
 * wire, when it holds none).
 */
public record TaskStatus(
    String taskId,
    String bookingId,
    TaskState state,
    Integer exitCode,
    boolean oomKilled,
    String reason,
    Map<Integer, Integer> ports,
    Instant startedAt,
    Instant finishedAt,
    List<String> gpuIds) {

  public TaskStatus {
    gpuIds = gpuIds == null || gpuIds.isEmpty() ? null : List.copyOf(gpuIds);
  }

  /** A status of a task that holds no GPU. */
  public TaskStatus(String taskId, String bookingId, TaskState state, Integer exitCode, boolean oomKilled, String reason,
      Map<Integer, Integer> ports, Instant startedAt, Instant finishedAt) {
    this(taskId, bookingId, state, exitCode, oomKilled, reason, ports, startedAt, finishedAt, null);
  }

  /** The same status naming the GPUs the task holds. */
  public TaskStatus withGpuIds(List<String> ids) {
    return new TaskStatus(taskId, bookingId, state, exitCode, oomKilled, reason, ports, startedAt, finishedAt, ids);
  }
}

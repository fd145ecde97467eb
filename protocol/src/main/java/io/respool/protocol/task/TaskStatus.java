package io.respool.protocol.task;

import java.time.Instant;
import java.util.Map;

/**
 * A task as its driver sees it. {@code exitCode} is set once EXITED; {@code oomKilled} is true
 * when the memory limit killed it; {@code reason} says why it ended or failed, in words;
 * {@code ports} maps each published container port to its host port.
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
    Instant finishedAt) {}

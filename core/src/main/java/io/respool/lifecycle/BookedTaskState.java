package io.respool.lifecycle;

import io.respool.protocol.task.TaskState;

/**
 * Where one of a booking's tasks stands, as the gateway records it: the host's {@link TaskState}s,
 * preceded by PENDING (placed, not yet confirmed by its host). The order is the order of a life:
 * a report never moves a task backwards.
 */
public enum BookedTaskState {
  PENDING,
  STARTING,
  RUNNING,
  EXITED,
  FAILED;

  public static BookedTaskState of(TaskState reported) {
    return valueOf(reported.name());
  }

  public boolean ended() { return this == EXITED || this == FAILED; }

  /** Whether moving to {@code next} is progress (a stale or repeated report is not; both ends are equally final). */
  public boolean advancesTo(BookedTaskState next) {
    return !ended() && rank(next) > rank(this);
  }

  private static int rank(BookedTaskState s) {
    return s.ended() ? EXITED.ordinal() : s.ordinal();
  }
}

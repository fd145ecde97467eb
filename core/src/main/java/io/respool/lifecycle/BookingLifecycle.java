package io.respool.lifecycle;

import java.util.List;
import java.util.Optional;

/**
 * What a booking's tasks mean for the booking (pure): the step, if any, after a task changed.
 * A task that fails (or exits non-zero) fails the booking, stopping the others first; a workload
 * whose every task exited with 0 is complete; a stopping booking ends once all its tasks ended.
 */
public final class BookingLifecycle {
  private BookingLifecycle() {}

  /** A current task as the lifecycle needs it. */
  public record TaskLife(String taskId, BookedTaskState state, Integer exitCode, String reason) {
    boolean ended() { return state.ended(); }

    boolean failed() {
      return state == BookedTaskState.FAILED || (state == BookedTaskState.EXITED && (exitCode == null || exitCode != 0));
    }
  }

  /**
   * The booking's next state. {@code ending}/{@code endingReason} are where a STOPPING booking
   * goes; {@code stopOthers} asks to stop the tasks still running.
   */
  public record Step(BookingState to, BookingState ending, String reason, boolean stopOthers) {}

  public static Optional<Step> afterTasks(BookingState state, BookingState ending, String endingReason, List<TaskLife> tasks) {
    boolean allEnded = tasks.stream().allMatch(TaskLife::ended);
    if (state == BookingState.STOPPING) {
      return allEnded ? Optional.of(new Step(ending, null, endingReason, false)) : Optional.empty();
    }
    if (!state.isActive()) return Optional.empty();
    Optional<TaskLife> failed = tasks.stream().filter(TaskLife::failed).findFirst();
    if (failed.isPresent()) {
      TaskLife f = failed.get();
      String why = "task " + f.taskId() + " " + (f.reason() != null ? f.reason()
          : f.exitCode() != null ? "exited with code " + f.exitCode() : "failed");
      return Optional.of(allEnded ? new Step(BookingState.FAILED, null, why, false) : new Step(BookingState.STOPPING, BookingState.FAILED, why, true));
    }
    if (allEnded) return Optional.of(new Step(BookingState.STOPPED, null, "the workload completed: every task exited with code 0", false));
    boolean allUp = tasks.stream().allMatch(t -> t.ended() || t.state() == BookedTaskState.RUNNING);
    if (state == BookingState.STARTING && allUp) return Optional.of(new Step(BookingState.RUNNING, null, "every task runs", false));
    return Optional.empty();
  }
}

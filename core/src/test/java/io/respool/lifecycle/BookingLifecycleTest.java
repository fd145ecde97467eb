package io.respool.lifecycle;

import static io.respool.lifecycle.BookingState.EXPIRED;
import static io.respool.lifecycle.BookingState.FAILED;
import static io.respool.lifecycle.BookingState.FUNDED;
import static io.respool.lifecycle.BookingState.PENDING_PAYMENT;
import static io.respool.lifecycle.BookingState.RUNNING;
import static io.respool.lifecycle.BookingState.SETTLED;
import static io.respool.lifecycle.BookingState.STARTING;
import static io.respool.lifecycle.BookingState.STOPPED;
import static io.respool.lifecycle.BookingState.STOPPING;
import static org.assertj.core.api.Assertions.assertThat;

import io.respool.lifecycle.BookingLifecycle.Step;
import io.respool.lifecycle.BookingLifecycle.TaskLife;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The booking state machine and what tasks mean for a booking: pure, no database. */
class BookingLifecycleTest {

  static TaskLife task(String state, Integer exit) {
    return new TaskLife("t-" + state + exit, BookedTaskState.valueOf(state), exit, null);
  }

  @Test
  void theHappyPathAndOnlyItsStepsAreAllowed() {
    assertThat(PENDING_PAYMENT.canMoveTo(FUNDED)).isTrue();
    assertThat(FUNDED.canMoveTo(STARTING)).isTrue();
    assertThat(STARTING.canMoveTo(RUNNING)).isTrue();
    assertThat(RUNNING.canMoveTo(STOPPING)).isTrue();
    assertThat(STOPPING.canMoveTo(STOPPED)).isTrue();
    assertThat(STOPPED.canMoveTo(SETTLED)).isTrue();

    assertThat(PENDING_PAYMENT.canMoveTo(RUNNING)).as("never runs unpaid").isFalse();
    assertThat(PENDING_PAYMENT.canMoveTo(STARTING)).isFalse();
    assertThat(RUNNING.canMoveTo(RUNNING)).isFalse();
    assertThat(STOPPING.canMoveTo(RUNNING)).as("a stopping booking does not come back").isFalse();
    assertThat(RUNNING.canMoveTo(EXPIRED)).as("expiry goes through STOPPING while tasks run").isFalse();
    for (BookingState end : EnumSet.of(STOPPED, FAILED, EXPIRED, SETTLED)) {
      assertThat(end.isFinal()).isTrue();
      assertThat(end.holdsCapacity()).isFalse();
      for (BookingState next : BookingState.values()) {
        if (next != SETTLED) assertThat(end.canMoveTo(next)).as(end + " → " + next).isFalse();
      }
    }
    assertThat(SETTLED.canMoveTo(SETTLED)).isFalse();
  }

  @Test
  void aBookingRunsOnceEveryTaskRuns() {
    assertThat(BookingLifecycle.afterTasks(STARTING, null, null, List.of(task("RUNNING", null), task("STARTING", null)))).isEmpty();
    assertThat(BookingLifecycle.afterTasks(STARTING, null, null, List.of(task("RUNNING", null), task("PENDING", null)))).isEmpty();
    Optional<Step> up = BookingLifecycle.afterTasks(STARTING, null, null, List.of(task("RUNNING", null), task("RUNNING", null)));
    assertThat(up).map(Step::to).contains(RUNNING);
    assertThat(BookingLifecycle.afterTasks(RUNNING, null, null, List.of(task("RUNNING", null)))).as("nothing new").isEmpty();
  }

  @Test
  void oneFailedTaskStopsTheOthersAndFailsTheBooking() {
    Step s = BookingLifecycle.afterTasks(RUNNING, null, null, List.of(task("RUNNING", null), task("EXITED", 137))).orElseThrow();
    assertThat(s.to()).isEqualTo(STOPPING);
    assertThat(s.ending()).isEqualTo(FAILED);
    assertThat(s.stopOthers()).isTrue();
    assertThat(s.reason()).contains("exited with code 137");

    Step last = BookingLifecycle.afterTasks(STARTING, null, null, List.of(task("FAILED", null))).orElseThrow();
    assertThat(last.to()).as("nothing else runs: straight to FAILED").isEqualTo(FAILED);
    assertThat(last.stopOthers()).isFalse();
  }

  @Test
  void aWorkloadWhoseTasksAllExitWithZeroIsComplete() {
    assertThat(BookingLifecycle.afterTasks(RUNNING, null, null, List.of(task("EXITED", 0), task("RUNNING", null)))).isEmpty();
    Step done = BookingLifecycle.afterTasks(RUNNING, null, null, List.of(task("EXITED", 0), task("EXITED", 0))).orElseThrow();
    assertThat(done.to()).isEqualTo(STOPPED);
    assertThat(done.reason()).contains("completed");
  }

  @Test
  void aStoppingBookingEndsAsDecidedOnceItsLastTaskEnds() {
    assertThat(BookingLifecycle.afterTasks(STOPPING, EXPIRED, "the booked time ran out", List.of(task("EXITED", 143), task("RUNNING", null))))
        .isEmpty();
    Step end = BookingLifecycle.afterTasks(STOPPING, EXPIRED, "the booked time ran out", List.of(task("EXITED", 143), task("FAILED", null)))
        .orElseThrow();
    assertThat(end.to()).as("a task killed by the stop does not turn an expiry into a failure").isEqualTo(EXPIRED);
    assertThat(end.reason()).isEqualTo("the booked time ran out");
  }

  @Test
  void tasksMeanNothingBeforeTheBookingStarts() {
    assertThat(BookingLifecycle.afterTasks(PENDING_PAYMENT, null, null, List.of(task("FAILED", null)))).isEmpty();
    assertThat(BookingLifecycle.afterTasks(FUNDED, null, null, List.of(task("EXITED", 0)))).isEmpty();
  }

  @Test
  void aTaskOnlyMovesForwardAndBothEndsAreFinal() {
    assertThat(BookedTaskState.PENDING.advancesTo(BookedTaskState.RUNNING)).isTrue();
    assertThat(BookedTaskState.STARTING.advancesTo(BookedTaskState.FAILED)).isTrue();
    assertThat(BookedTaskState.RUNNING.advancesTo(BookedTaskState.STARTING)).as("a late STARTING").isFalse();
    assertThat(BookedTaskState.RUNNING.advancesTo(BookedTaskState.RUNNING)).as("a repeated report").isFalse();
    assertThat(BookedTaskState.EXITED.advancesTo(BookedTaskState.FAILED)).as("an ended task stays as it ended").isFalse();
    assertThat(BookedTaskState.FAILED.advancesTo(BookedTaskState.EXITED)).isFalse();
    for (var reported : io.respool.protocol.task.TaskState.values()) {
      assertThat(BookedTaskState.of(reported).name()).isEqualTo(reported.name());
    }
  }
}

package io.respool.bookings;

import static io.respool.bookings.BookingState.EXPIRED;
import static io.respool.bookings.BookingState.FAILED;
import static io.respool.bookings.BookingState.FUNDED;
import static io.respool.bookings.BookingState.PENDING_PAYMENT;
import static io.respool.bookings.BookingState.RUNNING;
import static io.respool.bookings.BookingState.SETTLED;
import static io.respool.bookings.BookingState.STARTING;
import static io.respool.bookings.BookingState.STOPPED;
import static io.respool.bookings.BookingState.STOPPING;
import static org.assertj.core.api.Assertions.assertThat;

import io.respool.bookings.BookingLifecycle.Step;
import io.respool.bookings.BookingLifecycle.TaskLife;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The booking state machine and what tasks mean for a booking: pure, no database. */
class BookingLifecycleTest {

  static TaskLife task(String state, Integer exit) {
    return new TaskLife("t-" + state + exit, state, exit, null);
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
  void whileAResumeIsAwaitedAReportedEndIsAboutTheRunBeforeThePause() {
    BookingStore.TaskRow reopened = new BookingStore.TaskRow("t", "b", "h", 0, 0, 1, true, 1000, 64, 0, 0, null, 1, "PENDING", null, null,
        java.util.Map.of(), null, null, null, 1);
    assertThat(reopened.staleEnd("EXITED")).isTrue();
    assertThat(reopened.staleEnd("FAILED")).isTrue();
    assertThat(reopened.staleEnd("RUNNING")).as("the resumed run answering").isFalse();
    BookingStore.TaskRow fresh = BookingStore.TaskRow.pending("t", "b", "h", 0, 0, 1, 1000, 64, 0, 0, null, 1);
    assertThat(fresh.staleEnd("FAILED")).as("a task never resumed may fail before it runs").isFalse();
  }
}

package io.respool.bookings;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.lifecycle.BookedTaskState;
import org.junit.jupiter.api.Test;

class TaskRowTest {
  @Test
  void whileAResumeIsAwaitedAReportedEndIsAboutTheRunBeforeThePause() {
    BookingStore.TaskRow reopened = new BookingStore.TaskRow("t", "b", "h", 0, 0, 1, true, 1000, 64, 0, 0, null, 1, BookedTaskState.PENDING, null, null,
        java.util.Map.of(), null, null, null, 1, null);
    assertThat(reopened.staleEnd(BookedTaskState.EXITED)).isTrue();
    assertThat(reopened.staleEnd(BookedTaskState.FAILED)).isTrue();
    assertThat(reopened.staleEnd(BookedTaskState.RUNNING)).as("the resumed run answering").isFalse();
    BookingStore.TaskRow fresh = BookingStore.TaskRow.pending("t", "b", "h", 0, 0, 1, 1000, 64, 0, 0, null, 1);
    assertThat(fresh.staleEnd(BookedTaskState.FAILED)).as("a task never resumed may fail before it runs").isFalse();
  }
}

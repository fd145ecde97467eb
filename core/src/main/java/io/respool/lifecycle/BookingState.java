package io.respool.lifecycle;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a booking. Every change goes through {@link #canMoveTo}; the terminal states say how
 * it ended (SETTLED comes once the money has moved, with the settlement issues).
 */
public enum BookingState {
  PENDING_PAYMENT,
  FUNDED,
  STARTING,
  RUNNING,
  STOPPING,
  /** The deposit ran out: the tasks are stopped, their capacity and data kept until a top-up or the grace ends. */
  PAUSED,
  STOPPED,
  FAILED,
  EXPIRED,
  SETTLED;

  private static final Set<BookingState> ENDED = EnumSet.of(STOPPED, FAILED, EXPIRED, SETTLED);

  public boolean isFinal() { return ENDED.contains(this); }

  /** Whether the booking holds capacity (and team quota) in this state. */
  public boolean holdsCapacity() { return !isFinal(); }

  public boolean canMoveTo(BookingState next) {
    return switch (this) {
      case PENDING_PAYMENT -> EnumSet.of(FUNDED, STOPPED, FAILED, EXPIRED).contains(next);
      case FUNDED -> EnumSet.of(STARTING, STOPPED, FAILED, EXPIRED).contains(next);
      // RUNNING → STARTING: a part is being replaced (rescheduled after a host loss, or resized)
      case STARTING, RUNNING -> EnumSet.of(STARTING, RUNNING, STOPPING, STOPPED, FAILED).contains(next) && next != this;
      case STOPPING -> EnumSet.of(STOPPED, FAILED, EXPIRED, PAUSED).contains(next);
      case PAUSED -> EnumSet.of(STARTING, STOPPED, FAILED, EXPIRED).contains(next);
      case STOPPED, FAILED, EXPIRED -> next == SETTLED;
      case SETTLED -> false;
    };
  }

  /** Whether tasks may run: the states in which the booking's tasks are (being) started. */
  public boolean isActive() { return this == STARTING || this == RUNNING; }
}

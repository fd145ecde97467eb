package io.respool.bookings;

import java.time.Duration;

/**
 * How bookings behave in time.
 *
 * @param paymentWindow how long an unpaid booking holds its capacity before it expires
 * @param hostLossGrace how long a host may stay offline (a gateway failover, a worker restart)
 *     before its tasks are rescheduled or failed
 * @param startTimeout how long a host may take to answer a start (an image pull included)
 * @param stopGrace how long a task gets between SIGTERM and SIGKILL
 * @param reconcileInterval how often each node catches up on deadlines, lost hosts and unanswered commands
 * @param resendAfter how long a start or stop may go unconfirmed before it is sent again
 */
public record BookingSettings(Duration paymentWindow, Duration hostLossGrace, Duration startTimeout, Duration stopGrace,
    Duration reconcileInterval, Duration resendAfter) {}

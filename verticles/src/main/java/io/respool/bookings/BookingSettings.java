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
 * @param meterInterval how often a running booking's bill is brought up to date (and a {@code booking.cost} event sent)
 * @param pauseGrace how long a paused booking keeps its capacity and data, waiting for a top-up, before it expires
 * @param feeBasisPoints the gateway's fee on what is billed, in hundredths of a percent
 * @param snapshotMaxAge how old this node's view of the offers may be when it matches a booking
 *     (the reservation in PostgreSQL stays the judge; a refusal is only given after a fresh read)
 */
public record BookingSettings(Duration paymentWindow, Duration hostLossGrace, Duration startTimeout, Duration stopGrace,
    Duration reconcileInterval, Duration resendAfter, Duration meterInterval, Duration pauseGrace, int feeBasisPoints,
    Duration snapshotMaxAge) {}

package io.respool.bookings;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * What a payment adapter tells the bookings, defined by the bookings and called by the adapters
 * (Ethereum, Solana): each call runs in the adapter's own transaction, the one that records what
 * the chain said, so the booking and the deposits never disagree after a crash. The adapters never
 * write a booking themselves.
 */
public interface PaymentOutcomes {
  /** Every deposit of the booking is paid: FUNDED, then dispatched (at once, or by the reconciler). */
  Future<Void> funded(SqlConnection tx, String bookingId, String reason);

  /** A deposit holds less than required: the booking keeps waiting; the renter is told what is missing. */
  Future<Void> underfunded(SqlConnection tx, String bookingId, String reason);

  /** A deposit was opened on other terms (payee, expiry, fee, token, payer): not accepted, returned at the end. */
  Future<Void> rejected(SqlConnection tx, String bookingId, String reason);

  /** Every deposit was topped up for the pending extension: the booking gets the time, and resumes if paused. */
  Future<Void> toppedUp(SqlConnection tx, String bookingId);

  /**
   * Every deposit of an ended booking is closed on chain, settled by the operator or reclaimed by
   * the renter ({@code reason} says which and how much went where): SETTLED.
   */
  Future<Void> settled(SqlConnection tx, String bookingId, String reason);
}

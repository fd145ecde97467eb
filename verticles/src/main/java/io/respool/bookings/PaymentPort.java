package io.respool.bookings;

import io.respool.lifecycle.BookingState;
import io.respool.bookings.BookingStore.BookingRow;
import io.respool.bookings.BookingStore.TaskRow;
import io.respool.protocol.api.Payments;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;

/**
 * How a booking gets paid for. An escrow adapter records, in the transaction that creates the
 * booking, the deposits it needs ({@code deposits}: one per host), tells the renter what to sign,
 * watches the chain and tells the bookings through {@link PaymentOutcomes}; the {@link UsageLedger} turns the
 * deposits into settlement intents when the booking ends, and the adapter moves the money. Without
 * an adapter a booking waits in PENDING_PAYMENT and expires at its deadline — unless the operator
 * explicitly runs the gateway with unpaid bookings enabled.
 */
public interface PaymentPort {
  /** Whether a new booking skips payment (the operator's choice; off by default). */
  boolean waived();

  /** The chains ({@code ethereum}, {@code solana}) this port takes payment on; a booking asking for another is refused. */
  java.util.Set<String> chains();

  /**
   * Whether a booking paid on {@code chain} pays each of its hosts to the host's own address there
   * (an escrow does): the matcher then skips hosts without a payout address on that chain.
   */
  default boolean paysHostsOn(String chain) { return false; }

  /**
   * Whether {@link #prepare} of a booking paid on {@code chain} writes nothing and refuses nothing:
   * the booking's own rows are then all its placement writes, and a batch of such bookings is
   * written by one statement.
   */
  default boolean preparesNothing(String chain) { return false; }

  /** The reason recorded when a booking skips payment. */
  String waiverReason();

  /**
   * In the transaction that creates a booking that is not waived: records its deposits, or fails
   * with a {@link io.respool.protocol.RespoolException} (nothing is then created).
   */
  Future<Void> prepare(SqlConnection tx, BookingRow booking, List<TaskRow> tasks);

  /** What the renter signs to pay, and where each deposit stands. */
  Future<Payments.Instructions> instructions(SqlClient c, BookingRow booking);

  /**
   * In the transaction of an extension of a booking paid through an escrow: records that its
   * deposits must grow by {@code extraCost} and last {@code seconds} longer. The booking changes
   * only once they have (the adapter then calls {@link PaymentOutcomes#toppedUp}).
   */
  default Future<Void> requestTopUp(SqlConnection tx, BookingRow booking, long seconds, java.math.BigInteger extraCost) {
    return Future.failedFuture(new io.respool.protocol.RespoolException(io.respool.protocol.ErrorCode.CONFLICT,
        "booking " + booking.id() + " is paid through an escrow this gateway cannot top up"));
  }

  /** The port without an escrow: unpaid bookings allowed or not. */
  static PaymentPort unpaidBookings(boolean allowed) {
    return new PaymentPort() {
      @Override
      public boolean waived() { return allowed; }

      /**
       * Ethereum bookings are taken and wait in PENDING_PAYMENT until their deadline, as before
       * there was an escrow (the API tests of placement rely on it); Solana ones are refused, since
       * nothing could ever fund them.
       */
      @Override
      public java.util.Set<String> chains() { return java.util.Set.of("ethereum"); }

      @Override
      public String waiverReason() { return "unpaid bookings are enabled by the operator"; }

      @Override
      public Future<Void> prepare(SqlConnection tx, BookingRow booking, List<TaskRow> tasks) { return Future.succeededFuture(); }

      @Override
      public boolean preparesNothing(String chain) { return true; }

      @Override
      public Future<Payments.Instructions> instructions(SqlClient c, BookingRow b) {
        return Future.succeededFuture(unpaid(b));
      }
    };
  }

  /** Instructions for a booking no escrow takes payment for. */
  static Payments.Instructions unpaid(BookingRow b) {
    String state = b.state() == BookingState.PENDING_PAYMENT ? "awaiting-payment" : "unpaid";
    return new Payments.Instructions(b.id(), b.paymentChain(), b.currency(), b.cost(), b.paymentDeadline(), state, List.of());
  }
}

package io.respool.bookings;

import io.respool.lifecycle.BookingState;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.Consumer;

/** The bookings' side of {@link PaymentOutcomes}: what a confirmed payment event does to a booking. */
public final class BookingPayments implements PaymentOutcomes {
  private final BookingStore store;
  private final Dispatcher dispatcher;
  private final Consumer<String> dispatchFunded;

  /** {@code dispatchFunded}: asks (after the commit) for a funded booking's dispatch; the reconciler catches what it loses. */
  public BookingPayments(BookingStore store, Dispatcher dispatcher, Consumer<String> dispatchFunded) {
    this.store = store;
    this.dispatcher = dispatcher;
    this.dispatchFunded = dispatchFunded;
  }

  @Override
  public Future<Void> funded(SqlConnection tx, String bookingId, String reason) {
    return store.lockBooking(tx, bookingId).compose(b -> {
      if (b.state() != BookingState.PENDING_PAYMENT) return Future.succeededFuture(); // stopped or expired meanwhile: refunded at settlement
      return store.move(tx, b, BookingState.FUNDED, null, reason).map(moved -> {
        BookingStore.afterCommit(tx, () -> dispatchFunded.accept(bookingId));
        return null;
      });
    });
  }

  @Override
  public Future<Void> underfunded(SqlConnection tx, String bookingId, String reason) {
    // not locked: a note changes nothing of the booking, and the adapter holds the deposit's lock already
    return store.booking(tx, bookingId).compose(b -> store.note(tx, b, "booking.payment-underfunded", reason));
  }

  @Override
  public Future<Void> rejected(SqlConnection tx, String bookingId, String reason) {
    return store.booking(tx, bookingId).compose(b -> store.note(tx, b, "booking.payment-rejected", reason));
  }

  @Override
  public Future<Void> toppedUp(SqlConnection tx, String bookingId) {
    return store.takeExtension(tx, bookingId)
        .compose(extension -> {
          if (extension == null) return Future.succeededFuture();
          long seconds = extension.seconds();
          java.math.BigInteger cost = extension.cost();
          return store.lockBooking(tx, bookingId).compose(b -> {
            if (b.state().isFinal()) return Future.succeededFuture(); // ended meanwhile: the top-up is refunded at settlement
            return store.reprice(tx, b.id(), b.pricePerHour(), b.durationSeconds() + seconds, cost, b.cpuMillis(), b.memoryMb(), b.gpus(), b.request())
                .compose(after -> {
                  String what = "extended by " + seconds + " s, paid on chain; deposit now " + cost + " " + b.currency();
                  return b.state() == BookingState.PAUSED ? dispatcher.resume(tx, after, "topped up: " + what + "; resuming").mapEmpty()
                      : store.note(tx, after, "booking.extended", what);
                });
          });
        });
  }

  @Override
  public Future<Void> settled(SqlConnection tx, String bookingId, String reason) {
    return store.lockBooking(tx, bookingId).compose(b -> {
      if (!b.state().isFinal() || b.state() == BookingState.SETTLED) return Future.succeededFuture();
      return store.move(tx, b, BookingState.SETTLED, null, reason).mapEmpty();
    });
  }
}

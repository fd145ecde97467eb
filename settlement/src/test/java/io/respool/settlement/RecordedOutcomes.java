package io.respool.settlement;

import io.respool.bookings.PaymentOutcomes;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The bookings' side of a watcher in its tests: what the watcher told them ("funded bk-1", …), in order. */
public final class RecordedOutcomes implements PaymentOutcomes {
  public final List<String> told = new CopyOnWriteArrayList<>();

  @Override public Future<Void> funded(SqlConnection tx, String bookingId, String reason) { return tell("funded " + bookingId); }
  @Override public Future<Void> underfunded(SqlConnection tx, String bookingId, String reason) { return tell("underfunded " + bookingId); }
  @Override public Future<Void> rejected(SqlConnection tx, String bookingId, String reason) { return tell("rejected " + bookingId); }
  @Override public Future<Void> toppedUp(SqlConnection tx, String bookingId) { return tell("toppedUp " + bookingId); }
  @Override public Future<Void> settled(SqlConnection tx, String bookingId, String reason) { return tell("settled " + bookingId); }

  private Future<Void> tell(String what) {
    told.add(what);
    return Future.succeededFuture();
  }
}

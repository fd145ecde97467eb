package io.respool.settlement;

import io.respool.bookings.BookingStore.BookingRow;
import io.respool.bookings.BookingStore.TaskRow;
import io.respool.bookings.PaymentPort;
import io.respool.protocol.api.Payments;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The bookings' payment port over several chains: each booking goes to the adapter of its
 * {@code paymentChain} ({@code ethereum}, {@code solana}). {@link #chains()} is the chains with an
 * adapter, so a booking on another is refused (409) before anything is reserved; with no adapter at
 * all, the port without escrow ({@link PaymentPort#unpaidBookings}) answers as before.
 */
public final class ChainPayments implements PaymentPort {
  private final Map<String, PaymentPort> byChain;
  private final PaymentPort none;

  private ChainPayments(Map<String, PaymentPort> byChain, PaymentPort none) {
    this.byChain = byChain;
    this.none = none;
  }

  /** The port for these adapters (each answering for its own chains); none: unpaid bookings allowed or not. */
  public static PaymentPort of(List<PaymentPort> adapters, boolean allowUnpaid) {
    PaymentPort none = PaymentPort.unpaidBookings(allowUnpaid);
    if (adapters.isEmpty()) return none;
    Map<String, PaymentPort> byChain = new LinkedHashMap<>();
    for (PaymentPort p : adapters) {
      for (String c : p.chains()) {
        if (byChain.putIfAbsent(c, p) != null) throw new IllegalArgumentException("two payment adapters for " + c);
      }
    }
    return new ChainPayments(Map.copyOf(byChain), none);
  }

  private PaymentPort of(BookingRow b) {
    return byChain.getOrDefault(b.paymentChain(), none);
  }

  @Override
  public boolean waived() { return none.waived(); }

  @Override
  public Set<String> chains() { return new TreeSet<>(byChain.keySet()); }

  @Override
  public boolean preparesNothing(String chain) {
    return byChain.getOrDefault(chain, none).preparesNothing(chain);
  }

  @Override
  public boolean paysHostsOn(String chain) {
    PaymentPort p = byChain.get(chain);
    return p != null && p.paysHostsOn(chain);
  }

  @Override
  public String waiverReason() { return none.waiverReason(); }

  @Override
  public Future<Void> prepare(SqlConnection tx, BookingRow booking, List<TaskRow> tasks) {
    return of(booking).prepare(tx, booking, tasks);
  }

  @Override
  public Future<Payments.Instructions> instructions(SqlClient c, BookingRow booking) {
    return of(booking).instructions(c, booking);
  }

  @Override
  public Future<Void> requestTopUp(SqlConnection tx, BookingRow booking, long seconds, java.math.BigInteger extraCost) {
    return of(booking).requestTopUp(tx, booking, seconds, extraCost);
  }
}

package io.respool.settlement;

import io.respool.bookings.BookingStore.BookingRow;
import io.respool.bookings.BookingStore.TaskRow;
import io.respool.infra.SqlAmounts;
import io.respool.lifecycle.BookingState;
import io.respool.metering.EscrowSplit;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Payments;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * The bookings' deposit rows as both chains' payment ports keep them: one deposit per host a
 * booking runs on (the escrows pay one host per rental), the cost divided by the hosts' prices,
 * an extension divided over the open deposits, and what {@code GET /v1/bookings/{id}/payment}
 * shows of them. What a chain alone decides (rental id, escrow, payee, the wallet's calls) its
 * adapter passes in.
 */
public final class DepositRows {
  private final String chainName;

  /** @param chainName how deposits name the chain ({@code ethereum:<chain id>}, {@code solana:<program>}) */
  public DepositRows(String chainName) {
    this.chainName = chainName;
  }

  /** Each host's price per hour in the booking (a host running several tasks: their sum), by host id. */
  public static Map<String, Long> pricePerHour(List<TaskRow> tasks) {
    Map<String, Long> prices = new TreeMap<>();
    for (TaskRow t : tasks) prices.merge(t.hostId(), t.pricePerHour(), Math::addExact);
    return prices;
  }

  /** When a booking's rentals may expire: after the latest moment it could still run, plus {@code margin}. */
  public static Instant expiry(BookingRow b, Duration margin) {
    return b.paymentDeadline().plusSeconds(b.durationSeconds()).plus(margin).truncatedTo(ChronoUnit.SECONDS);
  }

  /** Where a host's deposit goes: the escrow, the rental id (0x + hex) and the payee. */
  public record Rental(String escrow, String rentalId, String payee) {}

  /**
   * The booking's deposits, AWAITING the renter's opens, inserted in its creating transaction: the cost
   * divided by {@code pricePerHour}, each host's rental given by {@code rental} (host id, amount). A
   * free booking has none.
   */
  public Future<Void> insert(SqlConnection tx, BookingRow b, Map<String, Long> pricePerHour, Instant expiresAt,
      BiFunction<String, BigInteger, Rental> rental) {
    List<Tuple> rows = new ArrayList<>();
    EscrowSplit.deposits(pricePerHour, b.cost()).forEach((hostId, amount) -> {
      Rental r = rental.apply(hostId, amount);
      rows.add(Tuple.tuple().addString(b.id()).addString(hostId).addString(chainName).addString(r.escrow()).addString(r.rentalId())
          .addString(r.payee()).addValue(SqlAmounts.param(amount)).addOffsetDateTime(OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC)));
    });
    if (rows.isEmpty()) return Future.succeededFuture();
    return tx.preparedQuery("""
            INSERT INTO deposits (booking_id, host_id, chain, escrow, rental_id, payee, amount, expires_at, state)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'AWAITING')""").executeBatch(rows).mapEmpty();
  }

  /**
   * An extension: the extra cost divided over the deposits in proportion to what they hold for the
   * booking; each must reach its new amount and an expiry {@code seconds} later. One extension waits
   * at a time; only open deposits can be topped up.
   *
   * @param beyondLimit the chain's refusal of the extended booking's total (checked after the deposits' states), or null
   */
  public Future<Void> requestTopUp(SqlConnection tx, BookingRow b, long seconds, BigInteger extraCost, RespoolException beyondLimit) {
    return tx.preparedQuery("SELECT host_id, amount, state FROM deposits WHERE booking_id = $1 ORDER BY host_id FOR UPDATE").execute(Tuple.of(b.id()))
        .compose(rows -> {
          Map<String, BigInteger> weights = new TreeMap<>();
          for (Row r : rows) {
            if (!"OPEN".equals(r.getString("state"))) {
              return Future.<Void>failedFuture(new RespoolException(ErrorCode.CONFLICT, "deposit of host " + r.getString("host_id") + " is "
                  + r.getString("state") + "; only open deposits can be topped up"));
            }
            weights.put(r.getString("host_id"), SqlAmounts.get(r, "amount"));
          }
          if (beyondLimit != null) return Future.<Void>failedFuture(beyondLimit);
          List<Tuple> updates = new ArrayList<>();
          EscrowSplit.topUps(weights, extraCost).forEach((hostId, amount) -> updates.add(Tuple.tuple().addString(b.id()).addString(hostId)
              .addValue(SqlAmounts.param(amount)).addLong(seconds)));
          return tx.preparedQuery("INSERT INTO booking_extensions (booking_id, seconds, cost) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1")
              .execute(Tuple.of(b.id(), seconds, SqlAmounts.param(b.cost().add(extraCost))))
              .compose(inserted -> inserted.size() == 0
                  ? Future.<Void>failedFuture(new RespoolException(ErrorCode.CONFLICT,
                      "an extension of booking " + b.id() + " is already waiting for its top-up (GET /v1/bookings/" + b.id() + "/payment)"))
                  : updates.isEmpty() ? Future.<Void>succeededFuture()
                  : tx.preparedQuery("""
                      UPDATE deposits SET topup_amount = $3, topup_expires_at = expires_at + make_interval(secs => $4::bigint)
                       WHERE booking_id = $1 AND host_id = $2""").executeBatch(updates).<Void>mapEmpty());
        });
  }

  /** A deposit row as the payment shows it, with the wallet's {@code calls} due and its {@code note}. */
  public static Payments.Deposit view(Row r, String note, List<Payments.Call> calls) {
    return new Payments.Deposit(r.getString("host_id"), r.getString("escrow"), r.getString("rental_id"), r.getString("payee"),
        SqlAmounts.get(r, "amount"), r.getOffsetDateTime("expires_at").toInstant(), r.getString("state"), note, r.getString("renter"),
        SqlAmounts.get(r, "deposited"), r.getString("opened_tx"), SqlAmounts.get(r, "used"), SqlAmounts.get(r, "fee"),
        SqlAmounts.get(r, "host_amount"), SqlAmounts.get(r, "refund"), r.getString("settle_tx"), calls);
  }

  /** A booking's payment: awaiting it, funded, settling (a deposit being settled) or settled (every deposit settled or reclaimed). */
  public static Payments.Instructions payment(BookingRow b, List<Payments.Deposit> deposits) {
    boolean settling = deposits.stream().anyMatch(d -> "SETTLING".equals(d.state()));
    boolean settled = deposits.stream().allMatch(d -> "SETTLED".equals(d.state()) || "RECLAIMED".equals(d.state()));
    String state = b.state() == BookingState.PENDING_PAYMENT ? "awaiting-payment" : settled ? "settled" : settling ? "settling" : "funded";
    return new Payments.Instructions(b.id(), b.paymentChain(), b.currency(), b.cost(), b.paymentDeadline(), state, deposits);
  }
}

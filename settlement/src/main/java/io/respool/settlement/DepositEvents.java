package io.respool.settlement;

import io.respool.bookings.PaymentOutcomes;
import io.respool.infra.SqlAmounts;
import io.respool.lifecycle.BookingState;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a confirmed escrow event does to its deposit and booking, the same on every chain. Each
 * chain's watcher reads its events, checks what only that chain can say (who opened, which escrow,
 * which token) and applies them here, in the transaction that moves its cursor; what the chain says
 * reaches the bookings through {@link PaymentOutcomes} in that same transaction.
 */
public final class DepositEvents {
  private static final Logger LOG = LoggerFactory.getLogger(DepositEvents.class);
  private static final int BATCH = 100;

  private final Pool pool;
  private final String chainName;
  private final String chainLabel;
  private final Function<String, String> units;
  private final PaymentOutcomes bookings;

  /**
   * @param chainName how deposits name the chain ({@code ethereum:<chain id>}, {@code solana:<program>})
   * @param units how the chain's notes name an amount of a booking's currency, after the number
   *     ({@code " TUSD"}, {@code " lamports"})
   */
  public DepositEvents(Pool pool, String chainName, Function<String, String> units, PaymentOutcomes bookings) {
    this.pool = pool;
    this.chainName = chainName;
    this.chainLabel = chainName.substring(0, chainName.indexOf(':'));
    this.units = units;
    this.bookings = bookings;
  }

  /**
   * The deposit of {@code rentalId} on this chain, with its booking's account, currency and state —
   * both locked, the booking first (the order a stop or an extension takes them in): a stop
   * committing meanwhile is seen, so a rental opened while its booking is being stopped is refunded
   * rather than left OPEN with no settlement. Null if there is no such deposit.
   */
  public Future<Row> lock(SqlConnection tx, String rentalId) {
    return tx.preparedQuery("""
            SELECT 1 FROM bookings WHERE id = (SELECT booking_id FROM deposits WHERE chain = $1 AND rental_id = $2) FOR UPDATE""")
        .execute(Tuple.of(chainName, rentalId))
        .compose(locked -> tx.preparedQuery("""
            SELECT d.*, b.account_id, b.currency, b.state AS booking_state FROM deposits d JOIN bookings b ON b.id = d.booking_id
             WHERE d.chain = $1 AND d.rental_id = $2 FOR UPDATE OF d""")
            .execute(Tuple.of(chainName, rentalId)))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /** What every chain checks of an open against its deposit: the payee, an expiry no earlier, the fee. */
  public static List<String> mismatches(Row d, String host, long expiresAt, int feeBps, int expectedFeeBps) {
    List<String> wrong = new ArrayList<>();
    if (!d.getString("payee").equals(host)) wrong.add("pays " + host + " instead of the host's payout address " + d.getString("payee"));
    long required = d.getOffsetDateTime("expires_at").toEpochSecond();
    if (expiresAt < required) wrong.add("expires at " + expiresAt + ", before the required " + required);
    if (feeBps != expectedFeeBps) wrong.add("fee " + feeBps + " bps instead of " + expectedFeeBps);
    return wrong;
  }

  /**
   * A rental opened by a wallet of the deposit's account.
   *
   * @param escrow where it was opened (the deposit follows it)
   * @param wrong what of the terms it contradicts: the deposit is then REJECTED
   * @param at where on the chain, for the log ("block 12", "slot 40")
   */
  public record Opening(String renter, String escrow, BigInteger deposited, List<String> wrong, String txId, long block, String at) {}

  /**
   * An AWAITING deposit opened: REJECTED (terms contradicted), UNDERFUNDED or OPEN, the booking told;
   * a rental opened for a booking that has already ended is settled on 0 at once (the renter gets it all back).
   */
  public Future<Void> opened(SqlConnection tx, Row d, Opening o) {
    String id = d.getString("rental_id");
    String currency = d.getString("currency");
    BigInteger amount = SqlAmounts.get(d, "amount");
    String state;
    String note = null;
    if (!o.wrong().isEmpty()) {
      state = "REJECTED";
      note = "rental not accepted: " + String.join("; ", o.wrong());
    } else if (o.deposited().compareTo(amount) < 0) {
      state = "UNDERFUNDED";
      note = "holds " + o.deposited() + " of the " + amount + units.apply(currency) + " required; top it up";
    } else {
      state = "OPEN";
    }
    String bookingId = d.getString("booking_id");
    LOG.info("deposit {} of booking {}: Opened in {} → {}{}", id, bookingId, o.at(), state, note == null ? "" : " (" + note + ")");
    Future<Void> update = tx.preparedQuery("""
            UPDATE deposits SET state = $3, note = $4, renter = $5, deposited = $6, opened_tx = $7, opened_block = $8, escrow = $9
             WHERE chain = $1 AND rental_id = $2""")
        .execute(Tuple.tuple().addString(chainName).addString(id).addString(state).addString(note).addString(o.renter())
            .addValue(SqlAmounts.param(o.deposited())).addString(o.txId()).addLong(o.block()).addString(o.escrow()))
        .mapEmpty();
    if (BookingState.valueOf(d.getString("booking_state")).isFinal()) {
      return update.compose(x -> tx.preparedQuery("""
              UPDATE deposits SET state = 'SETTLING', used = 0, fee = 0, host_amount = 0, refund = deposited, intent_at = now(), next_attempt_at = now(),
                note = coalesce(note || '; ', '') || $3 WHERE chain = $1 AND rental_id = $2""")
          .execute(Tuple.of(chainName, id, "opened after the booking ended (" + d.getString("booking_state") + "): returned in full")).mapEmpty());
    }
    String told = "deposit for host " + d.getString("host_id") + ": " + note;
    return switch (state) {
      case "REJECTED" -> update.compose(x -> bookings.rejected(tx, bookingId, told));
      case "UNDERFUNDED" -> update.compose(x -> bookings.underfunded(tx, bookingId, told));
      default -> update;
    };
  }

  /**
   * A top-up, the escrow now holding {@code deposited} until {@code expiresAt}: an underfunded deposit
   * may become open; an open one with an extension pending gets its new amount and expiry once it
   * holds them, and when every deposit of the booking has, the booking is extended; a deposit already
   * being settled returns the extra with its refund.
   */
  public Future<Void> toppedUp(SqlConnection tx, Row d, BigInteger deposited, long expiresAt) {
    String state = d.getString("state");
    BigInteger amount = SqlAmounts.get(d, "amount");
    boolean mended = "UNDERFUNDED".equals(state) && deposited.compareTo(amount) >= 0 && expiresAt >= d.getOffsetDateTime("expires_at").toEpochSecond();
    BigInteger topUp = SqlAmounts.get(d, "topup_amount");
    boolean extended = "OPEN".equals(state) && topUp != null && deposited.compareTo(amount.add(topUp)) >= 0
        && expiresAt >= d.getOffsetDateTime("topup_expires_at").toEpochSecond();
    Future<Void> update = tx.preparedQuery("""
            UPDATE deposits SET deposited = $3, state = $4, note = CASE WHEN $5 THEN NULL ELSE note END,
              refund = CASE WHEN state = 'SETTLING' THEN $3 - used ELSE refund END,
              amount = CASE WHEN $6 THEN amount + topup_amount ELSE amount END,
              expires_at = CASE WHEN $6 THEN topup_expires_at ELSE expires_at END,
              topup_amount = CASE WHEN $6 THEN NULL ELSE topup_amount END,
              topup_expires_at = CASE WHEN $6 THEN NULL ELSE topup_expires_at END
            WHERE chain = $1 AND rental_id = $2""")
        .execute(Tuple.of(chainName, d.getString("rental_id"), SqlAmounts.param(deposited), mended ? "OPEN" : state, mended, extended)).mapEmpty();
    if (!extended) return update;
    String bookingId = d.getString("booking_id");
    return update
        .compose(x -> tx.preparedQuery("SELECT count(*) AS waiting FROM deposits WHERE booking_id = $1 AND topup_amount IS NOT NULL").execute(Tuple.of(bookingId)))
        .compose(rows -> rows.iterator().next().getLong("waiting") > 0 ? Future.succeededFuture() : bookings.toppedUp(tx, bookingId));
  }

  /** Settled on chain as {@code host}, {@code fee} and {@code refund}: final as the chain says (a different split is logged); the booking SETTLED once every deposit is. */
  public Future<Void> settled(SqlConnection tx, Row d, BigInteger host, BigInteger fee, BigInteger refund, String txId, long block) {
    if ("SETTLED".equals(d.getString("state"))) return Future.succeededFuture();
    String id = d.getString("rental_id");
    if (!host.equals(SqlAmounts.get(d, "host_amount")) || !fee.equals(SqlAmounts.get(d, "fee")) || !refund.equals(SqlAmounts.get(d, "refund"))) {
      LOG.warn("deposit {} settled on chain as host {}, fee {}, refund {}; the gateway's intent was host {}, fee {}, refund {}", id, host, fee, refund,
          SqlAmounts.get(d, "host_amount"), SqlAmounts.get(d, "fee"), SqlAmounts.get(d, "refund"));
    }
    return tx.preparedQuery("""
            UPDATE deposits SET state = 'SETTLED', used = $3, fee = $4, host_amount = $5, refund = $6, settle_tx = $7, settled_block = $8,
              settled_at = now() WHERE chain = $1 AND rental_id = $2""")
        .execute(Tuple.tuple().addString(chainName).addString(id).addValue(SqlAmounts.param(host.add(fee))).addValue(SqlAmounts.param(fee))
            .addValue(SqlAmounts.param(host)).addValue(SqlAmounts.param(refund)).addString(txId).addLong(block))
        .compose(x -> bookingSettled(tx, d, txId));
  }

  /** Reclaimed by the renter after expiry: final, the host unpaid through the escrow; the booking SETTLED once every deposit is. */
  public Future<Void> reclaimed(SqlConnection tx, Row d, String txId, long block) {
    if ("RECLAIMED".equals(d.getString("state"))) return Future.succeededFuture();
    return tx.preparedQuery("""
            UPDATE deposits SET state = 'RECLAIMED', note = $3, settle_tx = $4, settled_block = $5, settled_at = now() WHERE chain = $1 AND rental_id = $2""")
        .execute(Tuple.of(chainName, d.getString("rental_id"), "reclaimed by the renter after expiry: the host was not paid through the escrow", txId, block))
        .compose(x -> bookingSettled(tx, d, txId));
  }

  private Future<Void> bookingSettled(SqlConnection tx, Row d, String txId) {
    String bookingId = d.getString("booking_id");
    return tx.preparedQuery("""
            SELECT count(*) FILTER (WHERE state NOT IN ('SETTLED', 'RECLAIMED', 'AWAITING')) AS open,
                   count(*) FILTER (WHERE state = 'RECLAIMED') AS reclaimed,
                   coalesce(sum(host_amount) FILTER (WHERE state = 'SETTLED'), 0) AS host, coalesce(sum(fee) FILTER (WHERE state = 'SETTLED'), 0) AS fee,
                   coalesce(sum(refund) FILTER (WHERE state = 'SETTLED'), 0) AS refund
              FROM deposits WHERE booking_id = $1""").execute(Tuple.of(bookingId))
        .compose(rows -> {
          Row c = rows.iterator().next();
          if (c.getLong("open") > 0) return Future.succeededFuture();
          String why = "settled on " + chainLabel + ": hosts " + SqlAmounts.get(c, "host") + ", fee " + SqlAmounts.get(c, "fee") + ", refund "
              + SqlAmounts.get(c, "refund") + units.apply(d.getString("currency"))
              + (c.getLong("reclaimed") > 0 ? "; " + c.getLong("reclaimed") + " deposit(s) reclaimed by the renter" : "") + " (tx " + txId + ")";
          return bookings.settled(tx, bookingId, why);
        });
  }

  /** Bookings waiting for payment whose deposits on this chain are all open: FUNDED (then dispatched), told they are paid {@code in} (e.g. "the solana escrow program"). */
  public Future<Void> fundReady(String in) {
    return pool.preparedQuery("""
            SELECT b.id, count(d.*) AS n FROM bookings b JOIN deposits d ON d.booking_id = b.id WHERE b.state = 'PENDING_PAYMENT' AND d.chain = $1
             GROUP BY b.id HAVING bool_and(d.state = 'OPEN') LIMIT $2""")
        .execute(Tuple.of(chainName, BATCH))
        .compose(rows -> {
          List<Future<?>> each = new ArrayList<>();
          for (Row r : rows) {
            String id = r.getString("id");
            String why = "paid: " + r.getLong("n") + " deposit(s) open in " + in;
            each.add(pool.withTransaction(tx -> bookings.funded(tx, id, why)));
          }
          return Future.all(each).mapEmpty();
        });
  }
}

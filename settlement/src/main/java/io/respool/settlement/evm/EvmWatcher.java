package io.respool.settlement.evm;

import io.respool.infra.SqlAmounts;

import io.respool.lifecycle.BookingState;
import io.respool.bookings.PaymentOutcomes;
import io.respool.settlement.EscrowChain;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.utils.Numeric;

/**
 * Reads each escrow's events once they have {@code confirmations} blocks and applies them to the
 * deposits, in the transaction that moves the escrow's cursor (so an event is applied exactly once,
 * in order, and a node that dies mid-way leaves the cursor where it was). The logs are fetched
 * before that transaction, with no connection held (a slow node must not hold the pool the bookings
 * use); the transaction moves the cursor only from the value it was read at, so when several nodes
 * read the same blocks, one applies them and the others drop theirs. Only logs of the configured
 * escrow addresses are read; an {@code Opened} funds a deposit only if the renter is a wallet of the
 * booking's account and the payee, amount, expiry, fee and token are the ones the gateway asked for.
 */
public final class EvmWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(EvmWatcher.class);
  private static final long MAX_RANGE = 2_000;
  private static final int BATCH = 100;

  private final Vertx vertx;
  private final Pool pool;
  private final EscrowChain chain;
  private final EvmConfig config;
  private final Map<String, EscrowChain.Terms> terms;
  private final PaymentOutcomes bookings;
  private final String chainName;

  public EvmWatcher(Vertx vertx, Pool pool, EscrowChain chain, EvmConfig config, Map<String, EscrowChain.Terms> terms, PaymentOutcomes bookings) {
    this.vertx = vertx;
    this.pool = pool;
    this.chain = chain;
    this.config = config;
    this.terms = Map.copyOf(terms);
    this.bookings = bookings;
    this.chainName = EvmPayments.chainName(config);
  }

  /** One round: every escrow's new confirmed events, then the bookings whose deposits are all open are funded. */
  public Future<Void> round() {
    return blocking(chain::headBlock).compose(head -> {
      Future<Void> f = Future.succeededFuture();
      for (String escrow : terms.keySet()) f = f.compose(x -> scan(escrow, head));
      return f;
    }).compose(x -> fundReady());
  }

  /** Where an escrow's reading stands: the next block to read, and when the cursor last moved. */
  private record Cursor(long next, OffsetDateTime movedAt) {}

  /**
   * One escrow: the cursor is read, the logs are fetched with no connection held, then applied in
   * one short transaction that first moves the cursor from the value read (compare-and-set; the
   * update also locks the row until the commit). If another node moved it meanwhile, nothing is
   * applied: that node applied these logs, and what was fetched is dropped.
   */
  private Future<Void> scan(String escrow, long head) {
    long safe = head - (config.confirmations() - 1);
    long start = config.startBlock() != null ? config.startBlock() : Math.max(0, safe);
    return cursor(escrow, start).compose(c -> {
      // a chain behind what was read already was reset (a devnet started afresh): read it from the start
      long from = c.next() > head + 1 ? Math.min(start, head) : c.next();
      if (from != c.next()) LOG.warn("escrow {}: the chain's head {} is behind the blocks already read ({}); reading again from {}", escrow, head, c.next(), from);
      if (from > safe) return from == c.next() ? Future.succeededFuture() : apply(escrow, c, List.of(), from);
      long to = Math.min(safe, from + MAX_RANGE - 1);
      return blocking(() -> chain.logs(escrow, from, to)).compose(logs -> apply(escrow, c, logs, to + 1));
    });
  }

  private Future<Cursor> cursor(String escrow, long start) {
    return pool.preparedQuery("INSERT INTO chain_cursors (chain, escrow, next_block) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(chainName, escrow, start))
        .compose(x -> pool.preparedQuery("SELECT next_block, updated_at FROM chain_cursors WHERE chain = $1 AND escrow = $2")
            .execute(Tuple.of(chainName, escrow)))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Cursor(r.getLong("next_block"), r.getOffsetDateTime("updated_at"));
        });
  }

  /**
   * Applies {@code logs} and moves the cursor to {@code next}, if it is still where {@code read} saw
   * it. The time it last moved is compared too: a cursor set back after a chain reset may come to
   * the same block again.
   */
  private Future<Void> apply(String escrow, Cursor read, List<EscrowChain.Log> logs, long next) {
    return pool.withTransaction(tx -> tx.preparedQuery("""
                UPDATE chain_cursors SET next_block = $3, updated_at = clock_timestamp()
                 WHERE chain = $1 AND escrow = $2 AND next_block = $4 AND updated_at = $5""")
            .execute(Tuple.of(chainName, escrow, next, read.next(), read.movedAt()))
            .compose(moved -> {
              if (moved.rowCount() == 0) {
                LOG.debug("escrow {}: blocks from {} were applied by another node; {} log(s) dropped", escrow, read.next(), logs.size());
                return Future.succeededFuture();
              }
              return applyAll(tx, logs, 0);
            }));
  }

  private Future<Void> applyAll(SqlConnection tx, List<EscrowChain.Log> logs, int i) {
    if (i >= logs.size()) return Future.succeededFuture();
    EscrowChain.Log log = logs.get(i);
    Future<Void> applied = switch (log.kind()) {
      case "Opened" -> opened(tx, log);
      case "ToppedUp" -> toppedUp(tx, log);
      case "Settled" -> ended(tx, log, "SETTLED", null);
      case "Reclaimed" -> ended(tx, log, "RECLAIMED", "reclaimed by the renter after expiry: the host was not paid through the escrow");
      default -> Future.succeededFuture(); // SettleSkipped, Refunded: nothing to record
    };
    return applied.compose(x -> applyAll(tx, logs, i + 1));
  }

  /**
   * The deposit a log names, with its booking — both locked, the booking first (the order a stop
   * or an extension takes them in): a stop committing meanwhile is seen, so a rental opened while
   * its booking is being stopped is refunded rather than left OPEN with no settlement.
   */
  private Future<Row> deposit(SqlConnection tx, EscrowChain.Log log) {
    return tx.preparedQuery("""
            SELECT 1 FROM bookings WHERE id = (SELECT booking_id FROM deposits WHERE rental_id = $1 AND escrow = $2) FOR UPDATE""")
        .execute(Tuple.of(hex(log.rentalId()), log.escrow()))
        .compose(locked -> tx.preparedQuery("""
            SELECT d.*, b.account_id, b.currency, b.state AS booking_state FROM deposits d JOIN bookings b ON b.id = d.booking_id
             WHERE d.rental_id = $1 AND d.escrow = $2 AND (d.renter IS NULL OR d.renter = $3) FOR UPDATE OF d""")
        .execute(Tuple.of(hex(log.rentalId()), log.escrow(), log.renter())))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  private Future<Void> opened(SqlConnection tx, EscrowChain.Log log) {
    return deposit(tx, log).compose(d -> {
      if (d == null || !"AWAITING".equals(d.getString("state"))) return Future.succeededFuture(); // not ours, or seen already
      return tx.preparedQuery("SELECT 1 FROM wallets WHERE chain = 'ethereum' AND address = $1 AND account_id = $2")
          .execute(Tuple.of(log.renter(), d.getString("account_id")))
          .compose(wallet -> {
            if (wallet.size() == 0) {
              // rentals are keyed by (renter, id): someone else's rental under this id (copied from an open in flight,
              // or a wallet not signed in to this account) is not this deposit, which the renter can still open
              LOG.info("deposit {} of booking {}: a rental of {} under its id, not a wallet of the account: ignored", hex(log.rentalId()),
                  d.getString("booking_id"), log.renter());
              return tx.preparedQuery("UPDATE deposits SET note = $2 WHERE rental_id = $1 AND state = 'AWAITING'")
                  .execute(Tuple.of(hex(log.rentalId()), "a rental under this id was opened by " + log.renter()
                      + ", not a wallet of your account: it is not this deposit (open it from a wallet you signed in with)"))
                  .<Void>mapEmpty();
            }
            EscrowChain.Terms t = terms.get(log.escrow());
            List<String> wrong = new ArrayList<>();
            if (!d.getString("payee").equals(log.host())) wrong.add("pays " + log.host() + " instead of the host's payout address " + d.getString("payee"));
            long expiresAt = d.getOffsetDateTime("expires_at").toEpochSecond();
            if (log.expiresAt() < expiresAt) wrong.add("expires at " + log.expiresAt() + ", before the required " + expiresAt);
            if (log.feeBps() != t.feeBps()) wrong.add("fee " + log.feeBps() + " bps instead of " + t.feeBps());
            if (!t.token().equals(log.token())) wrong.add("token " + log.token() + " instead of " + t.token());
            BigInteger amount = SqlAmounts.get(d, "amount");
            BigInteger deposited = log.amount();
            String state;
            String note = null;
            if (!wrong.isEmpty()) {
              state = "REJECTED";
              note = "rental not accepted: " + String.join("; ", wrong);
            } else if (deposited.compareTo(amount) < 0) {
              state = "UNDERFUNDED";
              note = "holds " + deposited + " of the " + amount + " required; top it up";
            } else {
              state = "OPEN";
            }
            LOG.info("deposit {} of booking {}: Opened in block {} → {}{}", hex(log.rentalId()), d.getString("booking_id"), log.blockNumber(), state,
                note == null ? "" : " (" + note + ")");
            Future<Void> update = tx.preparedQuery("""
                    UPDATE deposits SET state = $2, note = $3, renter = $4, deposited = $5, opened_tx = $6, opened_block = $7
                     WHERE rental_id = $1""")
                .execute(Tuple.of(hex(log.rentalId()), state, note, log.renter(), SqlAmounts.param(deposited), log.txHash(), log.blockNumber())).mapEmpty();
            String bookingId = d.getString("booking_id");
            if (BookingState.valueOf(d.getString("booking_state")).isFinal()) return update.compose(x -> refundWhole(tx, log, d));
            String told = "deposit for host " + d.getString("host_id") + ": " + note;
            return switch (state) {
              case "REJECTED" -> update.compose(x -> bookings.rejected(tx, bookingId, told));
              case "UNDERFUNDED" -> update.compose(x -> bookings.underfunded(tx, bookingId, told));
              default -> update;
            };
          });
    });
  }

  /** A rental opened for a booking that has already ended: settled on 0, the renter gets it all back at once. */
  private Future<Void> refundWhole(SqlConnection tx, EscrowChain.Log log, Row d) {
    return tx.preparedQuery("""
            UPDATE deposits SET state = 'SETTLING', used = 0, fee = 0, host_amount = 0, refund = deposited, intent_at = now(), next_attempt_at = now(),
              note = coalesce(note || '; ', '') || $2 WHERE rental_id = $1""")
        .execute(Tuple.of(hex(log.rentalId()), "opened after the booking ended (" + d.getString("booking_state") + "): returned in full"))
        .mapEmpty();
  }

  /**
   * A top-up: an underfunded deposit may become open; an open one with an extension pending gets its
   * new amount and expiry once it holds them, and when every deposit of the booking has, the booking
   * is extended; a deposit already being settled returns the extra with its refund.
   */
  private Future<Void> toppedUp(SqlConnection tx, EscrowChain.Log log) {
    return deposit(tx, log).compose(d -> {
      if (d == null) return Future.succeededFuture();
      BigInteger deposited = log.amount();
      String state = d.getString("state");
      BigInteger amount = SqlAmounts.get(d, "amount");
      boolean mended = "UNDERFUNDED".equals(state) && deposited.compareTo(amount) >= 0
          && log.expiresAt() >= d.getOffsetDateTime("expires_at").toEpochSecond();
      BigInteger topUp = SqlAmounts.get(d, "topup_amount");
      boolean extended = "OPEN".equals(state) && topUp != null && deposited.compareTo(amount.add(topUp)) >= 0
          && log.expiresAt() >= d.getOffsetDateTime("topup_expires_at").toEpochSecond();
      Future<Void> update = tx.preparedQuery("""
              UPDATE deposits SET deposited = $2, state = $3, note = CASE WHEN $4 THEN NULL ELSE note END,
                refund = CASE WHEN state = 'SETTLING' THEN $2 - used ELSE refund END,
                amount = CASE WHEN $5 THEN amount + topup_amount ELSE amount END,
                expires_at = CASE WHEN $5 THEN topup_expires_at ELSE expires_at END,
                topup_amount = CASE WHEN $5 THEN NULL ELSE topup_amount END,
                topup_expires_at = CASE WHEN $5 THEN NULL ELSE topup_expires_at END
              WHERE rental_id = $1""")
          .execute(Tuple.of(hex(log.rentalId()), SqlAmounts.param(deposited), mended ? "OPEN" : state, mended, extended)).mapEmpty();
      if (!extended) return update;
      String bookingId = d.getString("booking_id");
      return update
          .compose(x -> tx.preparedQuery("SELECT count(*) AS waiting FROM deposits WHERE booking_id = $1 AND topup_amount IS NOT NULL")
              .execute(Tuple.of(bookingId)))
          .compose(rows -> rows.iterator().next().getLong("waiting") > 0 ? Future.succeededFuture() : bookings.toppedUp(tx, bookingId));
    });
  }

  /** Settled or Reclaimed: the deposit is final as the chain says; its booking is SETTLED once every deposit is. */
  private Future<Void> ended(SqlConnection tx, EscrowChain.Log log, String state, String note) {
    return deposit(tx, log).compose(d -> {
      if (d == null || state.equals(d.getString("state"))) return Future.succeededFuture();
      Future<?> update;
      if ("SETTLED".equals(state)) {
        BigInteger host = log.amount();
        BigInteger fee = log.fee();
        BigInteger refund = log.refund();
        if (!host.equals(SqlAmounts.get(d, "host_amount")) || !fee.equals(SqlAmounts.get(d, "fee")) || !refund.equals(SqlAmounts.get(d, "refund"))) {
          LOG.warn("deposit {} settled on chain as host {}, fee {}, refund {}; the gateway's intent was host {}, fee {}, refund {}", hex(log.rentalId()),
              host, fee, refund, SqlAmounts.get(d, "host_amount"), SqlAmounts.get(d, "fee"), SqlAmounts.get(d, "refund"));
        }
        update = tx.preparedQuery("""
                UPDATE deposits SET state = 'SETTLED', used = $2, fee = $3, host_amount = $4, refund = $5, settle_tx = $6, settled_block = $7,
                  settled_at = now() WHERE rental_id = $1""")
            .execute(Tuple.of(hex(log.rentalId()), SqlAmounts.param(host.add(fee)), SqlAmounts.param(fee), SqlAmounts.param(host), SqlAmounts.param(refund),
                log.txHash(), log.blockNumber()));
      } else {
        update = tx.preparedQuery("""
                UPDATE deposits SET state = $2, note = $3, settle_tx = $4, settled_block = $5, settled_at = now() WHERE rental_id = $1""")
            .execute(Tuple.of(hex(log.rentalId()), state, note, log.txHash(), log.blockNumber()));
      }
      String bookingId = d.getString("booking_id");
      return update.compose(x -> tx.preparedQuery("""
                  SELECT count(*) FILTER (WHERE state NOT IN ('SETTLED', 'RECLAIMED', 'AWAITING')) AS open,
                         count(*) FILTER (WHERE state = 'SETTLED') AS settled, count(*) FILTER (WHERE state = 'RECLAIMED') AS reclaimed,
                         coalesce(sum(host_amount) FILTER (WHERE state = 'SETTLED'), 0) AS host, coalesce(sum(fee) FILTER (WHERE state = 'SETTLED'), 0) AS fee,
                         coalesce(sum(refund) FILTER (WHERE state = 'SETTLED'), 0) AS refund
                    FROM deposits WHERE booking_id = $1""").execute(Tuple.of(bookingId)))
          .compose(rows -> {
            Row c = rows.iterator().next();
            if (c.getLong("open") > 0) return Future.succeededFuture();
            String why = "settled on ethereum: hosts " + SqlAmounts.get(c, "host") + ", fee " + SqlAmounts.get(c, "fee") + ", refund "
                + SqlAmounts.get(c, "refund") + " "
                + d.getString("currency") + (c.getLong("reclaimed") > 0 ? "; " + c.getLong("reclaimed") + " deposit(s) reclaimed by the renter" : "")
                + " (tx " + log.txHash() + ")";
            return bookings.settled(tx, bookingId, why);
          });
    });
  }

  /** Bookings waiting for payment whose deposits are all open: FUNDED (then dispatched). */
  private Future<Void> fundReady() {
    return pool.preparedQuery("""
            SELECT b.id, count(d.*) AS n FROM bookings b JOIN deposits d ON d.booking_id = b.id WHERE b.state = 'PENDING_PAYMENT' AND d.chain = $1
             GROUP BY b.id HAVING bool_and(d.state = 'OPEN') LIMIT $2""")
        .execute(Tuple.of(chainName, BATCH))
        .compose(rows -> {
          List<Future<?>> each = new ArrayList<>();
          for (Row r : rows) {
            String id = r.getString("id");
            String why = "paid: " + r.getLong("n") + " deposit(s) open in the ethereum escrow with " + config.confirmations() + " confirmation(s)";
            each.add(pool.withTransaction(tx -> bookings.funded(tx, id, why)));
          }
          return Future.all(each).mapEmpty();
        });
  }

  private <T> Future<T> blocking(Callable<T> call) {
    return vertx.executeBlocking(call, false);
  }

  static String hex(byte[] b) {
    return Numeric.toHexString(b).toLowerCase();
  }
}

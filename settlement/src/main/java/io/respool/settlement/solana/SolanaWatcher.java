package io.respool.settlement.solana;

import io.respool.bookings.PaymentOutcomes;
import io.respool.lifecycle.BookingState;
import io.respool.settlement.solana.EscrowProgram.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the program's transactions that reached the configured commitment
 * ({@code getSignaturesForAddress} on the program id back to the last one applied, then
 * {@code getTransaction}), parses their rental events (only lines logged in the program's own
 * frames; failed transactions skipped) and applies them to the deposits in the transaction that
 * moves the cursor from where it was read (compare-and-set: with several nodes, one applies them, the
 * others drop what they fetched; nothing is held across a call to the node). An {@code Opened} funds
 * a deposit only if its renter is a Solana wallet of the booking's account, the escrow is the PDA of
 * (that renter, the rental id) and host, amount, expiry, fee and mint (all zero for SOL, the configured
 * mint of the booking's currency for a token) are the ones asked for; an
 * open by a wallet of another account is another escrow (the renter is in the seeds) and is ignored.
 * Later events of a rental are matched by rental id and escrow, so a stranger's escrow with the same
 * rental id never touches the deposit.
 */
public final class SolanaWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(SolanaWatcher.class);
  private static final int PAGE = 1000;
  private static final int MAX_PER_ROUND = 200;
  private static final int BATCH = 100;

  private final Vertx vertx;
  private final Pool pool;
  private final SolanaRpc rpc;
  private final SolanaConfig config;
  private final EscrowProgram program;
  private final int feeBps;
  private final PaymentOutcomes bookings;
  private final String chainName;

  public SolanaWatcher(Vertx vertx, Pool pool, SolanaRpc rpc, SolanaConfig config, EscrowProgram program, int feeBps, PaymentOutcomes bookings) {
    this.vertx = vertx;
    this.pool = pool;
    this.rpc = rpc;
    this.config = config;
    this.program = program;
    this.feeBps = feeBps;
    this.bookings = bookings;
    this.chainName = SolanaPayments.chainName(config);
  }

  private record Cursor(String lastSignature, OffsetDateTime movedAt) {}

  /** A transaction's events, with where they were logged. */
  private record Landed(String signature, long slot, List<String> accountKeys, List<Event> events) {}

  /** One round: the program's new transactions, then the bookings whose deposits are all open are funded. */
  public Future<Void> round() {
    return cursor().compose(c -> blocking(() -> fetch(c)).compose(landed -> landed.isEmpty() ? Future.succeededFuture() : apply(c, landed)))
        .compose(x -> fundReady());
  }

  private Future<Cursor> cursor() {
    return pool.preparedQuery("INSERT INTO chain_cursors (chain, escrow, next_block) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(chainName, program.programId()))
        .compose(x -> pool.preparedQuery("SELECT last_signature, updated_at FROM chain_cursors WHERE chain = $1 AND escrow = $2")
            .execute(Tuple.of(chainName, program.programId())))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Cursor(r.getString("last_signature"), r.getOffsetDateTime("updated_at"));
        });
  }

  /** Blocking: the transactions after the cursor, oldest first, at most {@link #MAX_PER_ROUND}, with their events. */
  private List<Landed> fetch(Cursor c) {
    List<SolanaRpc.SignatureInfo> newestFirst = new ArrayList<>();
    String before = null;
    while (true) {
      List<SolanaRpc.SignatureInfo> page = rpc.signaturesForAddress(program.programId(), before, c.lastSignature(), PAGE, config.commitment());
      newestFirst.addAll(page);
      if (page.size() < PAGE) break;
      before = page.get(page.size() - 1).signature();
    }
    Collections.reverse(newestFirst);
    List<SolanaRpc.SignatureInfo> next = newestFirst.subList(0, Math.min(MAX_PER_ROUND, newestFirst.size()));
    List<Landed> out = new ArrayList<>();
    for (SolanaRpc.SignatureInfo s : next) {
      if (s.failed()) {
        out.add(new Landed(s.signature(), s.slot(), List.of(), List.of())); // its events are void; the cursor passes it
        continue;
      }
      var tx = rpc.transaction(s.signature(), config.commitment());
      if (tx.isEmpty()) break; // not served at this commitment yet (another node of the cluster behind): next round
      List<Event> events = tx.get().err() != null ? List.of() : program.parseEvents(tx.get().logs());
      out.add(new Landed(s.signature(), tx.get().slot(), tx.get().accountKeys(), events));
    }
    return out;
  }

  private Future<Void> apply(Cursor read, List<Landed> landed) {
    Landed last = landed.get(landed.size() - 1);
    return pool.withTransaction(tx -> tx.preparedQuery("""
                UPDATE chain_cursors SET last_signature = $3, next_block = $4, updated_at = clock_timestamp()
                 WHERE chain = $1 AND escrow = $2 AND last_signature IS NOT DISTINCT FROM $5 AND updated_at = $6""")
        .execute(Tuple.of(chainName, program.programId(), last.signature(), last.slot() + 1, read.lastSignature(), read.movedAt()))
        .compose(moved -> {
          if (moved.rowCount() == 0) {
            LOG.debug("program {}: transactions after {} were applied by another node", program.programId(), read.lastSignature());
            return Future.succeededFuture();
          }
          Future<Void> f = Future.succeededFuture();
          for (Landed l : landed) for (Event e : l.events()) f = f.compose(x -> applyOne(tx, l, e));
          return f;
        }));
  }

  private Future<Void> applyOne(SqlConnection tx, Landed l, Event e) {
    return switch (e) {
      case EscrowProgram.Opened o -> opened(tx, l, o);
      case EscrowProgram.ToppedUp t -> toppedUp(tx, t);
      case EscrowProgram.Settled s -> ended(tx, l, s.rentalId(), s.renter(), s);
      case EscrowProgram.Reclaimed r -> ended(tx, l, r.rentalId(), r.renter(), null);
      case EscrowProgram.SettleSkipped s -> Future.succeededFuture(); // closed before: its Settled or Reclaimed was read then
    };
  }

  private static final String DEPOSIT = """
      SELECT d.*, b.account_id, b.currency, b.state AS booking_state FROM deposits d JOIN bookings b ON b.id = d.booking_id
       WHERE d.chain = $1 AND d.rental_id = $2 FOR UPDATE OF d""";

  private Future<Row> deposit(SqlConnection tx, byte[] rentalId) {
    return tx.preparedQuery(DEPOSIT).execute(Tuple.of(chainName, SolanaPayments.hex(rentalId)))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /** The deposit whose escrow is (renter, rental id), or null: a rental id alone may be a stranger's escrow. */
  private Future<Row> depositOf(SqlConnection tx, byte[] rentalId, String renter) {
    String escrow = program.escrow(renter, rentalId).address();
    return deposit(tx, rentalId).map(d -> d != null && escrow.equals(d.getString("escrow")) ? d : null);
  }

  private Future<Void> opened(SqlConnection tx, Landed l, EscrowProgram.Opened o) {
    String id = SolanaPayments.hex(o.rentalId());
    return deposit(tx, o.rentalId()).compose(d -> {
      if (d == null || !"AWAITING".equals(d.getString("state"))) return Future.succeededFuture(); // not ours, or seen already
      String escrow = program.escrow(o.renter(), o.rentalId()).address();
      if (!l.accountKeys().contains(escrow)) {
        LOG.warn("rental {}: an Opened in {} whose transaction does not name the escrow {}: ignored", id, l.signature(), escrow);
        return Future.succeededFuture();
      }
      return tx.preparedQuery("SELECT 1 FROM wallets WHERE chain = 'solana' AND address = $1 AND account_id = $2")
          .execute(Tuple.of(o.renter(), d.getString("account_id")))
          .compose(wallet -> {
            if (wallet.size() == 0) {
              LOG.info("rental {} opened by {} (escrow {}), not a wallet of the booking's account: another escrow, ignored", id, o.renter(), escrow);
              return Future.succeededFuture();
            }
            List<String> wrong = new ArrayList<>();
            if (!d.getString("payee").equals(o.host())) wrong.add("pays " + o.host() + " instead of the host's payout address " + d.getString("payee"));
            long expiresAt = d.getOffsetDateTime("expires_at").toEpochSecond();
            if (o.expiresAt() < expiresAt) wrong.add("expires at " + o.expiresAt() + ", before the required " + expiresAt);
            if (o.feeBps() != feeBps) wrong.add("fee " + o.feeBps() + " bps instead of " + feeBps);
            String currency = d.getString("currency");
            String mint = config.mintOf(currency);
            if (!o.mint().equals(mint)) {
              wrong.add("holds " + (EscrowProgram.isSol(o.mint()) ? "SOL" : "token " + o.mint()) + " instead of " + currency
                  + (mint == null || EscrowProgram.isSol(mint) ? "" : " (mint " + mint + ")"));
            }
            long amount = d.getLong("amount");
            String state;
            String note = null;
            if (!wrong.isEmpty()) {
              state = "REJECTED";
              note = "rental not accepted: " + String.join("; ", wrong);
            } else if (o.amount() < amount) {
              state = "UNDERFUNDED";
              boolean sol = SolanaConfig.CURRENCY.equals(currency);
              note = "holds " + o.amount() + " of the " + amount + (sol ? " lamports" : " " + currency + " base units") + " required"
                  + "; top it up";
            } else {
              state = "OPEN";
            }
            LOG.info("deposit {} of booking {}: Opened in slot {} → {}{}", id, d.getString("booking_id"), l.slot(), state, note == null ? "" : " (" + note + ")");
            Future<Void> update = tx.preparedQuery("""
                    UPDATE deposits SET state = $3, note = $4, renter = $5, deposited = $6, opened_tx = $7, opened_block = $8, escrow = $9
                     WHERE chain = $1 AND rental_id = $2""")
                .execute(Tuple.tuple().addString(chainName).addString(id).addString(state).addString(note).addString(o.renter()).addValue(lamports(o.amount()))
                    .addString(l.signature()).addLong(l.slot()).addString(escrow))
                .mapEmpty();
            String bookingId = d.getString("booking_id");
            if (BookingState.valueOf(d.getString("booking_state")).isFinal()) {
              return update.compose(x -> tx.preparedQuery("""
                      UPDATE deposits SET state = 'SETTLING', used = 0, fee = 0, host_amount = 0, refund = deposited, intent_at = now(),
                        next_attempt_at = now(), note = coalesce(note || '; ', '') || $3 WHERE chain = $1 AND rental_id = $2""")
                  .execute(Tuple.of(chainName, id, "opened after the booking ended (" + d.getString("booking_state") + "): returned in full")).mapEmpty());
            }
            String told = "deposit for host " + d.getString("host_id") + ": " + note;
            return switch (state) {
              case "REJECTED" -> update.compose(x -> bookings.rejected(tx, bookingId, told));
              case "UNDERFUNDED" -> update.compose(x -> bookings.underfunded(tx, bookingId, told));
              default -> update;
            };
          });
    });
  }

  /** As on Ethereum: mends an underfunded deposit, extends an open one with an extension pending; the booking once every deposit has. */
  private Future<Void> toppedUp(SqlConnection tx, EscrowProgram.ToppedUp t) {
    return depositOf(tx, t.rentalId(), t.renter()).compose(d -> {
      if (d == null) return Future.succeededFuture();
      long deposited = t.deposit();
      String state = d.getString("state");
      boolean mended = "UNDERFUNDED".equals(state) && deposited >= d.getLong("amount") && t.expiresAt() >= d.getOffsetDateTime("expires_at").toEpochSecond();
      Long topUp = d.getLong("topup_amount");
      boolean extended = "OPEN".equals(state) && topUp != null && deposited >= d.getLong("amount") + topUp
          && t.expiresAt() >= d.getOffsetDateTime("topup_expires_at").toEpochSecond();
      Future<Void> update = tx.preparedQuery("""
              UPDATE deposits SET deposited = $3, state = $4, note = CASE WHEN $5 THEN NULL ELSE note END,
                refund = CASE WHEN state = 'SETTLING' THEN $3 - used ELSE refund END,
                amount = CASE WHEN $6 THEN amount + topup_amount ELSE amount END,
                expires_at = CASE WHEN $6 THEN topup_expires_at ELSE expires_at END,
                topup_amount = CASE WHEN $6 THEN NULL ELSE topup_amount END,
                topup_expires_at = CASE WHEN $6 THEN NULL ELSE topup_expires_at END
              WHERE chain = $1 AND rental_id = $2""")
          .execute(Tuple.of(chainName, SolanaPayments.hex(t.rentalId()), lamports(deposited), mended ? "OPEN" : state, mended, extended)).mapEmpty();
      if (!extended) return update;
      String bookingId = d.getString("booking_id");
      return update
          .compose(x -> tx.preparedQuery("SELECT count(*) AS waiting FROM deposits WHERE booking_id = $1 AND topup_amount IS NOT NULL").execute(Tuple.of(bookingId)))
          .compose(rows -> rows.iterator().next().getLong("waiting") > 0 ? Future.succeededFuture() : bookings.toppedUp(tx, bookingId));
    });
  }

  /** Settled ({@code s} given) or Reclaimed: final as the chain says; the booking is SETTLED once every deposit is. */
  private Future<Void> ended(SqlConnection tx, Landed l, byte[] rentalId, String renter, EscrowProgram.Settled s) {
    String state = s != null ? "SETTLED" : "RECLAIMED";
    String id = SolanaPayments.hex(rentalId);
    return depositOf(tx, rentalId, renter).compose(d -> {
      if (d == null || state.equals(d.getString("state"))) return Future.succeededFuture();
      Future<?> update;
      if (s != null) {
        if (d.getLong("host_amount") == null || d.getLong("host_amount") != s.hostAmount() || d.getLong("fee") != s.fee() || d.getLong("refund") != s.refund()) {
          LOG.warn("deposit {} settled on chain as host {}, fee {}, refund {}; the gateway's intent was host {}, fee {}, refund {}", id, s.hostAmount(),
              s.fee(), s.refund(), d.getLong("host_amount"), d.getLong("fee"), d.getLong("refund"));
        }
        update = tx.preparedQuery("""
                UPDATE deposits SET state = 'SETTLED', used = $3, fee = $4, host_amount = $5, refund = $6, settle_tx = $7, settled_block = $8,
                  settled_at = now() WHERE chain = $1 AND rental_id = $2""")
            .execute(Tuple.tuple().addString(chainName).addString(id).addValue(lamports(s.hostAmount() + s.fee())).addValue(lamports(s.fee()))
                .addValue(lamports(s.hostAmount())).addValue(lamports(s.refund())).addString(l.signature()).addLong(l.slot()));
      } else {
        update = tx.preparedQuery("""
                UPDATE deposits SET state = 'RECLAIMED', note = $3, settle_tx = $4, settled_block = $5, settled_at = now() WHERE chain = $1 AND rental_id = $2""")
            .execute(Tuple.of(chainName, id, "reclaimed by the renter after expiry: the host was not paid through the escrow", l.signature(), l.slot()));
      }
      String bookingId = d.getString("booking_id");
      return update.compose(x -> tx.preparedQuery("""
                  SELECT count(*) FILTER (WHERE state NOT IN ('SETTLED', 'RECLAIMED', 'AWAITING')) AS open,
                         count(*) FILTER (WHERE state = 'RECLAIMED') AS reclaimed,
                         coalesce(sum(host_amount) FILTER (WHERE state = 'SETTLED'), 0) AS host, coalesce(sum(fee) FILTER (WHERE state = 'SETTLED'), 0) AS fee,
                         coalesce(sum(refund) FILTER (WHERE state = 'SETTLED'), 0) AS refund
                    FROM deposits WHERE booking_id = $1""").execute(Tuple.of(bookingId)))
          .compose(rows -> {
            Row c = rows.iterator().next();
            if (c.getLong("open") > 0) return Future.succeededFuture();
            String why = "settled on solana: hosts " + c.getLong("host") + ", fee " + c.getLong("fee") + ", refund " + c.getLong("refund")
                + (SolanaConfig.CURRENCY.equals(d.getString("currency")) ? " lamports" : " " + d.getString("currency") + " base units")
                + (c.getLong("reclaimed") > 0 ? "; " + c.getLong("reclaimed") + " deposit(s) reclaimed by the renter" : "") + " (tx " + l.signature() + ")";
            return bookings.settled(tx, bookingId, why);
          });
    });
  }

  /** Bookings waiting for payment whose Solana deposits are all open: FUNDED (then dispatched). */
  private Future<Void> fundReady() {
    return pool.preparedQuery("""
            SELECT b.id, count(d.*) AS n FROM bookings b JOIN deposits d ON d.booking_id = b.id WHERE b.state = 'PENDING_PAYMENT' AND d.chain = $1
             GROUP BY b.id HAVING bool_and(d.state = 'OPEN') LIMIT $2""")
        .execute(Tuple.of(chainName, BATCH))
        .compose(rows -> {
          List<Future<?>> each = new ArrayList<>();
          for (Row r : rows) {
            String id = r.getString("id");
            String why = "paid: " + r.getLong("n") + " deposit(s) open in the solana escrow program (" + config.commitment() + ")";
            each.add(pool.withTransaction(tx -> bookings.funded(tx, id, why)));
          }
          return Future.all(each).mapEmpty();
        });
  }

  private <T> Future<T> blocking(Callable<T> call) {
    return vertx.executeBlocking(call, false);
  }

  /** Lamports (u64 on chain, a long here) as a parameter of a NUMERIC amount column. */
  private static java.math.BigDecimal lamports(long amount) {
    return java.math.BigDecimal.valueOf(amount);
  }
}

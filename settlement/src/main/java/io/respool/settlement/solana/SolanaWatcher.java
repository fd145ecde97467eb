package io.respool.settlement.solana;

import io.respool.bookings.PaymentOutcomes;
import io.respool.settlement.DepositEvents;
import io.respool.settlement.solana.EscrowProgram.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
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

  private final Vertx vertx;
  private final Pool pool;
  private final SolanaRpc rpc;
  private final SolanaConfig config;
  private final EscrowProgram program;
  private final int feeBps;
  private final DepositEvents deposits;
  private final String chainName;

  public SolanaWatcher(Vertx vertx, Pool pool, SolanaRpc rpc, SolanaConfig config, EscrowProgram program, int feeBps, PaymentOutcomes bookings) {
    this.vertx = vertx;
    this.pool = pool;
    this.rpc = rpc;
    this.config = config;
    this.program = program;
    this.feeBps = feeBps;
    this.chainName = SolanaPayments.chainName(config);
    this.deposits = new DepositEvents(pool, chainName, SolanaWatcher::units, bookings);
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
      case EscrowProgram.Settled s -> settled(tx, l, s);
      case EscrowProgram.Reclaimed r -> reclaimed(tx, l, r);
      case EscrowProgram.SettleSkipped s -> Future.succeededFuture(); // closed before: its Settled or Reclaimed was read then
    };
  }

  /** The deposit of a rental id, locked with its booking (booking first, as a stop takes them: {@link DepositEvents#lock}), or null. */
  private Future<Row> deposit(SqlConnection tx, byte[] rentalId) {
    return deposits.lock(tx, SolanaPayments.hex(rentalId));
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
            List<String> wrong = DepositEvents.mismatches(d, o.host(), o.expiresAt(), o.feeBps(), feeBps);
            String currency = d.getString("currency");
            String mint = config.mintOf(currency);
            if (!o.mint().equals(mint)) {
              wrong.add("holds " + (EscrowProgram.isSol(o.mint()) ? "SOL" : "token " + o.mint()) + " instead of " + currency
                  + (mint == null || EscrowProgram.isSol(mint) ? "" : " (mint " + mint + ")"));
            }
            return deposits.opened(tx, d, new DepositEvents.Opening(o.renter(), escrow, BigInteger.valueOf(o.amount()), wrong, l.signature(), l.slot(),
                "slot " + l.slot()));
          });
    });
  }

  private Future<Void> toppedUp(SqlConnection tx, EscrowProgram.ToppedUp t) {
    return depositOf(tx, t.rentalId(), t.renter())
        .compose(d -> d == null ? Future.succeededFuture() : deposits.toppedUp(tx, d, BigInteger.valueOf(t.deposit()), t.expiresAt()));
  }

  private Future<Void> settled(SqlConnection tx, Landed l, EscrowProgram.Settled s) {
    return depositOf(tx, s.rentalId(), s.renter()).compose(d -> d == null ? Future.succeededFuture()
        : deposits.settled(tx, d, BigInteger.valueOf(s.hostAmount()), BigInteger.valueOf(s.fee()), BigInteger.valueOf(s.refund()), l.signature(), l.slot()));
  }

  private Future<Void> reclaimed(SqlConnection tx, Landed l, EscrowProgram.Reclaimed r) {
    return depositOf(tx, r.rentalId(), r.renter()).compose(d -> d == null ? Future.succeededFuture() : deposits.reclaimed(tx, d, l.signature(), l.slot()));
  }

  /** Bookings waiting for payment whose Solana deposits are all open: FUNDED (then dispatched). */
  private Future<Void> fundReady() {
    return deposits.fundReady("the solana escrow program (" + config.commitment() + ")");
  }

  /** How notes name an amount: lamports, or a token's base units. */
  static String units(String currency) {
    return SolanaConfig.CURRENCY.equals(currency) ? " lamports" : " " + currency + " base units";
  }

  private <T> Future<T> blocking(Callable<T> call) {
    return vertx.executeBlocking(call, false);
  }
}

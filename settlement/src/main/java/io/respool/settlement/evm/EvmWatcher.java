package io.respool.settlement.evm;

import io.respool.bookings.PaymentOutcomes;
import io.respool.settlement.DepositEvents;
import io.respool.settlement.EscrowChain;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
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

  private final Vertx vertx;
  private final Pool pool;
  private final EscrowChain chain;
  private final EvmConfig config;
  private final Map<String, EscrowChain.Terms> terms;
  private final DepositEvents deposits;
  private final String chainName;

  public EvmWatcher(Vertx vertx, Pool pool, EscrowChain chain, EvmConfig config, Map<String, EscrowChain.Terms> terms, PaymentOutcomes bookings) {
    this.vertx = vertx;
    this.pool = pool;
    this.chain = chain;
    this.config = config;
    this.terms = Map.copyOf(terms);
    this.chainName = EvmPayments.chainName(config);
    this.deposits = new DepositEvents(pool, chainName, currency -> " " + currency, bookings);
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
      case "Settled" -> settled(tx, log);
      case "Reclaimed" -> reclaimed(tx, log);
      default -> Future.succeededFuture(); // SettleSkipped, Refunded: nothing to record
    };
    return applied.compose(x -> applyAll(tx, logs, i + 1));
  }

  /**
   * The deposit a log names, locked with its booking (booking first, as a stop takes them:
   * {@link DepositEvents#lock}), or null: another escrow's rental under the id, or, once the deposit
   * has a renter, another wallet's rental under it (rentals are keyed by (renter, id)).
   */
  private Future<Row> deposit(SqlConnection tx, EscrowChain.Log log) {
    return deposits.lock(tx, hex(log.rentalId()))
        .map(d -> d != null && d.getString("escrow").equals(log.escrow()) && (d.getString("renter") == null || d.getString("renter").equals(log.renter()))
            ? d : null);
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
            List<String> wrong = DepositEvents.mismatches(d, log.host(), log.expiresAt(), log.feeBps(), t.feeBps());
            if (!t.token().equals(log.token())) wrong.add("token " + log.token() + " instead of " + t.token());
            return deposits.opened(tx, d, new DepositEvents.Opening(log.renter(), log.escrow(), log.amount(), wrong, log.txHash(), log.blockNumber(),
                "block " + log.blockNumber()));
          });
    });
  }

  private Future<Void> toppedUp(SqlConnection tx, EscrowChain.Log log) {
    return deposit(tx, log).compose(d -> d == null ? Future.succeededFuture() : deposits.toppedUp(tx, d, log.amount(), log.expiresAt()));
  }

  private Future<Void> settled(SqlConnection tx, EscrowChain.Log log) {
    return deposit(tx, log).compose(d -> d == null ? Future.succeededFuture()
        : deposits.settled(tx, d, log.amount(), log.fee(), log.refund(), log.txHash(), log.blockNumber()));
  }

  private Future<Void> reclaimed(SqlConnection tx, EscrowChain.Log log) {
    return deposit(tx, log).compose(d -> d == null ? Future.succeededFuture() : deposits.reclaimed(tx, d, log.txHash(), log.blockNumber()));
  }

  /** Bookings waiting for payment whose deposits are all open: FUNDED (then dispatched). */
  private Future<Void> fundReady() {
    return deposits.fundReady("the ethereum escrow with " + config.confirmations() + " confirmation(s)");
  }

  private <T> Future<T> blocking(Callable<T> call) {
    return vertx.executeBlocking(call, false);
  }

  static String hex(byte[] b) {
    return Numeric.toHexString(b).toLowerCase();
  }
}

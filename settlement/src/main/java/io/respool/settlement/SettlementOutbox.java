package io.respool.settlement;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the settlement outboxes of both chains share: one node submits for a key at a time by a
 * lease ({@code chain_leases}), claimed in a statement of its own at the start of a round, renewed
 * before every call to the node ({@link #onChain}) and first in every transaction that writes
 * ({@link #fenced}), which therefore writes only while this node still holds it (the renewal locks
 * the lease row until the commit, so no node takes it over in between). A node that lost the lease
 * mid-round stores nothing more and ends the round; what it stored the new holder resends. No
 * transaction or connection is held across a call to the node (a slow node must not hold the pool
 * the bookings use). The deposits of a settlement that failed are tried again later ({@link #backOff}).
 */
public final class SettlementOutbox {
  private static final Logger LOG = LoggerFactory.getLogger(SettlementOutbox.class);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  private final Vertx vertx;
  private final Pool pool;
  private final String chainName;
  private final String leaseName;
  private final String what;
  /** This outbox's own id: a node that restarts is another holder and waits for (or is given) the lease. */
  private final String holder = UUID.randomUUID().toString();
  /**
   * Outlasts the longest step between two renewals (signing: up to four calls of at most the RPC
   * timeout each) and a few poll intervals; it bounds how long the key goes unused after a node
   * holding the lease dies (a node that stops or fails a round gives it up at once).
   */
  private final Duration lease;
  private boolean holding; // for logging the hand-overs; rounds run one at a time

  /**
   * @param chainName how deposits and transactions name the chain ({@code ethereum:<chain id>}, {@code solana:<program>})
   * @param sender the operator key's address: one lease per (chain, key)
   * @param what what is submitted, for the log ("settlements of 0x…")
   */
  public SettlementOutbox(Vertx vertx, Pool pool, String chainName, String sender, String what, Duration rpcTimeout, Duration pollInterval) {
    this.vertx = vertx;
    this.pool = pool;
    this.chainName = chainName;
    this.leaseName = chainName + ":" + sender;
    this.what = what + " of " + sender;
    this.lease = rpcTimeout.multipliedBy(4).plus(pollInterval.multipliedBy(5));
  }

  /**
   * A round of {@code work} if this node holds (or takes) the lease: a round that lost the lease
   * mid-way ends quietly, one that failed otherwise (its node unreachable, say) gives the lease up,
   * so that another node may submit, and fails.
   */
  public Future<Void> round(Supplier<Future<Void>> work) {
    return claim().compose(mine -> {
      if (!mine) return Future.succeededFuture(); // another node is submitting
      return work.get().transform(ar -> {
        if (ar.succeeded()) return Future.<Void>succeededFuture();
        if (ar.cause() instanceof LeaseLost) {
          LOG.info("{}: another node took over", what);
          holding = false;
          return Future.<Void>succeededFuture();
        }
        return release().transform(x -> Future.<Void>failedFuture(ar.cause()));
      });
    });
  }

  /** Gives the lease up (when the node stops), so that another node takes over at once. */
  public Future<Void> release() {
    return pool.preparedQuery("DELETE FROM chain_leases WHERE name = $1 AND holder = $2").execute(Tuple.of(leaseName, holder)).mapEmpty();
  }

  /** Takes the lease if it is free, expired or already this node's (then renewed); true if this node holds it. */
  private Future<Boolean> claim() {
    return pool.preparedQuery("""
            INSERT INTO chain_leases (name, holder, until) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
             WHERE chain_leases.holder = excluded.holder OR chain_leases.until < now()
            RETURNING holder""")
        .execute(Tuple.of(leaseName, holder, lease.toMillis()))
        .map(rows -> {
          boolean mine = rows.rowCount() == 1;
          if (mine && !holding) LOG.info("{}: this node submits them now", what);
          holding = mine;
          return mine;
        });
  }

  /** Extends the lease, failing with {@link LeaseLost} if another node has taken it over. */
  private Future<Void> renew(SqlClient db) {
    return db.preparedQuery("UPDATE chain_leases SET until = now() + $3 * interval '1 millisecond' WHERE name = $1 AND holder = $2")
        .execute(Tuple.of(leaseName, holder, lease.toMillis()))
        .compose(rows -> rows.rowCount() == 1 ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(new LeaseLost()));
  }

  /** A call to the node, on a worker thread, made only while this node holds the lease (and no connection: the renewal has completed). */
  public <T> Future<T> onChain(Callable<T> call) {
    return renew(pool).compose(x -> vertx.executeBlocking(call, false));
  }

  /** A short transaction that writes only while this node holds the lease. */
  public <T> Future<T> fenced(Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(tx -> renew(tx).compose(x -> work.apply(tx)));
  }

  /** Whether a step failed because this node lost the lease (the round then stops: nothing more is stored or sent). */
  public static boolean lost(Throwable failure) {
    return failure instanceof LeaseLost;
  }

  /** The deposits of a failed settlement are tried again later, later each time (up to {@link #MAX_BACKOFF}), {@code why} noted on them. */
  public Future<Void> backOff(SqlConnection tx, String[] rentalIds, String why) {
    return tx.preparedQuery("""
            UPDATE deposits SET attempts = attempts + 1, note = $3,
              next_attempt_at = now() + least(make_interval(secs => power(2, least(attempts, 16))), make_interval(secs => $4))
             WHERE chain = $1 AND rental_id = ANY($2) AND state = 'SETTLING'""")
        .execute(Tuple.tuple().addString(chainName).addArrayOfString(rentalIds).addString(why).addDouble((double) MAX_BACKOFF.toSeconds()))
        .mapEmpty();
  }

  private static final class LeaseLost extends RuntimeException {
    LeaseLost() {
      super("the settlement lease was taken over by another node", null, false, false);
    }
  }
}

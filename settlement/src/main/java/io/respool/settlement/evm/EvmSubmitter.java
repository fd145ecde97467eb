package io.respool.settlement.evm;

import io.respool.settlement.EscrowChain;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.utils.Numeric;

/**
 * The settlement outbox: sends the intents the usage ledger wrote (deposits in SETTLING) as
 * {@code settleBatch} transactions of the operator key. A transaction is signed and stored with its
 * nonce ({@code chain_txs}) before it is sent, and sent again — the very same bytes — until the node
 * has it and it is mined, through RPC outages and gateway restarts; a new transaction takes the
 * lowest nonce from the chain's next one that no transaction in flight holds. One node submits for a key at a time (a transaction-scoped advisory
 * lock). The contract settles a rental once at most, and {@link EvmWatcher} marks a deposit SETTLED
 * only from the confirmed {@code Settled} event: exactly once, whatever is resent.
 */
public final class EvmSubmitter {
  private static final Logger LOG = LoggerFactory.getLogger(EvmSubmitter.class);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  private final Vertx vertx;
  private final Pool pool;
  private final EscrowChain chain;
  private final EvmConfig config;
  private final String sender;
  private final String chainName;

  public EvmSubmitter(Vertx vertx, Pool pool, EscrowChain chain, EvmConfig config) {
    this.vertx = vertx;
    this.pool = pool;
    this.chain = chain;
    this.config = config;
    this.sender = chain.operatorAddress().toLowerCase();
    this.chainName = EvmPayments.chainName(config);
  }

  /** One round: follow the transactions in flight, then send the intents not yet covered by one. */
  public Future<Void> round() {
    List<EscrowChain.SignedTx> toSend = new ArrayList<>();
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT pg_try_advisory_xact_lock(hashtext($1)) AS mine")
            .execute(Tuple.of("respool-operator:" + chainName + ":" + sender))
            .compose(rows -> {
              if (!rows.iterator().next().getBoolean("mine")) return Future.succeededFuture(); // another node is submitting
              return follow(tx, toSend).compose(x -> submitNew(tx, toSend));
            }))
        // after the commit: what was stored may now go out (a failure here is retried by the next round)
        .compose(x -> sendAll(toSend, 0));
  }

  // --- transactions in flight ----------------------------------------------------------------

  private Future<Void> follow(SqlConnection tx, List<EscrowChain.SignedTx> toSend) {
    return tx.preparedQuery("SELECT * FROM chain_txs WHERE chain = $1 AND sender = $2 AND state = 'SENT' ORDER BY nonce")
        .execute(Tuple.of(chainName, sender))
        .compose(rows -> {
          if (rows.size() == 0) return Future.succeededFuture();
          return blocking(() -> chain.operatorNonce(false)).compose(mined -> {
            Future<Void> f = Future.succeededFuture();
            for (Row r : rows) f = f.compose(x -> followOne(tx, r, mined, toSend));
            return f;
          });
        });
  }

  private Future<Void> followOne(SqlConnection tx, Row r, long minedNonce, List<EscrowChain.SignedTx> toSend) {
    String hash = r.getString("tx_hash");
    long nonce = r.getLong("nonce");
    return blocking(() -> chain.receipt(hash)).compose(receipt -> {
      if (receipt.isPresent()) {
        boolean ok = receipt.get().success();
        if (!ok) LOG.warn("settlement tx {} (nonce {}) reverted in block {}; its deposits will be tried again", hash, nonce, receipt.get().blockNumber());
        return tx.preparedQuery("UPDATE chain_txs SET state = $2, mined_block = $3 WHERE tx_hash = $1")
            .execute(Tuple.of(hash, ok ? "MINED" : "REVERTED", receipt.get().blockNumber()))
            .compose(x -> ok ? Future.succeededFuture() : backOff(tx, r.getArrayOfStrings("rental_ids"), "settlement transaction " + hash + " reverted"));
      }
      if (minedNonce > nonce) {
        // the nonce was used by a transaction we do not know of: this one can never be mined
        LOG.warn("settlement tx {} lost its nonce {} to another transaction of {}", hash, nonce, sender);
        return tx.preparedQuery("UPDATE chain_txs SET state = 'DROPPED', last_error = 'nonce used by another transaction' WHERE tx_hash = $1")
            .execute(Tuple.of(hash)).mapEmpty();
      }
      OffsetDateTime sentAt = r.getOffsetDateTime("sent_at");
      if (sentAt == null || sentAt.toInstant().plus(config.resendAfter()).isBefore(Instant.now())) {
        toSend.add(new EscrowChain.SignedTx(hash, nonce, r.getString("raw_tx"))); // not mined yet: the node may have lost it
      }
      return Future.succeededFuture();
    });
  }

  // --- new intents ----------------------------------------------------------------------------

  private Future<Void> submitNew(SqlConnection tx, List<EscrowChain.SignedTx> toSend) {
    // the oldest intents of every escrow, at most a batch each (one escrow's backlog never starves another's)
    return tx.preparedQuery("""
            SELECT escrow, rental_id, used FROM (
              SELECT d.escrow, d.rental_id, d.used, d.intent_at, row_number() OVER (PARTITION BY d.escrow ORDER BY d.intent_at, d.rental_id) AS n
                FROM deposits d
               WHERE d.state = 'SETTLING' AND d.chain = $1 AND d.next_attempt_at <= now()
                 AND NOT EXISTS (SELECT 1 FROM chain_txs c WHERE c.chain = $1 AND c.state IN ('SENT', 'MINED') AND d.rental_id = ANY(c.rental_ids))
            ) due WHERE n <= $2 ORDER BY escrow, intent_at, rental_id""")
        .execute(Tuple.of(chainName, config.batchSize()))
        .compose(rows -> {
          Map<String, List<EscrowChain.SettleItem>> byEscrow = new LinkedHashMap<>();
          Map<String, List<String>> idsByEscrow = new LinkedHashMap<>();
          for (Row r : rows) {
            byEscrow.computeIfAbsent(r.getString("escrow"), k -> new ArrayList<>())
                .add(new EscrowChain.SettleItem(Numeric.hexStringToByteArray(r.getString("rental_id")), BigInteger.valueOf(r.getLong("used"))));
            idsByEscrow.computeIfAbsent(r.getString("escrow"), k -> new ArrayList<>()).add(r.getString("rental_id"));
          }
          if (byEscrow.isEmpty()) return Future.succeededFuture();
          return freeNonces(tx, byEscrow.size()).compose(nonces -> {
            Future<Void> f = Future.succeededFuture();
            int i = 0;
            for (Map.Entry<String, List<EscrowChain.SettleItem>> e : byEscrow.entrySet()) {
              long n = nonces.get(i++);
              List<String> ids = idsByEscrow.get(e.getKey());
              f = f.compose(x -> blocking(() -> chain.signSettleBatch(e.getKey(), e.getValue(), n)))
                  .compose(signed -> tx.preparedQuery("""
                          INSERT INTO chain_txs (chain, sender, nonce, escrow, tx_hash, raw_tx, rental_ids, state)
                          VALUES ($1, $2, $3, $4, $5, $6, $7, 'SENT')""")
                      .execute(Tuple.tuple().addString(chainName).addString(sender).addLong(n).addString(e.getKey()).addString(signed.txHash())
                          .addString(signed.rawTx()).addArrayOfString(ids.toArray(String[]::new)))
                      .map(x -> {
                        LOG.info("settling {} deposit(s) on {} in tx {} (nonce {})", ids.size(), e.getKey(), signed.txHash(), n);
                        toSend.add(signed);
                        return null;
                      }));
            }
            return f;
          });
        });
  }

  /**
   * The {@code count} lowest nonces from the chain's next one (mined transactions counted) that no
   * transaction in flight holds. A gap left by a transaction the node refused is filled first, so
   * the transactions after it are never stuck behind it.
   */
  private Future<List<Long>> freeNonces(SqlConnection tx, int count) {
    return blocking(() -> chain.operatorNonce(false)).compose(next -> tx.preparedQuery(
            "SELECT nonce FROM chain_txs WHERE chain = $1 AND sender = $2 AND state = 'SENT' AND nonce >= $3")
        .execute(Tuple.of(chainName, sender, next))
        .map(rows -> {
          Set<Long> held = new HashSet<>();
          for (Row r : rows) held.add(r.getLong("nonce"));
          List<Long> free = new ArrayList<>();
          for (long n = next; free.size() < count; n++) if (!held.contains(n)) free.add(n);
          return free;
        }));
  }

  // --- sending (outside the transaction) -----------------------------------------------------

  private Future<Void> sendAll(List<EscrowChain.SignedTx> txs, int i) {
    if (i >= txs.size()) return Future.succeededFuture();
    EscrowChain.SignedTx t = txs.get(i);
    return this.<Void>blocking(() -> {
          chain.broadcast(t);
          return null;
        })
        .compose(x -> pool.preparedQuery("UPDATE chain_txs SET sent_at = now(), broadcasts = broadcasts + 1, last_error = NULL WHERE tx_hash = $1")
            .execute(Tuple.of(t.txHash())).<Void>mapEmpty())
        .recover(err -> {
          if (err instanceof EscrowChain.ChainUnavailable) {
            LOG.warn("settlement tx {} not sent, will retry: {}", t.txHash(), err.getMessage());
            return pool.preparedQuery("UPDATE chain_txs SET last_error = $2 WHERE tx_hash = $1").execute(Tuple.of(t.txHash(), err.getMessage()))
                .<Void>mapEmpty();
          }
          // the node refused it (not a connection problem): it will never be mined; its nonce is free again
          LOG.warn("settlement tx {} refused by the node: {}", t.txHash(), err.getMessage());
          return pool.withTransaction(tx -> tx.preparedQuery("DELETE FROM chain_txs WHERE tx_hash = $1 RETURNING rental_ids").execute(Tuple.of(t.txHash()))
              .compose(rows -> rows.size() == 0 ? Future.<Void>succeededFuture()
                  : backOff(tx, rows.iterator().next().getArrayOfStrings("rental_ids"), "settlement refused by the node: " + err.getMessage())));
        })
        .compose(x -> sendAll(txs, i + 1));
  }

  /** The deposits of a failed transaction are tried again later, later each time (up to {@link #MAX_BACKOFF}). */
  private Future<Void> backOff(SqlConnection tx, String[] rentalIds, String why) {
    return tx.preparedQuery("""
            UPDATE deposits SET attempts = attempts + 1, note = $2,
              next_attempt_at = now() + least(make_interval(secs => power(2, least(attempts, 16))), make_interval(secs => $3))
             WHERE rental_id = ANY($1) AND state = 'SETTLING'""")
        .execute(Tuple.tuple().addArrayOfString(rentalIds).addString(why).addDouble((double) MAX_BACKOFF.toSeconds()))
        .mapEmpty();
  }

  private <T> Future<T> blocking(Callable<T> call) {
    return vertx.executeBlocking(call, false);
  }

}

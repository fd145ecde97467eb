package io.respool.settlement.evm;

import io.respool.infra.SqlAmounts;

import io.respool.settlement.EscrowChain;
import io.respool.settlement.SettlementOutbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.utils.Numeric;

/**
 * The settlement outbox: sends the intents the usage ledger wrote (deposits in SETTLING) as
 * {@code settleBatch} transactions of the operator key. A transaction is signed and stored with its
 * nonce ({@code chain_txs}) before it is sent, and sent again — the very same bytes — until the node
 * has it and it is mined, through RPC outages and gateway restarts; a new transaction takes the
 * lowest nonce from the chain's next one that no transaction in flight holds. The contract settles a
 * rental once at most, and {@link EvmWatcher} marks a deposit SETTLED only from the confirmed
 * {@code Settled} event: exactly once, whatever is resent.
 *
 * <p>No transaction or connection is held across a call to the node, and one node submits for a key
 * at a time: every call and every write goes through the {@link SettlementOutbox} lease, shared with Solana.
 */
public final class EvmSubmitter {
  private static final Logger LOG = LoggerFactory.getLogger(EvmSubmitter.class);
  /**
   * How many blocks back a mined settlement's receipt is checked again every round: a reorganisation
   * deeper than its confirmations undoes it (it is then sent again). Ethereum finalizes within two
   * epochs, 64 blocks; nothing older is expected to move.
   */
  static final long REORG_WINDOW = 64;

  private final Pool pool;
  private final EscrowChain chain;
  private final EvmConfig config;
  private final EvmChainGuard guard;
  private final String sender;
  private final String chainName;
  private final SettlementOutbox outbox;

  public EvmSubmitter(Vertx vertx, Pool pool, EscrowChain chain, EvmConfig config) {
    this(vertx, pool, chain, config, new EvmChainGuard(vertx, pool, chain, config));
  }

  EvmSubmitter(Vertx vertx, Pool pool, EscrowChain chain, EvmConfig config, EvmChainGuard guard) {
    this.pool = pool;
    this.chain = chain;
    this.config = config;
    this.guard = guard;
    this.sender = chain.operatorAddress().toLowerCase();
    this.chainName = EvmPayments.chainName(config);
    this.outbox = new SettlementOutbox(vertx, pool, chainName, sender, "settlements", config.rpcTimeout(), config.pollInterval());
  }

  /** One round, while this node holds the key's lease: follow the transactions in flight, then send the intents not yet covered by one. */
  public Future<Void> round() {
    return outbox.round(() -> {
      List<EscrowChain.SignedTx> toSend = new ArrayList<>();
      return guard.check().compose(x -> recheckMined()).compose(x -> follow(toSend)).compose(x -> submitNew(toSend)).compose(x -> sendAll(toSend, 0));
    });
  }

  /** Gives the lease up (when the node stops), so that another node takes over at once. */
  public Future<Void> release() {
    return outbox.release();
  }

  // --- transactions in flight ----------------------------------------------------------------

  private Future<Void> follow(List<EscrowChain.SignedTx> toSend) {
    return pool.preparedQuery("SELECT * FROM chain_txs WHERE chain = $1 AND sender = $2 AND state = 'SENT' ORDER BY nonce")
        .execute(Tuple.of(chainName, sender))
        .compose(rows -> {
          if (rows.size() == 0) return Future.succeededFuture();
          return outbox.onChain(() -> chain.operatorNonce(false)).compose(mined -> {
            Future<Void> f = Future.succeededFuture();
            for (Row r : rows) f = f.compose(x -> followOne(r, mined, toSend));
            return f;
          });
        });
  }

  /**
   * The settlements mined in the last {@link #REORG_WINDOW} blocks, checked again: one whose receipt
   * the node no longer has was undone by a reorganisation of the chain (deeper than its confirmations,
   * or the watcher would not have counted it): it is sent again — the same bytes, its nonce is free
   * again — and its deposits, if already marked SETTLED, are SETTLING again until it is mined anew.
   */
  private Future<Void> recheckMined() {
    return outbox.onChain(chain::headBlock).compose(head -> pool.preparedQuery("""
            SELECT tx_hash, nonce, mined_block FROM chain_txs WHERE chain = $1 AND sender = $2 AND state = 'MINED' AND mined_block >= $3 ORDER BY nonce""")
        .execute(Tuple.of(chainName, sender, head - REORG_WINDOW))
        .compose(rows -> {
          Future<Void> f = Future.succeededFuture();
          for (Row r : rows) {
            String hash = r.getString("tx_hash");
            long block = r.getLong("mined_block");
            f = f.compose(x -> outbox.onChain(() -> chain.receipt(hash))).compose(receipt -> {
              if (receipt.isPresent() && receipt.get().blockNumber() == block) return Future.succeededFuture();
              if (receipt.isPresent()) { // mined again in another block
                return outbox.fenced(tx -> tx.preparedQuery("UPDATE chain_txs SET mined_block = $2 WHERE tx_hash = $1 AND state = 'MINED'")
                    .execute(Tuple.of(hash, receipt.get().blockNumber())).mapEmpty());
              }
              LOG.warn("settlement tx {} (nonce {}), mined in block {}, is no longer on the chain (a reorganisation undid it): sending it again",
                  hash, r.getLong("nonce"), block);
              return outbox.fenced(tx -> tx.preparedQuery("""
                      UPDATE chain_txs SET state = 'SENT', mined_block = NULL, sent_at = NULL, last_error = $2 WHERE tx_hash = $1 AND state = 'MINED'""")
                  .execute(Tuple.of(hash, "undone by a reorganisation of the chain after block " + (block - 1) + "; sent again"))
                  .compose(x -> tx.preparedQuery("""
                          UPDATE deposits SET state = 'SETTLING', settle_tx = NULL, settled_block = NULL, settled_at = NULL,
                            note = coalesce(note || '; ', '') || $2 WHERE settle_tx = $1 AND state = 'SETTLED'""")
                      .execute(Tuple.of(hash, "its settlement " + hash + " was undone by a reorganisation of the chain and is sent again")))
                  .mapEmpty());
            });
          }
          return f;
        }));
  }

  private Future<Void> followOne(Row r, long minedNonce, List<EscrowChain.SignedTx> toSend) {
    String hash = r.getString("tx_hash");
    long nonce = r.getLong("nonce");
    // the newest signing first; an earlier one (lower fees) may be the one mined
    List<String> signings = new ArrayList<>(List.of(hash));
    for (String earlier : r.getArrayOfStrings("replaces")) signings.add(earlier);
    return outbox.onChain(() -> {
      for (String h : signings) {
        Optional<EscrowChain.Receipt> receipt = chain.receipt(h);
        if (receipt.isPresent()) return receipt;
      }
      return Optional.<EscrowChain.Receipt>empty();
    }).compose(receipt -> {
      if (receipt.isPresent()) {
        boolean ok = receipt.get().success();
        String mined = receipt.get().txHash();
        if (!ok) LOG.warn("settlement tx {} (nonce {}) reverted in block {}; its deposits will be tried again", mined, nonce, receipt.get().blockNumber());
        return outbox.fenced(tx -> tx.preparedQuery("UPDATE chain_txs SET state = $2, mined_block = $3, tx_hash = $4 WHERE tx_hash = $1 AND state = 'SENT'")
            .execute(Tuple.of(hash, ok ? "MINED" : "REVERTED", receipt.get().blockNumber(), mined))
            .compose(x -> ok ? Future.succeededFuture() : outbox.backOff(tx, r.getArrayOfStrings("rental_ids"), "settlement transaction " + mined + " reverted")))
            .compose(x -> ok ? skipped(receipt.get()) : Future.succeededFuture());
      }
      if (minedNonce > nonce) {
        // the nonce was used by a transaction we do not know of: this one can never be mined
        LOG.warn("settlement tx {} lost its nonce {} to another transaction of {}", hash, nonce, sender);
        return outbox.fenced(tx -> tx.preparedQuery("UPDATE chain_txs SET state = 'DROPPED', last_error = 'nonce used by another transaction' WHERE tx_hash = $1 AND state = 'SENT'")
            .execute(Tuple.of(hash)).mapEmpty());
      }
      OffsetDateTime sentAt = r.getOffsetDateTime("sent_at");
      if (sentAt == null || sentAt.toInstant().plus(config.resendAfter()).isBefore(Instant.now())) {
        // not mined yet: the node may have lost it, or the base fee rose above what it offers
        EscrowChain.SignedTx stored = new EscrowChain.SignedTx(hash, nonce, r.getString("raw_tx"));
        return outbox.onChain(() -> chain.replaceUnderpriced(stored)).compose(replacement -> {
          if (replacement.isEmpty()) {
            toSend.add(stored);
            return Future.succeededFuture();
          }
          EscrowChain.SignedTx higher = replacement.get();
          return outbox.fenced(tx -> tx.preparedQuery("""
                  UPDATE chain_txs SET tx_hash = $2, raw_tx = $3, replaces = array_append(replaces, tx_hash), sent_at = NULL,
                    last_error = 'below the base fee: replaced with a higher fee' WHERE tx_hash = $1 AND state = 'SENT'""")
              .execute(Tuple.of(hash, higher.txHash(), higher.rawTx())))
              .map(rows -> {
                if (rows.rowCount() == 1) toSend.add(higher);
                return null;
              });
        });
      }
      return Future.succeededFuture();
    });
  }

  /**
   * The rentals a mined batch skipped: one that is not on the chain at all (a chain that went back,
   * a rental never opened on it) cannot be settled there, and its deposit says so; one settled or
   * reclaimed already is what the watcher records.
   */
  private Future<Void> skipped(EscrowChain.Receipt receipt) {
    Future<Void> f = Future.succeededFuture();
    for (EscrowChain.Log l : receipt.logs()) {
      if (!"SettleSkipped".equals(l.kind())) continue;
      f = f.compose(x -> outbox.onChain(() -> chain.rental(l.escrow(), l.renter(), l.rentalId()))).compose(rental -> {
        if (rental.status() != EscrowChain.RentalStatus.NONE) return Future.succeededFuture();
        String id = EvmWatcher.hex(l.rentalId());
        LOG.warn("settlement of rental {} on {} skipped by the escrow: no such rental on this chain (tx {})", id, l.escrow(), receipt.txHash());
        return outbox.fenced(tx -> tx.preparedQuery("""
                UPDATE deposits SET note = $3 WHERE rental_id = $1 AND escrow = $2 AND renter = $4 AND state = 'SETTLING'""")
            .execute(Tuple.of(id, l.escrow(), "cannot be settled: rental " + id + " is not on this chain (tx " + receipt.txHash()
                + " found it missing; was the chain reset?)", l.renter()))
            .mapEmpty());
      });
    }
    return f;
  }

  // --- new intents ----------------------------------------------------------------------------

  /** A batch signed for one escrow, not yet stored. */
  private record Batch(String escrow, List<String> rentalIds, EscrowChain.SignedTx signed) {}

  private Future<Void> submitNew(List<EscrowChain.SignedTx> toSend) {
    // the oldest intents of every escrow, at most a batch each (one escrow's backlog never starves another's)
    return pool.preparedQuery("""
            SELECT escrow, renter, rental_id, used FROM (
              SELECT d.escrow, d.renter, d.rental_id, d.used, d.intent_at, row_number() OVER (PARTITION BY d.escrow ORDER BY d.intent_at, d.rental_id) AS n
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
                .add(new EscrowChain.SettleItem(r.getString("renter"), Numeric.hexStringToByteArray(r.getString("rental_id")), SqlAmounts.get(r, "used")));
            idsByEscrow.computeIfAbsent(r.getString("escrow"), k -> new ArrayList<>()).add(r.getString("rental_id"));
          }
          if (byEscrow.isEmpty()) return Future.succeededFuture();
          return freeNonces(byEscrow.size()).compose(nonces -> {
            // signed first (calls to the node), then stored together in one short transaction
            List<Batch> signed = new ArrayList<>();
            Future<Void> f = Future.succeededFuture();
            int i = 0;
            for (Map.Entry<String, List<EscrowChain.SettleItem>> e : byEscrow.entrySet()) {
              long n = nonces.get(i++);
              f = f.compose(x -> outbox.onChain(() -> chain.signSettleBatch(e.getKey(), e.getValue(), n)))
                  .map(tx -> signed.add(new Batch(e.getKey(), idsByEscrow.get(e.getKey()), tx)))
                  .mapEmpty();
            }
            return f.compose(x -> outbox.fenced(tx -> store(tx, signed, 0, toSend)));
          });
        });
  }

  /**
   * Stores the signed batches, each only if its deposits are still due and its nonce still free:
   * what changed while it was being signed is dropped unsent (the next round takes it up again).
   */
  private Future<Void> store(SqlConnection tx, List<Batch> batches, int i, List<EscrowChain.SignedTx> toSend) {
    if (i >= batches.size()) return Future.succeededFuture();
    Batch b = batches.get(i);
    String[] ids = b.rentalIds().toArray(String[]::new);
    return tx.preparedQuery("""
            INSERT INTO chain_txs (chain, sender, nonce, escrow, tx_hash, raw_tx, rental_ids, state)
            SELECT $1, $2, $3, $4, $5, $6, $7, 'SENT'
             WHERE (SELECT count(*) FROM deposits d WHERE d.rental_id = ANY($7) AND d.state = 'SETTLING'
                      AND NOT EXISTS (SELECT 1 FROM chain_txs c WHERE c.chain = $1 AND c.state IN ('SENT', 'MINED') AND d.rental_id = ANY(c.rental_ids)))
                   = cardinality($7)
            ON CONFLICT DO NOTHING""")
        .execute(Tuple.tuple().addString(chainName).addString(sender).addLong(b.signed().nonce()).addString(b.escrow())
            .addString(b.signed().txHash()).addString(b.signed().rawTx()).addArrayOfString(ids))
        .compose(rows -> {
          if (rows.rowCount() == 1) {
            LOG.info("settling {} deposit(s) on {} in tx {} (nonce {})", ids.length, b.escrow(), b.signed().txHash(), b.signed().nonce());
            toSend.add(b.signed());
          } else {
            LOG.info("settlement of {} deposit(s) on {} (nonce {}) dropped unsent: its deposits or its nonce changed while it was signed",
                ids.length, b.escrow(), b.signed().nonce());
          }
          return store(tx, batches, i + 1, toSend);
        });
  }

  /**
   * The {@code count} lowest nonces from the chain's next one (mined transactions counted) that no
   * transaction in flight holds. A gap left by a transaction the node refused is filled first, so
   * the transactions after it are never stuck behind it.
   */
  private Future<List<Long>> freeNonces(int count) {
    return outbox.onChain(() -> chain.operatorNonce(false)).compose(next -> pool.preparedQuery(
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

  // --- sending (what is stored, after the commit) -------------------------------------------------

  private Future<Void> sendAll(List<EscrowChain.SignedTx> txs, int i) {
    if (i >= txs.size()) return Future.succeededFuture();
    EscrowChain.SignedTx t = txs.get(i);
    return outbox.<Void>onChain(() -> {
          chain.broadcast(t);
          return null;
        })
        .transform(ar -> {
          if (ar.succeeded()) {
            return pool.preparedQuery("UPDATE chain_txs SET sent_at = now(), broadcasts = broadcasts + 1, last_error = NULL WHERE tx_hash = $1")
                .execute(Tuple.of(t.txHash())).<Void>mapEmpty();
          }
          Throwable err = ar.cause();
          if (SettlementOutbox.lost(err)) return Future.<Void>failedFuture(err);
          if (err instanceof EscrowChain.ChainUnavailable) {
            LOG.warn("settlement tx {} not sent, will retry: {}", t.txHash(), err.getMessage());
            return pool.preparedQuery("UPDATE chain_txs SET last_error = $2 WHERE tx_hash = $1").execute(Tuple.of(t.txHash(), err.getMessage()))
                .<Void>mapEmpty();
          }
          // the node refused it (not a connection problem): it will never be mined; its nonce is free again
          LOG.warn("settlement tx {} refused by the node: {}", t.txHash(), err.getMessage());
          return outbox.fenced(tx -> tx.preparedQuery("DELETE FROM chain_txs WHERE tx_hash = $1 AND state = 'SENT' RETURNING rental_ids").execute(Tuple.of(t.txHash()))
              .compose(rows -> rows.size() == 0 ? Future.<Void>succeededFuture()
                  : outbox.backOff(tx, rows.iterator().next().getArrayOfStrings("rental_ids"), "settlement refused by the node: " + err.getMessage())));
        })
        .compose(x -> sendAll(txs, i + 1));
  }
}

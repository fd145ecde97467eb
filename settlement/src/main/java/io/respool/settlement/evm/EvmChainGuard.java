package io.respool.settlement.evm;

import io.respool.settlement.EscrowChain;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a chain that went back under the gateway: a devnet started afresh while PostgreSQL kept
 * its transactions, or another chain behind the same id. The hash of block 0 is remembered per chain
 * name ({@code chain_anchors}); when the node answers with another one, the stored transactions
 * belong to a chain that is gone (their nonces are free again, their receipts will never come), so in
 * one transaction, done by the first node that sees it (compare-and-set on the remembered hash, so it
 * is reported once): the old chain's transactions are set aside ({@code chain_txs_superseded}), the
 * settlements not yet seen settled are due again (signed anew with the new chain's nonces), and the
 * escrows' logs are read again from the start. A settlement whose rental is not on the new chain is
 * skipped by the contract, and its deposit says so ({@link EvmSubmitter}).
 *
 * <p>A reorganisation that keeps block 0 is not seen here: the submitter follows its mined
 * transactions' receipts for that.
 */
final class EvmChainGuard {
  private static final Logger LOG = LoggerFactory.getLogger(EvmChainGuard.class);

  private final Vertx vertx;
  private final Pool pool;
  private final EscrowChain chain;
  private final EvmConfig config;
  private final String chainName;

  EvmChainGuard(Vertx vertx, Pool pool, EscrowChain chain, EvmConfig config) {
    this.vertx = vertx;
    this.pool = pool;
    this.chain = chain;
    this.config = config;
    this.chainName = EvmPayments.chainName(config);
  }

  /** Compares the node's block 0 with the remembered one; recovers (once, on one node) if it changed. */
  Future<Void> check() {
    return vertx.executeBlocking(() -> chain.blockHash(0)
            .orElseThrow(() -> new EscrowChain.ChainUnavailable("the node has no block 0", null)), false)
        .compose(genesis -> pool.preparedQuery("""
                WITH first AS (INSERT INTO chain_anchors (chain, genesis_hash) VALUES ($1, $2) ON CONFLICT (chain) DO NOTHING RETURNING genesis_hash)
                SELECT genesis_hash FROM first UNION ALL SELECT genesis_hash FROM chain_anchors WHERE chain = $1""")
            .execute(Tuple.of(chainName, genesis))
            .compose(rows -> {
              String known = rows.iterator().next().getString("genesis_hash");
              return known.equals(genesis) ? Future.<Void>succeededFuture() : recover(known, genesis);
            }));
  }

  private Future<Void> recover(String oldGenesis, String newGenesis) {
    long from = config.startBlock() != null ? config.startBlock() : 0;
    return pool.withTransaction(tx -> tx.preparedQuery("""
                UPDATE chain_anchors SET genesis_hash = $3, seen_at = now(), changes = changes + 1 WHERE chain = $1 AND genesis_hash = $2""")
            .execute(Tuple.of(chainName, oldGenesis, newGenesis))
            .compose(moved -> {
              if (moved.rowCount() == 0) return Future.succeededFuture(); // another node recovered already
              return tx.preparedQuery("""
                      WITH gone AS (DELETE FROM chain_txs WHERE chain = $1 RETURNING *)
                      INSERT INTO chain_txs_superseded (chain, sender, nonce, escrow, tx_hash, raw_tx, rental_ids, state, created_at, mined_block, genesis_hash)
                      SELECT chain, sender, nonce, escrow, tx_hash, raw_tx, rental_ids, state, created_at, mined_block, $2 FROM gone""")
                  .execute(Tuple.of(chainName, oldGenesis))
                  .compose(txs -> tx.preparedQuery("""
                          UPDATE deposits SET next_attempt_at = now(), note = coalesce(note || '; ', '') || $2
                           WHERE chain = $1 AND state = 'SETTLING'""")
                      .execute(Tuple.of(chainName, "the chain went back (genesis " + newGenesis + "): settlement planned again on it"))
                      .compose(due -> tx.preparedQuery("UPDATE chain_cursors SET next_block = $2, updated_at = clock_timestamp() WHERE chain = $1")
                          .execute(Tuple.of(chainName, from))
                          .map(x -> {
                            LOG.warn("chain {} went back: its block 0 is now {}, was {} (a devnet started afresh, or another chain behind the same id); "
                                    + "{} transaction(s) of the old chain set aside, {} settlement(s) planned again with the new chain's nonces, "
                                    + "the escrows' logs read again from block {}", chainName, newGenesis, oldGenesis, txs.rowCount(), due.rowCount(), from);
                            return null;
                          })));
            }));
  }
}

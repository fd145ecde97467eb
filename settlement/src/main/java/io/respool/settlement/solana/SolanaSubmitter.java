package io.respool.settlement.solana;

import io.respool.protocol.crypto.Base58;
import io.respool.settlement.SettlementOutbox;
import io.respool.settlement.solana.EscrowProgram.SettleItem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settlement outbox on Solana: the intents the usage ledger wrote (deposits in SETTLING) go out
 * as {@code settle_many} transactions (SOL escrows; a token escrow goes alone, as {@code settle_token}
 * after creating the payees' token accounts if missing) signed by the operator key, each stored ({@code chain_txs}:
 * signature, wire bytes, the blockhash's last valid block height) before it is sent, and sent again —
 * the same bytes — until the node reports it at the configured commitment. A transaction never seen
 * is given up (DROPPED) only once it provably can no longer land: the chain's block height is past
 * its last valid one and the node still does not know it. Only then do its deposits go into a new
 * transaction; the program refuses to settle an escrow twice anyway (a closed escrow is skipped
 * by {@code settle_many}). {@link SolanaWatcher} marks a deposit SETTLED from the {@code Settled} event.
 *
 * <p>As on Ethereum, no transaction or connection is held across a call to the node, and one node
 * submits for a key at a time by the {@link SettlementOutbox} lease, renewed before every call to the
 * node and first in every transaction that writes.
 */
public final class SolanaSubmitter {
  private static final Logger LOG = LoggerFactory.getLogger(SolanaSubmitter.class);
  private static final int BATCHES_PER_ROUND = 4;

  private final Pool pool;
  private final SolanaRpc rpc;
  private final SolanaConfig config;
  private final EscrowProgram program;
  private final String treasury;
  private final String sender;
  private final String chainName;
  private final SettlementOutbox outbox;
  private long rentExemptMinimum = -1;

  public SolanaSubmitter(Vertx vertx, Pool pool, SolanaRpc rpc, SolanaConfig config, EscrowProgram program, String treasury) {
    this.pool = pool;
    this.rpc = rpc;
    this.config = config;
    this.program = program;
    this.treasury = treasury;
    this.sender = config.operator();
    this.chainName = SolanaPayments.chainName(config);
    this.outbox = new SettlementOutbox(vertx, pool, chainName, sender, "solana settlements", config.rpcTimeout(), config.pollInterval());
  }

  /** One round, while this node holds the key's lease: follow the transactions in flight, sign the intents not covered by one, send. */
  public Future<Void> round() {
    return outbox.round(() -> {
      List<Row> toSend = new ArrayList<>();
      return follow(toSend).compose(x -> submitNew()).compose(x -> sent(toSend)).compose(x -> sendAll(toSend, 0));
    });
  }

  public Future<Void> release() {
    return outbox.release();
  }

  // --- transactions in flight ------------------------------------------------------------------

  private record Seen(long height, List<Optional<SolanaRpc.Status>> statuses) {}

  private Future<Void> follow(List<Row> toSend) {
    return pool.preparedQuery("SELECT * FROM chain_txs WHERE chain = $1 AND sender = $2 AND state = 'SENT' ORDER BY nonce")
        .execute(Tuple.of(chainName, sender))
        .compose(rows -> {
          if (rows.size() == 0) return Future.succeededFuture();
          List<Row> inFlight = new ArrayList<>();
          rows.forEach(inFlight::add);
          // the height first: a transaction still unknown after it was past its last valid height can never land
          return outbox.onChain(() -> {
            long height = rpc.blockHeight(config.commitment());
            return new Seen(height, rpc.signatureStatuses(inFlight.stream().map(r -> r.getString("tx_hash")).toList()));
          }).compose(seen -> {
            Future<Void> f = Future.succeededFuture();
            for (int i = 0; i < inFlight.size(); i++) {
              Row r = inFlight.get(i);
              Optional<SolanaRpc.Status> status = seen.statuses().get(i);
              f = f.compose(x -> followOne(r, status, seen.height(), toSend));
            }
            return f;
          });
        });
  }

  private Future<Void> followOne(Row r, Optional<SolanaRpc.Status> status, long height, List<Row> toSend) {
    String sig = r.getString("tx_hash");
    if (status.isPresent()) {
      SolanaRpc.Status s = status.get();
      if (!s.reached(config.commitment())) return Future.succeededFuture(); // landed, not yet confirmed: wait
      boolean ok = s.err() == null;
      if (!ok) LOG.warn("solana settlement {} failed in slot {}: {}; its deposits will be tried again", sig, s.slot(), s.err());
      return outbox.fenced(tx -> tx.preparedQuery("UPDATE chain_txs SET state = $2, mined_block = $3, last_error = $4 WHERE tx_hash = $1 AND state = 'SENT'")
          .execute(Tuple.of(sig, ok ? "MINED" : "REVERTED", s.slot(), s.err()))
          .compose(x -> ok ? Future.succeededFuture() : outbox.backOff(tx, r.getArrayOfStrings("rental_ids"), "settlement " + sig + " failed: " + s.err())));
    }
    Long lastValid = r.getLong("last_valid_height");
    if (lastValid != null && height > lastValid) {
      LOG.info("solana settlement {} expired unseen (block height {} > {}): its deposits go into a new transaction", sig, height, lastValid);
      return outbox.fenced(tx -> tx.preparedQuery("""
              UPDATE chain_txs SET state = 'DROPPED', last_error = coalesce(last_error || '; ', '') || 'blockhash expired, never landed'
               WHERE tx_hash = $1 AND state = 'SENT'""").execute(Tuple.of(sig)).mapEmpty());
    }
    OffsetDateTime sentAt = r.getOffsetDateTime("sent_at");
    if (sentAt == null || sentAt.toInstant().plus(config.resendAfter()).isBefore(Instant.now())) toSend.add(r);
    return Future.succeededFuture();
  }

  // --- new intents --------------------------------------------------------------------------------

  private record Due(String rentalId, String escrow, long used, long hostAmount) {}

  private record Batch(List<String> rentalIds, String signature, byte[] wire, long lastValid) {}

  private Future<Void> submitNew() {
    return pool.preparedQuery("""
            SELECT d.rental_id, d.escrow, d.used, d.host_amount FROM deposits d
             WHERE d.state = 'SETTLING' AND d.chain = $1 AND d.next_attempt_at <= now()
               AND NOT EXISTS (SELECT 1 FROM chain_txs c WHERE c.chain = $1 AND c.state IN ('SENT', 'MINED') AND d.rental_id = ANY(c.rental_ids))
             ORDER BY d.intent_at, d.rental_id LIMIT $2""")
        .execute(Tuple.of(chainName, config.batchSize() * BATCHES_PER_ROUND))
        .compose(rows -> {
          List<Due> due = new ArrayList<>();
          for (Row r : rows) due.add(new Due(r.getString("rental_id"), r.getString("escrow"), r.getLong("used"), r.getLong("host_amount")));
          if (due.isEmpty()) return Future.succeededFuture();
          Map<String, String> held = new LinkedHashMap<>(); // rental id → why it cannot go now
          return outbox.onChain(() -> sign(due, held))
              .compose(batches -> outbox.fenced(tx -> backOffEach(tx, held).compose(x -> store(tx, batches, 0))));
        });
  }

  /**
   * Blocking: reads the escrows (the truth: host, renter, deposit) and the hosts' accounts, holds back
   * what cannot settle now (escrow gone: its Settled or Reclaimed will be read; a host account that does
   * not exist paid less than the rent-exempt minimum, which the runtime refuses), signs the rest in
   * batches with one recent blockhash.
   */
  private List<Batch> sign(List<Due> due, Map<String, String> held) {
    if (rentExemptMinimum < 0) rentExemptMinimum = rpc.minimumBalanceForRentExemption(0);
    List<Optional<SolanaRpc.Account>> escrows = rpc.accounts(due.stream().map(Due::escrow).toList(), config.commitment());
    List<SettleItem> items = new ArrayList<>();
    List<TokenItem> tokens = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    List<String> hosts = new ArrayList<>();
    List<Long> shares = new ArrayList<>();
    for (int i = 0; i < due.size(); i++) {
      Due d = due.get(i);
      EscrowProgram.Escrow e = escrows.get(i).filter(a -> a.owner().equals(program.programId())).map(a -> EscrowProgram.decodeEscrow(a.data())).orElse(null);
      if (e == null) {
        held.put(d.rentalId(), "escrow " + d.escrow() + " is closed (settled or reclaimed): waiting for its event");
        continue;
      }
      if (d.used() > e.deposit()) {
        held.put(d.rentalId(), "used " + d.used() + " exceeds the escrow's deposit " + e.deposit());
        continue;
      }
      if (!EscrowProgram.isSol(e.mint())) {
        tokens.add(new TokenItem(d.rentalId(), d.escrow(), e, d.used()));
        continue;
      }
      items.add(new SettleItem(d.escrow(), e.host(), e.renter(), d.used()));
      ids.add(d.rentalId());
      hosts.add(e.host());
      shares.add(d.hostAmount());
    }
    if (!items.isEmpty()) {
      List<Optional<SolanaRpc.Account>> hostAccounts = rpc.accounts(hosts, config.commitment());
      for (int i = items.size() - 1; i >= 0; i--) {
        long share = shares.get(i);
        if (hostAccounts.get(i).isEmpty() && share > 0 && share < rentExemptMinimum) {
          held.put(ids.get(i), "the host's payout account " + items.get(i).host() + " does not exist and its share of " + share
              + " lamports is below the rent-exempt minimum " + rentExemptMinimum + ": fund that account");
          items.remove(i);
          ids.remove(i);
        }
      }
    }
    List<Batch> out = new ArrayList<>();
    if (items.isEmpty() && tokens.isEmpty()) return out;
    SolanaRpc.Blockhash hash = rpc.latestBlockhash(config.commitment());
    for (TokenItem t : tokens) out.add(signed(List.of(t.rentalId()), hash, tokenSettlement(t)));
    for (int from = 0; from < items.size(); from += config.batchSize()) {
      int to = Math.min(items.size(), from + config.batchSize());
      out.add(signed(ids.subList(from, to), hash, List.of(program.settleMany(sender, treasury, items.subList(from, to)))));
    }
    return out;
  }

  /** A token escrow to settle: one {@code settle_token} per transaction (it takes one rental). */
  private record TokenItem(String rentalId, String escrow, EscrowProgram.Escrow onChain, long used) {}

  /**
   * The host's, the treasury's and the renter's associated token accounts are created first if missing
   * (idempotent; the operator pays their rent), so a payee without one, or a renter who closed theirs,
   * cannot hold the settlement up; then {@code settle_token}.
   */
  private List<SolanaTransactions.Instruction> tokenSettlement(TokenItem t) {
    EscrowProgram.Escrow e = t.onChain();
    return List.of(EscrowProgram.createAssociatedTokenAccount(sender, e.host(), e.mint()),
        EscrowProgram.createAssociatedTokenAccount(sender, treasury, e.mint()),
        EscrowProgram.createAssociatedTokenAccount(sender, e.renter(), e.mint()),
        program.settleToken(sender, t.escrow(), e.mint(), e.host(), treasury, e.renter(), t.used()));
  }

  private Batch signed(List<String> rentalIds, SolanaRpc.Blockhash hash, List<SolanaTransactions.Instruction> ixs) {
    SolanaTransactions.Message m = SolanaTransactions.compile(sender, hash.blockhash(), ixs);
    byte[] sig = config.operatorKey().sign(m.bytes());
    return new Batch(List.copyOf(rentalIds), Base58.encode(sig), SolanaTransactions.wire(List.of(sig), m.bytes()), hash.lastValidBlockHeight());
  }

  /** Stores each batch only if its deposits are still due (what changed while it was signed is dropped unsent). */
  private Future<Void> store(SqlConnection tx, List<Batch> batches, int i) {
    if (i >= batches.size()) return Future.succeededFuture();
    Batch b = batches.get(i);
    String[] ids = b.rentalIds().toArray(String[]::new);
    return tx.preparedQuery("""
            INSERT INTO chain_txs (chain, sender, nonce, escrow, tx_hash, raw_tx, rental_ids, state, last_valid_height)
            SELECT $1, $2, coalesce((SELECT max(nonce) FROM chain_txs WHERE chain = $1 AND sender = $2), 0) + 1, $3, $4, $5, $6, 'SENT', $7
             WHERE (SELECT count(*) FROM deposits d WHERE d.chain = $1 AND d.rental_id = ANY($6) AND d.state = 'SETTLING'
                      AND NOT EXISTS (SELECT 1 FROM chain_txs c WHERE c.chain = $1 AND c.state IN ('SENT', 'MINED') AND d.rental_id = ANY(c.rental_ids)))
                   = cardinality($6)""")
        .execute(Tuple.tuple().addString(chainName).addString(sender).addString(program.programId()).addString(b.signature())
            .addString(Base64.getEncoder().encodeToString(b.wire())).addArrayOfString(ids).addLong(b.lastValid()))
        .compose(rows -> {
          if (rows.rowCount() == 1) LOG.info("settling {} deposit(s) on solana in {}", ids.length, b.signature());
          else LOG.info("solana settlement of {} deposit(s) dropped unsent: its deposits changed while it was signed", ids.length);
          return store(tx, batches, i + 1);
        });
  }

  // --- sending -----------------------------------------------------------------------------------

  /** The stored transactions never sent yet (this round's), after those being resent. */
  private Future<Void> sent(List<Row> toSend) {
    return pool.preparedQuery("SELECT * FROM chain_txs WHERE chain = $1 AND sender = $2 AND state = 'SENT' AND sent_at IS NULL AND broadcasts = 0 ORDER BY nonce")
        .execute(Tuple.of(chainName, sender))
        .map(rows -> {
          for (Row r : rows) if (toSend.stream().noneMatch(t -> t.getString("tx_hash").equals(r.getString("tx_hash")))) toSend.add(r);
          return null;
        });
  }

  private Future<Void> sendAll(List<Row> txs, int i) {
    if (i >= txs.size()) return Future.succeededFuture();
    Row r = txs.get(i);
    String sig = r.getString("tx_hash");
    byte[] wire = Base64.getDecoder().decode(r.getString("raw_tx"));
    // preflight only on a transaction never tried: one whose answer may have been lost could have landed
    boolean firstTry = r.getInteger("broadcasts") == 0 && r.getString("last_error") == null;
    return outbox.<String>onChain(() -> rpc.sendTransaction(wire, !firstTry))
        .transform(ar -> {
          if (ar.succeeded() || ar.cause() instanceof SolanaRpc.Refused ref && ref.alreadyProcessed()) {
            return pool.preparedQuery("UPDATE chain_txs SET sent_at = now(), broadcasts = broadcasts + 1, last_error = NULL WHERE tx_hash = $1")
                .execute(Tuple.of(sig)).<Void>mapEmpty();
          }
          Throwable err = ar.cause();
          if (SettlementOutbox.lost(err)) return Future.<Void>failedFuture(err);
          if (err instanceof SolanaRpc.Refused ref && firstTry && !ref.blockhashNotFound()) {
            // never sent before, refused by the node's preflight: it cannot land
            LOG.warn("solana settlement {} refused by the node: {}", sig, err.getMessage());
            return outbox.fenced(tx -> tx.preparedQuery("UPDATE chain_txs SET state = 'DROPPED', last_error = $2 WHERE tx_hash = $1 AND state = 'SENT' RETURNING rental_ids")
                .execute(Tuple.of(sig, "refused: " + ref.err()))
                .compose(rows -> rows.size() == 0 ? Future.<Void>succeededFuture()
                    : outbox.backOff(tx, rows.iterator().next().getArrayOfStrings("rental_ids"), "settlement refused by the node: " + ref.err())));
          }
          // unreachable, or refused in a way that leaves it to the expiry rule (a blockhash the node no longer knows)
          LOG.warn("solana settlement {} not sent, will retry: {}", sig, err.getMessage());
          return pool.preparedQuery("UPDATE chain_txs SET last_error = $2 WHERE tx_hash = $1").execute(Tuple.of(sig, String.valueOf(err.getMessage())))
              .<Void>mapEmpty();
        })
        .compose(x -> sendAll(txs, i + 1));
  }

  private Future<Void> backOffEach(SqlConnection tx, Map<String, String> held) {
    Future<Void> f = Future.succeededFuture();
    for (Map.Entry<String, String> e : held.entrySet()) {
      LOG.info("solana deposit {} held back: {}", e.getKey(), e.getValue());
      f = f.compose(x -> outbox.backOff(tx, new String[] {e.getKey()}, e.getValue()));
    }
    return f;
  }
}

package io.respool.settlement.evm;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.settlement.EscrowChain;
import io.respool.settlement.TestRows;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.utils.Numeric;

/**
 * The settlement outbox when the chain misbehaves, on real PostgreSQL and real anvil devnets: a base
 * fee that rises above a settlement's fee cap (replaced with higher fees, same nonce), a
 * reorganisation deeper than the confirmations that undoes a mined settlement (sent again), and a
 * devnet started afresh under a gateway that kept its PostgreSQL (detected, old transactions set
 * aside, settlements planned again on the new chain). Each fails on the outbox that only resent.
 */
class EvmChainTroubleTest {
  static Vertx vertx;
  static Pool pool;
  static final String SUFFIX = Long.toString(System.nanoTime(), 36);
  static final String ZERO = "0x0000000000000000000000000000000000000000";

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    pool = TestRows.pool(vertx, SUFFIX);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) vertx.close().await(10, TimeUnit.SECONDS);
  }

  static List<Row> sql(String statement, Object... params) {
    return TestRows.sql(pool, statement, params);
  }

  /** Resent at every round (no wait), one confirmation. */
  static EvmConfig config(AnvilDevnet chain) {
    return new EvmConfig(chain.rpcUrl(), chain.chainId(), Map.of("ETH", chain.escrow("ETH")), chain.operatorKey(),
        1, Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofHours(1), 10, Duration.ZERO, null);
  }

  /**
   * A booking's deposit of 1,000 wei opened on the ETH escrow by account 2 (unless {@code open} is false),
   * written as the intent to settle 600; due now unless {@code due} is false.
   */
  static String intent(AnvilDevnet chain, Web3jEscrowChain escrows, String name, boolean open, boolean due) {
    String booking = "bk-" + SUFFIX + "-" + name;
    String rentalId = EvmPayments.rentalId(chain.chainId(), booking, "host-" + SUFFIX);
    String escrow = chain.escrow("ETH").toLowerCase();
    if (open) {
      for (EscrowChain.WalletCall call : escrows.openCalls(escrow, ZERO, Numeric.hexStringToByteArray(rentalId), chain.account(3).address(),
          Instant.now().plusSeconds(3600).getEpochSecond(), BigInteger.valueOf(1_000))) {
        chain.send(chain.account(2).privateKey(), call);
      }
    }
    sql("""
        INSERT INTO bookings (id, account_id, state, request, currency, payment_chain, price_per_hour, duration_seconds, cost, cpu_millis, memory_mb, gpus)
        VALUES ($1, $2, 'STOPPED', '{}'::jsonb, 'ETH', 'ethereum', 1, 60, 1000, 0, 0, 0)""", booking, "acct-" + SUFFIX);
    sql("""
        INSERT INTO deposits (booking_id, host_id, chain, escrow, rental_id, payee, amount, expires_at, state, deposited, used, fee, host_amount,
          refund, intent_at, next_attempt_at, renter)
        VALUES ($1, $2, $3, $4, $5, $6, 1000, $7, 'SETTLING', 1000, 600, 15, 585, 400, now(), now() + $8 * interval '1 hour', $9)""",
        booking, "host-" + SUFFIX, EvmPayments.chainName(config(chain)), escrow, rentalId, chain.account(3).address().toLowerCase(),
        OffsetDateTime.now(ZoneOffset.UTC).plusHours(1), due ? 0 : 24, chain.account(2).address().toLowerCase());
    return rentalId;
  }

  static EscrowChain.RentalStatus status(Web3jEscrowChain escrows, AnvilDevnet chain, String rentalId) {
    return escrows.rental(chain.escrow("ETH").toLowerCase(), chain.account(2).address(), Numeric.hexStringToByteArray(rentalId)).status();
  }

  static Row tx(AnvilDevnet chain, String rentalId) {
    List<Row> rows = sql("SELECT * FROM chain_txs WHERE chain = $1 AND $2 = ANY(rental_ids)", EvmPayments.chainName(config(chain)), rentalId);
    assertThat(rows).as("transactions settling " + rentalId).hasSize(1);
    return rows.get(0);
  }

  /** Rounds until {@code done} (at most 30 s). */
  static void roundsUntil(EvmSubmitter submitter, String what, java.util.function.BooleanSupplier done) {
    AnvilDevnet.poll(what, Duration.ofSeconds(30), () -> {
      try {
        submitter.round().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      return done.getAsBoolean() ? Optional.of(true) : Optional.empty();
    });
  }

  @Test
  void aSettlementStuckBelowARisenBaseFeeIsReplacedWithAHigherFee() throws Exception {
    try (AnvilDevnet chain = AnvilDevnet.start(Map.of("RESPOOL_ETH_CHAIN_ID", "31351"));
        Web3jEscrowChain escrows = new Web3jEscrowChain(chain.rpcUrl(), chain.chainId(), chain.operatorKey(), Duration.ofSeconds(10))) {
      String rental = intent(chain, escrows, "fee", true, true);
      EvmSubmitter submitter = new EvmSubmitter(vertx, pool, escrows, config(chain));
      try {
        chain.rpc("evm_setAutomine", false);
        submitter.round().await(30, TimeUnit.SECONDS); // signed at today's base fee and sent; not mined yet
        Row first = tx(chain, rental);
        String stuckHash = first.getString("tx_hash");
        long nonce = first.getLong("nonce");
        var stuck = org.web3j.crypto.TransactionDecoder.decode(first.getString("raw_tx")).getTransaction();
        BigInteger stuckMaxFee = ((org.web3j.crypto.transaction.type.Transaction1559) stuck).getMaxFeePerGas();

        // the base fee jumps far above what it offers: the block comes without it
        chain.rpc("anvil_setNextBlockBaseFeePerGas", "0x" + stuckMaxFee.multiply(BigInteger.valueOf(20)).toString(16));
        chain.rpc("evm_mine");
        assertThat(escrows.receipt(stuckHash)).as("a transaction below the base fee is not mined").isEmpty();

        submitter.round().await(30, TimeUnit.SECONDS); // the outbox replaces it
        chain.rpc("evm_mine");
        roundsUntil(submitter, "the replacement mined", () -> "MINED".equals(tx(chain, rental).getString("state")));

        Row mined = tx(chain, rental);
        assertThat(mined.getLong("nonce")).as("the same nonce").isEqualTo(nonce);
        assertThat(mined.getString("tx_hash")).as("another transaction: higher fees").isNotEqualTo(stuckHash);
        assertThat(mined.getArrayOfStrings("replaces")).containsExactly(stuckHash);
        var replacement = (org.web3j.crypto.transaction.type.Transaction1559)
            org.web3j.crypto.TransactionDecoder.decode(mined.getString("raw_tx")).getTransaction();
        var old = (org.web3j.crypto.transaction.type.Transaction1559) stuck;
        // EIP-1559 replacement: both caps at least 10 % higher
        assertThat(replacement.getMaxFeePerGas().multiply(BigInteger.TEN)).isGreaterThanOrEqualTo(old.getMaxFeePerGas().multiply(BigInteger.valueOf(11)));
        assertThat(replacement.getMaxPriorityFeePerGas().multiply(BigInteger.TEN))
            .isGreaterThanOrEqualTo(old.getMaxPriorityFeePerGas().multiply(BigInteger.valueOf(11)));
        assertThat(status(escrows, chain, rental)).isEqualTo(EscrowChain.RentalStatus.SETTLED);
      } finally {
        chain.rpc("evm_setAutomine", true);
        submitter.release().await(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aSettlementUndoneByAReorgDeeperThanItsConfirmationsIsSentAgain() throws Exception {
    try (AnvilDevnet chain = AnvilDevnet.start(Map.of("RESPOOL_ETH_CHAIN_ID", "31352"));
        Web3jEscrowChain escrows = new Web3jEscrowChain(chain.rpcUrl(), chain.chainId(), chain.operatorKey(), Duration.ofSeconds(10))) {
      String rental = intent(chain, escrows, "reorg", true, true);
      String snapshot = chain.rpc("evm_snapshot").asText();
      EvmSubmitter submitter = new EvmSubmitter(vertx, pool, escrows, config(chain));
      try {
        roundsUntil(submitter, "the settlement mined", () -> "MINED".equals(tx(chain, rental).getString("state")));
        String hash = tx(chain, rental).getString("tx_hash");
        long minedIn = tx(chain, rental).getLong("mined_block");
        chain.mine(2); // three confirmations: the watcher would have counted it
        sql("UPDATE deposits SET state = 'SETTLED', settle_tx = $2, settled_block = $3, settled_at = now() WHERE rental_id = $1", rental, hash, minedIn);

        // a reorganisation deeper than that: the chain goes back before the settlement and grows past it without it
        assertThat(chain.rpc("evm_revert", snapshot).asBoolean()).isTrue();
        chain.mine(5);
        assertThat(escrows.receipt(hash)).isEmpty();
        assertThat(status(escrows, chain, rental)).isEqualTo(EscrowChain.RentalStatus.OPEN);

        roundsUntil(submitter, "the settlement mined again", () -> status(escrows, chain, rental) == EscrowChain.RentalStatus.SETTLED);
        roundsUntil(submitter, "the outbox following it", () -> "MINED".equals(tx(chain, rental).getString("state")));
        Row again = tx(chain, rental);
        assertThat(again.getInteger("broadcasts")).isGreaterThanOrEqualTo(2);
        Row deposit = sql("SELECT state, note FROM deposits WHERE rental_id = $1", rental).get(0);
        assertThat(deposit.getString("state")).as("SETTLED again only from the new Settled event").isEqualTo("SETTLING");
        assertThat(deposit.getString("note")).contains("undone by a reorganisation");
      } finally {
        submitter.release().await(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aDevnetStartedAfreshUnderStoredTransactionsIsDetectedAndSettlementRecovers() throws Exception {
    Path state = Files.createTempDirectory("respool-reset-devnet");
    int port = AnvilDevnet.freePort();
    Map<String, String> env = Map.of("RESPOOL_ETH_CHAIN_ID", "31353");
    String chainName = "ethereum:31353";
    String settledBefore;
    String neverSent;
    try (AnvilDevnet old = AnvilDevnet.start(state, port, env);
        Web3jEscrowChain escrows = new Web3jEscrowChain(old.rpcUrl(), old.chainId(), old.operatorKey(), Duration.ofSeconds(10))) {
      settledBefore = intent(old, escrows, "old", true, true);
      neverSent = intent(old, escrows, "orphan", true, false); // opened on the old chain, due later
      EvmSubmitter submitter = new EvmSubmitter(vertx, pool, escrows, config(old));
      try {
        roundsUntil(submitter, "the old chain's settlement mined", () -> "MINED".equals(tx(old, settledBefore).getString("state")));
      } finally {
        submitter.release().await(10, TimeUnit.SECONDS);
      }
      old.stop();
    }
    // the same devnet started again without its chain: same contracts at the same addresses, nonces from 0
    try (AnvilDevnet fresh = AnvilDevnet.start(state, port, env);
        Web3jEscrowChain escrows = new Web3jEscrowChain(fresh.rpcUrl(), fresh.chainId(), fresh.operatorKey(), Duration.ofSeconds(10))) {
      assertThat(escrows.operatorNonce(false)).as("the new chain's operator nonce is below the stored ones")
          .isLessThanOrEqualTo(sql("SELECT max(nonce) AS n FROM chain_txs WHERE chain = $1", chainName).get(0).getLong("n"));
      String after = intent(fresh, escrows, "new", true, true);
      EvmSubmitter submitter = new EvmSubmitter(vertx, pool, escrows, config(fresh));
      try {
        roundsUntil(submitter, "the new chain's first settlement", () -> status(escrows, fresh, after) == EscrowChain.RentalStatus.SETTLED);
        roundsUntil(submitter, "the orphan's settlement followed", () -> sql("SELECT note FROM deposits WHERE rental_id = $1", neverSent)
            .get(0).getString("note") instanceof String n && n.contains("not on this chain"));
      } finally {
        submitter.release().await(10, TimeUnit.SECONDS);
      }
      assertThat(sql("SELECT changes, genesis_hash FROM chain_anchors WHERE chain = $1", chainName).get(0).getInteger("changes")).isEqualTo(1);
      assertThat(sql("SELECT genesis_hash FROM chain_anchors WHERE chain = $1", chainName).get(0).getString("genesis_hash"))
          .isEqualTo(escrows.blockHash(0).orElseThrow());
      assertThat(sql("SELECT state FROM chain_txs_superseded WHERE chain = $1 AND $2 = ANY(rental_ids)", chainName, settledBefore))
          .extracting(r -> r.getString("state")).containsExactly("MINED");
      assertThat(tx(fresh, after).getString("state")).isEqualTo("MINED");
    } finally {
      try (var files = Files.walk(state)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}

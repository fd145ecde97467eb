package io.respool.settlement.evm;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.settlement.EscrowChain;
import io.respool.settlement.TestRows;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The settlement outbox on real PostgreSQL and a real anvil (a block per transaction): how it
 * batches the intents of several escrows and picks its nonces. The deposits are opened on chain by
 * a renter and written as intents directly, as the usage ledger writes them.
 */
class EvmSubmitterTest {
  static AnvilDevnet chain;
  static Vertx vertx;
  static Pool pool;
  static Web3jEscrowChain escrows;
  static final String SUFFIX = Long.toString(System.nanoTime(), 36);
  /** The submitters a test made: each hands its lease back after the test, for the next test's. */
  final List<EvmSubmitter> submitters = new ArrayList<>();

  @BeforeAll
  static void start() {
    chain = AnvilDevnet.start(Map.of("RESPOOL_ETH_CHAIN_ID", "31339"));
    vertx = Vertx.vertx();
    pool = TestRows.pool(vertx, SUFFIX);
    escrows = new Web3jEscrowChain(chain.rpcUrl(), chain.chainId(), chain.operatorKey(), Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() throws Exception {
    if (escrows != null) escrows.close();
    if (vertx != null) vertx.close().await(10, TimeUnit.SECONDS);
    if (chain != null) chain.close();
  }

  static List<Row> sql(String statement, Object... params) {
    return TestRows.sql(pool, statement, params);
  }

  static EvmConfig config(int batchSize) {
    return new EvmConfig(chain.rpcUrl(), chain.chainId(), Map.of("ETH", chain.escrow("ETH"), "TUSD", chain.escrow("tUSD")), chain.operatorKey(),
        1, Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofHours(1), batchSize, Duration.ofSeconds(30), null);
  }

  /** A booking with one deposit opened on {@code asset}'s escrow for 1,000 units, written as an intent to settle 600. */
  static String intent(String asset, int n) {
    String booking = "bk-" + SUFFIX + "-" + asset + n;
    String rentalId = EvmPayments.rentalId(chain.chainId(), booking, "host-" + SUFFIX);
    String escrow = chain.escrow(asset).toLowerCase();
    String token = chain.token(asset);
    AnvilDevnet.Account renter = chain.account(2);
    if (!token.equals("0x0000000000000000000000000000000000000000")) chain.mint(renter.address(), BigInteger.valueOf(1_000));
    for (EscrowChain.WalletCall call : escrows.openCalls(escrow, token, org.web3j.utils.Numeric.hexStringToByteArray(rentalId),
        chain.account(3).address(), Instant.now().plusSeconds(3600).getEpochSecond(), BigInteger.valueOf(1_000))) {
      chain.send(renter.privateKey(), call);
    }
    sql("""
        INSERT INTO bookings (id, account_id, state, request, currency, payment_chain, price_per_hour, duration_seconds, cost, cpu_millis, memory_mb, gpus)
        VALUES ($1, $2, 'STOPPED', '{}'::jsonb, $3, 'ethereum', 1, 60, 1000, 0, 0, 0)""", booking, "acct-" + SUFFIX, asset.toUpperCase());
    sql("""
        INSERT INTO deposits (booking_id, host_id, chain, escrow, rental_id, payee, amount, expires_at, state, deposited, used, fee, host_amount,
          refund, intent_at, next_attempt_at, renter)
        VALUES ($1, $2, $3, $4, $5, $6, 1000, $7, 'SETTLING', 1000, 600, 15, 585, 400, now(), now(), $8)""",
        booking, "host-" + SUFFIX, EvmPayments.chainName(config(1)), escrow, rentalId, chain.account(3).address(),
        OffsetDateTime.now(ZoneOffset.UTC).plusHours(1), renter.address().toLowerCase());
    return rentalId;
  }

  EvmSubmitter submitter(int batchSize) {
    return submitter(escrows, batchSize);
  }

  EvmSubmitter submitter(EscrowChain node, int batchSize) {
    EvmSubmitter s = new EvmSubmitter(vertx, pool, node, config(batchSize));
    submitters.add(s);
    return s;
  }

  @AfterEach
  void release() throws Exception {
    for (EvmSubmitter s : submitters) s.release().await(10, TimeUnit.SECONDS);
  }

  static void round(EvmSubmitter submitter) throws Exception {
    submitter.round().await(60, TimeUnit.SECONDS);
  }

  static List<Row> txs() {
    return sql("SELECT * FROM chain_txs WHERE chain = $1 ORDER BY nonce", EvmPayments.chainName(config(1)));
  }

  @Test
  void oneEscrowsBacklogDoesNotStarveAnother() throws Exception {
    List<String> tusd = new ArrayList<>();
    for (int i = 0; i < 5; i++) tusd.add(intent("tUSD", i));
    String eth = intent("ETH", 0);
    assertThat(chain.escrow("tUSD").toLowerCase()).as("tUSD's escrow sorts first").isLessThan(chain.escrow("ETH").toLowerCase());
    int before = txs().size();

    EvmSubmitter submitter = submitter(1);
    round(submitter);
    List<Row> sent = txs().subList(before, txs().size());
    assertThat(sent).extracting(r -> r.getString("escrow")).containsExactlyInAnyOrder(chain.escrow("tUSD").toLowerCase(), chain.escrow("ETH").toLowerCase());
    assertThat(sent).extracting(r -> r.getArrayOfStrings("rental_ids")[0]).contains(eth, tusd.get(0));
    for (int i = 0; i < 5; i++) round(submitter);
    for (String id : tusd) {
      assertThat(escrows.rental(chain.escrow("tUSD").toLowerCase(), chain.account(2).address(), org.web3j.utils.Numeric.hexStringToByteArray(id)).status())
          .isEqualTo(EscrowChain.RentalStatus.SETTLED);
    }
  }

  @Test
  void aNonceLeftFreeByARefusedTransactionIsUsedFirst() throws Exception {
    String rental = intent("tUSD", 9);
    EvmSubmitter submitter = submitter(20);
    long next = escrows.operatorNonce(false);
    // a transaction in flight at next + 1 that the node will refuse: next is free, next + 1 held
    sql("""
        INSERT INTO chain_txs (chain, sender, nonce, escrow, tx_hash, raw_tx, rental_ids, state, sent_at)
        VALUES ($1, $2, $3, $4, $5, '0x02', '{}', 'SENT', now() - interval '1 hour')""",
        EvmPayments.chainName(config(1)), escrows.operatorAddress().toLowerCase(), next + 1, chain.escrow("tUSD").toLowerCase(),
        "0x" + "ab".repeat(32));
    round(submitter);
    Row mine = sql("SELECT * FROM chain_txs WHERE $1 = ANY(rental_ids)", rental).get(0);
    assertThat(mine.getLong("nonce")).as("the gap is filled, not skipped").isEqualTo(next);
    assertThat(sql("SELECT 1 FROM chain_txs WHERE tx_hash = $1", "0x" + "ab".repeat(32))).as("the refused one is gone").isEmpty();
    EscrowChain.Receipt receipt = AnvilDevnet.poll("the settlement mined", Duration.ofSeconds(30), () -> escrows.receipt(mine.getString("tx_hash")));
    assertThat(receipt.success()).isTrue();
    assertThat(escrows.rental(chain.escrow("tUSD").toLowerCase(), chain.account(2).address(), org.web3j.utils.Numeric.hexStringToByteArray(rental)).status())
        .isEqualTo(EscrowChain.RentalStatus.SETTLED);
  }

  @Test
  void oneNodeSubmitsAtATimeAndOneThatLostTheLeaseMidRoundStoresNothing() throws Exception {
    String rental = intent("tUSD", 20);
    String lease = EvmPayments.chainName(config(1)) + ":" + escrows.operatorAddress().toLowerCase();
    CountDownLatch signing = new CountDownLatch(1);
    CountDownLatch takenOver = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    // node A's first signature waits until node B has taken the lease over (as if A's chain node hung)
    EscrowChain slowForA = new DelegatingChain(escrows) {
      @Override
      public SignedTx signSettleBatch(String escrow, List<SettleItem> items, long nonce) {
        if (first.getAndSet(false)) {
          signing.countDown();
          try {
            takenOver.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return super.signSettleBatch(escrow, items, nonce);
      }
    };
    EvmSubmitter a = submitter(slowForA, 20);
    EvmSubmitter b = submitter(20);
    var roundA = a.round();
    assertThat(signing.await(60, TimeUnit.SECONDS)).as("A signing").isTrue();

    round(b); // A holds the lease: B does nothing
    assertThat(sql("SELECT 1 FROM chain_txs WHERE $1 = ANY(rental_ids)", rental)).isEmpty();

    sql("UPDATE chain_leases SET until = now() - interval '1 second' WHERE name = $1", lease); // A's lease runs out
    round(b); // B takes over and submits
    takenOver.countDown();
    roundA.await(60, TimeUnit.SECONDS); // A's signature comes back: not stored, not sent

    List<Row> holding = sql("SELECT * FROM chain_txs WHERE $1 = ANY(rental_ids)", rental);
    assertThat(holding).as("transactions holding the rental").hasSize(1);
    EscrowChain.Receipt receipt = AnvilDevnet.poll("the settlement mined", Duration.ofSeconds(30), () -> escrows.receipt(holding.get(0).getString("tx_hash")));
    assertThat(receipt.success()).isTrue();
    assertThat(escrows.rental(chain.escrow("tUSD").toLowerCase(), chain.account(2).address(), org.web3j.utils.Numeric.hexStringToByteArray(rental)).status())
        .isEqualTo(EscrowChain.RentalStatus.SETTLED);

    String holderB = sql("SELECT holder FROM chain_leases WHERE name = $1", lease).get(0).getString("holder");
    round(a); // B still holds the lease
    assertThat(sql("SELECT holder FROM chain_leases WHERE name = $1", lease).get(0).getString("holder")).isEqualTo(holderB);
    b.release().await(10, TimeUnit.SECONDS); // B's node stops: A takes over at once
    round(a);
    assertThat(sql("SELECT holder FROM chain_leases WHERE name = $1", lease).get(0).getString("holder")).as("A holds the lease").isNotEqualTo(holderB);
    assertThat(sql("SELECT 1 FROM chain_txs WHERE $1 = ANY(rental_ids)", rental)).as("nothing sent twice").hasSize(1);
  }
}

package io.respool.settlement.evm;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.settlement.EscrowChain;
import io.respool.settlement.RecordedOutcomes;
import io.respool.settlement.TestRows;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.math.BigInteger;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.utils.Numeric;

/**
 * The deposit watcher on real PostgreSQL and a real anvil: two nodes that fetched the same blocks
 * (each with no connection held while it did) apply them once — the cursor's compare-and-set lets
 * the first one through and makes the second drop what it fetched.
 */
class EvmWatcherTest {
  static AnvilDevnet chain;
  static Vertx vertx;
  static Pool pool;
  static Web3jEscrowChain escrows;
  static final String SUFFIX = Long.toString(System.nanoTime(), 36);

  /** What the watcher told the bookings. */
  static final RecordedOutcomes BOOKINGS = new RecordedOutcomes();
  static final List<String> told = BOOKINGS.told;

  @BeforeAll
  static void start() {
    chain = AnvilDevnet.start(Map.of("RESPOOL_ETH_CHAIN_ID", "31342"));
    vertx = Vertx.vertx();
    pool = TestRows.pool(vertx, SUFFIX);
    escrows = new Web3jEscrowChain(chain.rpcUrl(), chain.chainId(), null, Duration.ofSeconds(10));
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

  static String escrow() {
    return chain.escrow("tUSD").toLowerCase();
  }

  static EvmConfig config() {
    return new EvmConfig(chain.rpcUrl(), chain.chainId(), Map.of("TUSD", escrow()), null, 1, Duration.ofMillis(200), Duration.ofSeconds(10),
        Duration.ofHours(1), 20, Duration.ofSeconds(30), chain.deployBlock());
  }

  static long cursor() {
    return sql("SELECT next_block FROM chain_cursors WHERE chain = $1 AND escrow = $2", EvmPayments.chainName(config()), escrow()).get(0)
        .getLong("next_block");
  }

  static String depositState(String rentalId) {
    return sql("SELECT state FROM deposits WHERE rental_id = $1", rentalId).get(0).getString("state");
  }

  @Test
  void twoNodesThatFetchedTheSameBlocksApplyThemOnce() throws Exception {
    // a booking waiting for a deposit that nobody opens on chain
    String booking = "bk-" + SUFFIX;
    String rentalId = EvmPayments.rentalId(chain.chainId(), booking, "host-" + SUFFIX);
    sql("""
        INSERT INTO bookings (id, account_id, state, request, currency, payment_chain, price_per_hour, duration_seconds, cost, cpu_millis, memory_mb, gpus)
        VALUES ($1, $2, 'PENDING_PAYMENT', '{}'::jsonb, 'TUSD', 'ethereum', 1, 60, 1000, 0, 0, 0)""", booking, "acct-" + SUFFIX);
    sql("""
        INSERT INTO deposits (booking_id, host_id, chain, escrow, rental_id, payee, amount, expires_at, state)
        VALUES ($1, $2, $3, $4, $5, $6, 1000, $7, 'AWAITING')""",
        booking, "host-" + SUFFIX, EvmPayments.chainName(config()), escrow(), rentalId, chain.account(3).address(),
        OffsetDateTime.now(ZoneOffset.UTC).plusHours(1));

    // node A's chain node reports an Opened for it that node B's does not (a made-up log by a wallet of the account paying
    // the wrong host: applied, it would reject the deposit),
    sql("INSERT INTO wallets (chain, address, account_id) VALUES ('ethereum', $1, $2) ON CONFLICT DO NOTHING",
        chain.account(9).address().toLowerCase(), "acct-" + SUFFIX);
    // and A's first fetch waits until B has read the same blocks
    EscrowChain.Terms terms = escrows.terms(escrow());
    CountDownLatch fetching = new CountDownLatch(1);
    CountDownLatch bDone = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    EscrowChain forA = new DelegatingChain(escrows) {
      @Override
      public List<Log> logs(String escrow, long fromBlock, long toBlock) {
        List<Log> logs = new ArrayList<>(super.logs(escrow, fromBlock, toBlock));
        logs.add(new Log(escrow, "Opened", Numeric.hexStringToByteArray(rentalId), chain.account(9).address(), chain.account(4).address(),
            terms.token(), BigInteger.valueOf(1_000), null, null, OffsetDateTime.now().plusDays(1).toEpochSecond(), terms.feeBps(), toBlock,
            "0x" + "cd".repeat(32), 0));
        if (first.getAndSet(false)) {
          fetching.countDown();
          try {
            bDone.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return logs;
      }
    };
    EvmWatcher a = new EvmWatcher(vertx, pool, forA, config(), Map.of(escrow(), terms), BOOKINGS);
    EvmWatcher b = new EvmWatcher(vertx, pool, escrows, config(), Map.of(escrow(), terms), BOOKINGS);

    var roundA = a.round();
    assertThat(fetching.await(60, TimeUnit.SECONDS)).as("A fetching").isTrue();
    b.round().await(60, TimeUnit.SECONDS);
    long afterB = cursor();
    assertThat(afterB).as("B read the blocks").isGreaterThan(chain.deployBlock());
    bDone.countDown();
    roundA.await(60, TimeUnit.SECONDS);
    assertThat(cursor()).as("A found the cursor moved").isEqualTo(afterB);
    assertThat(depositState(rentalId)).as("A's logs dropped").isEqualTo("AWAITING");
    assertThat(told).isEmpty();

    // the control: blocks nobody else read are A's to apply, its made-up log included
    chain.mine(1);
    a.round().await(60, TimeUnit.SECONDS);
    assertThat(cursor()).isEqualTo(afterB + 1);
    assertThat(depositState(rentalId)).isEqualTo("REJECTED");
    assertThat(told).containsExactly("rejected " + booking);
  }

  /**
   * Rentals are keyed by (renter, id): someone who copies the id from the renter's open in flight and
   * opens it first only opens a rental of their own. The watcher leaves the deposit waiting (with a
   * note) instead of rejecting the booking, and the renter's own open, which the escrow accepts, funds it.
   */
  @Test
  void aFrontRunnersOpenUnderTheSameIdNeitherRejectsNorFundsTheDeposit() throws Exception {
    String booking = "bk-squat-" + SUFFIX;
    String rentalId = EvmPayments.rentalId(chain.chainId(), booking, "host-" + SUFFIX);
    AnvilDevnet.Account renter = chain.account(6);
    AnvilDevnet.Account squatter = chain.account(7);
    sql("INSERT INTO wallets (chain, address, account_id) VALUES ('ethereum', $1, $2)", renter.address().toLowerCase(), "acct-" + SUFFIX);
    sql("""
        INSERT INTO bookings (id, account_id, state, request, currency, payment_chain, price_per_hour, duration_seconds, cost, cpu_millis, memory_mb, gpus)
        VALUES ($1, $2, 'PENDING_PAYMENT', '{}'::jsonb, 'TUSD', 'ethereum', 1, 60, 1000, 0, 0, 0)""", booking, "acct-" + SUFFIX);
    long expiresAt = chain.latestTimestamp() + 3600;
    sql("""
        INSERT INTO deposits (booking_id, host_id, chain, escrow, rental_id, payee, amount, expires_at, state)
        VALUES ($1, $2, $3, $4, $5, $6, 1000, $7, 'AWAITING')""",
        booking, "host-" + SUFFIX, EvmPayments.chainName(config()), escrow(), rentalId, chain.account(3).address().toLowerCase(),
        OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(expiresAt), ZoneOffset.UTC));
    EscrowChain.Terms terms = escrows.terms(escrow());
    EvmWatcher watcher = new EvmWatcher(vertx, pool, escrows, config(), Map.of(escrow(), terms), BOOKINGS);
    watcher.round().await(60, TimeUnit.SECONDS);
    told.clear();

    // the squatter copies the calls (same id, its own host) and is mined first
    chain.mint(squatter.address(), BigInteger.valueOf(1_000));
    for (EscrowChain.WalletCall c : escrows.openCalls(escrow(), terms.token(), Numeric.hexStringToByteArray(rentalId), squatter.address(),
        expiresAt, BigInteger.valueOf(1_000))) {
      chain.send(squatter.privateKey(), c);
    }
    watcher.round().await(60, TimeUnit.SECONDS);
    Row waiting = sql("SELECT state, note, renter FROM deposits WHERE rental_id = $1", rentalId).get(0);
    assertThat(waiting.getString("state")).isEqualTo("AWAITING");
    assertThat(waiting.getString("note")).contains("not a wallet of your account");
    assertThat(told).isEmpty();

    // the renter's own open of the same id goes through on chain and funds the deposit
    chain.mint(renter.address(), BigInteger.valueOf(1_000));
    for (EscrowChain.WalletCall c : escrows.openCalls(escrow(), terms.token(), Numeric.hexStringToByteArray(rentalId),
        chain.account(3).address(), expiresAt, BigInteger.valueOf(1_000))) {
      chain.send(renter.privateKey(), c);
    }
    watcher.round().await(60, TimeUnit.SECONDS);
    Row open = sql("SELECT state, renter FROM deposits WHERE rental_id = $1", rentalId).get(0);
    assertThat(open.getString("state")).isEqualTo("OPEN");
    assertThat(open.getString("renter")).isEqualTo(renter.address().toLowerCase());
    assertThat(told).containsExactly("funded " + booking);
    assertThat(escrows.rental(escrow(), squatter.address(), Numeric.hexStringToByteArray(rentalId)).host())
        .as("the squatter's rental is its own").isEqualTo(squatter.address().toLowerCase());
    told.clear(); // the other test expects to hear of its own bookings only
  }

  /**
   * Found by the chaos suite: a renter stops a booking while its rental's Opened is being applied.
   * The stop (booking locked, deposits still AWAITING in its snapshot) wrote no settlement intent and
   * the watcher (deposit locked, booking still PENDING_PAYMENT in its snapshot) made the deposit OPEN:
   * nothing settled it. The watcher now locks the booking too, so it sees the stop and refunds in full.
   */
  @Test
  void aRentalOpenedWhileItsBookingIsBeingStoppedIsRefundedInFull() throws Exception {
    String booking = "bk-stop-" + SUFFIX;
    String rentalId = EvmPayments.rentalId(chain.chainId(), booking, "host-" + SUFFIX);
    String renter = chain.account(8).address().toLowerCase();
    sql("INSERT INTO wallets (chain, address, account_id) VALUES ('ethereum', $1, $2) ON CONFLICT DO NOTHING", renter, "acct-" + SUFFIX);
    sql("""
        INSERT INTO bookings (id, account_id, state, request, currency, payment_chain, price_per_hour, duration_seconds, cost, cpu_millis, memory_mb, gpus)
        VALUES ($1, $2, 'PENDING_PAYMENT', '{}'::jsonb, 'TUSD', 'ethereum', 1, 60, 1000, 0, 0, 0)""", booking, "acct-" + SUFFIX);
    OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plusHours(1);
    sql("""
        INSERT INTO deposits (booking_id, host_id, chain, escrow, rental_id, payee, amount, expires_at, state)
        VALUES ($1, $2, $3, $4, $5, $6, 1000, $7, 'AWAITING')""",
        booking, "host-" + SUFFIX, EvmPayments.chainName(config()), escrow(), rentalId, chain.account(3).address().toLowerCase(), expires);
    EscrowChain.Terms terms = escrows.terms(escrow());
    EscrowChain withOpened = new DelegatingChain(escrows) {
      @Override
      public List<Log> logs(String escrow, long fromBlock, long toBlock) {
        List<Log> logs = new ArrayList<>(super.logs(escrow, fromBlock, toBlock));
        logs.add(new Log(escrow, "Opened", Numeric.hexStringToByteArray(rentalId), renter, chain.account(3).address().toLowerCase(),
            terms.token(), BigInteger.valueOf(1_000), null, null, expires.toEpochSecond() + 60, terms.feeBps(), toBlock, "0x" + "ef".repeat(32), 0));
        return logs;
      }
    };
    EvmWatcher watcher = new EvmWatcher(vertx, pool, withOpened, config(), Map.of(escrow(), terms), BOOKINGS);
    chain.mine(1);

    // the stop, half done (the booking locked and STOPPED, not yet committed) while the Opened is applied
    TestRows.whileStopping(vertx, booking, watcher::round);
    Row d = sql("SELECT state, used, refund, deposited FROM deposits WHERE rental_id = $1", rentalId).get(0);
    assertThat(d.getString("state")).as("a settlement intent, not an OPEN deposit of an ended booking").isEqualTo("SETTLING");
    assertThat(d.getLong("used")).isZero();
    assertThat(d.getLong("refund")).isEqualTo(d.getLong("deposited")).isEqualTo(1_000L);
  }
}

package io.respool.settlement.evm;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.bookings.BookingStore.BookingRow;
import io.respool.bookings.BookingStore.TaskRow;
import io.respool.infra.Databases;
import io.respool.lifecycle.BookingState;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;
import io.respool.settlement.TestRows;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A booking's Ethereum deposits as its creating transaction writes them, on the test PostgreSQL (no
 * chain: writing them asks nothing of it): the payee is the host's address as its row has it in the
 * transaction, and a renter without an Ethereum wallet or a host without a payout address refuses
 * the booking before the commit, so the transaction writes nothing.
 */
class EvmDepositsTest {
  static final String SUFFIX = "dep" + Long.toString(System.nanoTime(), 36);
  static final String ESCROW = "0x" + "ab".repeat(20);
  static final String PAYOUT = "0x" + "C0FFEE".repeat(6) + "C0FE";
  static Vertx vertx;
  static Pool pool;
  static EvmPayments payments;
  static int bookings;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    pool = TestRows.pool(vertx, SUFFIX);
    EvmConfig config = new EvmConfig("http://127.0.0.1:1", 31_999, Map.of("TUSD", ESCROW), null, 1, Duration.ofSeconds(1), Duration.ofSeconds(1),
        Duration.ofHours(1), 20, Duration.ofSeconds(30), 0L);
    payments = new EvmPayments(config, Map.of(), null, false);
    TestRows.sql(pool, "INSERT INTO hosts (id, region, info, cpu_millis, memory_mb, storage_gb, gpus, gpu_models, online, last_seen, payout_ethereum)"
        + " VALUES ($1, 'test', '{}'::jsonb, 1000, 1000, 10, 0, '{}', false, now(), $2)", "paid-" + SUFFIX, PAYOUT);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A booking of {@code account} on the given hosts (its row written in the same transaction as its deposits): what prepare made of it. */
  static Throwable book(String account, String... hosts) throws Exception {
    String id = "bk-" + SUFFIX + "-" + ++bookings;
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    BookingRow b = new BookingRow(id, account, null, BookingState.PENDING_PAYMENT, null, null, null, "TUSD", "ethereum", 100L * hosts.length,
        3600, BigInteger.valueOf(100L * hosts.length), 0, 0, 0, now.plusSeconds(600), now, null, null, null);
    List<TaskRow> tasks = new java.util.ArrayList<>();
    for (int i = 0; i < hosts.length; i++) tasks.add(TaskRow.pending(id + "-t" + i, id, hosts[i], i, 0, 1, 100, 64, 0, 0, null, 100));
    try {
      Databases.inTransaction(pool, tx -> tx.preparedQuery("""
              INSERT INTO bookings (id, account_id, state, request, currency, payment_chain, price_per_hour, duration_seconds, cost, cpu_millis, memory_mb, gpus)
              VALUES ($1, $2, 'PENDING_PAYMENT', '{}'::jsonb, 'TUSD', 'ethereum', $3::bigint, 3600, $3::bigint, 0, 0, 0)""")
          .execute(io.vertx.sqlclient.Tuple.of(id, account, 100L * hosts.length))
          .compose(x -> payments.prepare(tx, b, tasks))).await(10, TimeUnit.SECONDS);
      return null;
    } catch (Exception e) {
      return e;
    } finally {
      lastBooking = id;
    }
  }

  static String lastBooking;

  static List<Row> written(String table) {
    return TestRows.sql(pool, "SELECT * FROM " + table + " WHERE " + ("bookings".equals(table) ? "id" : "booking_id") + " = $1", lastBooking);
  }

  @Test
  void aDepositPaysTheHostsAddressInLowerCaseAndARenterWithoutAWalletIsRefusedWithNothingWritten() throws Exception {
    String account = "acct-" + SUFFIX;
    Throwable noWallet = book(account, "paid-" + SUFFIX);
    assertThat(noWallet).isInstanceOf(RespoolException.class).hasMessageContaining("needs an ethereum wallet");
    assertThat(((RespoolException) noWallet).code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(written("bookings")).as("rolled back").isEmpty();
    assertThat(written("deposits")).isEmpty();

    TestRows.sql(pool, "INSERT INTO wallets (chain, address, account_id) VALUES ('ethereum', $1, $2)", "0x" + "12".repeat(20), account);
    assertThat(book(account, "paid-" + SUFFIX)).isNull();
    List<Row> deposits = written("deposits");
    assertThat(deposits).hasSize(1);
    assertThat(deposits.get(0).getString("payee")).isEqualTo(PAYOUT.toLowerCase());
    assertThat(deposits.get(0).getString("escrow")).isEqualTo(ESCROW);
    assertThat(deposits.get(0).getString("rental_id")).isEqualTo(EvmPayments.rentalId(31_999, lastBooking, "paid-" + SUFFIX));
    assertThat(deposits.get(0).getLong("amount")).isEqualTo(100);
    assertThat(deposits.get(0).getString("state")).isEqualTo("AWAITING");
  }

  @Test
  void aHostWithoutAPayoutAddressByTheTimeOfTheCommitRefusesTheBookingWithNothingWritten() throws Exception {
    String account = "acct2-" + SUFFIX;
    TestRows.sql(pool, "INSERT INTO accounts (id) VALUES ($1)", account);
    TestRows.sql(pool, "INSERT INTO wallets (chain, address, account_id) VALUES ('ethereum', $1, $2)", "0x" + "34".repeat(20), account);
    // as a host that registered again without the address after the matcher chose it
    TestRows.sql(pool, "INSERT INTO hosts (id, region, info, cpu_millis, memory_mb, storage_gb, gpus, gpu_models, online, last_seen)"
        + " VALUES ($1, 'test', '{}'::jsonb, 1000, 1000, 10, 0, '{}', false, now())", "unpaid-" + SUFFIX);
    Throwable refused = book(account, "paid-" + SUFFIX, "unpaid-" + SUFFIX);
    assertThat(refused).isInstanceOf(RespoolException.class)
        .hasMessageContaining("host unpaid-" + SUFFIX + " has no ethereum payout address");
    assertThat(((RespoolException) refused).code()).isEqualTo(ErrorCode.NO_CAPACITY);
    assertThat(written("bookings")).as("rolled back").isEmpty();
    assertThat(written("deposits")).as("not even the paid host's").isEmpty();
  }
}

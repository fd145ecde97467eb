package io.respool.settlement.solana;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.protocol.crypto.Ed25519;
import io.respool.settlement.RecordedOutcomes;
import io.respool.settlement.TestRows;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Solana deposit watcher on real PostgreSQL and the program on the devnet (litesvm), the renter's open signed by its wallet. */
class SolanaWatcherTest {
  static SolanaDevnet chain;
  static EscrowProgram program;
  static Vertx vertx;
  static Pool pool;
  static final String SUFFIX = Long.toString(System.nanoTime(), 36);
  static final RecordedOutcomes BOOKINGS = new RecordedOutcomes();

  @BeforeAll
  static void start() {
    chain = SolanaDevnet.start();
    program = new EscrowProgram(chain.programId());
    vertx = Vertx.vertx();
    pool = TestRows.pool(vertx, SUFFIX);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) vertx.close().await(10, TimeUnit.SECONDS);
    if (chain != null) chain.close();
  }

  static SolanaConfig config() {
    return new SolanaConfig(chain.rpcUrl(), chain.programId(), null, null, "confirmed", Duration.ofMillis(200), Duration.ofSeconds(10),
        Duration.ofHours(1), 5, Duration.ofSeconds(30), Map.of());
  }

  /**
   * As on Ethereum (EvmWatcherTest): a renter stops a booking while its rental's Opened is being
   * applied. The stop (booking locked, deposit still AWAITING in its snapshot) writes no settlement
   * intent; a watcher that locked only the deposit saw the booking still PENDING_PAYMENT and made the
   * deposit OPEN, which nothing would ever settle. Locking the booking first, as the stop does, it
   * sees the stop and refunds the whole deposit.
   */
  @Test
  void aRentalOpenedWhileItsBookingIsBeingStoppedIsRefundedInFull() throws Exception {
    String booking = "bk-stop-" + SUFFIX;
    Ed25519.Keys renter = chain.wallet(SolanaDevnet.SOL);
    String payee = chain.wallet(SolanaDevnet.SOL).publicKeyBase58();
    long amount = SolanaDevnet.SOL / 10;
    byte[] rentalId = SolanaPayments.rentalId(program, renter.publicKeyBase58(), booking, "host-" + SUFFIX);
    String escrow = program.escrow(renter.publicKeyBase58(), rentalId).address();
    OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plusHours(1).truncatedTo(ChronoUnit.SECONDS);
    TestRows.sql(pool, "INSERT INTO wallets (chain, address, account_id) VALUES ('solana', $1, $2)", renter.publicKeyBase58(), "acct-" + SUFFIX);
    TestRows.sql(pool, """
        INSERT INTO bookings (id, account_id, state, request, currency, payment_chain, price_per_hour, duration_seconds, cost, cpu_millis, memory_mb, gpus)
        VALUES ($1, $2, 'PENDING_PAYMENT', '{}'::jsonb, 'SOL', 'solana', 1, 60, $3, 0, 0, 0)""", booking, "acct-" + SUFFIX, amount);
    TestRows.sql(pool, """
        INSERT INTO deposits (booking_id, host_id, chain, escrow, rental_id, payee, amount, expires_at, state)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'AWAITING')""",
        booking, "host-" + SUFFIX, SolanaPayments.chainName(config()), escrow, SolanaPayments.hex(rentalId), payee, amount, expires);
    // the renter's wallet opens the rental on chain, as the booking asked
    chain.send(renter, program.open(renter.publicKeyBase58(), rentalId, payee, amount, expires.toEpochSecond() + 60));
    SolanaWatcher watcher = new SolanaWatcher(vertx, pool, chain.rpc(), config(), program, chain.feeBps(), BOOKINGS);

    // the stop, half done (the booking locked and STOPPED, not yet committed) while the Opened is applied
    TestRows.whileStopping(vertx, booking, watcher::round);

    Row d = TestRows.sql(pool, "SELECT state, used, refund, deposited, renter FROM deposits WHERE booking_id = $1", booking).get(0);
    assertThat(d.getString("renter")).as("the Opened was applied").isEqualTo(renter.publicKeyBase58());
    assertThat(d.getString("state")).as("a settlement intent, not an OPEN deposit of an ended booking").isEqualTo("SETTLING");
    assertThat(d.getLong("used")).isZero();
    assertThat(d.getLong("refund")).isEqualTo(d.getLong("deposited")).isEqualTo(amount);
    assertThat(BOOKINGS.told).as("an ended booking is not funded").isEmpty();
  }
}

package io.respool.terminal;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.infra.Databases;
import io.respool.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Audit rows of terminal sessions whose node died get their end: at the node's last stamp, with the reason. */
class TerminalAuditTest {
  static Vertx vertx;
  static Pool pool;
  /** Only the audit methods are used: they need neither the booking store nor the booking service. */
  static TerminalService service;
  static String booking;
  static String account;

  @BeforeAll
  static void setUp() throws Exception {
    vertx = Vertx.vertx();
    pool = Databases.pool(vertx, TestServices.get().pgUrl, 2);
    service = new TerminalService(pool, null, null);
    account = "acct-" + UUID.randomUUID();
    booking = "bk_audit" + UUID.randomUUID().toString().replace("-", "");
    pool.preparedQuery("INSERT INTO accounts (id) VALUES ($1)").execute(Tuple.of(account)).await(60, TimeUnit.SECONDS);
    pool.preparedQuery("""
            INSERT INTO bookings (id, account_id, state, request, currency, payment_chain, price_per_hour, duration_seconds, cost,
                                  cpu_millis, memory_mb, gpus)
            VALUES ($1, $2, 'RUNNING', '{}', 'USDC', 'ethereum', 0, 3600, 0, 500, 128, 0)""")
        .execute(Tuple.of(booking, account)).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void tearDown() throws Exception {
    vertx.close().await(60, TimeUnit.SECONDS);
  }

  static String open(String node, int seenSecondsAgo) throws Exception {
    String id = "ts_" + UUID.randomUUID().toString().replace("-", "");
    pool.preparedQuery("""
            INSERT INTO terminal_sessions (id, booking_id, replica, account_id, kind, transport, node, host_id, task_id, started_at, seen_at)
            VALUES ($1, $2, 0, $3, 'shell', 'ssh', $4, 'host', 'task', now() - make_interval(secs => $5 + 60), now() - make_interval(secs => $5))""")
        .execute(Tuple.of(id, booking, account, node, (double) seenSecondsAgo)).await(60, TimeUnit.SECONDS);
    return id;
  }

  static Row row(String id) throws Exception {
    return pool.preparedQuery("SELECT *, ended_at = seen_at AS ended_at_stamp FROM terminal_sessions WHERE id = $1").execute(Tuple.of(id))
        .await(60, TimeUnit.SECONDS).iterator().next();
  }

  @Test
  void aSessionNotStampedForTooLongEndsAtItsLastStampAndALiveOneKeepsItsCounts() throws Exception {
    String dead = open("node-dead-" + UUID.randomUUID(), 300);
    String alive = open("node-alive-" + UUID.randomUUID(), 300);

    int ended = service.keepAlive(List.of(new TerminalService.Progress(alive, 12, 3456)), Duration.ofSeconds(60)).await(60, TimeUnit.SECONDS);

    assertThat(ended).isGreaterThanOrEqualTo(1);
    Row d = row(dead);
    assertThat(d.getOffsetDateTime("ended_at")).isNotNull();
    assertThat(d.getBoolean("ended_at_stamp")).as("ended at its last stamp, not at the time it was noticed").isTrue();
    assertThat(d.getString("end_reason")).contains("went away");
    Row a = row(alive);
    assertThat(a.getOffsetDateTime("ended_at")).as("a session its node stamps stays open").isNull();
    assertThat(a.getLong("bytes_in")).isEqualTo(12);
    assertThat(a.getLong("bytes_out")).isEqualTo(3456);
  }

  @Test
  void aRecentlyStampedSessionOfAnotherNodeIsLeftAlone() throws Exception {
    String other = open("node-other-" + UUID.randomUUID(), 10);
    service.keepAlive(List.of(), Duration.ofSeconds(60)).await(60, TimeUnit.SECONDS);
    assertThat(row(other).getOffsetDateTime("ended_at")).isNull();
  }

  @Test
  void aNodeStartingAgainEndsWhatItLeftOpenAndNothingElse() throws Exception {
    String node = "node-restarted-" + UUID.randomUUID();
    String mine = open(node, 1);
    String theirs = open("node-other-" + UUID.randomUUID(), 1);

    assertThat(service.endLeftOpen(node).await(60, TimeUnit.SECONDS)).isEqualTo(1);

    assertThat(row(mine).getString("end_reason")).contains("restarted");
    assertThat(row(theirs).getOffsetDateTime("ended_at")).isNull();
  }
}

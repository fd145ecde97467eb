package io.respool.bookings;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.events.EventLog;
import io.respool.hosts.HostCommands;
import io.respool.infra.Databases;
import io.respool.teams.TeamService;
import io.respool.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** booking.cost events are kept for their retention only; every other event stays. */
class CostRetentionTest {
  static Vertx vertx;
  static Pool pool;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    pool = Databases.pool(vertx, TestServices.get().pgUrl, 2);
  }

  @AfterAll
  static void tearDown() throws Exception {
    vertx.close().await(60, TimeUnit.SECONDS);
  }

  long count(String marker) throws Exception {
    return pool.preparedQuery("SELECT count(*) FROM events WHERE stream = 'bookings' AND data->>'marker' = $1").execute(Tuple.of(marker))
        .await(60, TimeUnit.SECONDS).iterator().next().getLong(0);
  }

  @Test
  void onlyCostEventsPastTheRetentionAreForgotten() throws Exception {
    BookingSettings settings = new BookingSettings(Duration.ofSeconds(900), Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(2),
        Duration.ofSeconds(1), Duration.ofSeconds(15), Duration.ofSeconds(2), Duration.ofHours(24), 250, Duration.ZERO);
    EventLog events = new EventLog(pool, vertx.eventBus());
    BookingStore store = new BookingStore(pool, events, new TeamService(pool), new UsageLedger(250), settings.pauseGrace());
    Metering metering = new Metering(store, new Dispatcher(store, new HostCommands(vertx.eventBus()), settings, Clock.systemUTC()), settings);
    String old = "old-" + UUID.randomUUID();
    String recent = "recent-" + UUID.randomUUID();
    String other = "other-" + UUID.randomUUID();
    pool.withTransaction(tx -> events.appendAll(tx, BookingStore.STREAM, java.util.List.of(
        new EventLog.Draft("booking.cost", java.util.Map.of("marker", old)),
        new EventLog.Draft("booking.cost", java.util.Map.of("marker", recent)),
        new EventLog.Draft("booking.running", java.util.Map.of("marker", other))))).await(60, TimeUnit.SECONDS);
    // the first and the third were written two hours ago
    pool.preparedQuery("UPDATE events SET created_at = now() - interval '2 hours' WHERE data->>'marker' = ANY($1)")
        .execute(Tuple.tuple().addArrayOfString(new String[] {old, other})).await(60, TimeUnit.SECONDS);

    int forgotten = metering.forgetOldCosts(10_000).await(60, TimeUnit.SECONDS);

    assertThat(forgotten).isGreaterThanOrEqualTo(1);
    assertThat(count(old)).as("a cost event past the retention").isZero();
    assertThat(count(recent)).as("a recent cost event").isEqualTo(1);
    assertThat(count(other)).as("an old event of another type").isEqualTo(1);
  }
}

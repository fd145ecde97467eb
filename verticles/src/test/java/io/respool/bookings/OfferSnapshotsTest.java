package io.respool.bookings;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.events.EventLog;
import io.respool.hosts.HostRegistry;
import io.respool.infra.Databases;
import io.respool.matching.HostOffer;
import io.respool.matching.Matcher;
import io.respool.testing.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The node's view of the offers on the real PostgreSQL: an old view serves while the next read runs; a fresh read is never stale. */
class OfferSnapshotsTest {
  static Vertx vertx;
  static Pool pool;
  static HostRegistry hosts;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    pool = Databases.pool(vertx, TestServices.get().pgUrl, 4);
    hosts = new HostRegistry(vertx, pool, new EventLog(pool, vertx.eventBus()));
  }

  @AfterAll
  static void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static List<String> ids(Future<List<HostOffer>> f) throws Exception {
    return f.await(10, TimeUnit.SECONDS).stream().map(HostOffer::hostId).toList();
  }

  static String register() throws Exception {
    String id = "h" + UUID.randomUUID().toString().replace("-", "");
    hosts.register(id, PgReservationsTest.host("snap"), "s-" + id, "node-a").await(10, TimeUnit.SECONDS);
    return id;
  }

  @Test
  void anOldViewServesAtOnceWhileItsNextReadRunsAndAFreshReadSeesEverything() throws Exception {
    OfferSnapshots snapshots = new OfferSnapshots(hosts, Duration.ofMillis(200), new Matcher());
    String first = register();
    assertThat(ids(snapshots.offers("USDC", false))).contains(first);

    String second = register();
    assertThat(ids(snapshots.offers("USDC", false))).as("within maxAge: the view as read").doesNotContain(second);

    long oldAt = System.nanoTime();
    while (System.nanoTime() - oldAt < Duration.ofMillis(250).toNanos()) Thread.onSpinWait();
    Future<List<HostOffer>> old = snapshots.offers("USDC", false);
    assertThat(old.isComplete()).as("an old view answers without waiting for the fleet to be read").isTrue();
    assertThat(ids(old)).doesNotContain(second);

    // its read started then; once done, it is the view
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!ids(snapshots.offers("USDC", false)).contains(second)) {
      assertThat(System.nanoTime()).as("the background read became the view").isLessThan(deadline);
      Thread.sleep(20);
    }

    String third = register();
    assertThat(ids(snapshots.offers("USDC", true))).as("a fresh read").contains(first, second, third);
    assertThat(ids(new OfferSnapshots(hosts, Duration.ZERO, new Matcher()).offers("USDC", false))).as("maxAge 0 keeps no view").contains(third);
  }
}

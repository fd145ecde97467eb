package io.respool.bookings;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.events.EventLog;
import io.respool.hosts.HostRegistry;
import io.respool.infra.Databases;
import io.respool.matching.HostOffer;
import io.respool.matching.BestFit;
import io.respool.matching.Demand;
import io.respool.matching.Matcher;
import io.respool.matching.Plan;
import io.respool.matching.RankedOffers;
import io.respool.matching.Result;
import io.vertx.sqlclient.Tuple;
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
    return register("snap");
  }

  static String register(String region) throws Exception {
    String id = "h" + UUID.randomUUID().toString().replace("-", "");
    hosts.register(id, PgReservationsTest.host(region), "s-" + id, "node-a").await(10, TimeUnit.SECONDS);
    return id;
  }

  static HostOffer offer(RankedOffers view, String id) {
    return view.offers().stream().filter(h -> h.hostId().equals(id)).findFirst().orElse(null);
  }

  static void reserve(String id, long cpuMillis, long memoryMb) throws Exception {
    pool.preparedQuery("UPDATE hosts SET reserved_cpu_millis = reserved_cpu_millis + $2, reserved_memory_mb = reserved_memory_mb + $3 WHERE id = $1")
        .execute(Tuple.of(id, cpuMillis, memoryMb)).await(10, TimeUnit.SECONDS);
  }

  /** Asks for the view until {@code done} holds of it (each ask past maxAge starts the next read in the background). */
  static RankedOffers awaitView(OfferSnapshots snapshots, java.util.function.Predicate<RankedOffers> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      RankedOffers view = snapshots.ranked("USDC", false).await(10, TimeUnit.SECONDS);
      if (done.test(view)) return view;
      assertThat(System.nanoTime()).as("the view was brought up to date").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void aReadOfWhatChangedBringsTheSameViewUpToDate() throws Exception {
    OfferSnapshots snapshots = new OfferSnapshots(hosts, Duration.ofMillis(50), new Matcher());
    String a = register();
    String b = register();
    RankedOffers view = snapshots.ranked("USDC", false).await(10, TimeUnit.SECONDS);
    long total = offer(view, a).total().cpuMillis();
    assertThat(offer(view, b)).isNotNull();

    reserve(a, 1000, 0); // someone else's booking
    String c = register(); // a new host
    hosts.disconnect(b, "s-" + b).await(10, TimeUnit.SECONDS); // a host gone
    RankedOffers updated = awaitView(snapshots, v -> offer(v, c) != null && offer(v, b) == null && offer(v, a).free().cpuMillis() < total);
    assertThat(updated).as("brought up to date by a read of what changed, not replaced by a read of the whole fleet").isSameAs(view);
    assertThat(offer(updated, a).free().cpuMillis()).isEqualTo(total - 1000);

    List<HostOffer> fresh = snapshots.offers("USDC", true).await(10, TimeUnit.SECONDS);
    assertThat(updated.offers().stream().map(h -> h.hostId() + "=" + h.free()).sorted().toList())
        .as("the same offers as a read of the whole fleet")
        .isEqualTo(fresh.stream().map(h -> h.hostId() + "=" + h.free()).sorted().toList());
  }

  @Test
  void whatThisNodePlacedIsHeldUntilAReadStartedAfterItsCommitBringsItBack() throws Exception {
    String region = "held-" + UUID.randomUUID();
    OfferSnapshots snapshots = new OfferSnapshots(hosts, Duration.ofMillis(50), new Matcher());
    String a = register(region);
    RankedOffers view = snapshots.ranked("USDC", true).await(10, TimeUnit.SECONDS);
    long total = offer(view, a).total().cpuMillis();

    OfferSnapshots.Hold hold = snapshots.hold("USDC");
    Result r = snapshots.place(hold, view, Demand.of(2000, 512).withPlace(region, null), new BestFit());
    assertThat(((Plan) r).placements().get(0).hostId()).isEqualTo(a);
    assertThat(offer(view, a).free().cpuMillis()).isEqualTo(total - 2000);

    // while this node's transaction runs, someone else's commits on the same host: a read brings the host back without ours
    reserve(a, 1000, 0);
    awaitView(snapshots, v -> offer(v, a).free().cpuMillis() != total - 2000);
    assertThat(offer(view, a).free().cpuMillis()).as("ours is still taken off: its transaction is open").isEqualTo(total - 3000);

    reserve(a, 2000, 512); // ours commits
    snapshots.committed(hold, List.of());
    // another change of the host, so a read after the commit returns it: ours is in what it reads, and taken off no more
    reserve(a, 0, 100);
    long memory = offer(view, a).total().memoryMb();
    RankedOffers after = awaitView(snapshots, v -> offer(v, a).free().memoryMb() == memory - 612 && offer(v, a).free().cpuMillis() == total - 3000);
    assertThat(after).isSameAs(view);
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

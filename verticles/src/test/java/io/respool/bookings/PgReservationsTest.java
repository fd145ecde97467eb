package io.respool.bookings;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.events.EventLog;
import io.respool.hosts.HostRegistry;
import io.respool.infra.Databases;
import io.respool.matching.BestFit;
import io.respool.matching.Demand;
import io.respool.matching.Matcher;
import io.respool.matching.Placement;
import io.respool.matching.Plan;
import io.respool.matching.Refusal;
import io.respool.protocol.host.HostInfo;
import io.respool.protocol.host.Inventory;
import io.respool.protocol.host.Payout;
import io.respool.protocol.host.Prices;
import io.respool.testing.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 50 concurrent bookers over a 5-host fleet on the real PostgreSQL: each matches on its own
 * (possibly stale) snapshot and reserves atomically, retrying on a conflict. Exactly the capacity
 * is handed out — never more, and no booking is refused while room is left.
 */
class PgReservationsTest {
  static Vertx vertx;
  static Pool pool;
  static HostRegistry hosts;
  final Matcher matcher = new Matcher();

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    pool = Databases.pool(vertx, TestServices.get().pgUrl, 8);
    hosts = new HostRegistry(vertx, pool, new EventLog(pool, vertx.eventBus()));
  }

  @AfterAll
  static void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static HostInfo host(String region) {
    Inventory inv = new Inventory(4, 8, "Test CPU", 16384, 100, List.of(), List.of(), "Linux", "x86_64");
    return new HostInfo(region, inv, new Prices("USDC", 20_000, 5_000, 100, Map.of()), new Payout(null, null), List.of("docker"), "test");
  }

  /** Match on a fresh snapshot and reserve; on a conflict (someone was faster) try again. */
  Future<String> book(String bookingId, Demand demand, int attemptsLeft) {
    return hosts.offers("USDC").compose(snapshot -> {
      var result = matcher.match(demand, snapshot, new BestFit());
      if (result instanceof Refusal r) return Future.succeededFuture("refused:" + r.reason());
      return pool.withTransaction(tx -> PgReservations.reserve(tx, bookingId, ((Plan) result).placements())).map("placed")
          .recover(err -> err instanceof PgReservations.Conflict && attemptsLeft > 1
              ? book(bookingId, demand, attemptsLeft - 1) : Future.failedFuture(err));
    });
  }

  @Test
  void fiftyConcurrentBookersNeverOverAllocateAndFillTheFleetExactly() throws Exception {
    String region = "res-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String id = "host-" + region + "-" + i;
      ids.add(id);
      hosts.register(id, host(region), "s", "n").await(10, TimeUnit.SECONDS);
    }
    Demand oneCore = new Demand(1000, 1024, 1, 0, null, null, region, null, null, null, "docker", 1, false, Duration.ofHours(1));

    ConcurrentLinkedQueue<String> placed = new ConcurrentLinkedQueue<>();
    List<Future<String>> all = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String booking = "bk-" + region + "-" + i;
      all.add(book(booking, oneCore, 50).onSuccess(outcome -> { if (outcome.equals("placed")) placed.add(booking); }));
    }
    Future.all(all).await(60, TimeUnit.SECONDS);

    List<String> outcomes = all.stream().map(Future::result).toList();
    assertThat(placed).as("5 hosts × 4 cores, 1 core each: exactly 20 fit").hasSize(20);
    assertThat(outcomes).filteredOn(o -> !o.equals("placed")).hasSize(30).allMatch(o -> o.equals("refused:NO_CAPACITY"));
    assertConsistent(ids, 4000);

    for (String b : placed) pool.withTransaction(tx -> PgReservations.release(tx, b)).await(10, TimeUnit.SECONDS);
    assertConsistent(ids, 0);
    assertThat(pool.withTransaction(tx -> PgReservations.release(tx, "never-booked")).await(10, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void aPlanWhoseSecondHostIsFullHoldsNothingAtAll() throws Exception {
    String region = "res-" + UUID.randomUUID().toString().substring(0, 8);
    String a = "host-" + region + "-a";
    String b = "host-" + region + "-b";
    hosts.register(a, host(region), "s", "n").await(10, TimeUnit.SECONDS);
    hosts.register(b, host(region), "s", "n").await(10, TimeUnit.SECONDS);
    Demand fourCores = new Demand(4000, 1024, 0, 0, null, null, region, null, null, null, "docker", 1, false, Duration.ofHours(1));
    Plan onB = (Plan) matcher.match(fourCores, hosts.offers("USDC").await(10, TimeUnit.SECONDS).stream().filter(o -> o.hostId().equals(b)).toList(), new BestFit());
    pool.withTransaction(tx -> PgReservations.reserve(tx, "filler", onB.placements())).await(10, TimeUnit.SECONDS);

    Demand twoReplicas = new Demand(2000, 1024, 0, 0, null, null, region, null, null, null, "docker", 2, false, Duration.ofHours(1));
    var snapshotBeforeFiller = List.of(
        new io.respool.matching.HostOffer(a, true, region, "x86_64", java.util.Set.of("docker"), new io.respool.matching.Capacity(4000, 16384, 100, 0),
            new io.respool.matching.Capacity(4000, 16384, 100, 0), List.of(), host(region).prices(), 1, 1),
        new io.respool.matching.HostOffer(b, true, region, "x86_64", java.util.Set.of("docker"), new io.respool.matching.Capacity(4000, 16384, 100, 0),
            new io.respool.matching.Capacity(4000, 16384, 100, 0), List.of(), host(region).prices(), 1, 1));
    Plan stale = (Plan) matcher.match(twoReplicas, snapshotBeforeFiller, new io.respool.matching.Spread());
    assertThat(stale.placements()).extracting(p -> p.hostId()).containsExactlyInAnyOrder(a, b);

    Throwable failed = null;
    try {
      pool.withTransaction(tx -> PgReservations.reserve(tx, "stale", stale.placements())).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      failed = e;
    }
    assertThat(failed).isInstanceOf(PgReservations.Conflict.class);
    Row ra = pool.preparedQuery("SELECT reserved_cpu_millis FROM hosts WHERE id = $1").execute(Tuple.of(a)).await(10, TimeUnit.SECONDS).iterator().next();
    assertThat(ra.getLong(0)).as("the first host's part was rolled back").isZero();
    pool.withTransaction(tx -> PgReservations.release(tx, "filler")).await(10, TimeUnit.SECONDS);
  }

  @Test
  void aPartIsReleasedOnceEvenWhenReleasedTwice() throws Exception {
    String region = "res-" + UUID.randomUUID().toString().substring(0, 8);
    String a = "host-" + region + "-a";
    hosts.register(a, host(region), "s", "n").await(10, TimeUnit.SECONDS);
    Demand twoReplicas = new Demand(1000, 1024, 0, 0, null, null, region, null, null, null, "docker", 2, false, Duration.ofHours(1));
    Plan plan = (Plan) matcher.match(twoReplicas, hosts.offers("USDC").await(10, TimeUnit.SECONDS), new BestFit());
    pool.withTransaction(tx -> PgReservations.reserve(tx, "parts", plan.placements())).await(10, TimeUnit.SECONDS);
    assertConsistent(List.of(a), 2000);

    var one = plan.placements().get(0).capacity();
    assertThat(pool.withTransaction(tx -> PgReservations.release(tx, "parts", a, one)).await(10, TimeUnit.SECONDS)).isTrue();
    assertConsistent(List.of(a), 1000);
    assertThat(pool.withTransaction(tx -> PgReservations.release(tx, "parts", a, one)).await(10, TimeUnit.SECONDS)).isTrue();
    assertConsistent(List.of(a), 0);
    assertThat(pool.withTransaction(tx -> PgReservations.release(tx, "parts", a, one)).await(10, TimeUnit.SECONDS))
        .as("nothing left to give").isFalse();
    assertConsistent(List.of(a), 0);
  }

  @Test
  void aHostOfferingMoreGpusThanItListsComesDownAsTheyAreGivenBack() throws Exception {
    String region = "res-" + UUID.randomUUID().toString().substring(0, 8);
    String lost = "host-" + region + "-lost";
    String healthy = "host-" + region + "-healthy";
    for (String h : List.of(lost, healthy)) hosts.register(h, host(region), "s", "n").await(10, TimeUnit.SECONDS);
    // both offer 2 GPUs, booked; then "lost"'s inventory lists only 1 (the CHECK keeps the offer at what is reserved)
    pool.preparedQuery("UPDATE hosts SET gpus = 2, gpus_reported = 2 WHERE id = ANY($1)").execute(Tuple.tuple().addArrayOfString(new String[] {lost, healthy}))
        .await(10, TimeUnit.SECONDS);
    for (String h : List.of(lost, healthy)) {
      List<Placement> two = List.of(new Placement(h, 0, 1000, 1024, 0, 2, null, 100));
      pool.withTransaction(tx -> PgReservations.reserve(tx, "gpus-" + h, two)).await(10, TimeUnit.SECONDS);
    }
    pool.preparedQuery("UPDATE hosts SET gpus_reported = 1 WHERE id = $1").execute(Tuple.of(lost)).await(10, TimeUnit.SECONDS);

    for (String h : List.of(lost, healthy)) pool.withTransaction(tx -> PgReservations.release(tx, "gpus-" + h)).await(10, TimeUnit.SECONDS);
    assertThat(gpus(lost)).as("down to the one it lists").isEqualTo(1);
    assertThat(gpus(healthy)).as("a host that lists its GPUs keeps offering them").isEqualTo(2);
  }

  static int gpus(String hostId) throws Exception {
    return pool.preparedQuery("SELECT gpus FROM hosts WHERE id = $1").execute(Tuple.of(hostId)).await(10, TimeUnit.SECONDS).iterator().next()
        .getInteger(0);
  }

  static void assertConsistent(List<String> hostIds, long expectedCpuEach) throws Exception {
    for (String id : hostIds) {
      Row h = pool.preparedQuery("SELECT cpu_millis, reserved_cpu_millis, reserved_memory_mb FROM hosts WHERE id = $1")
          .execute(Tuple.of(id)).await(10, TimeUnit.SECONDS).iterator().next();
      Row sum = pool.preparedQuery("SELECT coalesce(sum(cpu_millis), 0)::bigint, coalesce(sum(memory_mb), 0)::bigint FROM reservations WHERE host_id = $1")
          .execute(Tuple.of(id)).await(10, TimeUnit.SECONDS).iterator().next();
      assertThat(h.getLong("reserved_cpu_millis")).isLessThanOrEqualTo(h.getLong("cpu_millis")).isEqualTo(expectedCpuEach).isEqualTo(sum.getLong(0));
      assertThat(h.getLong("reserved_memory_mb")).isEqualTo(sum.getLong(1));
    }
  }
}

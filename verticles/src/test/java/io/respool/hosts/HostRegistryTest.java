package io.respool.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.events.EventLog;
import io.respool.infra.Databases;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Event;
import io.respool.protocol.api.HostView;
import io.respool.protocol.host.HostInfo;
import io.respool.protocol.host.Inventory;
import io.respool.protocol.host.Payout;
import io.respool.protocol.host.Prices;
import io.respool.testing.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HostRegistry and EventLog against the real embedded PostgreSQL. */
class HostRegistryTest {
  static Vertx vertx;
  static Pool pool;
  static EventLog events;
  static HostRegistry registry;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    pool = Databases.pool(vertx, TestServices.get().pgUrl, 4);
    events = new EventLog(pool, vertx.eventBus());
    registry = new HostRegistry(vertx, pool, events);
  }

  @AfterAll
  static void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.await(10, TimeUnit.SECONDS);
  }

  static HostInfo info(String region, int cores, String gpuModel) {
    List<Inventory.Gpu> gpus = gpuModel == null ? List.of() : List.of(new Inventory.Gpu(0, gpuModel, 24000, null));
    Inventory inv = new Inventory(cores, cores * 2, "Test CPU", 16384, 100, List.of(new Inventory.Disk("/", 200, 100)), gpus, "Linux", "x86_64");
    return new HostInfo(region, inv, new Prices("USDC", 20_000, 5_000, 100, Map.of()), new Payout(null, null), List.of(), "test");
  }

  static String newHostId() {
    return "h" + UUID.randomUUID().toString().replace("-", "");
  }

  @Test
  void offersFollowEveryChangeOfAHostsInfoThoughEachInfoIsDecodedOnce() throws Exception {
    String id = newHostId();
    HostInfo first = info("eu-west", 8, "RTX 4090");
    await(registry.register(id, first, "s1", "node-a"));
    assertThat(offer("USDC", id).gpuModels()).containsExactly("rtx 4090");

    // a new inventory (a GPU swapped), read from the same node that decoded the old one
    Inventory swapped = new Inventory(8, 16, "Test CPU", 16384, 100, List.of(new Inventory.Disk("/", 200, 100)),
        List.of(new Inventory.Gpu(0, "H100", 80000, null)), "Linux", "x86_64");
    await(registry.updateInventory(id, "s1", swapped));
    assertThat(offer("USDC", id).gpuModels()).containsExactly("h100");

    // registered again pricing in another currency: offered there, and no longer in the first
    HostInfo repriced = new HostInfo("eu-west", swapped, new Prices("TUSD", 30_000, 5_000, 100, Map.of()), new Payout("0x" + "ab".repeat(20), null),
        List.of(), "test");
    await(registry.register(id, repriced, "s2", "node-a"));
    assertThat(await(registry.offers("USDC")).stream().map(o -> o.hostId())).doesNotContain(id);
    assertThat(offer("TUSD", id).prices().currency()).isEqualTo("TUSD");
    assertThat(offer("TUSD", id).payoutChains()).containsExactly("ethereum");

    // the same info registered again is the same version: nothing to decode, the offer unchanged
    long version = pool.preparedQuery("SELECT info_version FROM hosts WHERE id = $1").execute(Tuple.of(id)).await(10, TimeUnit.SECONDS)
        .iterator().next().getLong(0);
    await(registry.register(id, repriced, "s3", "node-a"));
    assertThat(pool.preparedQuery("SELECT info_version FROM hosts WHERE id = $1").execute(Tuple.of(id)).await(10, TimeUnit.SECONDS)
        .iterator().next().getLong(0)).isEqualTo(version);
    assertThat(offer("TUSD", id).gpuModels()).containsExactly("h100");
    await(registry.disconnect(id, "s3"));
  }

  /**
   * A read of what changed finds a host changed by a transaction that was running when the last read's
   * snapshot was taken and committed after it: its id is at or above the snapshot's xmin, where the
   * index on offer_xid (V26) starts looking, and it is the oldest one running, so exactly at it.
   */
  @Test
  void aReadOfWhatChangedFindsAChangeCommittedAfterTheLastReadByATransactionRunningThen() throws Exception {
    String id = newHostId();
    await(registry.register(id, info("eu-west", 8, null), "s1", "node-a"));
    io.vertx.sqlclient.SqlConnection conn = await(pool.getConnection());
    try {
      io.vertx.sqlclient.Transaction running = await(conn.begin());
      await(conn.preparedQuery("UPDATE hosts SET reserved_cpu_millis = reserved_cpu_millis + 1000 WHERE id = $1").execute(Tuple.of(id)));
      HostRegistry.OfferRead last = await(registry.read("USDC", null));
      assertThat(last.offers().stream().filter(o -> o.hostId().equals(id)).findFirst().orElseThrow().free().cpuMillis())
          .as("the running change is not in the read").isEqualTo(8_000);
      await(running.commit());

      HostRegistry.OfferRead changed = await(registry.read("USDC", last.snapshot()));
      assertThat(changed.offers().stream().filter(o -> o.hostId().equals(id)).findFirst())
          .as("changed since the last read: %s", changed.offers().stream().map(o -> o.hostId()).toList())
          .hasValueSatisfying(o -> assertThat(o.free().cpuMillis()).isEqualTo(7_000));
      assertThat(await(registry.read("USDC", changed.snapshot())).offers().stream().map(o -> o.hostId())).doesNotContain(id);
    } finally {
      conn.close();
    }
    await(registry.disconnect(id, "s1"));
  }

  static io.respool.matching.HostOffer offer(String currency, String id) throws Exception {
    return await(registry.offers(currency)).stream().filter(o -> o.hostId().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void registerEmitsJoinedThenUpdatedAndDisconnectEmitsLeftOnlyForTheCurrentSession() throws Exception {
    String id = newHostId();
    long before = await(events.head(HostRegistry.STREAM));

    HostView v = await(registry.register(id, info("eu-west", 8, "RTX 4090"), "s1", "node-a"));
    assertThat(v.online()).isTrue();
    assertThat(v.total().cpu()).isEqualTo(8.0);
    assertThat(v.free().gpus()).isEqualTo(1);

    await(registry.register(id, info("eu-west", 8, "RTX 4090"), "s2", "node-b"));
    assertThat(await(registry.disconnect(id, "s1"))).as("a stale session cannot take the host offline").isFalse();
    assertThat(await(registry.get(id)).online()).isTrue();
    assertThat(await(registry.disconnect(id, "s2"))).isTrue();
    assertThat(await(registry.get(id)).online()).isFalse();

    List<Event> mine = new ArrayList<>();
    for (Event e : await(events.read(HostRegistry.STREAM, before, Long.MAX_VALUE, 1000))) {
      if (e.data().contains(id)) mine.add(e);
    }
    assertThat(mine).extracting(Event::type).containsExactly(HostRegistry.JOINED, HostRegistry.UPDATED, HostRegistry.LEFT);
  }

  @Test
  void eventIdsAreGapFreeAndOrderedUnderConcurrentAppends() throws Exception {
    long before = await(events.head(HostRegistry.STREAM));
    List<Future<HostView>> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) all.add(registry.register(newHostId(), info("load", 2, null), "s", "n"));
    await(Future.all(all));
    long after = await(events.head(HostRegistry.STREAM));
    List<Event> read = await(events.read(HostRegistry.STREAM, before, after, 1000));
    assertThat(read).hasSize((int) (after - before));
    for (int i = 0; i < read.size(); i++) assertThat(read.get(i).id()).isEqualTo(before + 1 + i);
  }

  @Test
  void sweepMarksOnlyStaleHostsOfflineAndHeartbeatsRevive() throws Exception {
    String stale = newHostId();
    await(registry.register(stale, info("sweep", 2, null), "s", "n"));
    await(pool.query("UPDATE hosts SET last_seen = now() - interval '1 hour' WHERE id = '" + stale + "'").execute());
    String fresh = newHostId();
    await(registry.register(fresh, info("sweep", 2, null), "s", "n"));

    List<HostView> swept = await(registry.sweep(Duration.ofMinutes(5)));
    assertThat(swept).extracting(HostView::id).contains(stale).doesNotContain(fresh);
    assertThat(await(registry.get(stale)).online()).isFalse();

    // the session was alive after all: its next heartbeat brings the host back
    assertThat(await(registry.touch(Map.of(stale, "s", fresh, "other-session"), "n"))).isEqualTo(1);
    assertThat(await(registry.get(stale)).online()).isTrue();
  }

  @Test
  void aLiveSessionTakesBackAHostThatALateRegistrationOfAClosedOneTookOffline() throws Exception {
    String id = newHostId();
    long before = await(events.head(HostRegistry.STREAM));
    // the worker's first connection timed out registering; its second registered; then the first
    // connection's write landed (taking the host) and, its socket gone, was undone (offline)
    await(registry.register(id, info("late", 2, null), "second", "node-b"));
    await(registry.register(id, info("late", 2, null), "first", "node-a"));
    assertThat(await(registry.disconnect(id, "first"))).isTrue();
    assertThat(await(registry.get(id)).online()).isFalse();

    assertThat(await(registry.touch(Map.of(id, "second"), "node-b"))).as("the row no longer names the live session").isZero();

    assertThat(await(registry.get(id)).online()).as("the live session's heartbeat brings it back").isTrue();
    assertThat(await(registry.touch(Map.of(id, "second"), "node-b"))).as("and it speaks for the host again").isEqualTo(1);
    assertThat(await(registry.disconnect(id, "first"))).as("the closed session cannot take it offline again").isFalse();
    List<String> types = new ArrayList<>();
    for (Event e : await(events.read(HostRegistry.STREAM, before, Long.MAX_VALUE, 1000))) if (e.data().contains(id)) types.add(e.type());
    assertThat(types).containsExactly(HostRegistry.JOINED, HostRegistry.UPDATED, HostRegistry.LEFT, HostRegistry.JOINED);
  }

  @Test
  void listFiltersAndPages() throws Exception {
    String region = "r" + UUID.randomUUID().toString().substring(0, 8);
    for (int i = 0; i < 5; i++) await(registry.register(newHostId(), info(region, 2 + i, i == 4 ? "A100" : null), "s", "n"));

    var page1 = await(registry.list(new HostQuery(true, null, null, null, null, region, null, null, 2)));
    assertThat(page1.items()).hasSize(2);
    assertThat(page1.next()).isNotNull();
    var page2 = await(registry.list(new HostQuery(true, null, null, null, null, region, null, page1.next(), 2)));
    var page3 = await(registry.list(new HostQuery(true, null, null, null, null, region, null, page2.next(), 2)));
    assertThat(page3.items()).hasSize(1);
    assertThat(page3.next()).isNull();

    assertThat(await(registry.list(new HostQuery(null, 5.0, null, null, null, region, null, null, 100))).items()).hasSize(2);
    assertThat(await(registry.list(new HostQuery(null, null, null, 1, "a100", region, null, null, 100))).items()).hasSize(1);
    assertThat(await(registry.list(new HostQuery(null, null, null, null, "H100", region, null, null, 100))).items()).isEmpty();

    HostInfo withDocker = new HostInfo(region, info(region, 2, null).inventory(), info(region, 2, null).prices(), new Payout(null, null),
        List.of("docker", "process"), "test");
    String containerHost = newHostId();
    await(registry.register(containerHost, withDocker, "s", "n"));
    assertThat(await(registry.list(new HostQuery(null, null, null, null, null, region, "docker", null, 100))).items())
        .extracting(HostView::id).containsExactly(containerHost);
  }

  @Test
  void uptimeIsTheShareOfItsLifeAHostWasOnline() throws Exception {
    String region = "up-" + UUID.randomUUID().toString().substring(0, 8);
    String id = newHostId();
    HostInfo priced = new HostInfo(region, info(region, 4, null).inventory(), new Prices("UPT", 1, 1, 1, Map.of()), new Payout(null, null),
        List.of("docker"), "test");
    await(registry.register(id, priced, "s1", "n"));
    assertThat(uptime(id)).as("online all its life so far").isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));

    await(registry.disconnect(id, "s1"));
    // its registered life made 100 s long, of which it was online for 25 s before this session
    await(pool.preparedQuery("UPDATE hosts SET registered_at = now() - interval '100 seconds', online_seconds = 25 WHERE id = $1")
        .execute(Tuple.of(id)));
    await(registry.register(id, priced, "s2", "n"));
    assertThat(uptime(id)).isCloseTo(0.25, org.assertj.core.data.Offset.offset(0.02));

    await(pool.preparedQuery("UPDATE hosts SET online_since = now() - interval '25 seconds' WHERE id = $1").execute(Tuple.of(id)));
    await(registry.disconnect(id, "s2"));
    double counted = await(pool.preparedQuery("SELECT online_seconds FROM hosts WHERE id = $1").execute(Tuple.of(id))).iterator().next().getDouble(0);
    assertThat(counted).as("the session's 25 s were counted when it went offline").isCloseTo(50.0, org.assertj.core.data.Offset.offset(1.0));
  }

  static double uptime(String id) throws Exception {
    return await(registry.offers("UPT")).stream().filter(o -> o.hostId().equals(id)).findFirst().orElseThrow().uptime();
  }

  @Test
  void unknownHostIsNotFound() {
    assertThatThrownBy(() -> await(registry.get("nope")))
        .isInstanceOfSatisfying(RespoolException.class, e -> assertThat(e.code().status()).isEqualTo(404));
  }
}

package io.respool.bookings;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.events.EventLog;
import io.respool.hosts.HostCommands;
import io.respool.hosts.HostRegistry;
import io.respool.infra.Databases;
import io.respool.matching.Matcher;
import io.respool.protocol.api.Bookings;
import io.respool.protocol.host.HostInfo;
import io.respool.protocol.host.Inventory;
import io.respool.protocol.host.Payout;
import io.respool.protocol.host.Prices;
import io.respool.protocol.task.UsageSample;
import io.respool.teams.TeamService;
import io.respool.testing.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Usage frames of many hosts arriving at once through the metering verticle on the real
 * PostgreSQL: grouped into few transactions, every answered sample stored exactly once, no false
 * gap, and a sample claimed by a host that does not run its task dropped.
 */
class UsageBatchTest {
  static final int HOSTS = 500; // issue 13: frames of 20 samples from 500 hosts at once
  static final int FRAMES_PER_HOST = 3;
  static final int SAMPLES_PER_FRAME = 20;
  static Vertx vertx;
  static Pool pool;
  static HostRegistry hosts;
  static BookingStore store;
  static Metering metering;
  static BookingsBus bus;
  static final BookingSettings SETTINGS = new BookingSettings(Duration.ofSeconds(900), Duration.ofSeconds(60), Duration.ofSeconds(5),
      Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(15), Duration.ofHours(1), Duration.ofHours(24), 250, Duration.ZERO);

  @BeforeAll
  static void setUp() throws Exception {
    vertx = Vertx.vertx();
    pool = Databases.pool(vertx, TestServices.get().pgUrl, 8);
    EventLog events = new EventLog(pool, vertx.eventBus());
    hosts = new HostRegistry(vertx, pool, events);
    store = new BookingStore(pool, events, new TeamService(pool), new UsageLedger(250), SETTINGS.pauseGrace());
    Dispatcher dispatcher = new Dispatcher(store, new HostCommands(vertx.eventBus()), SETTINGS, Clock.systemUTC());
    metering = new Metering(store, dispatcher, SETTINGS);
    bus = new BookingsBus(vertx.eventBus());
    vertx.deployVerticle(new MeteringVerticle(metering, SETTINGS.meterInterval())).await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void framesOfManyHostsAtOnceAreStoredOnceInFewTransactionsWithNoFalseGap() throws Exception {
    String region = "ub-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> hostIds = new ArrayList<>();
    List<Future<?>> registered = new ArrayList<>();
    for (int i = 0; i < HOSTS; i++) {
      String id = "host-" + region + "-" + i;
      Inventory inv = new Inventory(4, 8, "Test CPU", 16384, 100, List.of(), List.of(), "Linux", "x86_64");
      registered.add(hosts.register(id, new HostInfo(region, inv, new Prices("USDC", 20_000, 5_000, 100, Map.of()), new Payout(null, null),
          List.of("docker"), "t"), "s", "n"));
      hostIds.add(id);
    }
    Future.all(registered).await(60, TimeUnit.SECONDS);
    String account = "acct-" + UUID.randomUUID();
    pool.preparedQuery("INSERT INTO accounts (id) VALUES ($1)").execute(Tuple.of(account)).await(10, TimeUnit.SECONDS);
    // one 4-core booking per host: the fleet's each host runs exactly one task
    PlacementService placement = new PlacementService(vertx, pool, store, new OfferSnapshots(hosts, Duration.ZERO, new Matcher()), new TeamService(pool), new Matcher(),
        PaymentPort.unpaidBookings(true), SETTINGS, id -> {}, Clock.systemUTC());
    List<PlacementService.Request> requests = new ArrayList<>();
    for (int i = 0; i < HOSTS; i++) {
      requests.add(new PlacementService.Request(account, new Bookings.CreateRequest(4.0, 1024L, 0L, 0, null, null, region, "respool/busybox:test",
          List.of("sleep", "60"), Map.of(), List.of(), null, null, 1, false, 3600L, null, null, "ethereum", null, null)));
    }
    List<Future<Bookings.Booking>> placed = placement.createAll(requests);
    Future.all(placed).await(60, TimeUnit.SECONDS);
    Map<String, String> taskOfHost = new java.util.HashMap<>();
    for (Future<Bookings.Booking> b : placed) taskOfHost.put(b.result().tasks().get(0).hostId(), b.result().tasks().get(0).taskId());
    assertThat(taskOfHost).hasSize(HOSTS);

    Metering.Counts before = metering.counts();
    List<Future<Void>> acks = new ArrayList<>();
    Instant t0 = Instant.now();
    for (int f = 0; f < FRAMES_PER_HOST; f++) {
      for (String host : hostIds) {
        String task = taskOfHost.get(host);
        List<UsageSample> samples = new ArrayList<>();
        for (int k = 1; k <= SAMPLES_PER_FRAME; k++) {
          long seq = (long) f * SAMPLES_PER_FRAME + k;
          samples.add(new UsageSample(task, seq, t0.plusSeconds(seq), seq * 0.5, 1_000_000L, null, seq, seq, 0, 0));
        }
        acks.add(bus.usage(host, samples));
      }
    }
    // a host claiming another host's task: answered, nothing stored for it
    String stranger = hostIds.get(0);
    String othersTask = taskOfHost.get(hostIds.get(1));
    acks.add(bus.usage(stranger, List.of(new UsageSample(othersTask, 10_000, t0, 1, 1, null, 0, 0, 0, 0))));
    Future.all(acks).await(120, TimeUnit.SECONDS);

    Metering.Counts after = metering.counts();
    long frames = after.frames() - before.frames();
    long transactions = after.transactions() - before.transactions();
    assertThat(frames).isEqualTo((long) HOSTS * FRAMES_PER_HOST + 1);
    assertThat(transactions).as("frames arriving together are written together").isLessThan(frames / 4);

    String[] tasks = taskOfHost.values().toArray(String[]::new);
    Row stored = pool.preparedQuery("SELECT count(*), count(DISTINCT (task_id, seq)) FROM usage_samples WHERE task_id = ANY($1)")
        .execute(Tuple.tuple().addArrayOfString(tasks)).await(10, TimeUnit.SECONDS).iterator().next();
    assertThat(stored.getLong(0)).as("every answered sample stored once").isEqualTo((long) HOSTS * FRAMES_PER_HOST * SAMPLES_PER_FRAME);
    assertThat(stored.getLong(1)).isEqualTo(stored.getLong(0));
    long gaps = pool.preparedQuery("SELECT count(*) FROM usage_gaps WHERE task_id = ANY($1)").execute(Tuple.tuple().addArrayOfString(tasks))
        .await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
    assertThat(gaps).as("no false gap").isZero();
    long last = pool.preparedQuery("SELECT min(last_seq) FROM booking_tasks WHERE task_id = ANY($1)").execute(Tuple.tuple().addArrayOfString(tasks))
        .await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
    assertThat(last).isEqualTo((long) FRAMES_PER_HOST * SAMPLES_PER_FRAME);
  }
}

package io.respool.bookings;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.events.EventLog;
import io.respool.hosts.HostCommands;
import io.respool.hosts.HostRegistry;
import io.respool.infra.Addresses;
import io.respool.infra.Databases;
import io.respool.lifecycle.BookingState;
import io.respool.matching.Matcher;
import io.respool.protocol.api.Bookings;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.host.HostFrames;
import io.respool.protocol.host.HostInfo;
import io.respool.protocol.host.Inventory;
import io.respool.protocol.host.Payout;
import io.respool.protocol.host.Prices;
import io.respool.protocol.task.TaskState;
import io.respool.protocol.task.TaskStatus;
import io.respool.teams.TeamService;
import io.respool.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reconciler owns every state a message alone cannot move forward, on the real PostgreSQL:
 * a booking whose funding committed but whose dispatch message was lost (a node dying in that
 * moment) is dispatched anyway; a payment deadline passes on the injected clock, not by waiting.
 * The host is a consumer of its command address answering as a worker does.
 */
class ReconcilerTest {
  static Vertx vertx;
  static Pool pool;
  static HostRegistry hosts;
  static BookingStore store;
  static Dispatcher dispatcher;
  static final MovableClock clock = new MovableClock();
  static final ConcurrentLinkedQueue<HostFrame> received = new ConcurrentLinkedQueue<>();
  static final BookingSettings SETTINGS = new BookingSettings(Duration.ofSeconds(900), Duration.ofSeconds(60), Duration.ofSeconds(5),
      Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(15), Duration.ofSeconds(2), Duration.ofHours(24), 250, Duration.ZERO);

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    volatile Duration ahead = Duration.ZERO;

    @Override
    public Instant instant() { return Instant.now().plus(ahead); }

    @Override
    public ZoneOffset getZone() { return ZoneOffset.UTC; }

    @Override
    public Clock withZone(java.time.ZoneId zone) { return this; }
  }

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    pool = Databases.pool(vertx, TestServices.get().pgUrl, 4);
    EventLog events = new EventLog(pool, vertx.eventBus());
    hosts = new HostRegistry(vertx, pool, events);
    TeamService teams = new TeamService(pool);
    store = new BookingStore(pool, events, teams, new UsageLedger(250), SETTINGS.pauseGrace());
    dispatcher = new Dispatcher(store, new HostCommands(vertx.eventBus()), SETTINGS, clock);
  }

  @AfterAll
  static void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A registered host whose command address answers task.start with RUNNING, as a worker does. */
  static String host(String region) throws Exception {
    String id = "h-" + UUID.randomUUID();
    Inventory inv = new Inventory(4, 8, "Test CPU", 16384, 100, List.of(), List.of(), "Linux", "x86_64");
    hosts.register(id, new HostInfo(region, inv, new Prices("USDC", 20_000, 5_000, 100, Map.of()), new Payout(null, null), List.of("docker"), "test"),
        "s", "n").await(10, TimeUnit.SECONDS);
    vertx.eventBus().<String>consumer(Addresses.hostCommand(id), msg -> {
      HostFrame f = HostFrames.decode(msg.body());
      received.add(f);
      if (f instanceof HostFrame.TaskStart s) {
        Instant now = Instant.now();
        msg.reply(HostFrames.encode(new HostFrame.TaskUpdate(null, "1", new TaskStatus(s.spec().taskId(), s.spec().bookingId(), TaskState.RUNNING,
            null, false, null, Map.of(), now, null))));
      } else {
        msg.fail(404, "not in this test");
      }
    }).completion().await(10, TimeUnit.SECONDS);
    return id;
  }

  /** A registered host that takes every request and answers none (its starts are lost). */
  static String silentHost(String region) throws Exception {
    String id = "h-" + UUID.randomUUID();
    Inventory inv = new Inventory(4, 8, "Test CPU", 16384, 100, List.of(), List.of(), "Linux", "x86_64");
    hosts.register(id, new HostInfo(region, inv, new Prices("USDC", 20_000, 5_000, 100, Map.of()), new Payout(null, null), List.of("docker"), "test"),
        "s", "n").await(10, TimeUnit.SECONDS);
    vertx.eventBus().<String>consumer(Addresses.hostCommand(id), msg -> received.add(HostFrames.decode(msg.body()))).completion()
        .await(10, TimeUnit.SECONDS);
    return id;
  }

  static PlacementService placement(java.util.function.Consumer<String> dispatchFunded) {
    return new PlacementService(vertx, pool, store, new OfferSnapshots(hosts, Duration.ZERO, new Matcher()), new TeamService(pool), new Matcher(),
        PaymentPort.unpaidBookings(false), SETTINGS, dispatchFunded, clock);
  }

  static Bookings.Booking book(String region) throws Exception {
    Bookings.CreateRequest req = new Bookings.CreateRequest(1.0, 512L, 0L, 0, null, null, region, "respool/busybox:test", List.of("sleep", "60"),
        Map.of(), List.of(), null, null, 1, false, 3600L, null, null, "ethereum", null, null);
    String account = "acct-" + UUID.randomUUID();
    pool.preparedQuery("INSERT INTO accounts (id) VALUES ($1)").execute(Tuple.of(account)).await(10, TimeUnit.SECONDS);
    return placement(id -> {}).create(account, req).await(10, TimeUnit.SECONDS);
  }

  static BookingState state(String bookingId) throws Exception {
    return store.booking(pool, bookingId).await(10, TimeUnit.SECONDS).state();
  }

  @Test
  void aBookingFundedButNeverDispatchedIsDispatchedByTheReconciler() throws Exception {
    String region = "rc-" + UUID.randomUUID();
    String hostId = host(region);
    Bookings.Booking b = book(region);
    assertThat(b.state()).isEqualTo("PENDING_PAYMENT");

    // the payment's commit, and then nothing: the message that would dispatch it is lost with its node
    BookingPayments payments = new BookingPayments(store, dispatcher, lost -> {});
    pool.withTransaction(tx -> payments.funded(tx, b.id(), "paid on chain")).await(10, TimeUnit.SECONDS);
    assertThat(state(b.id())).isEqualTo(BookingState.FUNDED);
    assertThat(received).as("nothing was sent to the host").noneMatch(f -> f instanceof HostFrame.TaskStart s && s.spec().bookingId().equals(b.id()));

    new Reconciler(vertx, store, dispatcher, hosts, new Matcher(), SETTINGS, clock).round().await(10, TimeUnit.SECONDS);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (state(b.id()) != BookingState.RUNNING && System.nanoTime() < deadline) Thread.sleep(20);
    assertThat(state(b.id())).as("dispatched by the reconciler, and running on its host").isEqualTo(BookingState.RUNNING);
    assertThat(received).anyMatch(f -> f instanceof HostFrame.TaskStart s && s.spec().bookingId().equals(b.id())
        && s.spec().taskId().startsWith(b.id()));
    assertThat(hostId).isNotBlank();
  }

  @Test
  void aPaymentDeadlinePassesOnTheInjectedClock() throws Exception {
    String region = "rc-" + UUID.randomUUID();
    String hostId = host(region);
    Bookings.Booking b = book(region);
    Reconciler reconciler = new Reconciler(vertx, store, dispatcher, hosts, new Matcher(), SETTINGS, clock);

    reconciler.round().await(10, TimeUnit.SECONDS);
    assertThat(state(b.id())).as("the deadline is 900 s away").isEqualTo(BookingState.PENDING_PAYMENT);
    long reserved = pool.preparedQuery("SELECT coalesce(sum(cpu_millis), 0) FROM reservations WHERE host_id = $1").execute(Tuple.of(hostId))
        .await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
    assertThat(reserved).isEqualTo(1000);

    clock.ahead = SETTINGS.paymentWindow().plusSeconds(1);
    try {
      reconciler.round().await(10, TimeUnit.SECONDS);
    } finally {
      clock.ahead = Duration.ZERO;
    }
    assertThat(state(b.id())).isEqualTo(BookingState.EXPIRED);
    long held = pool.preparedQuery("SELECT coalesce(sum(cpu_millis), 0) FROM reservations WHERE host_id = $1").execute(Tuple.of(hostId))
        .await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
    assertThat(held).as("the capacity came back").isZero();
  }

  @Test
  void aStartTheHostNeverAnsweredIsSentAgainAfterResendAfterOnTheInjectedClock() throws Exception {
    String region = "rc-" + UUID.randomUUID();
    silentHost(region);
    Bookings.Booking b = book(region);
    BookingPayments payments = new BookingPayments(store, dispatcher, lost -> {});
    pool.withTransaction(tx -> payments.funded(tx, b.id(), "paid on chain")).await(10, TimeUnit.SECONDS);
    Reconciler reconciler = new Reconciler(vertx, store, dispatcher, hosts, new Matcher(), SETTINGS, clock);
    reconciler.round().await(10, TimeUnit.SECONDS); // dispatches it: the first start, lost by the host
    java.util.function.Supplier<List<String>> sent = () -> received.stream()
        .filter(f -> f instanceof HostFrame.TaskStart s && s.spec().bookingId().equals(b.id()) || f instanceof HostFrame.TaskStop t && t.taskId().startsWith(b.id()))
        .map(f -> f.getClass().getSimpleName()).toList();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (sent.get().isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
    assertThat(sent.get()).containsExactly("TaskStart");

    reconciler.round().await(10, TimeUnit.SECONDS);
    assertThat(sent.get()).as("not yet: resendAfter has not passed").containsExactly("TaskStart");
    clock.ahead = SETTINGS.resendAfter().plusSeconds(1);
    try {
      reconciler.round().await(10, TimeUnit.SECONDS);
    } finally {
      clock.ahead = Duration.ZERO;
    }
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (sent.get().size() < 2 && System.nanoTime() < deadline) Thread.sleep(20);
    assertThat(sent.get()).as("the unanswered start is sent again — a start, never a stop").containsExactly("TaskStart", "TaskStart");
    assertThat(state(b.id())).isEqualTo(BookingState.STARTING);
  }

  @Test
  void aTaskNeverSentIsNeverAskedForNorRemovedFromItsHost() throws Exception {
    String region = "rc-" + UUID.randomUUID();
    String hostId = silentHost(region);
    Bookings.Booking b = book(region);
    Reconciler reconciler = new Reconciler(vertx, store, dispatcher, hosts, new Matcher(), SETTINGS, clock);
    clock.ahead = SETTINGS.paymentWindow().plusSeconds(1);
    try {
      reconciler.round().await(10, TimeUnit.SECONDS); // unpaid: expires, and its task ends never started
      assertThat(state(b.id())).isEqualTo(BookingState.EXPIRED);
      clock.ahead = SETTINGS.paymentWindow().plus(SETTINGS.resendAfter()).plusSeconds(2);
      reconciler.round().await(10, TimeUnit.SECONDS); // past resendAfter: an ended task that was sent would be removed now
    } finally {
      clock.ahead = Duration.ZERO;
    }
    // a frame sent after the rounds: once it has arrived, anything the rounds sent this host has arrived before it
    new HostCommands(vertx.eventBus()).send(hostId, new HostFrame.Ping(null), Duration.ofMillis(200));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (received.stream().noneMatch(f -> f instanceof HostFrame.Ping) && System.nanoTime() < deadline) Thread.sleep(20);
    assertThat(received).anyMatch(f -> f instanceof HostFrame.Ping);
    assertThat(received).as("nothing about the task reached its host: it never had it")
        .noneMatch(f -> f instanceof HostFrame.TaskLogs l && l.taskId().startsWith(b.id()) || f instanceof HostFrame.TaskRemove r && r.taskId().startsWith(b.id()));
    assertThat(store.booking(pool, b.id()).await(10, TimeUnit.SECONDS).state()).isEqualTo(BookingState.EXPIRED);
  }
}

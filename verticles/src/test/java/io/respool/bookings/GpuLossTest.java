package io.respool.bookings;

import static io.respool.bookings.ReconcilerTest.SETTINGS;
import static io.respool.bookings.ReconcilerTest.clock;
import static io.respool.bookings.ReconcilerTest.dispatcher;
import static io.respool.bookings.ReconcilerTest.hosts;
import static io.respool.bookings.ReconcilerTest.pool;
import static io.respool.bookings.ReconcilerTest.store;
import static io.respool.bookings.ReconcilerTest.vertx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.infra.Addresses;
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
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GPU work on the gateway, on the real PostgreSQL: placed only on hosts whose driver can give GPUs;
 * the GPUs a task holds (as its host reports them) shown in the booking's tasks; a GPU its host
 * reports lost takes the host's offer down and its task is handled like a lost host's — moved
 * ({@code onHostLoss: reschedule}) or failed ({@code fail}) — by the reconciler.
 */
class GpuLossTest {
  private static final String MODEL = "NVIDIA H100 80GB HBM3";
  private static final Prices PRICES = new Prices("USDC", 20_000, 5_000, 100, Map.of(MODEL, 1_000_000L));
  /** What each fake host has handed out, as a worker's assignment table would. */
  private static final Map<String, Set<String>> given = new ConcurrentHashMap<>();

  @BeforeAll
  static void setUp() {
    ReconcilerTest.setUp();
  }

  @AfterAll
  static void tearDown() throws Exception {
    ReconcilerTest.tearDown();
  }

  private static Inventory inventory(List<String> gpuIds) {
    List<Inventory.Gpu> gpus = new ArrayList<>();
    for (int i = 0; i < gpuIds.size(); i++) gpus.add(new Inventory.Gpu(i, MODEL, 81559, gpuIds.get(i)));
    return new Inventory(8, 16, "Test CPU", 32768, 100, List.of(), gpus, "Linux", "x86_64");
  }

  /** A registered process host with these GPUs; {@code gpuDrivers} null is a worker that predates them. */
  private static String host(String region, List<String> gpuIds, List<String> gpuDrivers) throws Exception {
    String id = "g-" + UUID.randomUUID();
    register(id, region, gpuIds, gpuDrivers);
    given.put(id, ConcurrentHashMap.newKeySet());
    vertx.eventBus().<String>consumer(Addresses.hostCommand(id), msg -> {
      HostFrame f = HostFrames.decode(msg.body());
      if (f instanceof HostFrame.TaskStart s) {
        List<String> mine = gpuIds.stream().filter(g -> !given.get(id).contains(g)).limit(s.spec().gpus()).toList();
        given.get(id).addAll(mine);
        msg.reply(HostFrames.encode(new HostFrame.TaskUpdate(null, "1", new TaskStatus(s.spec().taskId(), s.spec().bookingId(), TaskState.RUNNING,
            null, false, null, Map.of(), Instant.now(), null, mine))));
      } else {
        msg.fail(404, "not in this test");
      }
    }).completion().await(10, TimeUnit.SECONDS);
    return id;
  }

  private static void register(String id, String region, List<String> gpuIds, List<String> gpuDrivers) throws Exception {
    hosts.register(id, new HostInfo(region, inventory(gpuIds), PRICES, new Payout(null, null), List.of("process"), "test", gpuDrivers),
        "s", "n").await(10, TimeUnit.SECONDS);
  }

  private static PlacementService placement() {
    return new PlacementService(vertx, pool, store, new OfferSnapshots(hosts, Duration.ZERO, new Matcher()), new TeamService(pool), new Matcher(),
        PaymentPort.unpaidBookings(true), SETTINGS, id -> {}, clock);
  }

  private static Bookings.Booking book(String region, String onHostLoss) throws Exception {
    return book(region, onHostLoss, "acct-" + UUID.randomUUID());
  }

  private static Bookings.Booking book(String region, String onHostLoss, String account) throws Exception {
    Bookings.CreateRequest req = new Bookings.CreateRequest(1.0, 512L, 0L, 1, null, null, region, null, List.of("sleep", "600"),
        Map.of(), List.of(), "USDC", null, 1, false, 3600L, null, null, "ethereum", null, onHostLoss);
    pool.preparedQuery("INSERT INTO accounts (id) VALUES ($1)").execute(Tuple.of(account)).await(10, TimeUnit.SECONDS);
    return placement().create(account, req).await(10, TimeUnit.SECONDS);
  }

  /** Dispatches a funded booking now (the reconciler would, but the shared database may hold many older funded ones). */
  private static void dispatch(Bookings.Booking b) throws Exception {
    pool.withTransaction(tx -> store.lockBooking(tx, b.id()).compose(row -> dispatcher.begin(tx, row))).await(10, TimeUnit.SECONDS);
  }

  private static Reconciler reconciler() {
    return new Reconciler(vertx, store, dispatcher, hosts, new Matcher(), SETTINGS, clock);
  }

  private static List<Bookings.Task> tasks(String bookingId) throws Exception {
    return pool.withConnection(c -> store.tasks(c, bookingId, false))
        .await(10, TimeUnit.SECONDS).stream().map(BookingStore::view).toList();
  }

  private static Row hostRow(String id) throws Exception {
    return pool.preparedQuery("SELECT gpus, gpus_reported, reserved_gpus FROM hosts WHERE id = $1").execute(Tuple.of(id))
        .await(10, TimeUnit.SECONDS).iterator().next();
  }

  private static void until(BooleanSupplier ok, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
      Thread.sleep(20);
    }
  }

  private static BookingState state(String id) {
    try {
      return store.booking(pool, id).await(10, TimeUnit.SECONDS).state();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void gpuWorkGoesOnlyWhereTheDriverCanGiveGpus() throws Exception {
    String region = "gpu-" + UUID.randomUUID().toString().substring(0, 8);
    String hostId = "g-" + UUID.randomUUID();
    // a process-only host with GPUs, from a worker that predates GPU drivers: its process driver gave no GPUs
    register(hostId, region, List.of("GPU-old-0"), null);
    assertThatThrownBy(() -> book(region, null)).hasMessageContaining("whose task driver cannot give GPUs");
    // the same host, its worker now giving GPUs to processes (CUDA_VISIBLE_DEVICES)
    register(hostId, region, List.of("GPU-old-0"), List.of("process"));
    assertThat(book(region, null).state()).isEqualTo("FUNDED");
  }

  @Test
  void aLostGpusTaskIsRescheduledAndTheOfferDropsIt() throws Exception {
    String region = "gpu-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> aGpus = List.of("GPU-a0-" + region, "GPU-a1-" + region);
    String a = host(region, aGpus, List.of("process"));
    Bookings.Booking first = book(region, "reschedule");
    Bookings.Booking second = book(region, "reschedule");
    dispatch(first);
    dispatch(second);
    until(() -> state(first.id()) == BookingState.RUNNING && state(second.id()) == BookingState.RUNNING, "both run");
    Bookings.Task t1 = tasks(first.id()).get(0);
    Bookings.Task t2 = tasks(second.id()).get(0);
    assertThat(t1.hostId()).isEqualTo(a);
    assertThat(t1.gpuIds()).hasSize(1);
    assertThat(t2.gpuIds()).hasSize(1).doesNotContainAnyElementsOf(t1.gpuIds());
    String b = host(region, List.of("GPU-b0-" + region), List.of("process"));

    // host a reports its inventory without the first task's GPU
    String lost = t1.gpuIds().get(0);
    hosts.updateInventory(a, "s", inventory(aGpus.stream().filter(g -> !g.equals(lost)).toList())).await(10, TimeUnit.SECONDS);
    assertThat(hostRow(a).getInteger("gpus")).as("still reserved by the tasks: not below").isEqualTo(2);
    assertThat(hostRow(a).getInteger("gpus_reported")).isEqualTo(1);

    reconciler().round().await(10, TimeUnit.SECONDS);
    until(() -> state(first.id()) == BookingState.RUNNING, "the first booking runs again");
    List<Bookings.Task> moved = tasks(first.id());
    Bookings.Task old = moved.stream().filter(t -> t.taskId().equals(t1.taskId())).findFirst().orElseThrow();
    Bookings.Task next = moved.stream().filter(Bookings.Task::current).findFirst().orElseThrow();
    assertThat(old.current()).isFalse();
    assertThat(old.state()).isEqualTo("FAILED");
    assertThat(old.reason()).isEqualTo("GPU " + lost + " of host " + a + " failed");
    assertThat(next.hostId()).as("a has no healthy GPU free").isEqualTo(b);
    assertThat(next.attempt()).isEqualTo(t1.attempt() + 1);
    assertThat(next.gpuIds()).containsExactly("GPU-b0-" + region);
    // the second booking, on the healthy GPU, is untouched
    assertThat(tasks(second.id())).singleElement().satisfies(t -> assertThat(t.taskId()).isEqualTo(t2.taskId()));
    assertThat(state(second.id())).isEqualTo(BookingState.RUNNING);
    // a offers what it lists: one GPU, held by the second booking
    Row row = hostRow(a);
    assertThat(row.getInteger("gpus")).isEqualTo(1);
    assertThat(row.getInteger("reserved_gpus")).isEqualTo(1);
    reconciler().round().await(10, TimeUnit.SECONDS);
    assertThat(tasks(first.id())).filteredOn(Bookings.Task::current).singleElement()
        .satisfies(t -> assertThat(t.taskId()).isEqualTo(next.taskId())); // handled once
  }

  @Test
  void aLostGpusTaskFailsItsBookingWhenItAsksToFail() throws Exception {
    String region = "gpu-" + UUID.randomUUID().toString().substring(0, 8);
    String gpu = "GPU-c0-" + region;
    String c = host(region, List.of(gpu), List.of("process"));
    host(region, List.of("GPU-d0-" + region), List.of("process")); // room elsewhere: still not moved
    Bookings.Booking booking = book(region, "fail");
    dispatch(booking);
    until(() -> state(booking.id()) == BookingState.RUNNING, "it runs");
    String taskHost = tasks(booking.id()).get(0).hostId();
    String taskGpu = tasks(booking.id()).get(0).gpuIds().get(0);

    hosts.updateInventory(taskHost, "s", inventory(List.of())).await(10, TimeUnit.SECONDS);
    reconciler().round().await(10, TimeUnit.SECONDS);
    until(() -> state(booking.id()).isFinal() || state(booking.id()) == BookingState.STOPPING, "the booking winds down");
    Bookings.Task t = tasks(booking.id()).get(0);
    assertThat(t.state()).isEqualTo("FAILED");
    assertThat(t.reason()).isEqualTo("GPU " + taskGpu + " of host " + taskHost + " failed");
    assertThat(tasks(booking.id())).hasSize(1);
    assertThat(c).isNotBlank();
  }

  @Test
  void gpuUseLandsInTheUsageSeries() throws Exception {
    String region = "gpu-" + UUID.randomUUID().toString().substring(0, 8);
    String h = host(region, List.of("GPU-u0-" + region, "GPU-u1-" + region), List.of("process"));
    String account = "acct-" + UUID.randomUUID();
    Bookings.Booking b = book(region, null, account);
    dispatch(b);
    until(() -> state(b.id()) == BookingState.RUNNING, "it runs");
    String task = tasks(b.id()).get(0).taskId();
    Instant t0 = Instant.now().minusSeconds(30);
    Metering metering = new Metering(store, dispatcher, SETTINGS);
    metering.ingest(h, List.of(
        new io.respool.protocol.task.UsageSample(task, 1, t0.plusSeconds(1), 1, 100, 0.25, 0, 0, 0, 0, 3L << 30),
        new io.respool.protocol.task.UsageSample(task, 2, t0.plusSeconds(2), 2, 100, 0.75, 0, 0, 0, 0, 5L << 30),
        new io.respool.protocol.task.UsageSample(task, 3, t0.plusSeconds(12), 3, 100, null, 0, 0, 0, 0, null))).await(10, TimeUnit.SECONDS);
    Row stored = pool.preparedQuery("SELECT gpu_util, gpu_memory_bytes FROM usage_samples WHERE task_id = $1 AND seq = 2")
        .execute(Tuple.of(task)).await(10, TimeUnit.SECONDS).iterator().next();
    assertThat(stored.getDouble("gpu_util")).isEqualTo(0.75);
    assertThat(stored.getLong("gpu_memory_bytes")).isEqualTo(5L << 30);

    Invoices invoices = new Invoices(pool, new BookingService(store, dispatcher, hosts, new io.respool.hosts.HostCommands(vertx.eventBus()),
        new TeamService(pool), PaymentPort.unpaidBookings(true)), new UsageLedger(250));
    Invoices.Usage usage = invoices.usage(account, b.id(), t0, t0.plusSeconds(20), 10).await(10, TimeUnit.SECONDS);
    assertThat(usage.points()).hasSize(2);
    assertThat(usage.points().get(0).gpuUtilization()).isEqualTo(0.5);
    assertThat(usage.points().get(0).gpuMemoryBytes()).isEqualTo(5L << 30);
    assertThat(usage.points().get(1).gpuUtilization()).isNull();
    assertThat(usage.points().get(1).gpuMemoryBytes()).isNull();
  }
}

package io.respool.bookings;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.bookings.BookingStore.BookingRow;
import io.respool.bookings.BookingStore.TaskRow;
import io.respool.events.EventLog;
import io.respool.hosts.HostRegistry;
import io.respool.infra.Databases;
import io.respool.matching.Matcher;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Bookings;
import io.respool.protocol.api.Payments;
import io.respool.protocol.host.HostInfo;
import io.respool.protocol.host.Inventory;
import io.respool.protocol.host.Payout;
import io.respool.protocol.host.Prices;
import io.respool.teams.TeamService;
import io.respool.testing.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Placement in batches on the real PostgreSQL: many requests matched together and committed in one
 * transaction, each answered on its own. The fleet fits only some of them; whatever the batching,
 * no host is reserved beyond its capacity, every placed booking holds exactly its share, and every
 * refused one holds nothing.
 */
class PlacementBatchTest {
  static Vertx vertx;
  static Pool pool;
  static Pool placing;
  static HostRegistry hosts;
  static BookingStore store;
  static final BookingSettings SETTINGS = new BookingSettings(Duration.ofSeconds(900), Duration.ofSeconds(60), Duration.ofSeconds(5),
      Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(15), Duration.ofSeconds(2), Duration.ofHours(24), 250, Duration.ofHours(1));

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    pool = Databases.pool(vertx, TestServices.get().pgUrl, 8);
    placing = PlacementService.pool(vertx, TestServices.get().pgUrl, 8);
    EventLog events = new EventLog(pool, vertx.eventBus());
    hosts = new HostRegistry(vertx, pool, events);
    store = new BookingStore(pool, events, new TeamService(pool), new UsageLedger(250), SETTINGS.pauseGrace());
  }

  @AfterAll
  static void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A node's placement: its own view of the offers (kept an hour unless a conflict drops it). */
  static PlacementService node(PaymentPort payments) {
    return new PlacementService(vertx, placing, store, new OfferSnapshots(hosts, SETTINGS.snapshotMaxAge(), new Matcher()), new TeamService(pool), new Matcher(),
        payments, SETTINGS, id -> {}, Clock.systemUTC());
  }

  static List<String> fleet(String region, int n) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = "host-" + region + "-" + i;
      Inventory inv = new Inventory(4, 8, "Test CPU", 16384, 100, List.of(), List.of(), "Linux", "x86_64");
      hosts.register(id, new HostInfo(region, inv, new Prices("USDC", 20_000, 5_000, 100, Map.of()), new Payout(null, null), List.of("docker"), "test"),
          "s", "n").await(10, TimeUnit.SECONDS);
      ids.add(id);
    }
    return ids;
  }

  static String account() throws Exception {
    String id = "acct-" + UUID.randomUUID();
    pool.preparedQuery("INSERT INTO accounts (id) VALUES ($1)").execute(Tuple.of(id)).await(10, TimeUnit.SECONDS);
    return id;
  }

  static Bookings.CreateRequest oneCore(String region, Integer replicas) {
    return new Bookings.CreateRequest(1.0, 1024L, 0L, 0, null, null, region, "respool/busybox:test", List.of("sleep", "60"), Map.of(), List.of(),
        null, null, replicas, false, 3600L, null, null, "ethereum", null, null);
  }

  static List<PlacementService.Request> requests(String account, String region, int n) {
    List<PlacementService.Request> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(new PlacementService.Request(account, oneCore(region, i % 3 == 0 ? 2 : 1)));
    return out;
  }

  /** Each host's reserved capacity is within its size and equals what the reservations of its bookings add up to. */
  static long reservedCpu(List<String> hostIds) throws Exception {
    long total = 0;
    for (String id : hostIds) {
      Row h = pool.preparedQuery("SELECT cpu_millis, reserved_cpu_millis, reserved_memory_mb FROM hosts WHERE id = $1")
          .execute(Tuple.of(id)).await(10, TimeUnit.SECONDS).iterator().next();
      Row sum = pool.preparedQuery("SELECT coalesce(sum(cpu_millis), 0)::bigint, coalesce(sum(memory_mb), 0)::bigint FROM reservations WHERE host_id = $1")
          .execute(Tuple.of(id)).await(10, TimeUnit.SECONDS).iterator().next();
      assertThat(h.getLong("reserved_cpu_millis")).isLessThanOrEqualTo(h.getLong("cpu_millis")).isEqualTo(sum.getLong(0));
      assertThat(h.getLong("reserved_memory_mb")).isEqualTo(sum.getLong(1));
      total += h.getLong("reserved_cpu_millis");
    }
    return total;
  }

  /** Every placed booking holds exactly its cpu; every refused one holds nothing; returns the cpu placed. */
  static long check(List<Future<Bookings.Booking>> answers) throws Exception {
    return check(answers, "PENDING_PAYMENT");
  }

  /** {@link #check(List)}, each placed booking in {@code state} (FUNDED when payment is waived). */
  static long check(List<Future<Bookings.Booking>> answers, String state) throws Exception {
    Future.join(answers).transform(done -> Future.succeededFuture()).await(60, TimeUnit.SECONDS);
    long placed = 0;
    for (Future<Bookings.Booking> a : answers) {
      if (a.succeeded()) {
        Bookings.Booking b = a.result();
        long held = pool.preparedQuery("SELECT coalesce(sum(cpu_millis), 0)::bigint FROM reservations WHERE booking_id = $1")
            .execute(Tuple.of(b.id())).await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
        assertThat(held).as("booking %s holds its replicas' cpu", b.id()).isEqualTo(1000L * b.replicas());
        assertThat(b.tasks()).hasSize(b.replicas());
        assertThat(b.state()).isEqualTo(state);
        Bookings.Booking read = store.booking(pool, b.id()).compose(row -> store.views(List.of(row), true)).await(10, TimeUnit.SECONDS).get(0);
        assertThat(b).as("the answer, made from what was written, is what a read gives").isEqualTo(read);
        placed += held;
      } else {
        assertThat(a.cause()).isInstanceOf(RespoolException.class);
        assertThat(((RespoolException) a.cause()).code()).as(a.cause().getMessage()).isEqualTo(ErrorCode.NO_CAPACITY);
      }
    }
    return placed;
  }

  @Test
  void aBatchLargerThanTheFleetFillsItExactlyAndRefusesTheRest() throws Exception {
    String region = "pb-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> fleet = fleet(region, 5); // 20 cores
    PlacementService node = node(PaymentPort.unpaidBookings(false));
    List<Future<Bookings.Booking>> answers = node.createAll(requests(account(), region, 40));

    long placed = check(answers);
    assertThat(node.counts().fallbacks()).as("no batch had to be placed one by one").isZero();
    assertThat(node.counts().rechecked()).as("one node on its own view: every host had the room it saw").isZero();
    assertThat(node.counts().batched()).as("placed in batches").isEqualTo(answers.stream().filter(Future::succeeded).count());
    assertThat(placed).as("the fleet is full: 40 requests of 1 or 2 cores ask for 54").isEqualTo(20_000);
    assertThat(reservedCpu(fleet)).isEqualTo(placed);
    assertThat(answers).filteredOn(Future::failed).isNotEmpty();
  }

  /** A port that writes nothing for a booking but whose refusals are not known to be statements': the commit waits for the answers. */
  static PaymentPort checkingAnswers() {
    PaymentPort unpaid = PaymentPort.unpaidBookings(false);
    return new PaymentPort() {
      @Override public boolean waived() { return false; }
      @Override public Set<String> chains() { return unpaid.chains(); }
      @Override public String waiverReason() { return unpaid.waiverReason(); }
      @Override public Future<Void> prepare(SqlConnection tx, BookingRow booking, List<TaskRow> tasks) { return Future.succeededFuture(); }
      @Override public Future<Payments.Instructions> instructions(SqlClient c, BookingRow b) { return unpaid.instructions(c, b); }
    };
  }

  /**
   * Payment waived (bookings FUNDED) or not written at all: each batch goes as one statement; with a
   * port that may still refuse on an answer, as a transaction that waits for them.
   */
  @ParameterizedTest(name = "payment: {0}")
  @ValueSource(strings = {"waived", "unpaid", "checked"})
  void twoNodesBatchingAtOnceOnStaleViewsNeverOverAllocate(String payment) throws Exception {
    boolean waived = payment.equals("waived");
    String region = "pb-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> fleet = fleet(region, 6); // 24 cores
    PlacementService a = node(payment.equals("checked") ? checkingAnswers() : PaymentPort.unpaidBookings(waived));
    PlacementService b = node(payment.equals("checked") ? checkingAnswers() : PaymentPort.unpaidBookings(waived));
    String account = account();
    // both read the whole fleet free, then each places its batches believing so
    List<Future<Bookings.Booking>> answers = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      answers.addAll(a.createAll(requests(account, region, 8)));
      answers.addAll(b.createAll(requests(account, region, 8)));
    }

    long placed = check(answers, waived ? "FUNDED" : "PENDING_PAYMENT");
    assertThat(a.counts().fallbacks() + b.counts().fallbacks()).isZero();
    assertThat(a.counts().batches()).isGreaterThanOrEqualTo(3);
    // each node's view is stale by the other's batches: some batch found a host short without reading it, held nothing, and was decided again
    assertThat(a.counts().rechecked() + b.counts().rechecked()).as("batches rechecked after taking all at once failed").isPositive();
    assertThat(reservedCpu(fleet)).isEqualTo(placed);
    assertThat(placed).as("concurrent batches of two nodes still fill the fleet (some replicas need 2 cores on one… or 1 left)")
        .isBetween(22_000L, 24_000L);
  }

  @Test
  void aBatchWhoseTransactionFailsIsPlacedOneByOneAndOnlyTheBadOneFails() throws Exception {
    String region = "pb-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> fleet = fleet(region, 5);
    String account = account();
    Set<String> poisoned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    // a payment port that refuses the deposits of one booking: its failure aborts the batch's transaction
    PaymentPort refusesOne = new PaymentPort() {
      @Override public boolean waived() { return false; }
      @Override public Set<String> chains() { return Set.of("ethereum"); }
      @Override public String waiverReason() { return "never"; }
      @Override public Future<Void> prepare(SqlConnection tx, BookingRow booking, List<TaskRow> tasks) {
        if (booking.request().env() != null && booking.request().env().containsKey("POISON")) {
          poisoned.add(booking.id());
          return Future.failedFuture(new RespoolException(ErrorCode.CONFLICT, "no payout address for this host"));
        }
        return Future.succeededFuture();
      }
      @Override public Future<Payments.Instructions> instructions(SqlClient c, BookingRow b) { return Future.succeededFuture(PaymentPort.unpaid(b)); }
    };
    List<PlacementService.Request> batch = new ArrayList<>(requests(account, region, 6));
    Bookings.CreateRequest ok = oneCore(region, 1);
    batch.add(3, new PlacementService.Request(account, new Bookings.CreateRequest(ok.cpu(), ok.memoryMb(), ok.storageGb(), ok.gpus(), null, null,
        region, ok.image(), ok.command(), Map.of("POISON", "1"), List.of(), null, null, 1, false, 3600L, null, null, "ethereum", null, null)));

    PlacementService node = node(refusesOne);
    List<Future<Bookings.Booking>> answers = node.createAll(batch);
    Future.join(answers).transform(done -> Future.succeededFuture()).await(60, TimeUnit.SECONDS);

    assertThat(answers.get(3).failed()).isTrue();
    assertThat(((RespoolException) answers.get(3).cause()).code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(poisoned).isNotEmpty();
    assertThat(node.counts().fallbacks()).as("the batch's transaction failed once, then each went alone").isEqualTo(1);
    long placed = 0;
    for (int i = 0; i < answers.size(); i++) {
      if (i == 3) continue;
      assertThat(answers.get(i).succeeded()).as("request %d: %s", i, answers.get(i).cause()).isTrue();
      placed += 1000L * answers.get(i).result().replicas();
    }
    for (String id : poisoned) {
      long rows = pool.preparedQuery("SELECT count(*) FROM bookings WHERE id = $1").execute(Tuple.of(id)).await(10, TimeUnit.SECONDS)
          .iterator().next().getLong(0);
      assertThat(rows).as("the refused booking left nothing").isZero();
    }
    assertThat(reservedCpu(fleet)).isEqualTo(placed);
  }

  /** What a method of {@link #intercept} returns instead of {@code result}. */
  interface After {
    Object apply(String method, Object[] args, Object result);
  }

  /** {@code real} as a {@code type} whose methods' results pass through {@code after}. */
  @SuppressWarnings("unchecked")
  static <T> T intercept(Class<T> type, T real, After after) {
    return (T) java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      try {
        return after.apply(method.getName(), args, method.invoke(real, args));
      } catch (java.lang.reflect.InvocationTargetException e) {
        throw e.getCause();
      }
    });
  }

  /** A future that fails once {@code done} succeeded: the work was done, its answer lost (the connection dropped at that moment). */
  static Object lostAnswer(Object done) {
    return ((Future<?>) done).compose(x -> Future.failedFuture(io.vertx.sqlclient.ClosedConnectionException.INSTANCE));
  }

  /** The placements' connections, except that the first batch written as one statement loses its answer after PostgreSQL committed it. */
  @SuppressWarnings("unchecked")
  static Pool losingTheFirstStatementsAnswer(Pool real) {
    java.util.concurrent.atomic.AtomicBoolean lost = new java.util.concurrent.atomic.AtomicBoolean();
    return intercept(Pool.class, real, (method, sql, query) -> !method.equals("preparedQuery") || !((String) sql[0]).contains(PgReservations.CHECKED) ? query
        : intercept(io.vertx.sqlclient.PreparedQuery.class, (io.vertx.sqlclient.PreparedQuery<Object>) query,
            (m, args, result) -> m.equals("execute") && lost.compareAndSet(false, true) ? lostAnswer(result) : result));
  }

  /** The placements' connections, except that the first transaction loses the answer of its commit. */
  @SuppressWarnings("unchecked")
  static Pool losingTheFirstCommitsAnswer(Pool real) {
    java.util.concurrent.atomic.AtomicBoolean lost = new java.util.concurrent.atomic.AtomicBoolean();
    return intercept(Pool.class, real, (method, none, conn) -> !method.equals("getConnection") ? conn
        : ((Future<SqlConnection>) conn).map(c -> intercept(SqlConnection.class, c, (m, noArgs, begun) -> !m.equals("begin") ? begun
            : ((Future<io.vertx.sqlclient.Transaction>) begun).map(tx -> intercept(io.vertx.sqlclient.Transaction.class, tx,
                (n, noneEither, committed) -> n.equals("commit") && lost.compareAndSet(false, true) ? lostAnswer(committed) : committed)))));
  }

  static PlacementService waivedNode(Pool placements, List<String> dispatched) {
    return new PlacementService(vertx, placements, store, new OfferSnapshots(hosts, SETTINGS.snapshotMaxAge(), new Matcher()), new TeamService(pool),
        new Matcher(), PaymentPort.unpaidBookings(true), SETTINGS, dispatched::add, Clock.systemUTC());
  }

  @Test
  void aBatchCommittedWhoseAnswerWasLostIsAnsweredAsPlacedAndNotPlacedTwice() throws Exception {
    String region = "pb-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> fleet = fleet(region, 2); // 8 cores, exactly what the batch asks
    String account = account();
    List<String> dispatched = java.util.Collections.synchronizedList(new ArrayList<>());
    PlacementService node = waivedNode(losingTheFirstStatementsAnswer(placing), dispatched);
    List<PlacementService.Request> batch = new ArrayList<>();
    for (int i = 0; i < 8; i++) batch.add(new PlacementService.Request(account, oneCore(region, 1)));

    List<Future<Bookings.Booking>> answers = node.createAll(batch);

    long placed = check(answers, "FUNDED");
    assertThat(node.counts().fallbacks()).as("the lost answer failed the batch once").isEqualTo(1);
    assertThat(answers).as("every booking the statement wrote is answered as placed, though the fleet is now full")
        .allMatch(Future::succeeded);
    assertThat(placed).isEqualTo(8_000);
    assertThat(reservedCpu(fleet)).isEqualTo(placed);
    assertThat(dispatched).as("each funded booking dispatched once").containsExactlyInAnyOrderElementsOf(
        answers.stream().map(a -> a.result().id()).toList());
  }

  @Test
  void aBookingCommittedWhoseAnswerWasLostIsAnsweredAsPlaced() throws Exception {
    String region = "pb-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> fleet = fleet(region, 1);
    List<String> dispatched = java.util.Collections.synchronizedList(new ArrayList<>());
    PlacementService node = waivedNode(losingTheFirstCommitsAnswer(placing), dispatched);

    Future<Bookings.Booking> answer = node.create(account(), oneCore(region, 4)); // the whole host

    assertThat(check(List.of(answer), "FUNDED")).isEqualTo(4_000);
    assertThat(answer.succeeded()).as("answered as placed: %s", answer.cause()).isTrue();
    assertThat(reservedCpu(fleet)).isEqualTo(4_000);
    assertThat(dispatched).containsExactly(answer.result().id());
  }
}

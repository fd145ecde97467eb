package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Wallets.Session;
import io.respool.infra.Databases;
import io.respool.settlement.evm.generated.RentalEscrow;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;

/**
 * Issue 15, part 1: the chaos suite. Two clustered gateway nodes (separate JVMs), a host-worker
 * (a separate JVM, plain processes) and two {@link RecordingHost}s (simulated, recording every usage
 * sample a gateway acked), renters making, paying (tUSD on anvil), running, extending and stopping
 * bookings while the faults of {@link ChaosRig} are injected one at a time, then all together
 * ({@link Fault#ALL_TOGETHER}). After each fault is
 * healed: the time until everything works again, then the figures that must be zero. The short
 * version runs in the test command; {@code bench/chaos.sh} runs more rounds with longer faults
 * ({@code -Dchaos.rounds}, {@code -Dchaos.holdSeconds}, {@code -Dchaos.out} for the results file).
 */
class ChaosIT {
  static final int ROUNDS = Integer.getInteger("chaos.rounds", 1);
  static final int HOLD_SECONDS = Integer.getInteger("chaos.holdSeconds", 4);
  static final String OUT = System.getProperty("chaos.out");
  /** The faults to inject, in order ({@code -Dchaos.faults=POSTGRES_RESTART,...}; default all). */
  static final List<Fault> FAULTS = System.getProperty("chaos.faults", "").isBlank() ? List.of(Fault.values())
      : java.util.Arrays.stream(System.getProperty("chaos.faults").split(",")).map(String::trim).map(Fault::valueOf).toList();
  static final String[] REGIONS = {"chaos-w0", "chaos-s0", "chaos-s1"};
  static final Set<String> ENDED = Set.of("STOPPED", "FAILED", "EXPIRED", "SETTLED");

  enum Fault {
    KILL_NODE_MID_PLACEMENT("kill -9 of a node mid-placement"),
    KILL_NODE_MID_METERING("kill -9 of a node mid-metering"),
    KILL_NODE_MID_SETTLEMENT("kill -9 of a node mid-settlement"),
    POSTGRES_RESTART("PostgreSQL stopped and restarted"),
    REDIS_RESTART("Redis stopped and restarted"),
    CHAIN_RPC_CUT("chain RPC unreachable"),
    WORKER_KILL("host-worker killed (SIGKILL) and restarted"),
    CLUSTER_SPLIT("network cut between the nodes (split, merge)"),
    ALL_TOGETHER("all at once: split, RPC cut, Redis, worker, PostgreSQL, kill -9 of a node");

    final String what;

    Fault(String what) { this.what = what; }
  }

  /** What one fault left behind; every field but {@code recoverySeconds} must be zero. */
  record Figures(String fault, long bookings, double recoverySeconds, int bookingsLost, int capacityLeaked, int capacityMismatched,
      int usageAckedNotStored, long usageAcked, int settledTwice, int notSettled, BigInteger moneyNotConserved, int needlesslyStopped) {
    boolean zeros() {
      return bookingsLost == 0 && capacityLeaked == 0 && capacityMismatched == 0 && usageAckedNotStored == 0 && settledTwice == 0
          && notSettled == 0 && moneyNotConserved.signum() == 0 && needlesslyStopped == 0;
    }

    String row() {
      return String.format("| %s | %d | %.1f | %d | %d / %d | %d of %d | %d / %d | %s | %d |", fault, bookings, recoverySeconds, bookingsLost,
          capacityLeaked, capacityMismatched, usageAckedNotStored, usageAcked, settledTwice, notSettled, moneyNotConserved, needlesslyStopped);
    }

    static final String HEADER = "| fault | bookings so far | recovery (s) | bookings lost | capacity leaked / mismatched | usage acked not stored"
        + " | settled twice / not at all | money not conserved | running needlessly stopped |\n|---|---|---|---|---|---|---|---|---|";
  }

  /** A booking a renter holds: who, on which region, and whether the renter stopped it. */
  record Held(String id, Session renter, int account, String region, boolean keeper) {}

  ChaosRig rig;
  Session[] renters;
  final List<Held> held = new CopyOnWriteArrayList<>();
  final Set<String> stoppedByRenter = ConcurrentHashMap.newKeySet();
  final List<RecordingHost> simulated = new ArrayList<>();
  final List<String> hostIds = new ArrayList<>();
  final List<String> participants = new ArrayList<>();
  BigInteger moneyAtStart;
  final AtomicBoolean loadOn = new AtomicBoolean();
  final AtomicInteger loadErrors = new AtomicInteger();
  Vertx vertx;
  Pool db;

  @Test
  void faultsOneAtATimeLoseNothing() throws Exception {
    assumeTrue(ChaosRig.iptablesWorks(), "the cluster split needs iptables (root)");
    List<Figures> figures = new ArrayList<>();
    Instant began = Instant.now();
    ExecutorService load = Executors.newFixedThreadPool(3);
    try (ChaosRig r = new ChaosRig()) {
      rig = r;
      setUp();
      for (int round = 0; round < ROUNDS; round++) {
        for (Fault f : FAULTS) {
          Figures fig = inject(f, load);
          System.out.println("CHAOS " + fig.row());
          figures.add(fig);
        }
      }
      stopEverything();
      Figures end = measure("end: every booking stopped", 0);
      System.out.println("CHAOS " + end.row());
      figures.add(end);
    } finally {
      loadOn.set(false);
      load.shutdownNow();
      load.awaitTermination(30, TimeUnit.SECONDS);
      for (RecordingHost h : simulated) h.close();
      if (vertx != null) vertx.close().await(10, TimeUnit.SECONDS);
      if (OUT != null && !figures.isEmpty()) write(Path.of(OUT), figures, began);
    }
    for (Figures f : figures) assertThat(f.zeros()).as(Figures.HEADER + "\n" + f.row()).isTrue();
    assertThat(held.stream().filter(h -> !h.keeper()).count()).as("renters' bookings made through the faults").isGreaterThan((long) ROUNDS * FAULTS.size());
  }

  // --- set-up ----------------------------------------------------------------------------------------

  void setUp() throws Exception {
    rig.startNode(0);
    rig.startNode(1);
    vertx = Vertx.vertx();
    db = Databases.pool(vertx, rig.pgUrl(), 2);
    List<Integer> ports = List.of(rig.httpPorts[0], rig.httpPorts[1]);
    hostIds.add(rig.addWorker(REGIONS[0], rig.chain.account(10).address()).hostId);
    for (int i = 0; i < 2; i++) {
      RecordingHost h = new RecordingHost(ports, REGIONS[1 + i], Eth.PRICES, rig.chain.account(11 + i).address());
      simulated.add(h);
      hostIds.add(h.hostId);
    }
    awaitAll(300, "every host online", this::hostsOnline);
    renters = new Session[4];
    for (int i = 0; i < renters.length; i++) renters[i] = Eth.renter(rig.chain, rig.http(i % 2), 4 + i);
    for (int i = 0; i < 4; i++) participants.add(rig.chain.account(4 + i).address());
    for (int i = 0; i < 3; i++) participants.add(rig.chain.account(10 + i).address());
    participants.add(rig.chain.treasury());
    participants.add(rig.chain.escrow("tUSD"));
    moneyAtStart = money();
    // the keepers: one long booking per host that nobody stops; no fault may stop them
    for (int i = 0; i < REGIONS.length; i++) {
      Held k = book(i % 2, i, REGIONS[i], true, 3600);
      assertThat(k).as("keeper on " + REGIONS[i]).isNotNull();
      pay(k, i % 2);
    }
    for (Held k : held) awaitState(k, "RUNNING", 180);
  }

  // --- the renters -----------------------------------------------------------------------------------

  /** Makes a booking through {@code node}; null when the node did not say 201 (a fault may be on). */
  Held book(int node, int account, String region, boolean keeper, int seconds) {
    Map<String, Object> body = new LinkedHashMap<>(Map.of("cpu", 0.1, "memoryMb", 16, "durationSeconds", seconds, "region", region,
        "currency", "TUSD", "command", List.of("sleep", Integer.toString(seconds))));
    Http.Response r = rig.http(node).post("/v1/bookings", Http.json(body), renters[account].token());
    if (r.status() != 201) return null;
    Held h = new Held(r.json().path("id").asText(), renters[account], account, region, keeper);
    held.add(h);
    return h;
  }

  /** Pays what {@code node} says is due (the wallet talks to the chain directly, not through the gateway's RPC relay). */
  void pay(Held h, int node) {
    JsonNode calls = rig.http(node).get("/v1/bookings/" + h.id() + "/payment", h.renter().token()).json().path("deposits").get(0).path("calls");
    Eth.send(rig.chain, calls, rig.chain.account(4 + h.account()).privateKey());
  }

  /** One renter's life, over and over while the load is on: book, pay, run, sometimes extend, stop. */
  void renterLoop(int account) {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    while (loadOn.get()) {
      try {
        int node = rnd.nextInt(2);
        Held h = book(node, account, REGIONS[rnd.nextInt(REGIONS.length)], false, 600);
        if (h == null) {
          pause(300);
          continue;
        }
        try {
          pay(h, node);
          if (waitState(h, node, "RUNNING", 60) && rnd.nextBoolean()) {
            Http.Response ext = rig.http(1 - node).post("/v1/bookings/" + h.id() + "/extend", "{\"seconds\":120}", h.renter().token());
            if (ext.status() == 200) pay(h, 1 - node);
          }
          pause(500 + rnd.nextInt(1500));
        } finally {
          stop(h, rnd.nextInt(2)); // done with it, or given up on it: a renter does not leave a booking behind
        }
      } catch (AssertionError | RuntimeException e) {
        loadErrors.incrementAndGet(); // a node or the chain away: the renter tries again
        pause(1000);
      }
    }
  }

  /** Asks {@code node} to stop the booking, the other node if that one is away. */
  void stop(Held h, int node) {
    for (int n : new int[] {node, 1 - node}) {
      try {
        Http.Response r = rig.http(n).post("/v1/bookings/" + h.id() + "/stop", "", h.renter().token());
        if (r.status() == 200) stoppedByRenter.add(h.id());
        return;
      } catch (AssertionError e) {
        loadErrors.incrementAndGet();
      }
    }
  }

  boolean waitState(Held h, int node, String state, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline && loadOn.get()) {
      Http.Response r = rig.http(node).get("/v1/bookings/" + h.id(), h.renter().token());
      if (r.status() == 200 && r.json().path("state").asText().equals(state)) return true;
      pause(200);
    }
    return false;
  }

  void awaitState(Held h, String state, int seconds) throws Exception {
    awaitAll(seconds, h.id() + " " + state, () -> state.equals(stateOf(h)));
  }

  String stateOf(Held h) {
    for (int node = 0; node < 2; node++) {
      if (!rig.nodeAlive(node)) continue;
      try {
        Http.Response r = rig.http(node).get("/v1/bookings/" + h.id(), h.renter().token());
        if (r.status() == 200) return r.json().path("state").asText();
      } catch (AssertionError e) {
        // this node is away: ask the other
      }
    }
    return null;
  }

  // --- the faults ------------------------------------------------------------------------------------

  Figures inject(Fault f, ExecutorService load) throws Exception {
    System.out.println("CHAOS-DETAIL " + Instant.now() + " injecting: " + f.what);
    loadOn.set(true);
    List<java.util.concurrent.Future<?>> loops = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int account = i;
      loops.add(load.submit(() -> renterLoop(account)));
    }
    pause(3000); // the renters are busy: bookings placed, metered, settled
    long healedAt;
    switch (f) {
      case KILL_NODE_MID_PLACEMENT -> {
        burst(1, () -> book(1, 3, REGIONS[ThreadLocalRandom.current().nextInt(REGIONS.length)], false, 600));
        rig.killNode(1);
        pause(HOLD_SECONDS * 1000L);
        healedAt = System.nanoTime();
        rig.startNode(1);
      }
      case KILL_NODE_MID_METERING -> {
        rig.killNode(0); // samples arrive every second from every host: some are in flight to it now
        pause(HOLD_SECONDS * 1000L);
        healedAt = System.nanoTime();
        rig.startNode(0);
      }
      case KILL_NODE_MID_SETTLEMENT -> {
        List<Held> running = held.stream().filter(h -> !h.keeper() && !stoppedByRenter.contains(h.id())).toList();
        for (Held h : running) burst(0, () -> stop(h, 0)); // each stop writes a settlement intent; the outbox sends them
        pause(300);
        rig.killNode(0);
        pause(HOLD_SECONDS * 1000L);
        healedAt = System.nanoTime();
        rig.startNode(0);
      }
      case POSTGRES_RESTART -> {
        rig.stopPostgres();
        pause(HOLD_SECONDS * 1000L);
        healedAt = System.nanoTime();
        rig.startPostgres();
      }
      case REDIS_RESTART -> {
        rig.stopRedis();
        pause(HOLD_SECONDS * 1000L);
        healedAt = System.nanoTime();
        rig.startRedis();
      }
      case CHAIN_RPC_CUT -> {
        rig.rpc.mode(RpcProxy.Mode.DOWN);
        pause(HOLD_SECONDS * 3000L);
        healedAt = System.nanoTime();
        rig.rpc.mode(RpcProxy.Mode.PASS);
      }
      case WORKER_KILL -> {
        ChaosRig.Worker w = rig.workers.get(0);
        w.kill();
        pause(HOLD_SECONDS * 1000L);
        healedAt = System.nanoTime();
        w.start(REGIONS[0]);
      }
      case CLUSTER_SPLIT -> {
        rig.splitCluster();
        awaitAll(60, "each node alone in its cluster", () -> clusterSize(0) == 1 && clusterSize(1) == 1);
        pause(HOLD_SECONDS * 1000L);
        healedAt = System.nanoTime();
        rig.mergeCluster();
        awaitAll(90, "the nodes merged", () -> clusterSize(0) == 2 && clusterSize(1) == 2);
      }
      case ALL_TOGETHER -> healedAt = allTogether();
      default -> throw new IllegalStateException();
    }
    try {
      awaitAll(300, "recovered after " + f.what, this::recovered);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; still: " + notYet, e);
    }
    double recovery = (System.nanoTime() - healedAt) / 1e9;
    loadOn.set(false);
    for (var l : loops) l.get(60, TimeUnit.SECONDS);
    return measure(f.what, recovery);
  }

  /**
   * The faults overlapping while the renters go on: the nodes split and the chain RPC, Redis and the
   * host-worker go; once each node is alone (both still serving), PostgreSQL stops and node 0 is killed
   * with stops in flight (settlement intents being written). Everything is healed together (PostgreSQL
   * first: the node's restart needs it). Returns when the heal began.
   */
  long allTogether() throws Exception {
    rig.splitCluster();
    rig.rpc.mode(RpcProxy.Mode.DOWN);
    rig.stopRedis();
    ChaosRig.Worker w = rig.workers.get(0);
    w.kill();
    awaitAll(60, "each node alone in its cluster", () -> clusterSize(0) == 1 && clusterSize(1) == 1);
    List<Held> running = held.stream().filter(h -> !h.keeper() && !stoppedByRenter.contains(h.id())).toList();
    for (Held h : running) burst(0, () -> stop(h, 0));
    rig.stopPostgres();
    pause(300);
    rig.killNode(0);
    pause(HOLD_SECONDS * 1000L);
    long healedAt = System.nanoTime();
    rig.startPostgres();
    rig.startRedis();
    rig.rpc.mode(RpcProxy.Mode.PASS);
    rig.mergeCluster();
    w.start(REGIONS[0]);
    rig.startNode(0);
    awaitAll(90, "the nodes together again", () -> clusterSize(0) == 2 && clusterSize(1) == 2);
    return healedAt;
  }

  void burst(int node, Runnable op) {
    Thread.ofVirtual().start(() -> {
      try {
        op.run();
      } catch (AssertionError | RuntimeException e) {
        loadErrors.incrementAndGet(); // the node died under it, as intended
      }
    });
  }

  /** Members the node last said its cluster has (Hazelcast logs "Members {size:N" at each change; -1: not said yet). */
  int clusterSize(int node) throws IOException {
    String log = Files.readString(rig.logs[node]);
    int at = log.lastIndexOf("Members {size:");
    if (at < 0) return -1;
    int from = at + "Members {size:".length();
    return Integer.parseInt(log.substring(from, log.indexOf(',', from)).trim());
  }

  /** Both nodes ready, every host online, every keeper running, and each node places a new booking. */
  boolean recovered() {
    for (int node = 0; node < 2; node++) {
      try {
        Http.Response r = rig.http(node).get("/ready");
        if (r.status() != 200) return missing("node " + node + " not ready: " + r);
      } catch (AssertionError e) {
        return missing("node " + node + " does not answer");
      }
    }
    if (!hostsOnline()) return missing("a host is not online on both nodes");
    for (Held k : held) if (k.keeper() && !"RUNNING".equals(stateOf(k))) return missing("keeper " + k.id() + " is " + stateOf(k));
    for (int node = 0; node < 2; node++) {
      Map<String, Object> body = new LinkedHashMap<>(Map.of("cpu", 0.1, "memoryMb", 16, "durationSeconds", 600, "region", REGIONS[node + 1],
          "currency", "TUSD", "command", List.of("sleep", "600")));
      Http.Response r = rig.http(node).post("/v1/bookings", Http.json(body), renters[3].token());
      if (r.status() != 201) return missing("node " + node + " does not place: " + r);
      Held probe = new Held(r.json().path("id").asText(), renters[3], 3, REGIONS[node + 1], false);
      held.add(probe);
      stop(probe, node);
    }
    return true;
  }

  volatile String notYet = "";

  boolean missing(String why) {
    notYet = why;
    return false;
  }

  boolean hostsOnline() {
    for (int node = 0; node < 2; node++) {
      for (String id : hostIds) {
        try {
          if (!JarProcessesIT.online(rig.http(node), id)) return false;
        } catch (AssertionError e) {
          return false;
        }
      }
    }
    return true;
  }

  void stopEverything() throws Exception {
    for (Held h : held) {
      if (!ENDED.contains(stateOf(h)) && !"STOPPING".equals(stateOf(h))) stop(h, 0);
    }
    awaitAll(120, "every booking ended", () -> held.stream().allMatch(h -> ENDED.contains(stateOf(h))));
  }

  // --- the figures -----------------------------------------------------------------------------------

  Figures measure(String fault, double recovery) throws Exception {
    boolean atEnd = fault.startsWith("end");
    // bookings lost: every 201 a renter got is still there
    int lost = 0;
    for (Held h : held) if (stateOf(h) == null) lost++;
    // capacity: the hosts' reserved sums equal their reservations; no ended booking holds any
    int leaked = count("SELECT count(*) FROM reservations r JOIN bookings b ON b.id = r.booking_id"
        + " WHERE b.state IN ('STOPPED', 'FAILED', 'EXPIRED', 'SETTLED') AND r.host_id = ANY($1)");
    int mismatched = count("SELECT count(*) FROM hosts h LEFT JOIN (SELECT host_id, sum(cpu_millis) c, sum(memory_mb) m FROM reservations"
        + " GROUP BY host_id) r ON r.host_id = h.id WHERE h.id = ANY($1) AND (h.reserved_cpu_millis <> coalesce(r.c, 0)"
        + " OR h.reserved_memory_mb <> coalesce(r.m, 0) OR h.reserved_cpu_millis > h.cpu_millis)");
    mismatched += count("SELECT count(*) FROM bookings b WHERE b.state = 'RUNNING' AND b.id IN (SELECT booking_id FROM booking_tasks"
        + " WHERE host_id = ANY($1)) AND NOT EXISTS (SELECT 1 FROM reservations r WHERE r.booking_id = b.id)");
    // usage: every sample a simulated host saw acked is stored (the acks taken first: samples keep coming)
    List<RecordingHost.Acked> ackedSoFar = new ArrayList<>();
    for (RecordingHost h : simulated) ackedSoFar.addAll(h.acked);
    Set<String> stored = new HashSet<>();
    db.preparedQuery("SELECT task_id || '#' || seq AS k FROM usage_samples WHERE host_id = ANY($1)")
        .execute(Tuple.of(hostIds.toArray(String[]::new))).await(30, TimeUnit.SECONDS).forEach(row -> stored.add(row.getString("k")));
    int notStored = 0;
    long acked = 0;
    Map<String, List<Long>> missingByTask = new java.util.TreeMap<>();
    for (RecordingHost.Acked a : ackedSoFar) {
      acked++;
      if (!stored.contains(a.taskId() + "#" + a.seq())) {
        notStored++;
        missingByTask.computeIfAbsent(a.taskId(), t -> new ArrayList<>()).add(a.seq());
      }
    }
    for (var e : missingByTask.entrySet()) { // what the gateway knows of a task whose acked samples are missing
      RowSetText task = rows("SELECT t.state, t.host_id, b.state AS booking, t.last_seq FROM booking_tasks t JOIN bookings b ON b.id = t.booking_id"
          + " WHERE t.task_id = $1", e.getKey());
      System.out.println("CHAOS-DETAIL acked, not stored: task " + e.getKey() + " seqs " + e.getValue().stream().sorted().toList()
          + "; booking_tasks: " + task);
    }
    // settlement: each ended, funded booking's rental settled once on chain (waited for, bounded)
    Map<String, String> rentals = awaitSettlements();
    Map<String, Integer> settledLogs = settledLogs();
    int twice = 0;
    int never = 0;
    for (String rental : rentals.values()) {
      int n = settledLogs.getOrDefault(rental.toLowerCase(Locale.ROOT), 0);
      if (n > 1) twice++;
      if (n == 0) never++;
      if (n != 1) System.out.println("CHAOS-DETAIL rental " + rental + " has " + n + " Settled logs");
    }
    // money: what renters, hosts, treasury and escrow hold together is what they held at the start
    BigInteger drift = money().subtract(moneyAtStart);
    // running bookings needlessly stopped: a keeper that is not running, or ever left RUNNING
    int needless = 0;
    for (Held k : held) {
      if (!k.keeper()) continue;
      JsonNode b = rig.http(0).get("/v1/bookings/" + k.id(), k.renter().token()).json();
      List<String> to = b.path("transitions").findValuesAsText("to");
      int firstRunning = to.indexOf("RUNNING");
      boolean left = firstRunning >= 0 && to.subList(firstRunning + 1, to.size()).stream().anyMatch(s -> !s.equals("RUNNING"));
      if (atEnd) continue; // the suite stopped them itself
      if (!"RUNNING".equals(b.path("state").asText()) || left) {
        needless++;
        System.out.println("CHAOS-DETAIL keeper " + k.id() + " left RUNNING: " + b.path("transitions"));
      }
    }
    return new Figures(fault, held.size(), recovery, lost, leaked, mismatched, notStored, acked, twice, never, drift, needless);
  }

  /** Rows as text, for the details printed beside a figure that is not zero. */
  record RowSetText(List<String> rows) {
    @Override
    public String toString() { return rows.isEmpty() ? "(no row)" : String.join("; ", rows); }
  }

  RowSetText rows(String sql, Object arg) throws Exception {
    List<String> out = new ArrayList<>();
    for (Row row : db.preparedQuery(sql).execute(Tuple.of(arg)).await(30, TimeUnit.SECONDS)) {
      List<String> cols = new ArrayList<>();
      for (int i = 0; i < row.size(); i++) cols.add(row.getColumnName(i) + "=" + row.getValue(i));
      out.add(String.join(" ", cols));
    }
    return new RowSetText(out);
  }

  int count(String sql) throws Exception {
    Row row = db.preparedQuery(sql).execute(Tuple.of(hostIds.toArray(String[]::new))).await(30, TimeUnit.SECONDS).iterator().next();
    return row.getLong(0).intValue();
  }

  /** Rental id by booking, of every ended booking whose deposit was opened; waits (bounded) until each is SETTLED. */
  Map<String, String> awaitSettlements() throws Exception {
    Map<String, String> rentals = new HashMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (true) {
      rentals.clear();
      int pending = 0;
      for (Row row : db.preparedQuery("SELECT d.booking_id, d.rental_id, d.state FROM deposits d JOIN bookings b ON b.id = d.booking_id"
          + " WHERE d.host_id = ANY($1) AND d.opened_tx IS NOT NULL AND b.state IN ('STOPPED', 'FAILED', 'EXPIRED', 'SETTLED')")
          .execute(Tuple.of(hostIds.toArray(String[]::new))).await(30, TimeUnit.SECONDS)) {
        rentals.put(row.getString("booking_id"), row.getString("rental_id"));
        if (!"SETTLED".equals(row.getString("state"))) pending++;
      }
      if (pending == 0 || System.nanoTime() > deadline) return rentals;
      pause(250);
    }
  }

  /** Settled logs of the escrow by rental id (lower case). */
  Map<String, Integer> settledLogs() throws IOException {
    EthFilter filter = new EthFilter(DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST, rig.chain.escrow("tUSD"));
    filter.addSingleTopic(EventEncoder.encode(RentalEscrow.SETTLED_EVENT));
    Map<String, Integer> n = new HashMap<>();
    for (var l : rig.chain.web3j().ethGetLogs(filter).send().getLogs()) {
      n.merge(((org.web3j.protocol.core.methods.response.Log) l.get()).getTopics().get(1).toLowerCase(Locale.ROOT), 1, Integer::sum);
    }
    return n;
  }

  BigInteger money() {
    BigInteger sum = BigInteger.ZERO;
    for (String a : participants) sum = sum.add(rig.chain.tokenBalance(rig.chain.stablecoin(), a));
    return sum;
  }

  // --- plumbing --------------------------------------------------------------------------------------

  static void awaitAll(int seconds, String what, JarProcessesIT.Check check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      boolean ok;
      try {
        ok = check.ok();
      } catch (AssertionError | RuntimeException e) {
        ok = false;
      }
      if (ok) return;
      if (System.nanoTime() > deadline) throw new AssertionError(what + ": not reached within " + seconds + " s");
      Thread.sleep(250);
    }
  }

  static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  void write(Path out, List<Figures> figures, Instant began) throws IOException {
    StringBuilder b = new StringBuilder("# Chaos run " + began + "\n\n");
    b.append("rounds ").append(ROUNDS).append(", faults held ").append(HOLD_SECONDS).append(" s (the chain RPC 3x as long); ")
        .append(held.size()).append(" bookings; renter calls that failed during faults: ").append(loadErrors.get()).append("\n\n");
    b.append(Figures.HEADER).append('\n');
    for (Figures f : figures) b.append(f.row()).append('\n');
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, b.toString());
  }
}

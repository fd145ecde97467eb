package io.respool.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.respool.protocol.crypto.Base58;
import io.respool.protocol.crypto.Ed25519;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Closed-loop load on {@code POST /v1/bookings}: for each concurrency C, C clients each send a
 * booking, wait for the answer, and send the next, for a warm-up and then a measured window. A
 * {@code 201} is a committed placement (the booking's capacity is reserved in PostgreSQL before
 * the gateway answers; payment is not waived, so nothing is dispatched and only the placement
 * path is measured). Placements per second are the {@code 201}s completed in the window divided
 * by its length; latency is request written → whole answer read, per request, in a
 * {@link LogLinearHistogram}.
 *
 * <p>At the end the fleet is listed and checked against every {@code 201} received (see
 * {@link PlacementLedger}): no host handed out more than it has, and the gateway's reserved
 * capacity equals what the answers handed out. Optionally ({@code --watch}, {@code --pg-url}) it
 * says where the CPU went during each window and what PostgreSQL's backends were waiting for.
 *
 * <p>Everything after sign-in runs on one Vert.x context, so the counters need no locks.
 */
@Command(name = "placement-load", mixinStandardHelpOptions = true,
    description = "Closed-loop booking load on a ResPool gateway: committed placements per second, latency, and an over-allocation check.")
public final class PlacementLoad implements Callable<Integer> {
  @Option(names = "--api", required = true, description = "http://127.0.0.1:PORT")
  URI api;
  @Option(names = "--concurrency", split = ",", defaultValue = "8,32,64", description = "clients in flight, one step each (default ${DEFAULT-VALUE})")
  List<Integer> concurrency;
  @Option(names = "--duration", defaultValue = "30", description = "measured window per step, seconds (default ${DEFAULT-VALUE})")
  int durationSeconds;
  @Option(names = "--warmup", defaultValue = "5", description = "seconds of load before each window, not measured (default ${DEFAULT-VALUE})")
  int warmupSeconds;
  @Option(names = "--prime", defaultValue = "20",
      description = "seconds of load before the first step, not measured: a cold gateway's JIT would otherwise weigh on it (default ${DEFAULT-VALUE})")
  int primeSeconds;
  @Option(names = "--prime-concurrency", defaultValue = "16", description = "clients during --prime (default ${DEFAULT-VALUE})")
  int primeConcurrency;
  @Option(names = "--accounts", defaultValue = "4",
      description = "accounts signed in with fresh Solana keys; clients use them in turn (default ${DEFAULT-VALUE}; sign-in is rate-limited)")
  int accounts;
  @Option(names = "--cpu", defaultValue = "0.5", description = "cores per booking (default ${DEFAULT-VALUE})")
  double cpu;
  @Option(names = "--memory-mb", defaultValue = "256", description = "MiB per booking (default ${DEFAULT-VALUE})")
  long memoryMb;
  @Option(names = "--booking-seconds", defaultValue = "3600", description = "durationSeconds of each booking (default ${DEFAULT-VALUE})")
  long bookingSeconds;
  @Option(names = "--image", defaultValue = "respool/busybox:test", description = "image of each booking (default ${DEFAULT-VALUE})")
  String image;
  @Option(names = "--command", split = ",", defaultValue = "sleep,60", description = "command of each booking (default ${DEFAULT-VALUE})")
  List<String> command;
  @Option(names = "--region", split = ",",
      description = "region of each booking (default: none, any host); several: client i books in region i mod n")
  List<String> regions = List.of();
  @Option(names = "--strategy", description = "cheapest, best-fit or spread (default: the gateway's, cheapest)")
  String strategy;
  @Option(names = "--request-timeout-ms", defaultValue = "30000", description = "a request unanswered this long is an error (default ${DEFAULT-VALUE})")
  long requestTimeoutMs;
  @Option(names = "--release-between-steps",
      description = "after each step stop every booking it placed (not measured), so each step starts on an empty fleet")
  boolean releaseBetweenSteps;
  @Option(names = "--expect-hosts", defaultValue = "0", description = "fail unless the listing shows this many online hosts (0: do not check)")
  int expectHosts;
  @Option(names = "--watch", split = ",",
      description = "name=pid or name=pid+ (with descendants): report the cores each group used in every window")
  List<String> watch = List.of();
  @Option(names = "--pg-url", description = "postgresql://… of the gateway's database: sample what its backends wait for")
  String pgUrl;
  @Option(names = "--pg-sample-ms", defaultValue = "20", description = "pg_stat_activity sampling period (default ${DEFAULT-VALUE})")
  long pgSampleMs;
  @Option(names = "--max-other-cores", defaultValue = "-1",
      description = "a shared machine: wait before each step until processes other than the watched ones use less than this many cores,"
          + " and repeat a step during which they used more (default ${DEFAULT-VALUE}: never)")
  double maxOtherCores;
  @Option(names = "--quiet-wait", defaultValue = "120", description = "seconds to wait at most for that before a step (default ${DEFAULT-VALUE})")
  int quietWaitSeconds;
  @Option(names = "--step-retries", defaultValue = "2", description = "times a disturbed step is repeated at most (default ${DEFAULT-VALUE})")
  int stepRetries;
  @Option(names = "--out", required = true, description = "results JSON file")
  Path out;

  private static final int MAX_REASONS = 20;
  private static final int PAGE = 500;

  /** A signed-in account: its bearer header. */
  private record Account(String accountId, String authorization) {}

  /** A booking this run placed (and may stop again). */
  private record Placed(String id, Account owner, List<PlacementLedger.Share> shares) {}

  /** An answer: status and body, or a transport failure. */
  private record Reply(int status, Buffer body) {}

  private Vertx vertx;
  private HttpClientAgent http;
  private Context ctx;
  private final PlacementLedger ledger = new PlacementLedger();
  private final ProcessCpu cpuGroups = new ProcessCpu();
  private final SpeedProbe speed = new SpeedProbe();
  private PgActivity pg;
  private long unknownOutcomes; // transport errors and 5xx on POST /v1/bookings: the booking may or may not exist

  @Override
  public Integer call() throws Exception {
    if (concurrency.isEmpty() || concurrency.stream().anyMatch(c -> c < 1 || c > 4096) || durationSeconds < 1 || warmupSeconds < 0
        || primeSeconds < 0 || primeConcurrency < 1 || primeConcurrency > 4096
        || accounts < 1 || accounts > 50 || !(cpu > 0) || memoryMb < 4 || bookingSeconds < 1 || requestTimeoutMs < 100) {
      System.err.println("--concurrency and --prime-concurrency 1..4096 each, --duration >= 1, --warmup and --prime >= 0, --accounts 1..50, --cpu > 0, --memory-mb >= 4,"
          + " --booking-seconds >= 1, --request-timeout-ms >= 100");
      return 2;
    }
    if (!"http".equals(api.getScheme()) || api.getHost() == null || api.getPort() < 1) {
      System.err.println("--api must look like http://127.0.0.1:PORT");
      return 2;
    }
    if (!List.of("127.0.0.1", "localhost", "[::1]").contains(api.getHost())) {
      System.err.println("refusing a non-loopback gateway " + api + ": this load generator is for local benchmarks");
      return 2;
    }
    try {
      for (String w : watch) cpuGroups.add(w);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    cpuGroups.addSelf("load generator");

    int maxC = Math.max(primeConcurrency, concurrency.stream().mapToInt(Integer::intValue).max().orElse(1));
    vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1)).build();
    try {
      http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(api.getHost()).setDefaultPort(api.getPort()).setKeepAlive(true),
          new PoolOptions().setHttp1MaxSize(maxC + 2).setMaxWaitQueueSize(-1));
      ctx = vertx.getOrCreateContext();
      if (pgUrl != null) pg = onContext(() -> Future.succeededFuture(new PgActivity(vertx, pgUrl, pgSampleMs))).await(10, TimeUnit.SECONDS);

      List<Account> signedIn = new ArrayList<>();
      for (int i = 0; i < accounts; i++) signedIn.add(onContext(this::signIn).await(30, TimeUnit.SECONDS));
      log("signed in %d accounts", signedIn.size());

      List<PlacementLedger.HostState> before = onContext(this::listHosts).await(120, TimeUnit.SECONDS);
      JsonObject hostsTableBefore = hostsTable();
      JsonObject fleet = fleet(before);
      log("fleet: %s", fleet.encode());
      if (expectHosts > 0 && fleet.getInteger("online") != expectHosts) {
        log("expected %d online hosts, the gateway lists %d: stopping", expectHosts, fleet.getInteger("online"));
        return 1;
      }

      JsonObject prime = null;
      if (primeSeconds > 0) {
        log("priming: %d clients for %d s, not measured", primeConcurrency, primeSeconds);
        prime = runStep(primeConcurrency, signedIn, 0, primeSeconds);
        log("primed: %.1f placements/s", prime.getDouble("placementsPerSecond"));
      }
      JsonArray steps = new JsonArray();
      for (int c : concurrency) {
        JsonObject step = measuredStep(c, signedIn);
        steps.add(step);
        log("C=%d: %.1f placements/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d × 409, other %s, errors %s, cores %s", c,
            step.getDouble("placementsPerSecond"), step.getDouble("p50Ms"), step.getDouble("p99Ms"), step.getDouble("maxMs"),
            step.getLong("noCapacity"), step.getJsonObject("otherStatus").encode(), step.getJsonObject("errors").encode(),
            step.getJsonObject("cores").encode());
        if (pg != null) log("C=%d: PostgreSQL backends on average: %s", c, step.getJsonObject("postgres").getJsonObject("averageBackends").encode());
      }

      List<PlacementLedger.HostState> after = onContext(this::listHosts).await(120, TimeUnit.SECONDS);
      JsonObject hostsTableAfter = hostsTable();
      PlacementLedger.Verdict v = ledger.verify(before, after);
      JsonObject verification = new JsonObject()
          .put("hostsListed", v.hosts())
          .put("bookingsHeld", ledger.bookings())
          .put("hostsUsed", ledger.hostsUsed())
          .put("overAllocatedHosts", v.overAllocated())
          .put("disagreeingHosts", v.disagreeing())
          .put("unlistedHosts", v.unlisted())
          .put("placedCpu", v.placedCpuMillis() / 1000.0)
          .put("reservedCpu", v.reservedCpuMillis() / 1000.0)
          .put("placedMemoryMb", v.placedMemoryMb())
          .put("reservedMemoryMb", v.reservedMemoryMb())
          .put("unknownOutcomes", unknownOutcomes)
          .put("noOverAllocation", v.noOverAllocation())
          .put("booksAgree", v.booksAgree())
          .put("examples", new JsonArray(v.examples()));
      log("verification: %s", verification.encode());

      JsonObject result = new JsonObject()
          .put("api", api.toString())
          .put("postgresVersion", pg == null ? null : onContext(() -> pg.version().otherwise("?")).await(10, TimeUnit.SECONDS))
          .put("hostsTableBefore", hostsTableBefore)
          .put("hostsTableAfter", hostsTableAfter)
          .put("settings", settings())
          .put("fleetAtStart", fleet)
          .put("prime", prime == null ? null : new JsonObject().put("concurrency", primeConcurrency).put("seconds", primeSeconds)
              .put("placementsPerSecond", prime.getDouble("placementsPerSecond")).put("cores", prime.getJsonObject("cores")))
          .put("fleetAtEnd", fleet(after))
          .put("steps", steps)
          .put("verification", verification)
          .put("finishedAt", Instant.now().toString());
      write(out, result);
      log("wrote %s", out);
      // an over-allocation, or books that disagree although every outcome is known, fail the run
      return v.noOverAllocation() && (v.booksAgree() || unknownOutcomes > 0) ? 0 : 1;
    } finally {
      if (pg != null) pg.close();
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        log("vert.x did not close within 10 s");
      }
    }
  }

  // --- one step -------------------------------------------------------------------------------

  /**
   * A step at concurrency {@code c}; with {@code --max-other-cores}, started on a quiet machine
   * and repeated (at most {@code --step-retries} times) when other processes took more than that
   * during its window. The discarded attempts stay in the result, with what disturbed them.
   */
  private JsonObject measuredStep(int c, List<Account> signedIn) throws TimeoutException, InterruptedException {
    JsonArray discarded = new JsonArray();
    for (int attempt = 0; ; attempt++) {
      double quiet = maxOtherCores < 0 ? 0 : waitQuiet();
      JsonObject step = runStep(c, signedIn, warmupSeconds, durationSeconds);
      double other = step.getJsonObject("cores").getDouble(ProcessCpu.OTHER, 0.0);
      step.put("otherCoresBefore", quiet);
      if (maxOtherCores < 0 || other <= maxOtherCores || attempt >= stepRetries) {
        return step.put("discardedAttempts", discarded);
      }
      log("C=%d: other processes used %.2f cores during the window (more than %.2f): repeating the step", c, other, maxOtherCores);
      discarded.add(new JsonObject().put("placementsPerSecond", step.getDouble("placementsPerSecond")).put("p99Ms", step.getDouble("p99Ms"))
          .put("otherCores", other));
    }
  }

  /** Waits (at most {@code --quiet-wait}) until other processes use less than {@code --max-other-cores}; returns their last use. */
  private double waitQuiet() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(quietWaitSeconds);
    while (true) {
      Map<String, Double> a = cpuGroups.sample();
      long t0 = System.nanoTime();
      TimeUnit.SECONDS.sleep(3);
      double other = ProcessCpu.cores(a, cpuGroups.sample(), (System.nanoTime() - t0) / 1e9).getOrDefault(ProcessCpu.OTHER, 0.0);
      if (other <= maxOtherCores) return other;
      if (System.nanoTime() > deadline) {
        log("other processes still use %.2f cores after %d s: measuring anyway", other, quietWaitSeconds);
        return other;
      }
      log("other processes use %.2f cores: waiting for a quieter machine", other);
    }
  }

  /** The state of one step; touched on {@link #ctx} only. */
  /** A request slower than this (the C = 1 aim's p99) is listed with the time it started, to tell periodic stalls from scattered ones. */
  static final long SLOW_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  static final int SLOW_KEPT = 1000;

  private final class Step {
    final int c;
    final List<Account> accounts;
    final long windowStart;
    final long windowEnd;
    final Promise<Void> done = Promise.promise();
    int running;
    boolean windowClosed; // the window's end has been sampled
    long created;
    long createdOutside; // warm-up and the tail after the window: held, but not counted
    long noCapacity;
    long requests;
    final JsonObject noCapacityReasons = new JsonObject();
    final JsonObject otherStatus = new JsonObject();
    final JsonObject errors = new JsonObject();
    final LogLinearHistogram placed = new LogLinearHistogram();
    final LogLinearHistogram all = new LogLinearHistogram();
    final List<Placed> bookings = new ArrayList<>();
    /**
     * The slowest requests of the window (over {@link #SLOW_NANOS}, at most {@link #SLOW_KEPT}): when each started (ms after
     * the window's start, whose wall-clock time the step reports as {@code windowStartedAt}), and how long it took, in ms.
     */
    final JsonArray slow = new JsonArray();
    Map<String, Double> cpuAtStart;
    Map<String, Double> cpuAtEnd;
    long cpuStartNanos;
    long cpuEndNanos;
    JsonObject postgres;
    JsonObject speed;

    Step(int c, List<Account> accounts, long start, int warmup, int window) {
      this.c = c;
      this.accounts = accounts;
      this.windowStart = start + TimeUnit.SECONDS.toNanos(warmup);
      this.windowEnd = windowStart + TimeUnit.SECONDS.toNanos(window);
    }

    boolean inWindow(long t) { return t >= windowStart && t < windowEnd; }

    /** Done once every client has stopped and the window's end has been sampled, whichever comes last. */
    void finishIfOver() {
      if (running == 0 && windowClosed) done.tryComplete();
    }
  }

  private JsonObject runStep(int c, List<Account> signedIn, int warmup, int window) throws TimeoutException {
    log("C=%d: %d s warm-up, %d s window", c, warmup, window);
    Step s = onContext(() -> {
      Step step = new Step(c, signedIn, System.nanoTime(), warmup, window);
      long toWindow = Math.max(1, TimeUnit.NANOSECONDS.toMillis(step.windowStart - System.nanoTime()));
      vertx.setTimer(toWindow, t -> {
        step.cpuStartNanos = System.nanoTime();
        step.cpuAtStart = cpuGroups.sample();
        speed.start();
        if (pg != null) pg.start();
        vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(step.windowEnd - System.nanoTime())), t2 -> {
          step.cpuEndNanos = System.nanoTime();
          step.cpuAtEnd = cpuGroups.sample();
          step.speed = speed.stop();
          if (pg != null) step.postgres = pg.stop();
          step.windowClosed = true;
          step.finishIfOver();
        });
      });
      for (int i = 0; i < c; i++) {
        step.running++;
        next(step, i);
      }
      return Future.succeededFuture(step);
    }).await(10, TimeUnit.SECONDS);
    // every client stops sending at the window's end; the last answers may take up to the timeout
    onContext(() -> s.done.future()).await(warmup + window + requestTimeoutMs / 1000 + 30, TimeUnit.SECONDS);

    double measured = (s.cpuEndNanos - s.cpuStartNanos) / 1e9;
    JsonObject step = new JsonObject()
        .put("concurrency", c)
        .put("warmupSeconds", warmup)
        .put("windowSeconds", window)
        .put("placed", s.created)
        .put("noCapacity", s.noCapacity)
        .put("requests", s.requests)
        .put("placementsPerSecond", Math.round(s.created * 10.0 / window) / 10.0)
        .put("requestsPerSecond", Math.round(s.requests * 10.0 / window) / 10.0)
        .put("placedOutsideWindow", s.createdOutside)
        .put("noCapacityReasons", s.noCapacityReasons)
        .put("otherStatus", s.otherStatus)
        .put("errors", s.errors)
        .put("p50Ms", ms(s.placed.percentile(50)))
        .put("p99Ms", ms(s.placed.percentile(99)))
        .put("p999Ms", ms(s.placed.percentile(99.9)))
        .put("maxMs", ms(s.placed.max()))
        .put("meanMs", ms(Math.round(s.placed.mean())))
        .put("allP99Ms", ms(s.all.percentile(99)))
        .put("latencyPlacedNanos", s.placed.toJson())
        .put("latencyAllNanos", s.all.toJson())
        .put("slowRequests", s.slow)
        .put("slowBeat", slowBeat(s.slow))
        .put("windowStartedAt", java.time.Instant.now().minusNanos(System.nanoTime() - s.windowStart).toString())
        .put("cores", new JsonObject(new java.util.LinkedHashMap<>(ProcessCpu.cores(s.cpuAtStart, s.cpuAtEnd, measured))));
    if (s.postgres != null) step.put("postgres", s.postgres);
    if (s.speed != null) step.put("speedProbe", s.speed);
    if (releaseBetweenSteps) step.put("release", onContext(() -> release(s)).await(600, TimeUnit.SECONDS));
    return step;
  }

  /** {@link SlowPeriod} of the slow requests' start times, or null for too few. */
  private static JsonObject slowBeat(JsonArray slow) {
    List<Long> starts = new ArrayList<>();
    for (int i = 0; i < slow.size(); i++) starts.add(slow.getJsonArray(i).getLong(0));
    SlowPeriod.Beat beat = SlowPeriod.of(starts);
    return beat == null ? null : new JsonObject().put("periodMs", beat.periodMs())
        .put("concentration", Math.round(beat.concentration() * 100) / 100.0).put("noBeat", Math.round(beat.noBeat() * 100) / 100.0);
  }

  /** Client {@code i}'s loop: one booking at a time until the window is over. */
  private void next(Step s, int i) {
    if (System.nanoTime() >= s.windowEnd) {
      s.running--;
      s.finishIfOver();
      return;
    }
    Account who = s.accounts.get(i % s.accounts.size());
    long t0 = System.nanoTime();
    send(HttpMethod.POST, "/v1/bookings", who, bookingBody(i)).onComplete(ar -> {
      long t1 = System.nanoTime();
      boolean counted = s.inWindow(t1);
      if (counted) {
        s.requests++;
        s.all.record(t1 - t0);
        if (t1 - t0 > SLOW_NANOS && s.slow.size() < SLOW_KEPT) {
          s.slow.add(new JsonArray().add((t0 - s.windowStart) / 1_000_000).add(Math.round((t1 - t0) / 100_000.0) / 10.0));
        }
      }
      if (ar.failed()) {
        unknownOutcomes++;
        if (counted) count(s.errors, describe(ar.cause()));
      } else if (ar.result().status() == 201) {
        onPlaced(s, who, ar.result().body());
        if (counted) {
          s.created++;
          s.placed.record(t1 - t0);
        } else {
          s.createdOutside++;
        }
      } else if (ar.result().status() == 409) {
        if (counted) {
          s.noCapacity++;
          count(s.noCapacityReasons, problem(ar.result().body()));
        }
      } else {
        if (ar.result().status() >= 500) unknownOutcomes++;
        if (counted) count(s.otherStatus, ar.result().status() + " " + problem(ar.result().body()));
      }
      next(s, i);
    });
  }

  private void onPlaced(Step s, Account who, Buffer body) {
    JsonObject b = new JsonObject(body);
    List<PlacementLedger.Share> shares = new ArrayList<>();
    for (Object o : b.getJsonArray("tasks", new JsonArray())) {
      JsonObject t = (JsonObject) o;
      if (!t.getBoolean("current", true)) continue;
      shares.add(new PlacementLedger.Share(t.getString("hostId"), Math.round(t.getDouble("cpu") * 1000), t.getLong("memoryMb")));
    }
    ledger.record(shares);
    s.bookings.add(new Placed(b.getString("id"), who, shares));
  }

  /** Stops every booking the step placed, {@code c} at a time; not measured. */
  private Future<JsonObject> release(Step s) {
    long started = System.nanoTime();
    Promise<JsonObject> done = Promise.promise();
    JsonObject failures = new JsonObject();
    int[] cursor = {0};
    int[] running = {Math.min(s.c, s.bookings.size())};
    long[] stopped = {0};
    if (running[0] == 0) return Future.succeededFuture(new JsonObject().put("stopped", 0));
    Runnable[] loop = new Runnable[1];
    loop[0] = () -> {
      if (cursor[0] >= s.bookings.size()) {
        if (--running[0] == 0) {
          done.complete(new JsonObject().put("stopped", stopped[0]).put("failures", failures)
              .put("seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0));
        }
        return;
      }
      Placed p = s.bookings.get(cursor[0]++);
      send(HttpMethod.POST, "/v1/bookings/" + p.id() + "/stop", p.owner(), null).onComplete(ar -> {
        if (ar.succeeded() && ar.result().status() == 200) {
          ledger.release(p.shares());
          stopped[0]++;
        } else {
          count(failures, ar.succeeded() ? ar.result().status() + " " + problem(ar.result().body()) : describe(ar.cause()));
        }
        loop[0].run();
      });
    };
    for (int i = 0; i < running[0]; i++) loop[0].run();
    return done.future();
  }

  /** {@link PgActivity#hostsTable}, or null without {@code --pg-url} or if it fails (it is a diagnostic only). */
  private JsonObject hostsTable() throws TimeoutException {
    if (pg == null) return null;
    JsonObject t = onContext(() -> pg.hostsTable().otherwise(err -> new JsonObject().put("error", describe(err)))).await(30, TimeUnit.SECONDS);
    log("hosts table: %s", t.encode());
    return t;
  }

  // --- API ------------------------------------------------------------------------------------

  private Future<Reply> send(HttpMethod method, String uri, Account who, Buffer body) {
    RequestOptions o = new RequestOptions().setMethod(method).setURI(uri).setIdleTimeout(requestTimeoutMs);
    if (who != null) o.putHeader("Authorization", who.authorization());
    if (body != null) o.putHeader("Content-Type", "application/json");
    return http.request(o)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b)));
  }

  private Buffer bookingBody(int client) {
    JsonObject b = new JsonObject().put("cpu", cpu).put("memoryMb", memoryMb).put("durationSeconds", bookingSeconds)
        .put("image", image).put("command", new JsonArray(command));
    if (!regions.isEmpty()) b.put("region", regions.get(client % regions.size()));
    if (strategy != null) b.put("strategy", strategy);
    return b.toBuffer();
  }

  /** Challenge, ed25519 signature, verify: a fresh Solana wallet's session. */
  private Future<Account> signIn() {
    Ed25519.Keys keys = Ed25519.generate();
    String address = keys.publicKeyBase58();
    return send(HttpMethod.POST, "/v1/auth/challenge", null, new JsonObject().put("chain", "solana").put("address", address).toBuffer())
        .compose(c -> {
          if (c.status() != 200) return Future.failedFuture("challenge: " + c.status() + " " + c.body());
          String message = new JsonObject(c.body()).getString("message");
          String signature = Base58.encode(keys.sign(message.getBytes(UTF_8)));
          return send(HttpMethod.POST, "/v1/auth/verify", null, new JsonObject().put("chain", "solana").put("address", address)
              .put("message", message).put("signature", signature).toBuffer());
        })
        .compose(v -> {
          if (v.status() != 200) return Future.failedFuture("verify: " + v.status() + " " + v.body());
          JsonObject j = new JsonObject(v.body());
          return Future.succeededFuture(new Account(j.getString("accountId"), "Bearer " + j.getString("token")));
        });
  }

  /** Every host, online or not, paged through {@code GET /v1/hosts}. */
  private Future<List<PlacementLedger.HostState>> listHosts() {
    return page(null, new ArrayList<>(), 0);
  }

  private Future<List<PlacementLedger.HostState>> page(String after, List<PlacementLedger.HostState> acc, int pages) {
    if (pages > 1000) return Future.failedFuture("more than 1000 pages of hosts");
    String uri = "/v1/hosts?limit=" + PAGE + (after == null ? "" : "&after=" + java.net.URLEncoder.encode(after, UTF_8));
    return send(HttpMethod.GET, uri, null, null).compose(r -> {
      if (r.status() != 200) return Future.failedFuture("GET /v1/hosts: " + r.status() + " " + r.body());
      JsonObject j = new JsonObject(r.body());
      for (Object o : j.getJsonArray("items")) {
        JsonObject h = (JsonObject) o;
        JsonObject total = h.getJsonObject("total");
        JsonObject free = h.getJsonObject("free");
        acc.add(new PlacementLedger.HostState(h.getString("id"), h.getBoolean("online", false),
            Math.round(total.getDouble("cpu") * 1000), Math.round(free.getDouble("cpu") * 1000),
            total.getLong("memoryMb"), free.getLong("memoryMb")));
      }
      String next = j.getString("next");
      return next == null ? Future.succeededFuture(acc) : page(next, acc, pages + 1);
    });
  }

  private JsonObject fleet(List<PlacementLedger.HostState> hosts) {
    long online = 0;
    long totalCpu = 0;
    long freeCpu = 0;
    long fits = 0;
    long cpuMillis = Math.round(cpu * 1000);
    for (PlacementLedger.HostState h : hosts) {
      if (!h.online()) continue;
      online++;
      totalCpu += h.totalCpuMillis();
      freeCpu += h.freeCpuMillis();
      fits += Math.max(0, Math.min(h.freeCpuMillis() / cpuMillis, h.freeMemoryMb() / memoryMb));
    }
    return new JsonObject().put("hosts", hosts.size()).put("online", (int) online).put("totalCpu", totalCpu / 1000.0)
        .put("freeCpu", freeCpu / 1000.0).put("bookingsThatFit", fits);
  }

  private JsonObject settings() {
    return new JsonObject().put("concurrency", new JsonArray(concurrency)).put("primeSeconds", primeSeconds)
        .put("primeConcurrency", primeConcurrency).put("warmupSeconds", warmupSeconds)
        .put("windowSeconds", durationSeconds).put("maxOtherCores", maxOtherCores).put("stepRetries", stepRetries).put("accounts", accounts).put("booking", bookingBody(0).toJsonObject()).put("regions", new JsonArray(regions))
        .put("requestTimeoutMs", requestTimeoutMs).put("releaseBetweenSteps", releaseBetweenSteps);
  }

  // --- helpers --------------------------------------------------------------------------------

  /** Runs {@code action} on the load's one context and hands its result to the calling thread. */
  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    Promise<T> p = Promise.promise();
    ctx.runOnContext(v -> {
      try {
        action.get().onComplete(p);
      } catch (RuntimeException e) {
        p.fail(e);
      }
    });
    return p.future();
  }

  /** The problem type's last segment (e.g. {@code no-capacity}) and its detail, shortened. */
  private static String problem(Buffer body) {
    try {
      JsonObject p = new JsonObject(body);
      String type = p.getString("type", "");
      String detail = p.getString("detail", "");
      detail = detail.replaceAll("bk_[0-9a-z]+", "bk_…").replaceAll("host [1-9A-HJ-NP-Za-km-z]{32,44}", "host …");
      return type.substring(type.lastIndexOf(':') + 1) + (detail.isEmpty() ? "" : ": " + detail);
    } catch (RuntimeException e) {
      return "(not problem+json)";
    }
  }

  private static void count(JsonObject reasons, String reason) {
    String key = reason.length() > 160 ? reason.substring(0, 160) : reason;
    if (!reasons.containsKey(key) && reasons.size() >= MAX_REASONS) key = "other";
    reasons.put(key, reasons.getLong(key, 0L) + 1);
  }

  private static String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** Milliseconds with three decimals: the histogram is good to 0.4 %, more digits would be noise. */
  private static double ms(long nanos) {
    return Math.round(nanos / 1000.0) / 1000.0;
  }

  private static void write(Path out, JsonObject result) throws IOException {
    Path abs = out.toAbsolutePath();
    if (abs.getParent() != null) Files.createDirectories(abs.getParent());
    Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
    Files.writeString(tmp, result.encodePrettily(), UTF_8);
    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static void log(String format, Object... args) {
    System.err.println(Instant.now() + " placement-load: " + String.format(format, args));
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new PlacementLoad()).execute(args));
  }
}

package io.respool.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.respool.protocol.crypto.Base58;
import io.respool.protocol.crypto.Ed25519;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.host.HostFrames;
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
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * Usage-sample ingestion on one gateway node, end to end over the real control channel: a fleet
 * of simulated hosts ({@link MeteredFleet}) registers, a renter books {@code tasks-per-host}
 * bookings on each host through {@code POST /v1/bookings} (unpaid bookings must be enabled, so
 * they are dispatched at once; each host answers {@code task.start} with RUNNING), and then the
 * hosts stream {@code task.usage} frames, step by step: open loop at a given fleet-wide rate of
 * samples per second, or closed loop ({@code max}) with a fixed number of frames in flight per
 * host. Per step: acked samples per second (samples in frames whose ack arrived in the window, over
 * the window), frame ack latency, and — through a {@code bookings} subscription on
 * {@code /v1/events} ({@link CostWatch}) — the delay from a sample to the next {@code booking.cost}
 * event of its booking.
 *
 * <p>Afterwards every booking is checked: through {@code GET /v1/bookings/{id}/usage} (stored
 * samples equal the acked ones, no gaps) for {@code --verify-bookings} of them, and, with
 * {@code --pg-url}, for all of them directly in PostgreSQL.
 */
@Command(name = "usage-load", mixinStandardHelpOptions = true,
    description = "Streams task.usage samples from simulated hosts into a ResPool gateway: samples/s, ack latency, sample → booking.cost delay, and a stored-equals-acked check.")
public final class UsageLoad implements Callable<Integer> {
  @Option(names = "--api", required = true, description = "http://127.0.0.1:PORT (the control channel and events are on the same port)")
  URI api;
  @Option(names = "--hosts", defaultValue = "50", description = "simulated hosts (default ${DEFAULT-VALUE})")
  int hosts;
  @Option(names = "--tasks-per-host", defaultValue = "20", description = "bookings (one task each) per host (default ${DEFAULT-VALUE})")
  int tasksPerHost;
  @Option(names = "--steps", split = ",", defaultValue = "10000/100,20000/100,max/100,max/250",
      description = "RATE/S (open loop: RATE samples/s over the fleet in frames of S samples) or max/S (closed loop) (default ${DEFAULT-VALUE})")
  List<String> steps;
  @Option(names = "--in-flight", defaultValue = "2", description = "frames in flight per host: the cap (open loop) or the load (closed loop) (default ${DEFAULT-VALUE})")
  int inFlight;
  @Option(names = "--duration", defaultValue = "20", description = "measured window per step, seconds (default ${DEFAULT-VALUE})")
  int durationSeconds;
  @Option(names = "--warmup", defaultValue = "5", description = "seconds of load before each window (default ${DEFAULT-VALUE})")
  int warmupSeconds;
  @Option(names = "--prime", defaultValue = "10", description = "seconds of closed-loop load before the first step, not measured: the gateway's JIT (default ${DEFAULT-VALUE})")
  int primeSeconds;
  @Option(names = "--prime-max", defaultValue = "120",
      description = "with --pg-url, the priming goes on (up to this many seconds) until autovacuum has analyzed usage_samples once:"
          + " before that, plans cached while the table was empty make ingestion collapse (default ${DEFAULT-VALUE})")
  int primeMaxSeconds;
  @Option(names = "--cost-wait", defaultValue = "10",
      description = "after a window, seconds to wait at most for the cost events of the samples acked in it (default ${DEFAULT-VALUE})")
  int costWaitSeconds;
  @Option(names = "--cpu", defaultValue = "0.1", description = "cores per booking (default ${DEFAULT-VALUE})")
  double cpu;
  @Option(names = "--memory-mb", defaultValue = "16", description = "MiB per booking (default ${DEFAULT-VALUE})")
  long memoryMb;
  @Option(names = "--booking-seconds", defaultValue = "36000", description = "durationSeconds of each booking (default ${DEFAULT-VALUE})")
  long bookingSeconds;
  @Option(names = "--booking-concurrency", defaultValue = "16", description = "bookings created in parallel (default ${DEFAULT-VALUE})")
  int bookingConcurrency;
  @Option(names = "--verify-bookings", defaultValue = "100",
      description = "bookings checked through GET /v1/bookings/{id}/usage after the run, spread over the hosts; 0 = all (default ${DEFAULT-VALUE})")
  int verifyBookings;
  @Option(names = "--ack-timeout-ms", defaultValue = "30000", description = "a frame unanswered this long is lost (default ${DEFAULT-VALUE})")
  long ackTimeoutMs;
  @Option(names = "--watch", split = ",", description = "name=pid or name=pid+ (with descendants): report the cores each group used in every window")
  List<String> watch = List.of();
  @Option(names = "--pg-url", description = "postgresql://… of the gateway's database: sample what its backends wait for, and check every task's samples")
  String pgUrl;
  @Option(names = "--pg-sample-ms", defaultValue = "20", description = "pg_stat_activity sampling period (default ${DEFAULT-VALUE})")
  long pgSampleMs;
  @Option(names = "--out", required = true, description = "results JSON file")
  Path out;

  /** One parsed step: rate 0 is closed loop. */
  private record StepSpec(String label, long rate, int samplesPerFrame) {}

  private record Reply(int status, Buffer body) {}

  private Vertx vertx;
  private Context ctx;
  private HttpClientAgent http;
  private String authorization;
  private final ProcessCpu cpuGroups = new ProcessCpu();
  private PgActivity pg;

  @Override
  public Integer call() throws Exception {
    List<StepSpec> specs = new ArrayList<>();
    try {
      for (String s : steps) specs.add(parse(s));
      for (String w : watch) cpuGroups.add(w);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    if (hosts < 1 || tasksPerHost < 1 || inFlight < 1 || durationSeconds < 1 || warmupSeconds < 0 || primeSeconds < 0 || costWaitSeconds < 0
        || primeMaxSeconds < primeSeconds || bookingConcurrency < 1 || !(cpu > 0) || memoryMb < 4 || bookingSeconds < 60 || verifyBookings < 0 || ackTimeoutMs < 1000) {
      System.err.println("--hosts, --tasks-per-host, --in-flight, --duration, --booking-concurrency >= 1; --warmup, --prime, --cost-wait, --verify-bookings >= 0; --prime-max >= --prime;"
          + " --cpu > 0, --memory-mb >= 4, --booking-seconds >= 60, --ack-timeout-ms >= 1000");
      return 2;
    }
    if (!"http".equals(api.getScheme()) || !List.of("127.0.0.1", "localhost", "[::1]").contains(api.getHost()) || api.getPort() < 1) {
      System.err.println("--api must be a loopback http://127.0.0.1:PORT: this load generator is for local benchmarks");
      return 2;
    }
    // every frame the steps will send must fit the protocol's limit, and decode to what was meant
    int largest = specs.stream().mapToInt(StepSpec::samplesPerFrame).max().orElse(1);
    int frameBytes = MeteredFleet.checkEncoding(largest, "bk_mhz9k2ab0123456789ab-r0p0a0");
    if (frameBytes > HostFrames.MAX_FRAME_BYTES) {
      System.err.printf("a frame of %d samples takes %d bytes, more than the protocol's %d: use fewer samples per frame%n", largest, frameBytes,
          HostFrames.MAX_FRAME_BYTES);
      return 2;
    }
    log("a frame of %d samples is %d bytes (limit %d)", largest, frameBytes, HostFrames.MAX_FRAME_BYTES);
    cpuGroups.addSelf("load generator");

    vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1)).build();
    MeteredFleet fleet = null;
    CostWatch costs = null;
    Pool db = null;
    try {
      ctx = vertx.getOrCreateContext();
      http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(api.getHost()).setDefaultPort(api.getPort()).setKeepAlive(true),
          new PoolOptions().setHttp1MaxSize(bookingConcurrency + 2).setMaxWaitQueueSize(-1));
      if (pgUrl != null) {
        pg = onContext(() -> Future.succeededFuture(new PgActivity(vertx, pgUrl, pgSampleMs))).await(10, TimeUnit.SECONDS);
        db = PgBuilder.pool().with(new io.vertx.sqlclient.PoolOptions().setMaxSize(1)).connectingTo(PgConnectOptions.fromUri(pgUrl)).using(vertx).build();
      }

      String accountId = onContext(this::signIn).await(30, TimeUnit.SECONDS);
      log("signed in as %s", accountId);
      CostWatch watcher = new CostWatch(vertx);
      costs = watcher;
      onContext(() -> watcher.start(api.getHost(), api.getPort(), authorization.substring("Bearer ".length()))).await(30, TimeUnit.SECONDS);

      MeteredFleet.Settings fs = new MeteredFleet.Settings(api.getHost(), api.getPort(), hosts, "usage-", 16, 30_000, ackTimeoutMs);
      MeteredFleet f = onContext(() -> Future.succeededFuture(new MeteredFleet(vertx, fs, watcher))).await(10, TimeUnit.SECONDS);
      fleet = f;
      long t0 = System.nanoTime();
      onContext(f::start).await(hosts / 5 + 60, TimeUnit.SECONDS);
      log("%d hosts registered in %.1f s, %d failed %s", f.registered, (System.nanoTime() - t0) / 1e9, f.registrationFailures, f.failureReasons.encode());
      if (f.registrationFailures > 0) return 1;

      // --- bookings ---
      t0 = System.nanoTime();
      int bookings = hosts * tasksPerHost;
      JsonObject booked = onContext(() -> book(f, bookings)).await(bookings / 2 + 120, TimeUnit.SECONDS);
      double bookingSecondsTaken = (System.nanoTime() - t0) / 1e9;
      log("%d bookings created in %.1f s (%s)", booked.getInteger("created"), bookingSecondsTaken, booked.encode());
      if (booked.getInteger("created") != bookings) return 1;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (onContext(() -> Future.succeededFuture(watcher.running())).await(5, TimeUnit.SECONDS) < bookings && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(200);
      }
      int runningSeen = onContext(() -> Future.succeededFuture(watcher.running())).await(5, TimeUnit.SECONDS);
      int tasksStarted = onContext(() -> Future.succeededFuture(f.hosts().stream().mapToInt(h -> h.tasks.size()).sum())).await(5, TimeUnit.SECONDS);
      log("%d bookings RUNNING (booking.running events), %d tasks started on the hosts, after %.1f s", runningSeen, tasksStarted,
          (System.nanoTime() - t0) / 1e9);
      if (runningSeen < bookings || tasksStarted < bookings) {
        log("not every booking runs: stopping");
        return 1;
      }
      JsonObject setup = new JsonObject().put("hosts", hosts).put("bookings", bookings).put("bookingSeconds", Math.round(bookingSecondsTaken * 10) / 10.0)
          .put("bookingsPerSecond", Math.round(bookings / bookingSecondsTaken * 10) / 10.0).put("bookingErrors", booked.getJsonObject("errors"))
          .put("largestFrameBytes", frameBytes);

      // --- steps ---
      JsonArray primes = new JsonArray();
      if (primeSeconds > 0) {
        // a fresh database: wait (loaded) for autovacuum's first ANALYZE of usage_samples, in chunks of at most 10 s
        long primeStart = System.nanoTime();
        StepSpec prime = new StepSpec("prime", 0, Math.min(100, largest));
        boolean analyzed = false;
        Pool stats = db;
        while (true) {
          double elapsed = (System.nanoTime() - primeStart) / 1e9;
          boolean minimumDone = elapsed >= primeSeconds;
          if (minimumDone && (db == null || analyzed || elapsed >= primeMaxSeconds)) break;
          int chunk = (int) Math.max(1, Math.min(10, minimumDone ? primeMaxSeconds - elapsed : primeSeconds - elapsed));
          log("priming: closed loop, %d frames of %d samples in flight per host, %d s, not measured", inFlight, prime.samplesPerFrame(), chunk);
          JsonObject p = runStep(f, watcher, prime, 0, chunk, 0);
          if (stats != null) analyzed = onContext(() -> analyzedSince(stats)).await(10, TimeUnit.SECONDS);
          primes.add(new JsonObject().put("atSeconds", Math.round((System.nanoTime() - primeStart) / 1e8) / 10.0)
              .put("ackedSamplesPerSecond", p.getDouble("ackedSamplesPerSecond")).put("ackP50Ms", p.getDouble("ackP50Ms"))
              .put("ackP99Ms", p.getDouble("ackP99Ms")).put("errors", p.getJsonObject("errors")).put("resent", p.getLong("retries"))
              .put("lostFrames", p.getLong("lostFrames")).put("usageSamplesAnalyzed", db == null ? null : analyzed).put("cores", p.getJsonObject("cores")));
          log("primed %d s: %.0f samples/s, ack p50 %.1f ms; usage_samples analyzed: %s", chunk, p.getDouble("ackedSamplesPerSecond"),
              p.getDouble("ackP50Ms"), db == null ? "?" : analyzed);
        }
        if (db != null && !analyzed) log("usage_samples was not analyzed within %d s: measuring anyway", primeMaxSeconds);
      }
      JsonArray results = new JsonArray();
      for (StepSpec spec : specs) {
        JsonObject r = runStep(f, watcher, spec, warmupSeconds, durationSeconds, costWaitSeconds);
        results.add(r);
        log("%s: %.0f samples/s acked (%.0f frames/s), ack p50 %.2f ms, p99 %.2f ms, max %.1f ms; errors %s, lost frames %d; sample → cost p50 %.0f ms,"
                + " p99 %.0f ms, max %.0f ms, %d samples without one; cost events %.0f/s for %d bookings; cores %s",
            spec.label(), r.getDouble("ackedSamplesPerSecond"), r.getDouble("ackedFramesPerSecond"), r.getDouble("ackP50Ms"), r.getDouble("ackP99Ms"),
            r.getDouble("ackMaxMs"), r.getJsonObject("errors").encode(), r.getLong("lostFrames"), r.getDouble("sampleToCostP50Ms"),
            r.getDouble("sampleToCostP99Ms"), r.getDouble("sampleToCostMaxMs"), r.getLong("samplesWithoutCostEvent"), r.getDouble("costEventsPerSecond"),
            r.getInteger("bookingsCosted"), r.getJsonObject("cores").encode());
        if (r.containsKey("postgres")) log("%s: PostgreSQL backends on average: %s", spec.label(), r.getJsonObject("postgres").getJsonObject("averageBackends").encode());
      }

      // --- verification ---
      TimeUnit.SECONDS.sleep(1);
      JsonObject verification = onContext(() -> verifyApi(f)).await(600, TimeUnit.SECONDS);
      if (db != null) {
        Pool pool = db;
        verification.put("postgres", onContext(() -> verifyDb(f, pool)).await(300, TimeUnit.SECONDS));
      }
      log("verification: %s", verification.encode());
      JsonObject fleetCounts = onContext(() -> Future.succeededFuture(new JsonObject().put("registered", f.registered).put("disconnects", f.disconnects)
          .put("disconnectReasons", f.disconnectReasons).put("taskStarts", f.taskStarts).put("otherRequests", f.otherRequests)
          .put("badFrames", f.badFrames).put("heartbeatErrors", f.heartbeatErrors)
          .put("eventsReceived", watcher.events).put("eventErrors", watcher.errors).put("eventsSocketOpen", watcher.connected())
          .put("eventsCloseReason", watcher.closeReason))).await(5, TimeUnit.SECONDS);

      JsonObject result = new JsonObject()
          .put("api", api.toString())
          .put("postgresVersion", pg == null ? null : onContext(() -> pg.version().otherwise("?")).await(10, TimeUnit.SECONDS))
          .put("settings", new JsonObject().put("hosts", hosts).put("tasksPerHost", tasksPerHost).put("steps", new JsonArray(steps))
              .put("inFlight", inFlight).put("warmupSeconds", warmupSeconds).put("windowSeconds", durationSeconds).put("primeSeconds", primeSeconds).put("primeMaxSeconds", primeMaxSeconds)
              .put("costWaitSeconds", costWaitSeconds).put("booking", bookingBody(0, f).toJsonObject()))
          .put("setup", setup)
          .put("prime", primes)
          .put("steps", results)
          .put("fleet", fleetCounts)
          .put("verification", verification)
          .put("finishedAt", Instant.now().toString());
      write(out, result);
      log("wrote %s", out);
      return verification.getBoolean("ok") ? 0 : 1;
    } finally {
      MeteredFleet f = fleet;
      CostWatch c = costs;
      try {
        if (f != null) onContext(f::close).await(15, TimeUnit.SECONDS);
        if (c != null) onContext(c::stop).await(5, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        log("connections did not close within the bound");
      }
      if (pg != null) pg.close();
      if (db != null) db.close();
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        log("vert.x did not close within 10 s");
      }
    }
  }

  private static StepSpec parse(String s) {
    String[] p = s.trim().split("/");
    if (p.length != 2 || !(p[0].equals("max") || p[0].matches("[1-9]\\d{0,8}")) || !p[1].matches("[1-9]\\d{0,2}")
        || Integer.parseInt(p[1]) > HostFrame.Usage.MAX_SAMPLES) {
      throw new IllegalArgumentException("a step is RATE/S or max/S with S in 1.." + HostFrame.Usage.MAX_SAMPLES + ", not '" + s + "'");
    }
    return new StepSpec(s.trim(), p[0].equals("max") ? 0 : Long.parseLong(p[0]), Integer.parseInt(p[1]));
  }

  // --- one step -------------------------------------------------------------------------------

  private JsonObject runStep(MeteredFleet f, CostWatch costs, StepSpec spec, int warmup, int window, int costWait) throws Exception {
    log("%s: %d s warm-up, %d s window", spec.label(), warmup, window);
    long start = System.nanoTime();
    MeteredFleet.Step s = new MeteredFleet.Step(spec.rate(), spec.samplesPerFrame(), inFlight, start, TimeUnit.SECONDS.toNanos(warmup),
        TimeUnit.SECONDS.toNanos(window));
    CostWatch.Window w = new CostWatch.Window(s.windowStart, s.windowEnd);
    onContext(() -> {
      costs.open(w);
      f.begin(s);
      return Future.succeededFuture();
    }).await(5, TimeUnit.SECONDS);
    sleepUntil(s.windowStart);
    Map<String, Double> cpuStart = cpuGroups.sample();
    long[] kernelStart = interruptAndStealTicks();
    Map<Long, long[]> processesStart = processTicks();
    long cpuStartNanos = System.nanoTime();
    if (pg != null) onContext(() -> { pg.start(); return Future.succeededFuture(); }).await(5, TimeUnit.SECONDS);
    sleepUntil(s.windowEnd);
    Map<String, Double> cpuEnd = cpuGroups.sample();
    long[] kernelEnd = interruptAndStealTicks();
    Map<Long, long[]> processesEnd = processTicks();
    long cpuEndNanos = System.nanoTime();
    JsonObject postgres = pg == null ? null : onContext(() -> Future.succeededFuture(pg.stop())).await(5, TimeUnit.SECONDS);
    onContext(() -> { f.stopSending(); return Future.succeededFuture(); }).await(5, TimeUnit.SECONDS);
    // the last frames' acks (bounded by the ack timeout), then the cost events of what the window acked
    long drainEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ackTimeoutMs);
    while (onContext(() -> Future.succeededFuture(f.outstanding())).await(5, TimeUnit.SECONDS) > 0 && System.nanoTime() < drainEnd) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    long drained = System.nanoTime();
    onContext(() -> { f.finish(); return Future.succeededFuture(); }).await(5, TimeUnit.SECONDS);
    long costEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(costWait);
    while (costWait > 0 && onContext(() -> Future.succeededFuture(costs.waiting())).await(5, TimeUnit.SECONDS) > 0 && System.nanoTime() < costEnd) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    CostWatch.Window cw = onContext(() -> Future.succeededFuture(costs.close())).await(5, TimeUnit.SECONDS);

    JsonObject r = onContext(() -> Future.succeededFuture(new JsonObject()
        .put("step", spec.label())
        .put("mode", spec.rate() == 0 ? "closed loop" : "open loop")
        .put("offeredSamplesPerSecond", spec.rate() == 0 ? null : spec.rate())
        .put("samplesPerFrame", spec.samplesPerFrame())
        .put("inFlightPerHost", inFlight)
        .put("warmupSeconds", warmup)
        .put("windowSeconds", window)
        .put("framesSent", s.framesSent)
        .put("samplesSent", s.samplesSent)
        .put("framesAcked", s.framesAcked)
        .put("samplesAcked", s.samplesAcked)
        .put("ackedSamplesPerSecond", round1(s.samplesAcked / (double) window))
        .put("ackedFramesPerSecond", round1(s.framesAcked / (double) window))
        .put("ackP50Ms", ms(s.latency.percentile(50)))
        .put("ackP99Ms", ms(s.latency.percentile(99)))
        .put("ackP999Ms", ms(s.latency.percentile(99.9)))
        .put("ackMaxMs", ms(s.latency.max()))
        .put("ackMeanMs", ms(Math.round(s.latency.mean())))
        .put("ackLatencyNanos", s.latency.toJson())
        .put("maxLateMs", ms(s.maxLateNanos))
        .put("errors", s.errors)
        .put("retries", s.retries)
        .put("lostFrames", s.lostFrames)
        .put("drainMs", ms(drained - s.windowEnd))
        .put("costEvents", cw.costEvents)
        .put("costEventsPerSecond", round1(cw.costEvents / (double) window))
        .put("otherEvents", cw.otherEvents)
        .put("bookingsCosted", cw.bookingsCosted.size())
        .put("sampleToCostP50Ms", ms(cw.sentToCost.percentile(50)))
        .put("sampleToCostP99Ms", ms(cw.sentToCost.percentile(99)))
        .put("sampleToCostMaxMs", ms(cw.sentToCost.max()))
        .put("ackToCostP50Ms", ms(cw.ackToCost.percentile(50)))
        .put("ackToCostP99Ms", ms(cw.ackToCost.percentile(99)))
        .put("ackToCostMaxMs", ms(cw.ackToCost.max()))
        .put("samplesTimedToCost", cw.sentToCost.count())
        .put("samplesWithoutCostEvent", cw.samplesWaiting)
        .put("costIntervalP50Ms", ms(cw.costInterval.percentile(50)))
        .put("costIntervalP99Ms", ms(cw.costInterval.percentile(99)))
        .put("costIntervalMaxMs", ms(cw.costInterval.max()))
        .put("eventLagP50Ms", ms(cw.eventLag.percentile(50)))
        .put("eventLagP99Ms", ms(cw.eventLag.percentile(99)))
        .put("sampleToCostNanos", cw.sentToCost.toJson())
        .put("costIntervalNanos", cw.costInterval.toJson()))).await(5, TimeUnit.SECONDS);
    double seconds = (cpuEndNanos - cpuStartNanos) / 1e9;
    JsonObject cores = new JsonObject(new LinkedHashMap<>(ProcessCpu.cores(cpuStart, cpuEnd, seconds)));
    // the machine's interrupt work (loopback networking runs in softirq, charged to no process) and steal, out of "other"
    double irq = Math.round((kernelEnd[0] - kernelStart[0]) / 100.0 / seconds * 100) / 100.0;
    double steal = Math.round((kernelEnd[1] - kernelStart[1]) / 100.0 / seconds * 100) / 100.0;
    double other = cores.getDouble(ProcessCpu.OTHER, 0.0);
    cores.put("irq+softirq", irq).put("steal", steal).put(ProcessCpu.OTHER, Math.max(0, Math.round((other - irq - steal) * 100) / 100.0));
    r.put("cores", cores);
    r.put("otherBusiest", busiestOthers(processesStart, processesEnd, seconds));
    if (postgres != null) r.put("postgres", postgres);
    return r;
  }

  // --- bookings -------------------------------------------------------------------------------

  /** Creates {@code n} bookings, {@code bookingConcurrency} at a time; booking i goes to host i mod hosts (its region). */
  private Future<JsonObject> book(MeteredFleet f, int n) {
    Promise<JsonObject> done = Promise.promise();
    int[] next = {0};
    int[] running = {Math.min(bookingConcurrency, n)};
    int[] created = {0};
    JsonObject errors = new JsonObject();
    Runnable[] loop = new Runnable[1];
    loop[0] = () -> {
      if (next[0] >= n) {
        if (--running[0] == 0) done.complete(new JsonObject().put("created", created[0]).put("errors", errors));
        return;
      }
      int i = next[0]++;
      send(HttpMethod.POST, "/v1/bookings", bookingBody(i, f)).onComplete(ar -> {
        if (ar.succeeded() && ar.result().status() == 201) created[0]++;
        else MeteredFleet.count(errors, ar.succeeded() ? ar.result().status() + " " + ar.result().body() : ar.cause().toString());
        loop[0].run();
      });
    };
    for (int i = 0; i < running[0]; i++) loop[0].run();
    return done.future();
  }

  private Buffer bookingBody(int i, MeteredFleet f) {
    return new JsonObject().put("cpu", cpu).put("memoryMb", memoryMb).put("durationSeconds", bookingSeconds)
        .put("region", f.region(i % hosts)).put("command", new JsonArray().add("sleep").add(Long.toString(bookingSeconds))).toBuffer();
  }

  // --- verification ---------------------------------------------------------------------------

  /**
   * For {@code --verify-bookings} bookings spread over the hosts: the booking still RUNNING, its
   * usage endpoint counting exactly the samples acked for it, and no gap.
   */
  private Future<JsonObject> verifyApi(MeteredFleet f) {
    List<MeteredFleet.Task> all = new ArrayList<>();
    for (int k = 0; k < tasksPerHost; k++) for (MeteredFleet.Host h : f.hosts()) if (k < h.tasks.size()) all.add(h.tasks.get(k));
    List<MeteredFleet.Task> chosen = verifyBookings == 0 || verifyBookings >= all.size() ? all : all.subList(0, verifyBookings);
    JsonObject v = new JsonObject().put("checkedThroughApi", chosen.size()).put("apiMismatches", 0).put("apiGaps", 0).put("notRunning", 0)
        .put("apiErrors", 0).put("examples", new JsonArray());
    Future<Void> chain = Future.succeededFuture();
    long[] samples = {0};
    for (MeteredFleet.Task t : chosen) {
      chain = chain.compose(x -> send(HttpMethod.GET, "/v1/bookings/" + t.bookingId, null)
          .compose(b -> {
            String state = b.status() == 200 ? new JsonObject(b.body()).getString("state") : "HTTP " + b.status();
            if (!"RUNNING".equals(state)) {
              v.put("notRunning", v.getInteger("notRunning") + 1);
              example(v, t.bookingId + " is " + state);
            }
            return send(HttpMethod.GET, "/v1/bookings/" + t.bookingId + "/usage?step=3600", null);
          })
          .map(u -> {
            if (u.status() != 200) {
              v.put("apiErrors", v.getInteger("apiErrors") + 1);
              example(v, t.bookingId + " usage: HTTP " + u.status() + " " + u.body());
              return null;
            }
            JsonObject j = new JsonObject(u.body());
            long stored = j.getLong("samples");
            samples[0] += stored;
            if (stored != t.acked) {
              v.put("apiMismatches", v.getInteger("apiMismatches") + 1);
              example(v, t.bookingId + ": usage counts " + stored + " samples, " + t.acked + " were acked, " + t.seq + " sent");
            }
            int gaps = j.getJsonArray("gaps").size();
            if (gaps > 0) {
              v.put("apiGaps", v.getInteger("apiGaps") + gaps);
              example(v, t.bookingId + ": " + gaps + " gaps, first " + j.getJsonArray("gaps").getJsonObject(0).encode());
            }
            return null;
          }));
    }
    return chain.map(x -> {
      long acked = 0;
      long sent = 0;
      for (MeteredFleet.Host h : f.hosts()) for (MeteredFleet.Task t : h.tasks) {
        acked += t.acked;
        sent += t.seq;
      }
      v.put("samplesCountedThroughApi", samples[0]).put("samplesAckedAll", acked).put("samplesSentAll", sent);
      v.put("ok", v.getInteger("apiMismatches") == 0 && v.getInteger("apiGaps") == 0 && v.getInteger("notRunning") == 0 && v.getInteger("apiErrors") == 0);
      return v;
    });
  }

  /** Every task in PostgreSQL: stored samples equal the acked ones (and not more than were sent), gaps, seq range. */
  private Future<JsonObject> verifyDb(MeteredFleet f, Pool db) {
    Map<String, MeteredFleet.Task> tasks = new HashMap<>();
    for (MeteredFleet.Host h : f.hosts()) for (MeteredFleet.Task t : h.tasks) tasks.put(t.taskId, t);
    Future<Map<String, long[]>> stored = db.query("SELECT task_id, count(*), max(seq) FROM usage_samples GROUP BY task_id").execute().map(rows -> {
      Map<String, long[]> m = new HashMap<>();
      for (Row r : rows) m.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2)});
      return m;
    });
    Future<Map<String, Long>> gaps = db.query("SELECT task_id, count(*) FROM usage_gaps GROUP BY task_id").execute().map(rows -> {
      Map<String, Long> m = new HashMap<>();
      for (Row r : rows) m.put(r.getString(0), r.getLong(1));
      return m;
    });
    return Future.all(stored, gaps).map(x -> {
      long storedAll = 0;
      long ackedAll = 0;
      long sentAll = 0;
      int differ = 0;
      int moreThanSent = 0;
      int tasksWithGaps = 0;
      long gapRows = 0;
      JsonArray examples = new JsonArray();
      for (MeteredFleet.Task t : tasks.values()) {
        long[] s = stored.result().getOrDefault(t.taskId, new long[] {0, 0});
        storedAll += s[0];
        ackedAll += t.acked;
        sentAll += t.seq;
        if (s[0] != t.acked) {
          differ++;
          if (examples.size() < 5) examples.add(t.taskId + ": " + s[0] + " stored, " + t.acked + " acked, " + t.seq + " sent");
        }
        if (s[0] > t.seq) moreThanSent++;
        long g = gaps.result().getOrDefault(t.taskId, 0L);
        if (g > 0) {
          tasksWithGaps++;
          gapRows += g;
        }
      }
      return new JsonObject().put("tasks", tasks.size()).put("samplesStored", storedAll).put("samplesAcked", ackedAll).put("samplesSent", sentAll)
          .put("tasksWhereStoredDiffersFromAcked", differ).put("tasksWithMoreStoredThanSent", moreThanSent)
          .put("tasksWithGaps", tasksWithGaps).put("gapRows", gapRows).put("examples", examples);
    });
  }

  /** Whether PostgreSQL has analyzed usage_samples (by autovacuum, or anyone) since it was created. */
  private static Future<Boolean> analyzedSince(Pool db) {
    return db.query("SELECT coalesce(autoanalyze_count, 0) + coalesce(analyze_count, 0) FROM pg_stat_user_tables WHERE relname = 'usage_samples'")
        .execute().map(rows -> rows.size() > 0 && rows.iterator().next().getLong(0) > 0);
  }

  private static void example(JsonObject v, String what) {
    JsonArray ex = v.getJsonArray("examples");
    if (ex.size() < 10) ex.add(what);
  }

  // --- API ------------------------------------------------------------------------------------

  private Future<Reply> send(HttpMethod method, String uri, Buffer body) {
    RequestOptions o = new RequestOptions().setMethod(method).setURI(uri).setIdleTimeout(60_000);
    if (authorization != null) o.putHeader("Authorization", authorization);
    if (body != null) o.putHeader("Content-Type", "application/json");
    return http.request(o)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b)));
  }

  /** Challenge, ed25519 signature, verify: a fresh Solana wallet's session; returns the account id. */
  private Future<String> signIn() {
    Ed25519.Keys keys = Ed25519.generate();
    String address = keys.publicKeyBase58();
    return send(HttpMethod.POST, "/v1/auth/challenge", new JsonObject().put("chain", "solana").put("address", address).toBuffer())
        .compose(c -> {
          if (c.status() != 200) return Future.failedFuture("challenge: " + c.status() + " " + c.body());
          String message = new JsonObject(c.body()).getString("message");
          String signature = Base58.encode(keys.sign(message.getBytes(UTF_8)));
          return send(HttpMethod.POST, "/v1/auth/verify", new JsonObject().put("chain", "solana").put("address", address)
              .put("message", message).put("signature", signature).toBuffer());
        })
        .compose(v -> {
          if (v.status() != 200) return Future.failedFuture("verify: " + v.status() + " " + v.body());
          JsonObject j = new JsonObject(v.body());
          authorization = "Bearer " + j.getString("token");
          return Future.succeededFuture(j.getString("accountId"));
        });
  }

  // --- helpers --------------------------------------------------------------------------------

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

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) TimeUnit.NANOSECONDS.sleep(Math.min(left, 200_000_000L));
  }

  /** Every process's CPU ticks (utime + stime) and parent: pid → {ticks, ppid}. */
  private static Map<Long, long[]> processTicks() {
    Map<Long, long[]> out = new HashMap<>();
    try (java.nio.file.DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path p : procs) {
        try {
          String stat = Files.readString(p.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          out.put(Long.parseLong(p.getFileName().toString()), new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[1])});
        } catch (IOException | RuntimeException gone) {
          // the process ended meanwhile
        }
      }
    } catch (IOException e) {
      // no /proc: nothing to say
    }
    return out;
  }

  /**
   * The processes outside the watched groups (and this one) that used the most CPU between two
   * {@link #processTicks} samples, so "other" in a report names what else ran on the machine.
   */
  private JsonArray busiestOthers(Map<Long, long[]> before, Map<Long, long[]> after, double seconds) {
    java.util.Set<Long> mine = new java.util.HashSet<>();
    java.util.Set<Long> trees = new java.util.HashSet<>();
    mine.add(ProcessHandle.current().pid());
    for (String w : watch) {
      String pid = w.substring(w.indexOf('=') + 1);
      if (pid.endsWith("+")) trees.add(Long.parseLong(pid.substring(0, pid.length() - 1)));
      else mine.add(Long.parseLong(pid));
    }
    List<Map.Entry<Long, Double>> used = new ArrayList<>();
    for (Map.Entry<Long, long[]> e : after.entrySet()) {
      long pid = e.getKey();
      if (mine.contains(pid) || inTree(pid, trees, after)) continue;
      long[] b = before.get(pid);
      double cores = (e.getValue()[0] - (b == null ? 0 : b[0])) / 100.0 / seconds;
      if (cores >= 0.05) used.add(Map.entry(pid, cores));
    }
    used.sort(Map.Entry.<Long, Double>comparingByValue().reversed());
    JsonArray out = new JsonArray();
    for (Map.Entry<Long, Double> e : used.subList(0, Math.min(4, used.size()))) {
      StringBuilder cmd = new StringBuilder();
      try {
        // the program's name and its arguments, without the JVM's own flags
        String[] args = Files.readString(Path.of("/proc", e.getKey().toString(), "cmdline")).split("\0");
        cmd.append(args[0].substring(args[0].lastIndexOf('/') + 1));
        for (int i = 1; i < args.length; i++) {
          if (!args[i].matches("-X.*|-D.*|--sun-misc.*|--enable-native.*")) cmd.append(' ').append(args[i]);
        }
      } catch (IOException | RuntimeException gone) {
        cmd.append('?');
      }
      out.add(String.format("%s (%s): %.2f", e.getKey(), cmd.length() > 90 ? cmd.substring(0, 90) + "…" : cmd, e.getValue()));
    }
    return out;
  }

  private static boolean inTree(long pid, java.util.Set<Long> roots, Map<Long, long[]> procs) {
    for (int depth = 0; depth < 16 && pid > 1; depth++) {
      if (roots.contains(pid)) return true;
      long[] p = procs.get(pid);
      if (p == null) return false;
      pid = p[1];
    }
    return false;
  }

  /** irq + softirq and steal ticks of all CPUs so far, from /proc/stat (zeros where it cannot be read). */
  private static long[] interruptAndStealTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+"); // cpu user nice system idle iowait irq softirq steal …
      return new long[] {Long.parseLong(f[6]) + Long.parseLong(f[7]), Long.parseLong(f[8])};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  private static double ms(long nanos) {
    return Math.round(nanos / 1000.0) / 1000.0;
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static void write(Path out, JsonObject result) throws IOException {
    Path abs = out.toAbsolutePath();
    if (abs.getParent() != null) Files.createDirectories(abs.getParent());
    Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
    Files.writeString(tmp, result.encodePrettily(), UTF_8);
    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static void log(String format, Object... args) {
    System.err.println(Instant.now() + " usage-load: " + String.format(format, args));
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new UsageLoad()).execute(args));
  }
}

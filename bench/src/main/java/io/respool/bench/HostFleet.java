package io.respool.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A fleet of simulated hosts on one gateway's control channel, in one process. Each host has its
 * own ed25519 key and registers with a real signature, then heartbeats on a fixed phase so the
 * whole fleet (over all processes, see {@code --shard}) spreads its heartbeats evenly over the
 * interval. Heartbeat→ack latency is recorded only in the measurement window, which opens
 * {@code --settle} seconds after every host of this process has registered (or failed to), so the
 * ramp's database writes do not pollute it.
 *
 * <p>The ramp is also closed-loop: at most {@code --max-pending} registrations are in flight, as a
 * real fleet's reconnect backoff would do. Without it a gateway that falls behind (a cold JIT on
 * shared cores is enough) closes the queued sockets after its 10 s registration timeout and the
 * benchmark measures that collapse instead of the steady state.
 *
 * <p>Timeline: ramp (connect host g at g / rate s) → all settled → settle → window
 * ({@code --duration}) → grace ({@code --ack-timeout-ms}, for the last acks) → results written →
 * hold (connections stay open so the caller can inspect the gateway under load) → close.
 */
@Command(name = "host-fleet", mixinStandardHelpOptions = true,
    description = "Simulates N hosts heartbeating to a ResPool gateway and measures heartbeat→ack latency.")
public final class HostFleet implements Callable<Integer> {
  @Option(names = "--gateway", required = true, description = "ws://127.0.0.1:PORT (the path /v1/hosts/connect is added if missing)")
  URI gateway;
  @Option(names = "--hosts", required = true, description = "simulated hosts in this process")
  int hosts;
  @Option(names = "--ramp-per-second", defaultValue = "200", description = "connections opened per second (default ${DEFAULT-VALUE})")
  double rampPerSecond;
  @Option(names = "--max-pending", defaultValue = "16",
      description = "registrations in flight at most; the ramp waits for a free slot (default ${DEFAULT-VALUE})")
  int maxPending;
  @Option(names = "--duration", defaultValue = "60", description = "measurement window, seconds (default ${DEFAULT-VALUE})")
  int durationSeconds;
  @Option(names = "--heartbeat-ms", defaultValue = "5000", description = "heartbeat interval (default ${DEFAULT-VALUE})")
  long heartbeatMs;
  @Option(names = "--out", required = true, description = "results JSON file")
  Path out;
  @Option(names = "--shard", defaultValue = "0/1",
      description = "p/k: this is process p of k, so its heartbeat phases interleave with the others' (default ${DEFAULT-VALUE})")
  String shard;
  @Option(names = "--settle", defaultValue = "5", description = "seconds between the end of the ramp and the window (default ${DEFAULT-VALUE})")
  int settleSeconds;
  @Option(names = "--register-timeout-ms", defaultValue = "30000", description = "dial to registered, else a failure (default ${DEFAULT-VALUE})")
  long registerTimeoutMs;
  @Option(names = "--ack-timeout-ms", defaultValue = "10000", description = "a heartbeat unacked this long is missing (default ${DEFAULT-VALUE})")
  long ackTimeoutMs;
  @Option(names = "--hold-seconds", defaultValue = "0",
      description = "after writing results keep the connections open until SIGTERM or this many seconds (default ${DEFAULT-VALUE})")
  int holdSeconds;
  @Option(names = "--event-loops", defaultValue = "1", description = "event loops (default ${DEFAULT-VALUE}; the gateway needs the cores more)")
  int eventLoops;

  /** Released by SIGTERM during the hold; the hook then waits for the sockets to close. */
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    if (hosts < 1 || rampPerSecond <= 0 || maxPending < 1 || durationSeconds < 1 || heartbeatMs < 10 || eventLoops < 1) {
      System.err.println("--hosts, --ramp-per-second, --max-pending, --duration, --event-loops must be positive, --heartbeat-ms >= 10");
      return 2;
    }
    if (!"ws".equals(gateway.getScheme()) || gateway.getHost() == null || gateway.getPort() < 1) {
      System.err.println("--gateway must look like ws://127.0.0.1:PORT");
      return 2;
    }
    if (!gateway.getHost().equals("127.0.0.1") && !gateway.getHost().equals("localhost") && !gateway.getHost().equals("[::1]")) {
      System.err.println("refusing a non-loopback gateway " + gateway + ": this load generator is for local benchmarks");
      return 2;
    }
    if (!shard.matches("\\d+/\\d+")) {
      System.err.println("--shard must be p/k with 0 <= p < k");
      return 2;
    }
    int shardIndex = Integer.parseInt(shard.substring(0, shard.indexOf('/')));
    int shardCount = Integer.parseInt(shard.substring(shard.indexOf('/') + 1));
    if (shardIndex >= shardCount) {
      System.err.println("--shard must be p/k with 0 <= p < k");
      return 2;
    }

    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      release.countDown();
      try {
        closed.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "fleet-shutdown"));

    Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(eventLoops)).build();
    try {
      String path = gateway.getRawPath() == null || gateway.getRawPath().isEmpty() ? "/v1/hosts/connect" : gateway.getRawPath();
      // time zero a little ahead, once Vert.x is up, so the ramp does not start with a catch-up burst
      Shard.Plan plan = new Shard.Plan(gateway.getHost(), gateway.getPort(), path, hosts, rampPerSecond, maxPending, heartbeatMs,
          shardIndex, shardCount, registerTimeoutMs, ackTimeoutMs, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200));
      List<Shard> shards = new ArrayList<>();
      for (int i = 0; i < eventLoops; i++) {
        Shard s = new Shard(plan, i, eventLoops);
        vertx.deployVerticle(s).await(30, TimeUnit.SECONDS);
        shards.add(s);
      }
      log("ramping %d hosts at %.0f/s to %s", hosts, rampPerSecond, gateway);
      long rampBound = (long) (hosts / rampPerSecond * 1000) + registerTimeoutMs + 30_000;
      try {
        Future.all(shards.stream().map(Shard::settled).toList()).await(rampBound, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // every host has its own registration timeout, so this means the event loop is stuck
        log("warm-up did not finish within %d ms; measuring anyway", rampBound);
      }
      double rampSeconds = (System.nanoTime() - plan.startNanos()) / 1e9;
      JsonObject ramp = snapshotAll(shards, Shard::counts);
      log("ramp done in %.1f s: %d registered, %d failed", rampSeconds,
          ramp.getLong("registered", 0L), ramp.getLong("registrationFailures", 0L));

      long windowStart = System.nanoTime() + TimeUnit.SECONDS.toNanos(settleSeconds);
      long windowEnd = windowStart + TimeUnit.SECONDS.toNanos(durationSeconds);
      for (Shard s : shards) s.context().runOnContext(v -> s.measure(windowStart, windowEnd));
      sleepUntil(windowEnd + TimeUnit.MILLISECONDS.toNanos(100));
      // grace: the last heartbeats of the window get up to the ack timeout, usually far less
      long graceEnd = windowEnd + TimeUnit.MILLISECONDS.toNanos(ackTimeoutMs);
      while (System.nanoTime() < graceEnd && snapshotAll(shards, Shard::pendingCount).getLong("pending", 0L) > 0) {
        TimeUnit.MILLISECONDS.sleep(100);
      }

      JsonObject result = snapshotAll(shards, Shard::finish)
          .put("gateway", gateway.toString())
          .put("shard", shard)
          .put("processes", 1)
          .put("heartbeatMs", heartbeatMs)
          .put("durationSeconds", durationSeconds)
          .put("settleSeconds", settleSeconds)
          .put("rampSeconds", Math.round(rampSeconds * 10) / 10.0)
          .put("finishedAt", Instant.now().toString());
      write(out, result);
      LogLinearHistogram h = LogLinearHistogram.fromJson(result.getJsonObject("heartbeatLatencyNanos"));
      log("window done: %d heartbeats, %d acked, %d missing, p50 %.2f ms, p99 %.2f ms, max %.2f ms; wrote %s",
          result.getLong("heartbeatsSent"), result.getLong("acks"), result.getLong("acksMissing"),
          h.percentile(50) / 1e6, h.percentile(99) / 1e6, h.max() / 1e6, out);

      if (holdSeconds > 0) {
        log("holding %d connections for up to %d s (SIGTERM ends the hold)", result.getLong("stillConnected"), holdSeconds);
        release.await(holdSeconds, TimeUnit.SECONDS);
      }
      try {
        Future.all(shards.stream().map(s -> onContext(s, s::closeAll)).toList()).await(10, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        log("not every connection closed within 10 s");
      }
      return 0;
    } finally {
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        log("vert.x did not close within 10 s");
      }
      closed.countDown();
    }
  }

  /** Runs {@code action} on each shard's own event loop and merges what they return. */
  private static JsonObject snapshotAll(List<Shard> shards, java.util.function.Function<Shard, JsonObject> action)
      throws TimeoutException {
    JsonObject merged = new JsonObject();
    for (Shard s : shards) {
      JsonObject one = onContext(s, () -> Future.succeededFuture(action.apply(s))).await(30, TimeUnit.SECONDS);
      merged = Results.merge(merged, one);
    }
    return merged;
  }

  private static <T> Future<T> onContext(Shard s, java.util.function.Supplier<Future<T>> action) {
    Context ctx = s.context();
    Promise<T> p = Promise.promise();
    ctx.runOnContext(v -> action.get().onComplete(p));
    return p.future();
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) TimeUnit.NANOSECONDS.sleep(Math.min(left, 1_000_000_000L));
  }

  /** Written to a temporary file first: a reader polling for {@code out} never sees half a file. */
  private static void write(Path out, JsonObject result) throws IOException {
    Path abs = out.toAbsolutePath();
    if (abs.getParent() != null) Files.createDirectories(abs.getParent());
    Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
    Files.writeString(tmp, result.encodePrettily(), StandardCharsets.UTF_8);
    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static void log(String format, Object... args) {
    System.err.println(Instant.now() + " host-fleet: " + String.format(format, args));
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new HostFleet()).execute(args));
  }
}

package io.respool.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.respool.protocol.RespoolException;
import io.respool.protocol.crypto.Base58;
import io.respool.protocol.crypto.Ed25519;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.host.HostFrames;
import io.respool.protocol.host.HostInfo;
import io.respool.protocol.host.Inventory;
import io.respool.protocol.host.Payout;
import io.respool.protocol.host.Prices;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The simulated hosts of one event loop: hosts g = loop, loop + loops, … of the process. Every
 * field is touched on this verticle's event loop only, so nothing here is synchronized; the main
 * thread reads results through {@link #context()}.
 */
final class Shard extends VerticleBase {
  /** What every shard of a process shares. {@code startNanos} is the ramp's time zero. */
  record Plan(String host, int port, String path, int hosts, double rampPerSecond, int maxPending, long heartbeatMs,
      int shardIndex, int shardCount, long registerTimeoutMs, long ackTimeoutMs, long startNanos) {

    long connectAtNanos(int g) { return (long) (g * 1e9 / rampPerSecond); }

    /**
     * Heartbeat phase (ms into each interval) of host g: the fleet's hosts over all processes,
     * numbered g·k + p, sit evenly spaced on the interval, so the gateway sees a steady rate
     * rather than bursts.
     */
    long phaseMs(int g) {
      long fleetIndex = (long) g * shardCount + shardIndex;
      long fleetSize = (long) hosts * shardCount;
      return fleetIndex * heartbeatMs / fleetSize;
    }
  }

  private enum State { CONNECTING, BACKING_OFF, REGISTERED, FAILED, DISCONNECTED, DONE }

  /** A refused registration (gateway busy) is retried like the real worker does, at most this often. */
  private static final int MAX_RETRIES = 8;

  private static final class Host {
    final int g;
    State state = State.CONNECTING;
    String hostId;
    Ed25519.Keys keys;
    WebSocket ws;
    String registerId;
    long dialNanos;
    int retries;
    long timeoutTimer = -1;
    long heartbeatTimer = -1;
    long seq;
    /** In-window heartbeats awaiting their ack: frame id → send time. Usually 0 or 1 entry. */
    final Map<String, Long> pending = new HashMap<>(4);

    Host(int g) { this.g = g; }
  }

  private static final int MAX_REASONS = 20;

  private final Plan plan;
  private final int maxPending;
  private final List<Host> hosts = new ArrayList<>();
  private final Promise<Void> settled = Promise.promise();
  private WebSocketClient client;
  private int next;
  private int inFlight; // dialed, neither registered nor failed yet
  private int unsettled;
  private long rampTimer = -1;
  private long windowStart = Long.MAX_VALUE;
  private long windowEnd = Long.MAX_VALUE;

  // results
  private final LogLinearHistogram heartbeatLatency = new LogLinearHistogram();
  private final LogLinearHistogram registrationLatency = new LogLinearHistogram();
  private long registered;
  private long registrationFailures;
  private long registrationRetries;
  private final JsonObject registrationFailureReasons = new JsonObject();
  private long disconnects;
  private long disconnectsInWindow;
  private final JsonObject disconnectReasons = new JsonObject();
  private long heartbeatsSent;
  private long acks;
  private long acksMissing;
  private long heartbeatErrors;
  private final JsonObject heartbeatErrorCodes = new JsonObject();
  private long pings;
  private long badFrames;
  private long intervalMismatches;

  Shard(Plan plan, int loop, int loops) {
    this.plan = plan;
    this.maxPending = Math.max(1, (plan.maxPending() + loops - 1) / loops);
    for (int g = loop; g < plan.hosts(); g += loops) hosts.add(new Host(g));
    unsettled = hosts.size();
  }

  @Override
  public Future<?> start() {
    client = vertx.createWebSocketClient(new WebSocketClientOptions()
        // the default of 50 connections per server would queue every host after the 50th
        .setMaxConnections(Math.max(1, hosts.size()))
        .setMaxFrameSize(HostFrames.MAX_FRAME_BYTES)
        .setMaxMessageSize(HostFrames.MAX_FRAME_BYTES)
        .setConnectTimeout((int) plan.registerTimeoutMs())
        .setClosingTimeout(3));
    if (hosts.isEmpty()) settled.tryComplete();
    // one 10 ms ticker launches whatever is due, instead of thousands of one-shot timers
    rampTimer = vertx.setPeriodic(10, t -> launchDue());
    launchDue();
    return Future.succeededFuture();
  }

  Context context() { return context; }

  Future<Void> settled() { return settled.future(); }

  void measure(long start, long end) {
    windowStart = start;
    windowEnd = end;
  }

  private boolean inWindow(long t) { return t >= windowStart && t < windowEnd; }

  private void launchDue() {
    long elapsed = System.nanoTime() - plan.startNanos();
    while (next < hosts.size() && inFlight < maxPending && plan.connectAtNanos(hosts.get(next).g) <= elapsed) {
      inFlight++;
      dial(hosts.get(next++));
    }
    if (next == hosts.size()) vertx.cancelTimer(rampTimer);
  }

  private void dial(Host h) {
    if (h.keys == null) { // a retry keeps the host's identity and its first dial time
      h.keys = Ed25519.generate();
      h.hostId = h.keys.publicKeyBase58();
      h.dialNanos = System.nanoTime();
    }
    h.timeoutTimer = vertx.setTimer(plan.registerTimeoutMs(), t -> failRegistration(h, "no registration within " + plan.registerTimeoutMs() + " ms"));
    client.connect(new WebSocketConnectOptions().setHost(plan.host()).setPort(plan.port()).setURI(plan.path())
            .setConnectTimeout(plan.registerTimeoutMs()))
        .onComplete(ar -> {
          if (ar.failed()) {
            failRegistration(h, "connect: " + describe(ar.cause()));
            return;
          }
          WebSocket ws = ar.result();
          if (h.state != State.CONNECTING) { // timed out while dialing
            ws.close((short) 1001, "abandoned");
            return;
          }
          h.ws = ws;
          ws.textMessageHandler(text -> { if (h.ws == ws) onText(h, text); });
          ws.closeHandler(v -> { if (h.ws == ws) onClose(h); });
          ws.exceptionHandler(e -> { }); // the close handler follows and counts it
        });
  }

  private void onText(Host h, String text) {
    if (h.state == State.DONE) return;
    HostFrame frame;
    try {
      frame = HostFrames.decode(text);
    } catch (RespoolException e) {
      badFrames++;
      return;
    }
    switch (frame) {
      case HostFrame.Challenge c -> onChallenge(h, c);
      case HostFrame.Registered r -> onRegistered(h, r);
      case HostFrame.Ack a -> onAck(h, a);
      case HostFrame.Error e -> onError(h, e);
      case HostFrame.Ping p -> {
        pings++;
        send(h, new HostFrame.Pong(p.id()));
      }
      default -> badFrames++;
    }
  }

  private void onChallenge(Host h, HostFrame.Challenge c) {
    if (h.registerId != null || h.state != State.CONNECTING) return;
    h.registerId = "reg-" + h.g;
    byte[] signature = h.keys.sign(HostFrame.Register.signingText(h.hostId, c.nonce()).getBytes(UTF_8));
    send(h, new HostFrame.Register(h.registerId, h.hostId, c.nonce(), Base58.encode(signature), hostInfo(h.g)));
  }

  private void onRegistered(Host h, HostFrame.Registered r) {
    if (h.state != State.CONNECTING || !h.registerId.equals(r.re())) return;
    if (!h.hostId.equals(r.hostId())) {
      failRegistration(h, "registered under another host id");
      return;
    }
    vertx.cancelTimer(h.timeoutTimer);
    h.state = State.REGISTERED;
    registered++;
    registrationLatency.record(System.nanoTime() - h.dialNanos);
    if (r.heartbeatIntervalMs() != plan.heartbeatMs()) intervalMismatches++;
    // first beat at this host's phase of the wall-clock interval, which all processes share
    long interval = plan.heartbeatMs();
    long delay = Math.floorMod(plan.phaseMs(h.g) - System.currentTimeMillis(), interval);
    h.heartbeatTimer = vertx.setPeriodic(delay == 0 ? interval : delay, interval, t -> heartbeat(h));
    settleOne();
  }

  private void heartbeat(Host h) {
    if (h.state != State.REGISTERED) return;
    long now = System.nanoTime();
    expire(h, now);
    String id = "hb-" + ++h.seq;
    if (inWindow(now)) {
      heartbeatsSent++;
      h.pending.put(id, now);
    }
    send(h, new HostFrame.Heartbeat(id, h.hostId, h.seq));
  }

  private void onAck(Host h, HostFrame.Ack a) {
    Long sent = h.pending.remove(a.re());
    if (sent == null) return; // outside the window, or already counted missing
    acks++;
    heartbeatLatency.record(System.nanoTime() - sent);
  }

  /** Heartbeats unacked for longer than the ack timeout are missing; a late ack no longer counts. */
  private void expire(Host h, long now) {
    long limit = TimeUnit.MILLISECONDS.toNanos(plan.ackTimeoutMs());
    for (Iterator<Long> it = h.pending.values().iterator(); it.hasNext(); ) {
      if (now - it.next() > limit) {
        it.remove();
        acksMissing++;
      }
    }
  }

  private void onError(Host h, HostFrame.Error e) {
    if (h.state == State.CONNECTING && "unavailable".equals(e.code()) && h.retries < MAX_RETRIES) {
      retry(h);
    } else if (h.state == State.CONNECTING) {
      failRegistration(h, "refused: " + e.code());
    } else if (h.pending.remove(e.re()) != null) {
      heartbeatErrors++;
      count(heartbeatErrorCodes, e.code());
    }
  }

  /** Drops the refused connection and dials again after a full-jitter backoff, as the worker does. */
  private void retry(Host h) {
    registrationRetries++;
    h.retries++;
    h.state = State.BACKING_OFF;
    vertx.cancelTimer(h.timeoutTimer);
    WebSocket refused = h.ws;
    h.ws = null;
    h.registerId = null;
    if (refused != null && !refused.isClosed()) refused.close((short) 1000, "retrying");
    long ceiling = 250L << Math.min(h.retries, 5);
    vertx.setTimer(1 + java.util.concurrent.ThreadLocalRandom.current().nextLong(ceiling), t -> {
      h.state = State.CONNECTING;
      dial(h);
    });
  }

  private void onClose(Host h) {
    switch (h.state) {
      case CONNECTING -> failRegistration(h, "closed" + closeDetail(h.ws));
      case REGISTERED -> {
        h.state = State.DISCONNECTED;
        vertx.cancelTimer(h.heartbeatTimer);
        disconnects++;
        long now = System.nanoTime();
        if (now < windowEnd && windowStart != Long.MAX_VALUE) disconnectsInWindow++;
        count(disconnectReasons, "closed" + closeDetail(h.ws));
        acksMissing += h.pending.size(); // they will never be acked
        h.pending.clear();
      }
      default -> { }
    }
  }

  private void failRegistration(Host h, String reason) {
    if (h.state != State.CONNECTING) return;
    h.state = State.FAILED;
    vertx.cancelTimer(h.timeoutTimer);
    registrationFailures++;
    count(registrationFailureReasons, reason);
    if (h.ws != null && !h.ws.isClosed()) h.ws.close((short) 1001, "registration failed");
    settleOne();
  }

  private void settleOne() {
    inFlight--;
    if (--unsettled == 0) settled.tryComplete();
    else if (next < hosts.size()) launchDue(); // a slot is free: do not wait for the next tick
  }

  private void send(Host h, HostFrame frame) {
    if (h.ws != null && !h.ws.isClosed()) h.ws.writeTextMessage(HostFrames.encode(frame));
  }

  /** Counts while the ramp runs (the window is not over yet). */
  JsonObject counts() {
    return new JsonObject().put("registered", registered).put("registrationFailures", registrationFailures);
  }

  /** In-window heartbeats still awaiting their ack. */
  JsonObject pendingCount() {
    long pending = 0;
    for (Host h : hosts) pending += h.pending.size();
    return new JsonObject().put("pending", pending);
  }

  /** After the window and its grace: whatever is still unacked is missing. */
  JsonObject finish() {
    long connected = 0;
    for (Host h : hosts) {
      acksMissing += h.pending.size();
      h.pending.clear();
      if (h.state == State.REGISTERED) connected++;
    }
    windowStart = windowEnd = Long.MIN_VALUE; // stop counting anything as in-window
    return new JsonObject()
        .put("hosts", hosts.size())
        .put("registered", registered)
        .put("registrationFailures", registrationFailures)
        .put("registrationRetries", registrationRetries)
        .put("registrationFailureReasons", registrationFailureReasons.copy())
        .put("disconnects", disconnects)
        .put("disconnectsInWindow", disconnectsInWindow)
        .put("disconnectReasons", disconnectReasons.copy())
        .put("stillConnected", connected)
        .put("heartbeatsSent", heartbeatsSent)
        .put("acks", acks)
        .put("acksMissing", acksMissing)
        .put("heartbeatErrors", heartbeatErrors)
        .put("heartbeatErrorCodes", heartbeatErrorCodes.copy())
        .put("pings", pings)
        .put("badFrames", badFrames)
        .put("intervalMismatches", intervalMismatches)
        .put("heartbeatLatencyNanos", heartbeatLatency.toJson())
        .put("registrationLatencyNanos", registrationLatency.toJson());
  }

  /** Closes every connection normally (1000), so the gateway marks the hosts offline at once. */
  Future<Void> closeAll() {
    vertx.cancelTimer(rampTimer);
    List<Future<Void>> closing = new ArrayList<>();
    for (Host h : hosts) {
      vertx.cancelTimer(h.timeoutTimer);
      vertx.cancelTimer(h.heartbeatTimer);
      h.state = State.DONE;
      if (h.ws != null && !h.ws.isClosed()) closing.add(h.ws.close((short) 1000, "benchmark over"));
    }
    return Future.join(closing).<Void>mapEmpty().otherwiseEmpty().eventually(() -> client.close());
  }

  /** A small, plausible host: a few shapes of machine so the registry holds varied rows. */
  private static HostInfo hostInfo(int g) {
    int cores = 4 << (g % 4); // 4, 8, 16, 32
    List<Inventory.Gpu> gpus = g % 5 == 0 ? List.of(new Inventory.Gpu(0, "NVIDIA RTX 4090", 24_564, null)) : List.of();
    Inventory inv = new Inventory(cores, cores * 2, "AMD EPYC 7B13", cores * 4096L, 500,
        List.of(new Inventory.Disk("/dev/nvme0n1", 500, 420)), gpus, "Ubuntu 24.04", "x86_64");
    Prices prices = new Prices("USDC", 12_000, 1_500, 40, gpus.isEmpty() ? Map.of() : Map.of("NVIDIA RTX 4090", 350_000L));
    return new HostInfo("bench-" + (g % 3), inv, prices, new Payout(null, null), List.of("docker"), "bench-0.1.0");
  }

  private static void count(JsonObject reasons, String reason) {
    String key = reason.length() > 100 ? reason.substring(0, 100) : reason;
    if (!reasons.containsKey(key) && reasons.size() >= MAX_REASONS) key = "other";
    reasons.put(key, reasons.getLong(key, 0L) + 1);
  }

  private static String closeDetail(WebSocket ws) {
    if (ws == null || ws.closeStatusCode() == null) return " (no close frame)";
    String reason = ws.closeReason();
    return " (" + ws.closeStatusCode() + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")";
  }

  private static String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}

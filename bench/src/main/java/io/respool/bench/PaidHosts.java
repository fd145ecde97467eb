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
import io.respool.protocol.task.TaskState;
import io.respool.protocol.task.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Simulated hosts that are paid through an escrow: each registers on the real control channel with
 * its own ed25519 key, in its own region, pricing in {@code currency} and paid out at an Ethereum
 * address; heartbeats; and answers {@code task.start} with RUNNING and {@code task.stop} with EXITED
 * at once, as a worker whose task starts and stops instantly would. Nothing is metered by the hosts:
 * the gateway bills a booking's RUNNING time by its own clock. Runs on the Vert.x context of
 * {@link #start}.
 */
final class PaidHosts {
  private final Vertx vertx;
  private final String gatewayHost;
  private final int gatewayPort;
  private final String currency;
  private final long cpuCoreHour;
  private final List<Host> hosts = new ArrayList<>();
  private final Map<String, Instant> started = new ConcurrentHashMap<>();
  private WebSocketClient client;
  final AtomicLong starts = new AtomicLong();
  final AtomicLong stops = new AtomicLong();
  final AtomicLong disconnects = new AtomicLong();

  private final class Host {
    final String region;
    final String payout;
    final Ed25519.Keys keys = Ed25519.generate();
    final String hostId = keys.publicKeyBase58();
    WebSocket ws;
    long heartbeats;
    long timer = -1;
    boolean registered;

    Host(String region, String payout) {
      this.region = region;
      this.payout = payout;
    }
  }

  /** One host per payout address, in regions {@code regionPrefix + i}. */
  PaidHosts(Vertx vertx, String gatewayHost, int gatewayPort, String regionPrefix, List<String> payouts, String currency, long cpuCoreHour) {
    this.vertx = vertx;
    this.gatewayHost = gatewayHost;
    this.gatewayPort = gatewayPort;
    this.currency = currency;
    this.cpuCoreHour = cpuCoreHour;
    for (int i = 0; i < payouts.size(); i++) hosts.add(new Host(regionPrefix + i, payouts.get(i)));
  }

  String region(int i) { return hosts.get(i).region; }

  int size() { return hosts.size(); }

  /** Connects and registers every host; fails with the first refusal. */
  Future<Void> start() {
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(hosts.size() + 1)
        .setMaxFrameSize(HostFrames.MAX_FRAME_BYTES).setMaxMessageSize(HostFrames.MAX_FRAME_BYTES).setClosingTimeout(3));
    List<Future<Void>> all = new ArrayList<>();
    for (Host h : hosts) all.add(connect(h));
    return Future.all(all).mapEmpty();
  }

  private Future<Void> connect(Host h) {
    Promise<Void> registered = Promise.promise();
    client.connect(new WebSocketConnectOptions().setHost(gatewayHost).setPort(gatewayPort).setURI("/v1/hosts/connect")).onComplete(ar -> {
      if (ar.failed()) {
        registered.tryFail("host " + h.region + ": connect: " + ar.cause().getMessage());
        return;
      }
      h.ws = ar.result();
      h.ws.textMessageHandler(text -> onText(h, text, registered));
      h.ws.closeHandler(v -> {
        if (h.registered) disconnects.incrementAndGet();
        registered.tryFail("host " + h.region + ": closed " + h.ws.closeStatusCode() + " " + h.ws.closeReason());
        vertx.cancelTimer(h.timer);
      });
    });
    return registered.future();
  }

  private void onText(Host h, String text, Promise<Void> registered) {
    HostFrame frame;
    try {
      frame = HostFrames.decode(text);
    } catch (RespoolException e) {
      return;
    }
    switch (frame) {
      case HostFrame.Challenge c -> {
        byte[] sig = h.keys.sign(HostFrame.Register.signingText(h.hostId, c.nonce()).getBytes(UTF_8));
        send(h, HostFrames.encode(new HostFrame.Register("reg", h.hostId, c.nonce(), Base58.encode(sig), info(h))));
      }
      case HostFrame.Registered r -> {
        h.registered = true;
        h.timer = vertx.setPeriodic(r.heartbeatIntervalMs(), t ->
            send(h, HostFrames.encode(new HostFrame.Heartbeat("hb" + ++h.heartbeats, h.hostId, h.heartbeats))));
        registered.tryComplete();
      }
      case HostFrame.Error e -> {
        if (!h.registered) registered.tryFail("host " + h.region + " refused: " + e.code() + " " + e.message());
      }
      case HostFrame.Ping p -> send(h, HostFrames.encode(new HostFrame.Pong(p.id())));
      case HostFrame.TaskStart s -> {
        starts.incrementAndGet();
        started.putIfAbsent(s.spec().taskId(), Instant.now());
        answer(h, s.id(), s.spec().taskId(), s.spec().bookingId(), TaskState.RUNNING, null);
      }
      case HostFrame.TaskResume s -> answer(h, s.id(), s.taskId(), bookingOf(s.taskId()), TaskState.RUNNING, null);
      case HostFrame.TaskInspect s -> answer(h, s.id(), s.taskId(), bookingOf(s.taskId()), TaskState.RUNNING, null);
      case HostFrame.TaskStop s -> {
        stops.incrementAndGet();
        answer(h, s.id(), s.taskId(), bookingOf(s.taskId()), TaskState.EXITED, 143);
      }
      case HostFrame.TaskRemove s -> answer(h, s.id(), s.taskId(), bookingOf(s.taskId()), TaskState.EXITED, 143);
      case HostFrame.TaskLogs s -> send(h, HostFrames.encode(new HostFrame.TaskOutput(s.id(), s.taskId(), "", "", false)));
      default -> { }
    }
  }

  /** Task ids are {@code <bookingId>-r<replica>p<part>a<attempt>}. */
  private static String bookingOf(String taskId) {
    return taskId.replaceAll("-r\\d+p\\d+a\\d+$", "");
  }

  private void answer(Host h, String re, String taskId, String bookingId, TaskState state, Integer exitCode) {
    Instant since = started.getOrDefault(taskId, Instant.now());
    send(h, HostFrames.encode(new HostFrame.TaskUpdate(null, re, new TaskStatus(taskId, bookingId, state, exitCode, false,
        exitCode == null ? null : "stopped (killed by signal 15)", Map.of(), since, state.isFinal() ? Instant.now() : null))));
  }

  private HostInfo info(Host h) {
    Inventory inv = new Inventory(64, 128, "AMD EPYC 7B13", 262_144, 2_000, List.of(new Inventory.Disk("/dev/nvme0n1", 2_000, 1_900)), List.of(),
        "Ubuntu 24.04", "x86_64");
    return new HostInfo(h.region, inv, new Prices(currency, cpuCoreHour, 0, 0, Map.of()), new Payout(h.payout, null), List.of("process"),
        "bench-0.1.0");
  }

  private void send(Host h, String text) {
    if (h.ws != null && !h.ws.isClosed()) h.ws.writeTextMessage(text);
  }

  Future<Void> close() {
    List<Future<Void>> all = new ArrayList<>();
    for (Host h : hosts) {
      vertx.cancelTimer(h.timer);
      if (h.ws != null && !h.ws.isClosed()) all.add(h.ws.close().otherwiseEmpty());
    }
    return Future.all(all).otherwiseEmpty().compose(x -> client == null ? Future.succeededFuture() : client.close());
  }
}

package io.respool.it;

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
import io.respool.protocol.task.UsageSample;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A simulated host for the chaos suite that speaks the real control protocol (ed25519 registration,
 * heartbeats, task frames answered at once) and meters its tasks with one sample per task a second,
 * keeping every sample until a gateway acks the frame holding it (sent again after a reconnect, as
 * the worker does) — and it records every (task, seq) a gateway acked, so the suite can check that
 * each acked sample is stored. It dials the nodes in turn and fails over when its connection drops.
 * Everything but {@link #acked} runs on its own Vert.x context.
 */
final class RecordingHost implements AutoCloseable {
  /** A sample a gateway acked: its task and sequence number. */
  record Acked(String taskId, long seq) {}

  final Ed25519.Keys keys = Ed25519.generate();
  final String hostId = keys.publicKeyBase58();
  final Set<Acked> acked = ConcurrentHashMap.newKeySet();
  private final Vertx vertx = Vertx.vertx();
  private final WebSocketClient client = vertx.createWebSocketClient();
  private final List<Integer> ports;
  private final HostInfo info;
  private final Map<String, String> running = new LinkedHashMap<>(); // task id → booking id
  private final Map<String, Long> seqs = new HashMap<>();
  private final LinkedHashMap<Acked, UsageSample> unacked = new LinkedHashMap<>();
  private final Map<String, List<Acked>> inFlight = new HashMap<>();
  private WebSocket ws;
  private boolean registered;
  private int dial;
  private long frames;
  private long heartbeats;
  private volatile boolean closed;

  RecordingHost(List<Integer> ports, String region, Prices prices, String payoutEthereum) {
    this.ports = ports;
    Inventory inv = new Inventory(32, 64, "Simulated CPU", 65536, 100, List.of(new Inventory.Disk("/", 200, 100)), List.of(), "Linux", "x86_64");
    this.info = new HostInfo(region, inv, prices, new Payout(payoutEthereum, null), List.of("process"), "chaos");
    vertx.runOnContext(v -> connect());
    vertx.setPeriodic(1000, t -> tick());
  }

  /** Whether a gateway has this host registered on a live connection now. */
  boolean online() {
    return vertx.executeBlocking(() -> registered, false).toCompletionStage().toCompletableFuture().join();
  }

  /** Samples kept for the gateway (not acked yet). */
  int unackedCount() {
    return vertx.executeBlocking(unacked::size, false).toCompletionStage().toCompletableFuture().join();
  }

  private void connect() {
    if (closed) return;
    int port = ports.get(dial++ % ports.size());
    client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/v1/hosts/connect")).onComplete(ar -> {
      if (ar.failed()) {
        vertx.setTimer(300, t -> connect());
        return;
      }
      ws = ar.result();
      ws.textMessageHandler(this::onText);
      ws.exceptionHandler(e -> { });
      ws.closeHandler(v -> {
        ws = null;
        registered = false;
        inFlight.clear(); // nothing is in flight on the next connection: every unacked sample goes again
        vertx.setTimer(300, t -> connect());
      });
    });
  }

  private void send(HostFrame f) {
    if (ws != null) ws.writeTextMessage(HostFrames.encode(f));
  }

  private void onText(String text) {
    HostFrame frame;
    try {
      frame = HostFrames.decode(text);
    } catch (RespoolException e) {
      return;
    }
    switch (frame) {
      case HostFrame.Challenge c -> send(new HostFrame.Register("reg", hostId, c.nonce(),
          Base58.encode(keys.sign(HostFrame.Register.signingText(hostId, c.nonce()).getBytes(UTF_8))), info));
      case HostFrame.Registered r -> {
        registered = true;
        // a gateway that lost this connection may still think the tasks are starting: say where they are
        running.forEach((task, booking) -> send(new HostFrame.TaskUpdate("u" + ++frames, null, status(task, booking, TaskState.RUNNING))));
      }
      case HostFrame.Ack a -> {
        List<Acked> samples = inFlight.remove(a.re());
        if (samples != null) {
          for (Acked k : samples) unacked.remove(k);
          acked.addAll(samples);
        }
      }
      case HostFrame.Error e -> {
        if (e.re() != null) inFlight.remove(e.re()); // refused for now: sent again with the next tick
      }
      case HostFrame.Ping p -> send(new HostFrame.Pong(p.id()));
      case HostFrame.TaskStart s -> {
        running.put(s.spec().taskId(), s.spec().bookingId());
        send(new HostFrame.TaskUpdate(null, s.id(), status(s.spec().taskId(), s.spec().bookingId(), TaskState.RUNNING)));
      }
      case HostFrame.TaskResume s -> {
        running.put(s.taskId(), bookingOf(s.taskId()));
        send(new HostFrame.TaskUpdate(null, s.id(), status(s.taskId(), bookingOf(s.taskId()), TaskState.RUNNING)));
      }
      case HostFrame.TaskInspect s -> send(new HostFrame.TaskUpdate(null, s.id(), status(s.taskId(), bookingOf(s.taskId()),
          running.containsKey(s.taskId()) ? TaskState.RUNNING : TaskState.EXITED)));
      case HostFrame.TaskStop s -> {
        String booking = bookingOf(s.taskId());
        running.remove(s.taskId());
        send(new HostFrame.TaskUpdate(null, s.id(), status(s.taskId(), booking, TaskState.EXITED)));
      }
      case HostFrame.TaskRemove s -> send(new HostFrame.TaskUpdate(null, s.id(), status(s.taskId(), bookingOf(s.taskId()), TaskState.EXITED)));
      case HostFrame.TaskLogs s -> send(new HostFrame.TaskOutput(s.id(), s.taskId(), "", "", false));
      default -> { }
    }
  }

  private String bookingOf(String taskId) {
    String b = running.get(taskId);
    return b != null ? b : taskId.replaceAll("-r\\d+p\\d+a\\d+$", "");
  }

  private static TaskStatus status(String taskId, String bookingId, TaskState state) {
    boolean end = state.isFinal();
    return new TaskStatus(taskId, bookingId, state, end ? 143 : null, false, end ? "stopped (killed by signal 15)" : null, Map.of(),
        Instant.now(), end ? Instant.now() : null, List.of());
  }

  /** Each second: a heartbeat, one new sample per running task, and a frame with every sample not in flight. */
  private void tick() {
    Instant now = Instant.now();
    for (String task : running.keySet()) {
      long seq = seqs.merge(task, 1L, Long::sum);
      unacked.put(new Acked(task, seq), new UsageSample(task, seq, now, 0.01 * seq, 1 << 20, null, 0, 0, 0, 0, null));
    }
    if (!registered) return;
    send(new HostFrame.Heartbeat("hb" + ++heartbeats, hostId, heartbeats));
    Set<Acked> busy = new java.util.HashSet<>();
    inFlight.values().forEach(busy::addAll);
    List<Acked> keys = new ArrayList<>();
    List<UsageSample> batch = new ArrayList<>();
    for (Map.Entry<Acked, UsageSample> e : unacked.entrySet()) {
      if (busy.contains(e.getKey())) continue;
      keys.add(e.getKey());
      batch.add(e.getValue());
      if (batch.size() == HostFrame.Usage.MAX_SAMPLES) break;
    }
    if (batch.isEmpty()) return;
    String id = "usage" + ++frames;
    inFlight.put(id, keys);
    send(new HostFrame.Usage(id, batch));
  }

  @Override
  public void close() throws Exception {
    closed = true;
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}

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
import io.respool.protocol.task.UsageSample;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Simulated hosts that run bookings' tasks and meter them, as a host-worker does: each registers
 * with its own ed25519 key, heartbeats, answers the gateway's {@code task.start} (and stop,
 * resume, inspect, remove, logs) at once with the status a worker would report, and streams
 * {@code task.usage} frames for its tasks. A frame holds {@code S} samples taken round-robin over
 * the host's tasks, each task's {@code seq} running 1, 2, 3… across frames, so consecutive frames of
 * a host carry the same tasks — like a worker batching several sampling ticks, or catching up on a
 * backlog with several frames in flight.
 *
 * <p>Pacing is per {@link Step}: open loop at a fleet-wide rate of samples per second (frame n of
 * host h is due at a fixed instant, spread evenly over hosts; at most {@code inFlight} frames of a
 * host are unacked, a frame that finds no free slot waits and its latency counts from when it was
 * due, so a saturated gateway shows as latency, not as a lower offered load), or closed loop
 * ({@code inFlight} frames per host always outstanding). A frame answered with {@code error} is sent
 * again, as the worker does; a frame is never sent again after a timeout.
 *
 * <p>Everything runs on the one context that calls {@link #start}; nothing is synchronized.
 */
final class MeteredFleet {
  /** How the fleet reaches the gateway and what its hosts look like. */
  record Settings(String host, int port, int hosts, String regionPrefix, int maxPendingRegistrations, long registerTimeoutMs,
      long ackTimeoutMs) {}

  /** Told about tasks starting and frames acked (for the cost-event delays). */
  interface Listener {
    void taskStarted(Task t);

    /** {@code count} samples of {@code t} were acked at {@code ackNanos}; sent at {@code sentNanos}. */
    void acked(Task t, int count, long sentNanos, long ackNanos, boolean inWindow);
  }

  /** A task a host runs for a booking, and its meter. */
  static final class Task {
    final String taskId;
    final String bookingId;
    final Host host;
    long seq;          // last sequence number put in a frame
    long acked;        // samples acked by the gateway (each sample is acked at most once)
    long cpuMicros;
    long rx;
    long tx;
    long written;
    long lastAtMillis;
    final Instant startedAt = Instant.now();

    Task(String taskId, String bookingId, Host host) {
      this.taskId = taskId;
      this.bookingId = bookingId;
      this.host = host;
    }
  }

  /** One step's pacing and what it measured. */
  static final class Step {
    final long rate;          // samples per second over the fleet; 0 = closed loop
    final int samplesPerFrame;
    final int inFlight;
    final long startNanos;
    final long windowStart;
    final long windowEnd;
    boolean sending = true;
    long framesSent;
    long samplesSent;
    long framesAcked;         // acked inside the window
    long samplesAcked;
    long framesAckedAll;      // acked at any time during the step
    long retries;
    long lostFrames;          // no answer within the ack timeout
    long maxLateNanos;        // open loop: how late the latest frame left
    final JsonObject errors = new JsonObject();
    final LogLinearHistogram latency = new LogLinearHistogram(); // due (or sent) → ack, frames due in the window

    Step(long rate, int samplesPerFrame, int inFlight, long startNanos, long warmupNanos, long windowNanos) {
      this.rate = rate;
      this.samplesPerFrame = samplesPerFrame;
      this.inFlight = inFlight;
      this.startNanos = startNanos;
      this.windowStart = startNanos + warmupNanos;
      this.windowEnd = windowStart + windowNanos;
    }

    boolean inWindow(long t) { return t >= windowStart && t < windowEnd; }
  }

  private enum State { CONNECTING, REGISTERED, FAILED, CLOSED }

  /** A usage frame in flight. */
  private static final class Frame {
    final String id;
    final String text;
    final Task[] tasks;       // the task of each sample
    final long dueNanos;
    final boolean measured;   // due inside the window: its latency is recorded
    final Step step;
    long sentNanos;

    Frame(String id, String text, Task[] tasks, long dueNanos, boolean measured, Step step) {
      this.id = id;
      this.text = text;
      this.tasks = tasks;
      this.dueNanos = dueNanos;
      this.measured = measured;
      this.step = step;
    }
  }

  final class Host {
    final int index;
    final String region;
    final Ed25519.Keys keys = Ed25519.generate();
    final String hostId = keys.publicKeyBase58();
    State state = State.CONNECTING;
    WebSocket ws;
    long heartbeatTimer = -1;
    long heartbeats;
    final List<Task> tasks = new ArrayList<>();
    final Map<String, Task> byId = new HashMap<>();
    int cursor;
    long nextFrame;           // open loop: the next frame number of this step
    final Map<String, Frame> inFlight = new HashMap<>();
    final ArrayDeque<Frame> resend = new ArrayDeque<>();

    Host(int index) {
      this.index = index;
      this.region = settings.regionPrefix() + index;
    }
  }

  private final Vertx vertx;
  private final Settings settings;
  private final Listener listener;
  private final List<Host> hosts = new ArrayList<>();
  private WebSocketClient client;
  private final Promise<Void> settled = Promise.promise();
  private int nextToDial;
  private int dialing;
  private int unsettled;
  private long frameIds;
  private Step step;
  private long pacer = -1;
  private long sweeper = -1;

  // fleet-wide counts
  long registered;
  long registrationFailures;
  final JsonObject failureReasons = new JsonObject();
  long disconnects;
  final JsonObject disconnectReasons = new JsonObject();
  long taskStarts;
  long otherRequests;
  long badFrames;
  long heartbeatErrors;

  MeteredFleet(Vertx vertx, Settings settings, Listener listener) {
    this.vertx = vertx;
    this.settings = settings;
    this.listener = listener;
    for (int i = 0; i < settings.hosts(); i++) hosts.add(new Host(i));
    unsettled = hosts.size();
  }

  List<Host> hosts() { return hosts; }

  String region(int host) { return hosts.get(host).region; }

  /** Connects and registers every host, {@code maxPendingRegistrations} at a time; completes when all have settled. */
  Future<Void> start() {
    client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(Math.max(1, hosts.size()))
        .setMaxFrameSize(HostFrames.MAX_FRAME_BYTES)
        .setMaxMessageSize(HostFrames.MAX_FRAME_BYTES)
        .setConnectTimeout((int) settings.registerTimeoutMs())
        .setClosingTimeout(3));
    dialMore();
    sweeper = vertx.setPeriodic(1000, t -> expire());
    return settled.future();
  }

  private void dialMore() {
    while (nextToDial < hosts.size() && dialing < settings.maxPendingRegistrations()) {
      dialing++;
      dial(hosts.get(nextToDial++));
    }
  }

  private void dial(Host h) {
    long timer = vertx.setTimer(settings.registerTimeoutMs(), t -> failRegistration(h, "no registration within " + settings.registerTimeoutMs() + " ms"));
    client.connect(new WebSocketConnectOptions().setHost(settings.host()).setPort(settings.port()).setURI("/v1/hosts/connect"))
        .onComplete(ar -> {
          if (ar.failed()) {
            vertx.cancelTimer(timer);
            failRegistration(h, "connect: " + ar.cause().getMessage());
            return;
          }
          WebSocket ws = ar.result();
          if (h.state != State.CONNECTING) {
            ws.close((short) 1001, "abandoned");
            return;
          }
          h.ws = ws;
          ws.textMessageHandler(text -> onText(h, text, timer));
          ws.closeHandler(v -> onClose(h));
          ws.exceptionHandler(e -> { });
        });
  }

  private void onText(Host h, String text, long registerTimer) {
    HostFrame frame;
    try {
      frame = HostFrames.decode(text);
    } catch (RespoolException e) {
      badFrames++;
      return;
    }
    switch (frame) {
      case HostFrame.Challenge c -> {
        byte[] sig = h.keys.sign(HostFrame.Register.signingText(h.hostId, c.nonce()).getBytes(UTF_8));
        send(h, HostFrames.encode(new HostFrame.Register("reg", h.hostId, c.nonce(), Base58.encode(sig), hostInfo(h.region))));
      }
      case HostFrame.Registered r -> {
        vertx.cancelTimer(registerTimer);
        if (h.state != State.CONNECTING) return;
        h.state = State.REGISTERED;
        registered++;
        long every = r.heartbeatIntervalMs();
        h.heartbeatTimer = vertx.setPeriodic(1 + (h.index * 997L) % every, every, t ->
            send(h, HostFrames.encode(new HostFrame.Heartbeat("hb" + ++h.heartbeats, h.hostId, h.heartbeats))));
        settle();
      }
      case HostFrame.Ack a -> onAck(h, a.re());
      case HostFrame.Error e -> onError(h, e, registerTimer);
      case HostFrame.Ping p -> send(h, HostFrames.encode(new HostFrame.Pong(p.id())));
      case HostFrame.TaskStart s -> {
        taskStarts++;
        Task t = h.byId.get(s.spec().taskId());
        if (t == null) {
          t = new Task(s.spec().taskId(), s.spec().bookingId(), h);
          h.byId.put(t.taskId, t);
          h.tasks.add(t);
          listener.taskStarted(t);
        }
        answer(h, s.id(), t.taskId, t.bookingId, TaskState.RUNNING, null);
      }
      case HostFrame.TaskResume s -> {
        otherRequests++;
        answer(h, s.id(), s.taskId(), bookingOf(h, s.taskId()), TaskState.RUNNING, null);
      }
      case HostFrame.TaskInspect s -> {
        otherRequests++;
        answer(h, s.id(), s.taskId(), bookingOf(h, s.taskId()), TaskState.RUNNING, null);
      }
      case HostFrame.TaskStop s -> {
        otherRequests++;
        answer(h, s.id(), s.taskId(), bookingOf(h, s.taskId()), TaskState.EXITED, 143);
      }
      case HostFrame.TaskRemove s -> {
        otherRequests++;
        answer(h, s.id(), s.taskId(), bookingOf(h, s.taskId()), TaskState.EXITED, 143);
      }
      case HostFrame.TaskLogs s -> {
        otherRequests++;
        send(h, HostFrames.encode(new HostFrame.TaskOutput(s.id(), s.taskId(), "", "", false)));
      }
      default -> badFrames++;
    }
  }

  private static String bookingOf(Host h, String taskId) {
    Task t = h.byId.get(taskId);
    return t != null ? t.bookingId : taskId.replaceAll("-r\\d+p\\d+a\\d+$", "");
  }

  private void answer(Host h, String re, String taskId, String bookingId, TaskState state, Integer exitCode) {
    Task t = h.byId.get(taskId);
    Instant started = t != null ? t.startedAt : Instant.now();
    send(h, HostFrames.encode(new HostFrame.TaskUpdate(null, re, new TaskStatus(taskId, bookingId, state, exitCode, false,
        exitCode == null ? null : "stopped (killed by signal 15)", Map.of(), started, state.isFinal() ? Instant.now() : null))));
  }

  private void onError(Host h, HostFrame.Error e, long registerTimer) {
    if (h.state == State.CONNECTING) {
      vertx.cancelTimer(registerTimer);
      failRegistration(h, "refused: " + e.code() + " " + e.message());
      return;
    }
    Frame f = e.re() == null ? null : h.inFlight.remove(e.re());
    if (f == null) {
      if (e.re() != null && e.re().startsWith("hb")) heartbeatErrors++;
      else badFrames++;
      return;
    }
    count(f.step.errors, e.code() + ": " + e.message());
    f.step.retries++;
    h.resend.add(f); // a worker sends refused samples again
    pump(h, System.nanoTime());
  }

  private void onAck(Host h, String re) {
    Frame f = h.inFlight.remove(re);
    if (f == null) return; // a heartbeat's ack, or a frame already given up on
    long now = System.nanoTime();
    Step s = f.step;
    boolean inWindow = s.inWindow(now);
    s.framesAckedAll++;
    if (inWindow) {
      s.framesAcked++;
      s.samplesAcked += f.tasks.length;
    }
    if (f.measured) s.latency.record(Math.max(0, now - f.dueNanos));
    // group the frame's samples by task (they come round-robin, so runs of one task are rare)
    Task run = null;
    int n = 0;
    for (Task t : f.tasks) {
      t.acked++;
      if (t != run) {
        if (run != null) listener.acked(run, n, f.sentNanos, now, inWindow);
        run = t;
        n = 0;
      }
      n++;
    }
    if (run != null) listener.acked(run, n, f.sentNanos, now, inWindow);
    pump(h, now);
  }

  private void failRegistration(Host h, String reason) {
    if (h.state != State.CONNECTING) return;
    h.state = State.FAILED;
    registrationFailures++;
    count(failureReasons, reason);
    if (h.ws != null && !h.ws.isClosed()) h.ws.close((short) 1001, "registration failed");
    settle();
  }

  private void settle() {
    dialing--;
    if (--unsettled == 0) settled.tryComplete();
    else dialMore();
  }

  private void onClose(Host h) {
    if (h.state == State.CONNECTING) {
      failRegistration(h, "closed " + h.ws.closeStatusCode() + " " + h.ws.closeReason());
      return;
    }
    if (h.state != State.REGISTERED) return;
    h.state = State.CLOSED;
    vertx.cancelTimer(h.heartbeatTimer);
    disconnects++;
    count(disconnectReasons, "closed " + h.ws.closeStatusCode() + " " + h.ws.closeReason());
    for (Frame f : h.inFlight.values()) f.step.lostFrames++;
    h.inFlight.clear();
  }

  // --- steps ----------------------------------------------------------------------------------

  /** Starts pacing {@code s}; the previous step must be {@link #finish finished}. */
  void begin(Step s) {
    step = s;
    for (Host h : hosts) {
      h.nextFrame = 0;
      h.resend.clear();
    }
    long now = System.nanoTime();
    if (s.rate == 0) {
      for (Host h : hosts) pump(h, now);
    } else {
      pacer = vertx.setPeriodic(2, t -> {
        long at = System.nanoTime();
        for (Host h : hosts) pump(h, at);
      });
      for (Host h : hosts) pump(h, now);
    }
  }

  /** No new frames after this (frames already due in an open-loop step still go out). */
  void stopSending() {
    if (step != null) step.sending = false;
  }

  /** Frames of this step still unanswered. */
  int outstanding() {
    int n = 0;
    for (Host h : hosts) n += h.inFlight.size() + h.resend.size();
    return n;
  }

  /** Ends the step: whatever is still unanswered is lost. */
  void finish() {
    vertx.cancelTimer(pacer);
    pacer = -1;
    for (Host h : hosts) {
      step.lostFrames += h.inFlight.size() + h.resend.size();
      h.inFlight.clear();
      h.resend.clear();
    }
    step = null;
  }

  /** Sends what host {@code h} may send now. */
  private void pump(Host h, long now) {
    Step s = step;
    if (s == null || h.state != State.REGISTERED || h.tasks.isEmpty()) return;
    while (!h.resend.isEmpty() && h.inFlight.size() < s.inFlight) {
      Frame f = h.resend.poll();
      f.sentNanos = now;
      h.inFlight.put(f.id, f);
      send(h, f.text);
    }
    if (s.rate == 0) {
      while (s.sending && h.inFlight.size() < s.inFlight) sendNew(h, s, now, now);
      return;
    }
    // open loop: frame n of host h is due at start + phase(h) + n · period
    double period = 1e9 * s.samplesPerFrame * hosts.size() / s.rate;
    long phase = (long) (period * h.index / hosts.size());
    while (h.inFlight.size() < s.inFlight) {
      long due = s.startNanos + phase + (long) (period * h.nextFrame);
      if (due > now || !s.sending && due >= s.windowEnd) return;
      h.nextFrame++;
      s.maxLateNanos = Math.max(s.maxLateNanos, now - due);
      sendNew(h, s, due, now);
    }
  }

  private void sendNew(Host h, Step s, long due, long now) {
    Task[] tasks = new Task[s.samplesPerFrame];
    String id = "u" + ++frameIds;
    String text = encode(id, h, tasks);
    Frame f = new Frame(id, text, tasks, due, s.inWindow(due), s);
    f.sentNanos = now;
    s.framesSent++;
    s.samplesSent += tasks.length;
    h.inFlight.put(id, f);
    send(h, text);
  }

  /**
   * The next {@code tasks.length} samples of {@code h}, round-robin over its tasks, as a
   * {@code task.usage} frame. Written by hand rather than through Jackson so the load generator
   * spends as little of the shared cores as it can; {@link #checkEncoding} proves it decodes.
   */
  String encode(String id, Host h, Task[] tasks) {
    StringBuilder b = new StringBuilder(256 * tasks.length + 64);
    b.append("{\"v\":").append(HostFrames.VERSION).append(",\"type\":\"task.usage\",\"id\":\"").append(id).append("\",\"samples\":[");
    long nowMillis = System.currentTimeMillis();
    for (int i = 0; i < tasks.length; i++) {
      Task t = h.tasks.get(h.cursor);
      h.cursor = (h.cursor + 1) % h.tasks.size();
      tasks[i] = t;
      t.seq++;
      t.cpuMicros += 50_000;
      t.rx += 1_514;
      t.tx += 866;
      t.written += 4_096;
      t.lastAtMillis = Math.max(nowMillis, t.lastAtMillis + 1);
      if (i > 0) b.append(',');
      b.append("{\"taskId\":\"").append(t.taskId)
          .append("\",\"seq\":").append(t.seq)
          .append(",\"at\":\"").append(Instant.ofEpochMilli(t.lastAtMillis))
          .append("\",\"cpuSeconds\":").append(t.cpuMicros / 1e6)
          .append(",\"memoryBytes\":").append(12L * 1024 * 1024 + (t.seq % 64) * 4096)
          .append(",\"netRxBytes\":").append(t.rx)
          .append(",\"netTxBytes\":").append(t.tx)
          .append(",\"blockReadBytes\":0,\"blockWriteBytes\":").append(t.written)
          .append('}');
    }
    return b.append("]}").toString();
  }

  /**
   * Encodes one frame of {@code samples} samples with numbers as large as a long run makes them,
   * decodes it with the protocol's own codec and checks every field; returns its length in bytes.
   * Nothing of the fleet's state changes.
   */
  static int checkEncoding(int samples, String taskId) {
    MeteredFleet probe = new MeteredFleet(null, new Settings("127.0.0.1", 1, 1, "probe-", 1, 1, 1), new Listener() {
      public void taskStarted(Task t) { }
      public void acked(Task t, int count, long sentNanos, long ackNanos, boolean inWindow) { }
    });
    Host h = probe.hosts.get(0);
    Task t = new Task(taskId, "bk_probe", h);
    t.seq = 9_999_999;
    t.cpuMicros = 123_456_789_012L;
    t.rx = t.tx = t.written = 987_654_321_098L;
    h.tasks.add(t);
    Task[] tasks = new Task[samples];
    String text = probe.encode("u999999999", h, tasks);
    HostFrame decoded = HostFrames.decode(text);
    if (!(decoded instanceof HostFrame.Usage u) || u.samples().size() != samples) throw new IllegalStateException("frame does not decode as task.usage of " + samples);
    UsageSample last = u.samples().get(samples - 1);
    if (!last.taskId().equals(taskId) || last.seq() != t.seq || last.cpuSeconds() != t.cpuMicros / 1e6 || last.netRxBytes() != t.rx
        || last.blockWriteBytes() != t.written || last.gpuUtilization() != null) {
      throw new IllegalStateException("a sample does not decode to what was encoded: " + last);
    }
    return text.getBytes(UTF_8).length;
  }

  /** Gives up on frames unanswered for longer than the ack timeout (they are lost, not resent). */
  private void expire() {
    long limit = TimeUnit.MILLISECONDS.toNanos(settings.ackTimeoutMs());
    long now = System.nanoTime();
    for (Host h : hosts) {
      for (Iterator<Frame> it = h.inFlight.values().iterator(); it.hasNext(); ) {
        Frame f = it.next();
        if (now - f.sentNanos > limit) {
          it.remove();
          f.step.lostFrames++;
        }
      }
    }
  }

  /** Closes every connection normally (the gateway marks the hosts offline). */
  Future<Void> close() {
    vertx.cancelTimer(pacer);
    vertx.cancelTimer(sweeper);
    List<Future<Void>> closing = new ArrayList<>();
    for (Host h : hosts) {
      vertx.cancelTimer(h.heartbeatTimer);
      if (h.ws != null && !h.ws.isClosed()) {
        h.state = State.CLOSED;
        closing.add(h.ws.close((short) 1000, "benchmark over"));
      }
    }
    return Future.join(closing).<Void>mapEmpty().otherwiseEmpty().eventually(() -> client == null ? Future.succeededFuture() : client.close());
  }

  private void send(Host h, String text) {
    if (h.ws != null && !h.ws.isClosed()) h.ws.writeTextMessage(text);
  }

  /** A roomy host in its own region, so booking i lands on host i mod N. */
  private static HostInfo hostInfo(String region) {
    Inventory inv = new Inventory(64, 128, "AMD EPYC 7B13", 262_144, 2_000, List.of(new Inventory.Disk("/dev/nvme0n1", 2_000, 1_900)), List.of(),
        "Ubuntu 24.04", "x86_64");
    return new HostInfo(region, inv, new Prices("USDC", 12_000, 1_500, 40, Map.of()), new Payout(null, null), List.of("process"), "bench-0.1.0");
  }

  static void count(JsonObject reasons, String reason) {
    String key = reason.length() > 160 ? reason.substring(0, 160) : reason;
    if (!reasons.containsKey(key) && reasons.size() >= 20) key = "other";
    reasons.put(key, reasons.getLong(key, 0L) + 1);
  }
}

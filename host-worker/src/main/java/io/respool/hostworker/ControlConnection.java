package io.respool.hostworker;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;
import io.respool.protocol.crypto.Base58;
import io.respool.protocol.crypto.Ed25519;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.host.HostFrames;
import io.respool.protocol.host.HostInfo;
import io.respool.protocol.host.Inventory;
import io.respool.hostworker.task.TaskException;
import io.respool.hostworker.stream.StreamMux;
import io.respool.hostworker.task.TaskRunner;
import io.respool.protocol.stream.StreamFrame;
import io.respool.protocol.task.TaskStatus;
import io.respool.protocol.task.UsageSample;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's one outbound control connection. Dials the gateways in turn, proves the host's
 * identity by signing the gateway's challenge, then heartbeats and reports inventory changes.
 * Any failure (refused dial, refused registration, closed socket, missing acks, a handshake that
 * takes too long) ends the attempt and dials the next gateway after a full-jitter backoff, which
 * is reset by each successful registration. The host id never changes: it is the key's.
 *
 * <p>It answers the gateway's task requests through the {@link TaskRunner} and reports task state
 * changes; terminal, file and port-forward streams opened by the gateway ride the same socket
 * (a {@link StreamMux} per connection, closed with it); every {@code usageInterval} it has the runner sample the running tasks and sends the
 * samples ({@code task.usage}), keeping them until acked and sending them again after a reconnect.
 *
 * <p>All state below is touched only on this verticle's event loop, except the registration log
 * and {@link #currentUrl()}, which tests and the composition root read from other threads.
 */
public final class ControlConnection extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ControlConnection.class);
  private static final short NORMAL_CLOSURE = 1000;
  private static final short GOING_AWAY = 1001;
  private static final int CLOSING_TIMEOUT_SECONDS = 3;
  /** Bounds on the gateway's heartbeat interval, so a bad value can neither spin nor starve us. */
  private static final long MIN_HEARTBEAT_MS = 10;
  private static final long MAX_HEARTBEAT_MS = 3_600_000;

  private final HostWorkerConfig config;
  private final Ed25519.Keys keys;
  private final String hostId;
  private final InventoryWatcher inventory;
  private final Backoff backoff;
  private final String agentVersion;
  private final TaskRunner tasks;
  /** Task status reports not yet acked by a gateway, latest per task; sent again after each registration. */
  private final Map<String, HostFrame.TaskUpdate> unackedReports = new java.util.LinkedHashMap<>();
  /** Usage samples not yet acked by a gateway. */
  private final UsageOutbox usage = new UsageOutbox(UsageOutbox.DEFAULT_CAPACITY, HostFrames.MAX_FRAME_BYTES);

  private final List<Registration> registrations = new ArrayList<>(); // guarded by itself
  private final List<Waiter> waiters = new ArrayList<>(); // guarded by registrations
  private volatile URI currentUrl;

  private WebSocketClient client;
  private Attempt attempt;
  private int urlIndex;
  private long reconnectTimer = -1;
  private long usageTimer = -1;
  /** The sampling under way, if any: one at a time, and a stop waits for it. */
  private Future<?> sampling;
  private long frameIds;
  private boolean stopping;

  public ControlConnection(HostWorkerConfig config, Ed25519.Keys keys, InventoryWatcher inventory, Backoff backoff, String agentVersion,
      TaskRunner tasks) {
    this.config = config;
    this.tasks = tasks;
    this.keys = keys;
    this.hostId = keys.publicKeyBase58();
    this.inventory = inventory;
    this.backoff = backoff;
    this.agentVersion = agentVersion;
  }

  @Override
  public Future<?> start() {
    client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(HostFrames.MAX_FRAME_BYTES)
        .setMaxMessageSize(HostFrames.MAX_FRAME_BYTES)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.handshakeTimeout().toMillis()))
        .setClosingTimeout(CLOSING_TIMEOUT_SECONDS));
    // samples are taken whether connected or not: those taken while away are sent on reconnecting
    usageTimer = vertx.setPeriodic(config.usageInterval().toMillis(), id -> sampleUsage());
    // register only with a real inventory: the first probe must succeed before the first dial
    return inventory.start(this::inventoryChanged).onSuccess(first -> connect());
  }

  /** Graceful stop: the socket is closed with 1000 so the gateway knows this was no crash. */
  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(reconnectTimer);
    vertx.cancelTimer(usageTimer);
    inventory.stop();
    Attempt a = attempt;
    attempt = null;
    currentUrl = null;
    Future<Void> closed = a == null ? Future.succeededFuture() : a.end(NORMAL_CLOSURE, "worker stopping");
    // a sampling under way finishes first, so the sample numbers on disk are final once stopped
    Future<?> sampled = sampling == null ? Future.succeededFuture() : sampling.otherwiseEmpty();
    return Future.join(closed.otherwiseEmpty(), sampled).eventually(() -> client.close());
  }

  public String hostId() { return hostId; }

  /** The gateway URL of the live registration, or null while (re)connecting. */
  public URI currentUrl() { return currentUrl; }

  public int registrationCount() {
    synchronized (registrations) {
      return registrations.size();
    }
  }

  /** Completes with the {@code ordinal}-th registration (1-based) since start, at once if it already happened. */
  public Future<Registration> registration(int ordinal) {
    synchronized (registrations) {
      if (registrations.size() >= ordinal) return Future.succeededFuture(registrations.get(ordinal - 1));
      Promise<Registration> promise = Promise.promise();
      waiters.add(new Waiter(ordinal, promise));
      return promise.future();
    }
  }

  /** Completes with the next registration after the ones that already happened. */
  public Future<Registration> nextRegistration() {
    synchronized (registrations) {
      return registration(registrations.size() + 1);
    }
  }

  private void connect() {
    if (stopping) return;
    URI url = config.gateways().get(urlIndex);
    Attempt a = new Attempt(url);
    attempt = a;
    // one deadline from dial to registered: a gateway that accepts TCP and then stalls is as
    // useless as one that refuses
    a.handshakeTimer = vertx.setTimer(config.handshakeTimeout().toMillis(),
        id -> fail(a, "no registration within " + config.handshakeTimeout().toMillis() + " ms"));
    client.connect(connectOptions(url)).onComplete(ar -> {
      if (ar.failed()) {
        fail(a, "cannot connect: " + describe(ar.cause()));
        return;
      }
      WebSocket ws = ar.result();
      if (a.ended) { // timed out or stopped while dialing
        ws.close(GOING_AWAY, "abandoned");
        return;
      }
      a.ws = ws;
      a.streams = new StreamMux(context, new StreamMux.Link() {
        @Override
        public void text(HostFrame frame) { send(a, frame); }

        @Override
        public void binary(StreamFrame frame) {
          a.ws.writeBinaryMessage(Buffer.buffer(frame.encode())).onFailure(e -> log.debug("write to {} failed: {}", a.url, e.toString()));
        }
      }, tasks, StreamMux.Limits.DEFAULT);
      ws.textMessageHandler(text -> onText(a, text));
      ws.binaryMessageHandler(bytes -> {
        if (a.registered && !a.ended) a.streams.binary(bytes.getBytes());
      });
      ws.closeHandler(v -> onClosed(a));
      ws.exceptionHandler(e -> log.debug("connection to {}: {}", url, e.toString()));
    });
  }

  private WebSocketConnectOptions connectOptions(URI url) {
    boolean tls = url.getScheme().equals("wss");
    String host = url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1) : url.getHost();
    return new WebSocketConnectOptions()
        .setHost(host)
        .setPort(url.getPort() != -1 ? url.getPort() : tls ? 443 : 80)
        .setSsl(tls)
        .setURI(url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()))
        .setConnectTimeout(config.handshakeTimeout().toMillis());
  }

  private void onText(Attempt a, String text) {
    if (a.ended) return;
    HostFrame frame;
    try {
      frame = HostFrames.decode(text);
    } catch (RespoolException e) {
      log.warn("ignoring a bad frame from {}: {}", a.url, e.getMessage());
      return;
    }
    switch (frame) {
      case HostFrame.Challenge c -> onChallenge(a, c);
      case HostFrame.Registered r -> onRegistered(a, r);
      case HostFrame.Ack ack -> onAck(a, ack);
      case HostFrame.Error e -> onError(a, e);
      case HostFrame.Ping p -> send(a, new HostFrame.Pong(p.id()));
      case HostFrame.TaskStart t -> answer(a, t.id(), tasks.start(t.spec()));
      case HostFrame.TaskStop t -> answer(a, t.id(), tasks.stop(t.taskId(), java.time.Duration.ofMillis(t.graceMs())));
      case HostFrame.TaskResume t -> answer(a, t.id(), tasks.resume(t.taskId()));
      case HostFrame.TaskRemove t -> answer(a, t.id(), tasks.remove(t.taskId()));
      case HostFrame.TaskInspect t -> answer(a, t.id(), tasks.inspect(t.taskId()));
      case HostFrame.TaskLogs t -> tasks.output(t.id(), t.taskId(), t.maxBytes())
          .onComplete(ar -> reply(a, t.id(), ar.succeeded() ? ar.result() : null, ar.cause()));
      case HostFrame.StreamOpen o -> {
        if (a.registered) a.streams.open(o);
      }
      default -> log.debug("ignoring an unexpected {} frame from {}", frame.getClass().getSimpleName(), a.url);
    }
  }

  private void onChallenge(Attempt a, HostFrame.Challenge challenge) {
    if (a.registerId != null) {
      log.debug("ignoring a repeated challenge from {}", a.url);
      return;
    }
    a.registerId = nextId("reg");
    byte[] signed = keys.sign(HostFrame.Register.signingText(hostId, challenge.nonce()).getBytes(UTF_8));
    HostInfo info = config.hostInfo(inventory.current(), agentVersion, tasks.driverNames());
    a.reported = info.inventory();
    send(a, new HostFrame.Register(a.registerId, hostId, challenge.nonce(), Base58.encode(signed), info));
  }

  private void onRegistered(Attempt a, HostFrame.Registered registered) {
    if (a.registered || !Objects.equals(registered.re(), a.registerId)) {
      log.debug("ignoring an unexpected registered frame from {}", a.url);
      return;
    }
    if (!hostId.equals(registered.hostId())) {
      fail(a, "gateway registered a different host id " + registered.hostId());
      return;
    }
    a.registered = true;
    vertx.cancelTimer(a.handshakeTimer);
    backoff.reset();
    currentUrl = a.url;
    long interval = Math.clamp(registered.heartbeatIntervalMs(), MIN_HEARTBEAT_MS, MAX_HEARTBEAT_MS);
    a.heartbeatTimer = vertx.setPeriodic(interval, id -> heartbeat(a));
    log.info("registered as {} via {} (session {})", hostId, a.url, registered.sessionId());
    // the inventory may have changed between the challenge and now
    if (!inventory.current().equals(a.reported)) report(a, inventory.current());
    unackedReports.values().forEach(r -> send(a, r));
    usage.resendAll();
    sendUsage(a);
    publish(new Registration(hostId, registered.sessionId(), a.url, interval));
  }

  private void heartbeat(Attempt a) {
    if (a.ended) return;
    if (a.seq - a.lastAckedSeq >= config.maxMissedAcks()) {
      fail(a, "no ack for " + config.maxMissedAcks() + " heartbeats, the connection is dead");
      return;
    }
    a.seq++;
    String id = nextId("hb");
    a.pendingHeartbeats.put(id, a.seq);
    send(a, new HostFrame.Heartbeat(id, hostId, a.seq));
  }

  /** Answers a task request with the task's status, or with an error the gateway can map. */
  private void answer(Attempt a, String re, Future<TaskStatus> result) {
    result.onComplete(ar -> reply(a, re, ar.succeeded() ? new HostFrame.TaskUpdate(null, re, ar.result()) : null, ar.cause()));
  }

  private void reply(Attempt a, String re, HostFrame answer, Throwable failure) {
    if (a.ended) return; // the gateway gave up on this connection; it will ask again
    if (failure == null) {
      send(a, answer);
      return;
    }
    ErrorCode code = failure instanceof TaskException te ? te.errorCode() : failure instanceof IllegalArgumentException ? ErrorCode.INVALID_REQUEST : ErrorCode.UNAVAILABLE;
    if (code == ErrorCode.UNAVAILABLE) log.warn("task request {} failed: {}", re, failure.toString());
    send(a, new HostFrame.Error(re, code.slug(), String.valueOf(failure.getMessage())));
  }

  /** A task changed state (any thread): report it now if connected, else after the next registration. */
  public void taskChanged(TaskStatus status) {
    context.runOnContext(v -> {
      HostFrame.TaskUpdate report = new HostFrame.TaskUpdate(nextId("task"), null, status);
      unackedReports.put(status.taskId(), report);
      Attempt a = attempt;
      if (a != null && a.registered && !a.ended) send(a, report);
    });
  }

  /** Has the runner sample the running tasks (off the event loop), then sends what is unacked. */
  private void sampleUsage() {
    if (sampling != null || stopping) return; // a slow engine: never pile up samplings
    Future<List<UsageSample>> taken = tasks.sampleUsage();
    sampling = taken;
    taken.onComplete(ar -> { // at once if already complete: after the assignment above
      sampling = null;
      if (ar.failed()) {
        log.warn("cannot sample task usage: {}", ar.cause().toString());
        return;
      }
      int dropped = usage.add(ar.result());
      if (dropped > 0) {
        log.warn("dropped the {} oldest unacked usage sample(s): at most {} are kept while no gateway acks them",
            dropped, UsageOutbox.DEFAULT_CAPACITY);
      }
      Attempt a = attempt;
      if (a != null && a.registered && !a.ended) sendUsage(a);
    });
  }

  private void sendUsage(Attempt a) {
    for (HostFrame.Usage frame : usage.frames(() -> nextId("usage"))) send(a, frame);
  }

  private void onAck(Attempt a, HostFrame.Ack ack) {
    unackedReports.values().removeIf(r -> r.id().equals(ack.re()));
    usage.ack(ack.re());
    Long seq = a.pendingHeartbeats.remove(ack.re());
    if (seq == null) return; // an ack of a resources report, or a late one
    // any ack proves the link alive, and covers the earlier heartbeats too
    a.lastAckedSeq = Math.max(a.lastAckedSeq, seq);
    a.pendingHeartbeats.values().removeIf(s -> s <= a.lastAckedSeq);
  }

  private void onError(Attempt a, HostFrame.Error error) {
    if (!a.registered) {
      fail(a, "gateway refused registration: " + error.code() + ": " + error.message());
      return;
    }
    log.warn("gateway {} refused {}: {}: {}", a.url, error.re(), error.code(), error.message());
    boolean transientFailure = ErrorCode.fromSlug(error.code()).status() >= 500;
    if (usage.isUsageFrame(error.re())) {
      // a storage failure: send those samples again with the next ones; refused as invalid: sending them again cannot help
      if (transientFailure) usage.retry(error.re());
      else usage.ack(error.re());
    }
    if (transientFailure && Objects.equals(error.re(), a.resourcesId)) {
      // the gateway could not store the report: send it again later, or the gateway would keep
      // an old inventory until the next change
      vertx.setTimer(config.resourcesInterval().toMillis(), id -> {
        if (!a.ended && Objects.equals(error.re(), a.resourcesId)) report(a, inventory.current());
      });
    }
  }

  private void inventoryChanged(Inventory changed) {
    Attempt a = attempt;
    if (a != null && a.registered && !a.ended && !changed.equals(a.reported)) report(a, changed);
  }

  private void report(Attempt a, Inventory changed) {
    a.reported = changed;
    a.resourcesId = nextId("res");
    send(a, new HostFrame.Resources(a.resourcesId, hostId, changed));
    log.info("inventory changed, reported to {}", a.url);
  }

  private void send(Attempt a, HostFrame frame) {
    String text = HostFrames.encode(frame);
    int bytes = text.getBytes(UTF_8).length;
    if (bytes > HostFrames.MAX_FRAME_BYTES) {
      log.error("not sending a {} frame of {} bytes: the limit is {}", frame.getClass().getSimpleName(), bytes, HostFrames.MAX_FRAME_BYTES);
      return;
    }
    a.ws.writeTextMessage(text).onFailure(e -> log.debug("write to {} failed: {}", a.url, e.toString()));
  }

  private void onClosed(Attempt a) {
    if (a.ended) return; // we closed it ourselves and already moved on
    a.end(NORMAL_CLOSURE, "");
    Short code = a.ws.closeStatusCode();
    String reason = a.ws.closeReason();
    retry(a, "connection closed by the gateway" + (code == null ? "" : " (" + code + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")"));
  }

  /** Ends a failed attempt (closing its socket) and schedules the next dial. */
  private void fail(Attempt a, String why) {
    if (a.ended) return;
    a.end(GOING_AWAY, "reconnecting");
    retry(a, why);
  }

  private void retry(Attempt a, String why) {
    if (attempt == a) attempt = null;
    if (a.registered) currentUrl = null;
    if (stopping) return;
    urlIndex = (urlIndex + 1) % config.gateways().size();
    long delay = Math.max(1, backoff.nextDelayMs());
    log.warn("{}: {}; retrying via {} in {} ms", a.url, why, config.gateways().get(urlIndex), delay);
    reconnectTimer = vertx.setTimer(delay, id -> connect());
  }

  private void publish(Registration registration) {
    List<Waiter> due = new ArrayList<>();
    synchronized (registrations) {
      registrations.add(registration);
      int n = registrations.size();
      waiters.removeIf(w -> w.ordinal() == n && due.add(w));
    }
    due.forEach(w -> w.promise().complete(registration));
  }

  private String nextId(String prefix) {
    return prefix + "-" + (++frameIds);
  }

  private String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private record Waiter(int ordinal, Promise<Registration> promise) {}

  /** One dial, from connect through registration to the end of its socket. Event-loop only. */
  private final class Attempt {
    final URI url;
    final Map<String, Long> pendingHeartbeats = new HashMap<>();
    WebSocket ws;
    /** The streams riding this socket; they end with it. */
    StreamMux streams;
    boolean ended;
    boolean registered;
    String registerId;
    Inventory reported;
    String resourcesId;
    long seq;
    long lastAckedSeq;
    long handshakeTimer = -1;
    long heartbeatTimer = -1;

    Attempt(URI url) { this.url = url; }

    Future<Void> end(short code, String reason) {
      ended = true;
      if (streams != null) streams.closeAll();
      vertx.cancelTimer(handshakeTimer);
      vertx.cancelTimer(heartbeatTimer);
      return ws == null || ws.isClosed() ? Future.succeededFuture() : ws.close(code, reason);
    }
  }
}

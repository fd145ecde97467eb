package io.respool.gateway.hosts;

import io.respool.gateway.http.WebSockets;
import io.respool.hosts.HostCommands;
import io.respool.hosts.HostRegistry;
import io.respool.infra.Addresses;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;
import io.respool.protocol.crypto.Base58;
import io.respool.protocol.crypto.Ed25519;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.task.TaskStatus;
import io.respool.protocol.task.UsageSample;
import io.respool.protocol.host.HostFrames;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host control channel ({@code /v1/hosts/connect}) of one gateway node: challenge,
 * signed registration, heartbeats (written to PostgreSQL in batches of up to {@link #HEARTBEAT_BATCH}, at least every {@link #HEARTBEAT_FLUSH}), inventory
 * updates, and the event-bus consumer through which any node reaches a host held here. All state
 * is touched on this node's HTTP event loop only.
 */
public final class HostConnections {
  private static final Logger LOG = LoggerFactory.getLogger(HostConnections.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(10);
  /**
   * How often heartbeats are written, and how many at most in one statement (written as soon as
   * that many came). A batch locks its hosts' rows while it runs, and bookings on them wait for it,
   * as they wait for the CPU it takes: one a second of 10,000 hosts' worth (2,000 rows) held a
   * booking for as long as PostgreSQL took to write them all, and four a second of 500 rows each
   * still showed as a peak of slow bookings every 250 ms.
   */
  static final Duration HEARTBEAT_FLUSH = Duration.ofMillis(250);
  static final int HEARTBEAT_BATCH = 64;
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
  private final TaskReports reports;
  private static final Duration START_TIMEOUT = io.respool.gateway.config.GatewayConfig.TASK_START_TIMEOUT;
  /** Header of a task status report naming its host. */
  public static final String HOST_HEADER = "respool-host";
  /**
   * Registrations being written at once. Each is a transaction serialized on the hosts event
   * stream; beyond this, a reconnect storm would queue writes past the registration timeout and
   * every host would fail. Refusing early makes workers back off and come back.
   */
  static final int MAX_REGISTRATIONS_IN_FLIGHT = 32;

  private final Vertx vertx;
  private final HostRegistry registry;
  private final String node;
  private final Duration heartbeatInterval;
  private final Duration heartbeatTimeout;
  private final Map<String, Session> byHost = new HashMap<>();
  private Map<String, String> pendingHeartbeats = new HashMap<>();
  private final AtomicLong requestIds = new AtomicLong();
  private final AtomicInteger registrationsInFlight;
  private final List<Long> timers = new ArrayList<>();
  private MessageConsumer<JsonObject> sessionOpened;
  private boolean stopping;

  /** Where hosts' task reports go; the report is acked once the returned future succeeds (else the worker resends it). */
  public interface TaskReports {
    Future<Void> onReport(String hostId, TaskStatus status);

    /** Stores usage samples; the frame is acked once this succeeds. */
    Future<Void> onUsage(String hostId, List<UsageSample> samples);
  }

  /**
   * {@code registrationsInFlight}: the node's count, shared by the connections of all its HTTP
   * edge instances (the cap is the node's, whichever event loop a worker reached).
   */
  public HostConnections(Vertx vertx, HostRegistry registry, TaskReports reports, String node, Duration heartbeatInterval,
      Duration heartbeatTimeout, AtomicInteger registrationsInFlight) {
    this.registrationsInFlight = registrationsInFlight;
    this.vertx = vertx;
    this.reports = reports;
    this.registry = registry;
    this.node = node;
    this.heartbeatInterval = heartbeatInterval;
    this.heartbeatTimeout = heartbeatTimeout;
  }

  /** Starts the batch writer, the idle watchdog, the offline sweeper and the supersede listener. */
  public Future<Void> start() {
    timers.add(vertx.setPeriodic(HEARTBEAT_FLUSH.toMillis(), t -> flushHeartbeats()));
    long sweepEvery = Math.max(100, heartbeatTimeout.toMillis() / 3);
    timers.add(vertx.setPeriodic(sweepEvery, t -> {
      closeIdleSessions();
      registry.sweep(heartbeatTimeout).onFailure(err -> LOG.warn("offline sweep failed: {}", err.getMessage()));
    }));
    sessionOpened = vertx.eventBus().consumer(Addresses.HOST_SESSION_OPENED, this::onSessionOpenedElsewhere);
    return sessionOpened.completion();
  }

  /** Hands this node's hosts over: marks them offline in one statement, then closes their sockets. */
  public Future<Void> stop() {
    stopping = true;
    timers.forEach(vertx::cancelTimer);
    return flushHeartbeats()
        .compose(v -> registry.releaseNode(node)).<Void>mapEmpty()
        .recover(err -> { LOG.warn("could not release hosts of {}: {}", node, err.getMessage()); return Future.succeededFuture(); })
        .onComplete(v -> {
          for (Session s : List.copyOf(byHost.values())) s.ws.close((short) 1001, "gateway node stopping");
          if (sessionOpened != null) sessionOpened.unregister();
        });
  }

  public int connectedHosts() { return byHost.size(); }

  public void handle(ServerWebSocket ws) {
    if (stopping) {
      ws.close((short) 1001, "gateway node stopping");
      return;
    }
    Session s = new Session(ws);
    ws.textMessageHandler(s::onText);
    ws.binaryMessageHandler(s::onBinary);
    ws.closeHandler(v -> s.onClose());
    ws.exceptionHandler(WebSockets.closeOnError(ws));
    s.send(new HostFrame.Challenge(s.nonce, node));
    s.registerTimer = vertx.setTimer(REGISTER_TIMEOUT.toMillis(), t -> {
      if (s.hostId == null) s.close(1008, "no registration within " + REGISTER_TIMEOUT.toSeconds() + " s");
    });
  }

  private Future<Void> flushHeartbeats() {
    if (pendingHeartbeats.isEmpty()) return Future.succeededFuture();
    Map<String, String> batch = pendingHeartbeats;
    pendingHeartbeats = new HashMap<>();
    return registry.touch(batch, node).<Void>mapEmpty()
        .onFailure(err -> LOG.warn("heartbeat batch of {} failed: {}", batch.size(), err.getMessage()));
  }

  private void closeIdleSessions() {
    long now = System.nanoTime();
    for (Session s : List.copyOf(byHost.values())) {
      if (now - s.lastHeartbeat > heartbeatTimeout.toNanos()) s.close(1001, "no heartbeat for " + heartbeatTimeout.toSeconds() + " s");
    }
  }

  private void onSessionOpenedElsewhere(Message<JsonObject> msg) {
    Session held = byHost.get(msg.body().getString("hostId"));
    if (held != null && !held.sessionId.equals(msg.body().getString("sessionId"))) {
      byHost.remove(held.hostId);
      held.superseded = true;
      held.close(1008, "superseded by a newer connection of this host");
    }
  }

  /** One control connection. */
  private final class Session {
    final ServerWebSocket ws;
    final String nonce = Base58.encode(randomBytes(24));
    final Map<String, Promise<HostFrame>> pending = new HashMap<>();
    String hostId;
    String sessionId;
    long lastHeartbeat = System.nanoTime();
    long registerTimer;
    boolean registering;
    boolean superseded;
    boolean closed;
    MessageConsumer<String> commands;
    HostStreams streams;

    Session(ServerWebSocket ws) { this.ws = ws; }

    /** Binary frames carry the streams (terminals, files, forwards), once registered. */
    void onBinary(io.vertx.core.buffer.Buffer bytes) {
      if (streams == null) refuse(null, RespoolException.invalid("binary frames are accepted only after registration"));
      else {
        String refused = streams.fromWorker(bytes);
        if (refused != null) refuse(null, RespoolException.invalid(refused));
      }
    }

    void onText(String text) {
      HostFrame frame;
      try {
        frame = HostFrames.decode(text);
      } catch (RespoolException e) {
        refuse(null, e);
        return;
      }
      switch (frame) {
        case HostFrame.Register r -> onRegister(r);
        case HostFrame.Heartbeat h -> onHeartbeat(h);
        case HostFrame.Resources u -> onResources(u);
        case HostFrame.Pong a -> onAnswer(a.re(), a);
        case HostFrame.TaskOutput a -> onAnswer(a.re(), a);
        case HostFrame.StreamOpened a -> onAnswer(a.re(), a);
        case HostFrame.Usage u -> onUsage(u);
        case HostFrame.Error a when a.re() != null && pending.containsKey(a.re()) -> onAnswer(a.re(), a);
        case HostFrame.TaskUpdate u -> onTaskUpdate(u);
        default -> refuse(null, RespoolException.invalid("unexpected frame from a host"));
      }
    }

    void onRegister(HostFrame.Register r) {
      if (hostId != null || registering) {
        refuse(r.id(), new RespoolException(ErrorCode.CONFLICT, "already registered on this connection"));
        return;
      }
      if (!r.nonce().equals(nonce)) {
        refuse(r.id(), RespoolException.unauthorized("registration does not answer this connection's challenge"));
        return;
      }
      byte[] key;
      byte[] sig;
      try {
        key = Base58.decode(r.hostId());
        sig = Base58.decode(r.signature());
      } catch (IllegalArgumentException e) {
        refuse(r.id(), RespoolException.unauthorized("hostId and signature must be base58"));
        return;
      }
      byte[] signed = HostFrame.Register.signingText(r.hostId(), nonce).getBytes(StandardCharsets.UTF_8);
      if (!Ed25519.verify(key, signed, sig)) {
        refuse(r.id(), RespoolException.unauthorized("signature does not prove the key of " + r.hostId()));
        return;
      }
      if (registrationsInFlight.incrementAndGet() > MAX_REGISTRATIONS_IN_FLIGHT) {
        registrationsInFlight.decrementAndGet();
        refuse(r.id(), new RespoolException(ErrorCode.UNAVAILABLE, "gateway busy registering hosts; retry"));
        return;
      }
      registering = true;
      vertx.cancelTimer(registerTimer); // the write is bounded by the cap above, not by this timer
      String sid = UUID.randomUUID().toString();
      registry.register(r.hostId(), r.host(), sid, node).onComplete(ar -> {
        registering = false;
        registrationsInFlight.decrementAndGet();
        if (ar.failed()) {
          LOG.warn("registration of {} failed: {}", r.hostId(), ar.cause().getMessage());
          refuse(r.id(), new RespoolException(ErrorCode.UNAVAILABLE, "registration could not be stored; retry"));
          return;
        }
        if (closed) { // the socket went away while we wrote; undo the online mark
          registry.disconnect(r.hostId(), sid);
          return;
        }
        hostId = r.hostId();
        sessionId = sid;
        lastHeartbeat = System.nanoTime();
        Session previous = byHost.put(hostId, this);
        if (previous != null) {
          previous.superseded = true;
          previous.close(1008, "superseded by a newer connection of this host");
        }
        streams = new HostStreams(vertx, hostId, node, new HostStreams.Link() {
          @Override
          public Future<HostFrame> ask(java.util.function.Function<String, HostFrame> request, Duration timeout) {
            String id = "g" + requestIds.incrementAndGet();
            return Session.this.ask(id, request.apply(id), timeout);
          }

          @Override
          public void binary(io.vertx.core.buffer.Buffer frame) {
            if (!closed) ws.writeBinaryMessage(frame);
          }
        });
        commands = vertx.eventBus().consumer(Addresses.hostCommand(hostId), this::onCommand);
        vertx.eventBus().publish(Addresses.HOST_SESSION_OPENED, new JsonObject().put("hostId", hostId).put("sessionId", sid));
        send(new HostFrame.Registered(r.id(), hostId, sid, heartbeatInterval.toMillis()));
        LOG.info("host {} registered on {} (session {})", hostId, node, sid);
      });
    }

    void onHeartbeat(HostFrame.Heartbeat h) {
      if (!speaksFor(h.id(), h.hostId())) return;
      lastHeartbeat = System.nanoTime();
      pendingHeartbeats.put(hostId, sessionId);
      if (pendingHeartbeats.size() >= HEARTBEAT_BATCH) flushHeartbeats();
      send(new HostFrame.Ack(h.id()));
    }

    void onResources(HostFrame.Resources u) {
      if (!speaksFor(u.id(), u.hostId())) return;
      if (u.reason() != null) LOG.warn("host {} reports a changed inventory: {}", hostId, u.reason()); // e.g. a GPU that failed
      registry.updateInventory(hostId, sessionId, u.inventory()).onComplete(ar -> {
        if (ar.succeeded()) send(new HostFrame.Ack(u.id()));
        else refuse(u.id(), ar.cause() instanceof RespoolException re ? re : new RespoolException(ErrorCode.UNAVAILABLE, "update not stored; retry"));
      });
    }

    /** True if this connection is registered as {@code named}; otherwise refuses request {@code re}. */
    boolean speaksFor(String re, String named) {
      if (hostId == null) {
        refuse(re, RespoolException.unauthorized("register first"));
        return false;
      }
      if (!hostId.equals(named)) {
        refuse(re, RespoolException.forbidden("this connection speaks for " + hostId + ", not " + named));
        return false;
      }
      return true;
    }

    /**
     * A request frame from any node, for this host: sent with a fresh id; the host's answer (or
     * its error) goes back to the asking node, with this node's name in a header.
     */
    void onCommand(Message<String> msg) {
      HostFrame request;
      try {
        request = HostFrames.decode(msg.body());
      } catch (RespoolException e) {
        msg.fail(ErrorCode.INVALID_REQUEST.status(), e.getMessage());
        return;
      }
      if (request instanceof HostFrame.StreamOpen open) {
        String relayId = msg.headers().get(io.respool.streams.StreamRelay.RELAY_HEADER);
        if (relayId == null || streams == null) msg.fail(ErrorCode.INVALID_REQUEST.status(), "stream.open needs a relay (streams/StreamRelay)");
        else streams.open(msg, open, relayId);
        return;
      }
      String id = "g" + requestIds.incrementAndGet();
      HostFrame numbered = switch (request) {
        case HostFrame.Ping x -> new HostFrame.Ping(id);
        case HostFrame.TaskStart t -> new HostFrame.TaskStart(id, t.spec());
        case HostFrame.TaskStop t -> new HostFrame.TaskStop(id, t.taskId(), t.graceMs());
        case HostFrame.TaskInspect t -> new HostFrame.TaskInspect(id, t.taskId());
        case HostFrame.TaskLogs t -> new HostFrame.TaskLogs(id, t.taskId(), t.maxBytes());
        case HostFrame.TaskResume t -> new HostFrame.TaskResume(id, t.taskId());
        case HostFrame.TaskRemove t -> new HostFrame.TaskRemove(id, t.taskId());
        default -> null;
      };
      if (numbered == null) {
        msg.fail(ErrorCode.INVALID_REQUEST.status(), "not a host command: " + request.getClass().getSimpleName());
        return;
      }
      // starting may pull an image; everything else answers quickly
      Duration limit = numbered instanceof HostFrame.TaskStart || numbered instanceof HostFrame.TaskResume ? START_TIMEOUT
          : numbered instanceof HostFrame.TaskStop s ? COMMAND_TIMEOUT.plusMillis(s.graceMs()) : COMMAND_TIMEOUT;
      ask(id, numbered, limit).onComplete(ar -> {
        if (ar.failed()) {
          msg.fail(ErrorCode.HOST_UNREACHABLE.status(), "host did not answer within " + limit.toSeconds() + " s");
        } else if (ar.result() instanceof HostFrame.Error err) {
          msg.fail(ErrorCode.fromSlug(err.code()).status(), err.message());
        } else {
          msg.reply(HostFrames.encode(ar.result()), new DeliveryOptions().addHeader(HostCommands.NODE_HEADER, node));
        }
      });
    }

    /** Sends a request frame (its id fresh) and waits for the host's answer, failing after {@code limit}. */
    Future<HostFrame> ask(String id, HostFrame numbered, Duration limit) {
      Promise<HostFrame> answer = Promise.promise();
      pending.put(id, answer);
      long timer = vertx.setTimer(limit.toMillis(), t -> {
        pending.remove(id);
        answer.tryFail("timeout");
      });
      send(numbered);
      return answer.future().onComplete(ar -> vertx.cancelTimer(timer));
    }

    /** An answer to one of our requests, or a status report of the host's own. */
    void onAnswer(String re, HostFrame frame) {
      Promise<HostFrame> waiting = re == null ? null : pending.remove(re);
      if (waiting != null) waiting.tryComplete(frame);
    }

    void onTaskUpdate(HostFrame.TaskUpdate u) {
      if (u.re() != null) {
        onAnswer(u.re(), u);
        return;
      }
      if (!speaksFor(u.id(), hostId)) return;
      String from = hostId;
      reports.onReport(from, u.status()).onComplete(ar -> {
        if (ar.failed()) {
          LOG.warn("report {} of task {} from host {} not recorded ({}); the host will resend it", u.id(), u.status().taskId(), from, ar.cause().toString());
          return;
        }
        vertx.eventBus().publish(Addresses.TASK_STATUS, HostFrames.encode(u), new DeliveryOptions().addHeader(HOST_HEADER, from));
        send(new HostFrame.Ack(u.id()));
      });
    }

    /** Usage samples: acked once stored (duplicates are ignored there); a failure asks the worker to send them again. */
    void onUsage(HostFrame.Usage u) {
      if (hostId == null) {
        refuse(u.id(), RespoolException.unauthorized("register first"));
        return;
      }
      String from = hostId;
      reports.onUsage(from, u.samples()).onComplete(ar -> {
        if (ar.succeeded()) {
          send(new HostFrame.Ack(u.id()));
        } else {
          LOG.warn("usage frame {} from host {} not stored ({}); the host will resend it", u.id(), from, ar.cause().toString());
          send(new HostFrame.Error(u.id(), ErrorCode.UNAVAILABLE.slug(), "samples not stored; send them again"));
        }
      });
    }

    void refuse(String re, RespoolException e) {
      send(new HostFrame.Error(re, e.code().slug(), e.getMessage()));
      if (hostId == null && !registering) close(1008, e.getMessage());
    }

    void send(HostFrame frame) {
      if (!closed) ws.writeTextMessage(HostFrames.encode(frame));
    }

    void close(int code, String reason) {
      if (!closed && !ws.isClosed()) ws.close((short) code, reason.length() > 120 ? reason.substring(0, 120) : reason);
    }

    void onClose() {
      closed = true;
      vertx.cancelTimer(registerTimer);
      pending.values().forEach(p -> p.tryFail("connection closed"));
      if (streams != null) streams.closeAll("host " + hostId + " disconnected from gateway node " + node);
      if (commands != null) commands.unregister();
      if (hostId == null) return;
      if (byHost.get(hostId) == this) byHost.remove(hostId);
      pendingHeartbeats.remove(hostId, sessionId);
      if (!superseded && !stopping) {
        registry.disconnect(hostId, sessionId)
            .onFailure(err -> LOG.warn("could not mark {} offline: {}", hostId, err.getMessage()));
      }
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}

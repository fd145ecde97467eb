package io.respool.gateway.terminal;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.respool.bookings.BookingStore;
import io.respool.hosts.HostRegistry;
import io.respool.protocol.Json;
import io.respool.protocol.api.Event;
import io.respool.streams.RelayedStream;
import io.respool.streams.StreamRelay;
import io.respool.terminal.TerminalService;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The terminal sessions open on this node, whatever their transport: opens each over a relayed
 * stream with its audit record, ends them when their booking stops or pauses, their task ends, their
 * host goes away or they sit idle, and keeps the metrics ({@code respool_terminal_sessions_open},
 * {@code respool_terminal_bytes_total}, by kind). Thread-safe; {@link TerminalSessionsVerticle}
 * feeds it the events and the idle clock.
 */
public final class TerminalSessions {
  private static final Logger LOG = LoggerFactory.getLogger(TerminalSessions.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Booking states in which a terminal has nothing left to talk to. */
  private static final Set<String> ENDING_STATES = Set.of("STOPPING", "PAUSED", "STOPPED", "FAILED", "EXPIRED");

  private final StreamRelay relay;
  private final TerminalService service;
  private final String node;
  private final Duration idleTimeout;
  private final Map<String, TerminalSession> open = new ConcurrentHashMap<>();
  private final Map<TerminalSession.Kind, AtomicInteger> openByKind = new EnumMap<>(TerminalSession.Kind.class);
  private final Map<TerminalSession.Kind, Counter> bytesIn = new EnumMap<>(TerminalSession.Kind.class);
  private final Map<TerminalSession.Kind, Counter> bytesOut = new EnumMap<>(TerminalSession.Kind.class);
  /** The audit row's insert, which its update must follow. */
  private final Map<String, Future<Void>> started = new ConcurrentHashMap<>();

  public TerminalSessions(StreamRelay relay, TerminalService service, String node, Duration idleTimeout, MeterRegistry metrics) {
    this.relay = relay;
    this.service = service;
    this.node = node;
    this.idleTimeout = idleTimeout;
    for (TerminalSession.Kind k : TerminalSession.Kind.values()) {
      AtomicInteger n = new AtomicInteger();
      openByKind.put(k, n);
      Gauge.builder("respool_terminal_sessions_open", n, AtomicInteger::get).tag("kind", k.label())
          .description("terminal sessions (SSH channels and terminal WebSockets) open on this node").register(metrics);
      bytesIn.put(k, Counter.builder("respool_terminal_bytes_total").tag("kind", k.label()).tag("direction", "in")
          .description("bytes through terminal sessions: in = to the workload, out = from it").register(metrics));
      bytesOut.put(k, Counter.builder("respool_terminal_bytes_total").tag("kind", k.label()).tag("direction", "out")
          .description("bytes through terminal sessions: in = to the workload, out = from it").register(metrics));
    }
  }

  public TerminalService service() { return service; }

  public String node() { return node; }

  /** What a transport asks for. */
  public record Request(TerminalService.Target target, String accountId, TerminalSession.Kind kind, String transport, String clientAddress,
      StreamRelay.Spec spec) {}

  /**
   * Opens a session on {@code context} (the transport's listener is called there). {@code terminate}
   * is how the node ends it: tell the user the message and close the transport.
   */
  public TerminalSession open(Request req, Context context, RelayedStream.Listener transport, Consumer<String> terminate) {
    String id = "ts_" + Long.toString(System.currentTimeMillis(), 36) + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
    TerminalSession s = new TerminalSession(this, id, req.target(), req.accountId(), req.kind(), terminate);
    open.put(id, s);
    openByKind.get(req.kind()).incrementAndGet();
    started.put(id, service.started(new TerminalService.Opening(id, req.target(), req.accountId(), req.kind().label(), req.transport(),
            req.clientAddress(), node))
        .onFailure(err -> LOG.warn("audit record of terminal session {} not written: {}", id, err.toString())));
    s.attach(relay.open(context, req.target().hostId(), req.target().taskId(), req.spec(), s.listen(transport)));
    s.opened().onFailure(err -> s.end(null, "not opened: " + err.getMessage()));
    LOG.info("terminal session {} ({} {}) by {} from {} into {} replica {}", id, req.transport(), req.kind().label(), req.accountId(),
        req.clientAddress(), req.target().bookingId(), req.target().replica());
    return s;
  }

  void counted(TerminalSession s, long in, long out) {
    if (in > 0) bytesIn.get(s.kind).increment(in);
    if (out > 0) bytesOut.get(s.kind).increment(out);
  }

  void ended(TerminalSession s, TerminalService.Ending e) {
    open.remove(s.id);
    openByKind.get(s.kind).decrementAndGet();
    Future<Void> insert = started.remove(s.id);
    (insert == null ? Future.<Void>succeededFuture() : insert).compose(x -> service.ended(s.id, e))
        .onFailure(err -> LOG.warn("audit record of terminal session {} not completed: {}", s.id, err.toString()));
    LOG.info("terminal session {} ended: {} bytes in, {} out, {}", s.id, e.bytesIn(), e.bytesOut(),
        e.exitCode() != null ? "exit " + e.exitCode() + (e.exitSignal() != null ? " (SIG" + e.exitSignal() + ")" : "") : e.reason());
  }

  public int size() { return open.size(); }

  /**
   * Stamps this node's open sessions in their audit rows (with their byte counts so far) and ends
   * those of nodes that stopped stamping theirs for {@code stale}: a node killed with its sessions.
   */
  Future<Integer> keepAlive(Duration stale) {
    return service.keepAlive(open.values().stream().map(TerminalSession::progress).toList(), stale)
        .onSuccess(n -> { if (n > 0) LOG.info("ended {} terminal session(s) of gateway nodes that went away", n); });
  }

  /** This node starts: what it left open in a previous life under the same id ends. */
  Future<Integer> endLeftOpen() {
    return service.endLeftOpen(node)
        .onSuccess(n -> { if (n > 0) LOG.info("ended {} terminal session(s) this node ({}) left open when it last stopped", n, node); });
  }

  /** An event published in the cluster: ends the sessions it leaves without a workload. */
  void onEvent(Event e) {
    JsonNode data = Json.tree(e.data());
    if (BookingStore.STREAM.equals(e.stream())) {
      String bookingId = data.path("bookingId").asText();
      String state = data.path("state").asText();
      if ("booking.task".equals(e.type())) {
        String taskId = data.path("taskId").asText();
        String taskState = data.path("taskState").asText();
        if (!"EXITED".equals(taskState) && !"FAILED".equals(taskState)) return;
        end(s -> s.target.taskId().equals(taskId), "the workload of " + bookingId + " ended (" + taskState + ")");
      } else if (ENDING_STATES.contains(state)) {
        String reason = data.path("reason").asText("");
        end(s -> s.target.bookingId().equals(bookingId), "booking " + bookingId + " is " + state + (reason.isEmpty() ? "" : ": " + reason));
      }
    } else if (HostRegistry.STREAM.equals(e.stream()) && HostRegistry.LEFT.equals(e.type())) {
      String hostId = data.path("id").asText();
      end(s -> s.target.hostId().equals(hostId), "host " + hostId + " went offline");
    }
  }

  /** Ends the sessions idle for longer than the configured timeout (none when it is 0). */
  void sweepIdle() {
    if (idleTimeout.isZero()) return;
    long now = System.nanoTime();
    end(s -> now - s.lastActivity > idleTimeout.toNanos(), "idle for " + idleTimeout.toSeconds() + " s");
  }

  /** The node stops: every session ends with that message. */
  void closeAll(String message) {
    end(s -> true, message);
  }

  private void end(java.util.function.Predicate<TerminalSession> which, String message) {
    for (TerminalSession s : List.copyOf(open.values())) {
      if (which.test(s)) {
        LOG.info("ending terminal session {}: {}", s.id, message);
        s.terminate(message);
      }
    }
  }
}

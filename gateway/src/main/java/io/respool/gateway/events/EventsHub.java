package io.respool.gateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.bookings.BookingStore;
import io.respool.events.EventLog;
import io.respool.gateway.auth.AuthService;
import io.respool.teams.TeamService;
import io.respool.gateway.http.WebSockets;
import io.respool.hosts.HostRegistry;
import io.respool.infra.Addresses;
import io.respool.protocol.Json;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Event;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/events}: clients subscribe to topics and receive every committed event of each, in
 * id order, without gaps. A subscription first replays from the event log what came after the
 * client's {@code lastEventId}, then follows the cluster-wide publications; a publication that
 * skips ids (it overtook a slower one) is back-filled from the log before it is delivered. The hub
 * follows the publications only while it has subscriptions.
 */
public final class EventsHub {
  private static final Logger LOG = LoggerFactory.getLogger(EventsHub.class);
  private static final Set<String> PUBLIC_TOPICS = Set.of(HostRegistry.STREAM);
  /** Topics whose events are each for some accounts only: the owner's and its team's. */
  private static final Set<String> PRIVATE_TOPICS = Set.of(BookingStore.STREAM);
  private static final int PAGE = 500;

  private final Vertx vertx;
  private final EventLog log;
  private final AuthService auth;
  private final TeamService teams;
  private final Map<String, Set<Subscription>> byStream = new HashMap<>();
  /** How long the hub keeps following the bus after its last subscription ends (a client reconnecting soon re-registers nothing). */
  static final java.time.Duration LINGER = java.time.Duration.ofSeconds(30);
  private MessageConsumer<String> consumer;
  private Future<Void> following;
  private long lingering = -1;

  public EventsHub(Vertx vertx, EventLog log, AuthService auth, TeamService teams) {
    this.vertx = vertx;
    this.log = log;
    this.auth = auth;
    this.teams = teams;
  }

  /** Nothing to start: the hub follows the bus only while it has subscriptions ({@link #follow}). */
  public Future<Void> start() {
    return Future.succeededFuture();
  }

  /**
   * Closes every subscriber (they reconnect to another node with their lastEventId and lose
   * nothing), then stops following the bus.
   */
  public Future<Void> stop() {
    for (Set<Subscription> subs : List.copyOf(byStream.values())) {
      for (Subscription s : List.copyOf(subs)) {
        if (!s.client.ws.isClosed()) s.client.ws.close((short) 1001, "gateway node stopping; reconnect with lastEventId");
      }
    }
    vertx.cancelTimer(lingering);
    MessageConsumer<String> c = consumer;
    consumer = null;
    following = null;
    return c == null ? Future.succeededFuture() : c.unregister();
  }

  /**
   * Follows the cluster's publications from when the returned future completes (the registration
   * has reached the cluster): a subscription reads the log's head only then, so nothing committed
   * after that read can pass it by. The hub follows only while it has subscriptions (and
   * {@link #LINGER} after the last): every publication wakes each event loop that follows, and
   * with no subscriber here that was work for nothing on every booking placed.
   */
  private Future<Void> follow() {
    vertx.cancelTimer(lingering);
    lingering = -1;
    if (following == null) {
      consumer = vertx.eventBus().consumer(Addresses.EVENTS_PUBLISHED, msg -> {
        Event e = Json.decode(msg.body(), Event.class);
        Set<Subscription> subs = byStream.get(e.stream());
        if (subs != null) for (Subscription s : List.copyOf(subs)) s.offer(e);
      });
      following = consumer.completion();
      following.onFailure(err -> {
        if (consumer != null) consumer.unregister();
        consumer = null;
        following = null;
      });
    }
    return following;
  }

  private boolean idle() {
    return byStream.values().stream().allMatch(Set::isEmpty);
  }

  /** The last subscription ended: stops following after {@link #LINGER}, unless another begins meanwhile. */
  private void unfollowWhenIdle() {
    if (consumer == null || lingering != -1 || !idle()) return;
    lingering = vertx.setTimer(LINGER.toMillis(), t -> {
      lingering = -1;
      if (consumer == null || !idle()) return;
      consumer.unregister();
      consumer = null;
      following = null;
    });
  }

  /**
   * A client connection. Public topics need no credential; a private topic needs a bearer
   * credential, on the upgrade request or as {@code token} in the subscribe message.
   */
  public void handle(ServerWebSocket ws) {
    Client c = new Client(ws, ws.headers().get("Authorization"));
    ws.textMessageHandler(c::onText);
    ws.binaryMessageHandler(b -> c.error("binary frames are not accepted"));
    ws.closeHandler(v -> c.onClose());
    ws.exceptionHandler(WebSockets.closeOnError(ws));
  }

  /** Events about the account's bookings or its teams' (their data names {@code accountId} and {@code teamId}). */
  private static Predicate<Event> forAccount(String accountId, Set<String> teamIds) {
    return e -> {
      JsonNode data = Json.tree(e.data());
      return accountId.equals(data.path("accountId").asText(null)) || teamIds.contains(data.path("teamId").asText(""));
    };
  }

  private record Command(String type, String topic, Long lastEventId, String token) {}

  private final class Client {
    final ServerWebSocket ws;
    final String authorization;
    final Map<String, Subscription> subs = new HashMap<>();

    Client(ServerWebSocket ws, String authorization) {
      this.ws = ws;
      this.authorization = authorization;
    }

    void onText(String text) {
      Command cmd;
      try {
        JsonNode node = Json.tree(text);
        // not an object ("null", "[]"): convert would give null and the handler would die without a word
        if (node == null || !node.isObject()) throw RespoolException.invalid("a command is a JSON object: {\"type\":\"subscribe\",\"topic\":…}");
        cmd = Json.decodeRequest(text, Command.class); // strict text: a topic with NUL is refused, not echoed back
      } catch (RespoolException e) {
        error(e.getMessage());
        return;
      }
      if (cmd.topic() == null || cmd.topic().isBlank()) {
        error("topic is required");
        return;
      }
      switch (cmd.type() == null ? "" : cmd.type()) {
        case "subscribe" -> subscribe(cmd);
        case "unsubscribe" -> {
          Subscription s = subs.remove(cmd.topic());
          if (s != null) s.cancel();
          send("{\"type\":\"unsubscribed\",\"topic\":" + Json.encode(cmd.topic()) + "}");
        }
        default -> error("type must be 'subscribe' or 'unsubscribe'");
      }
    }

    void subscribe(Command cmd) {
      if (PRIVATE_TOPICS.contains(cmd.topic())) {
        String credential = cmd.token() != null ? "Bearer " + cmd.token() : authorization;
        if (credential == null) {
          error("topic '" + cmd.topic() + "' needs a credential: an Authorization header or a token");
          return;
        }
        auth.authenticate(credential)
            .compose(who -> teams.teamsOf(who.accountId()).map(mine -> forAccount(who.accountId(), mine)))
            .onComplete(ar -> {
              if (ar.failed()) error(ar.cause() instanceof RespoolException re ? re.getMessage() : "cannot check the credential; retry");
              else subscribe(cmd, ar.result());
            });
        return;
      }
      if (!PUBLIC_TOPICS.contains(cmd.topic())) {
        error("unknown topic '" + cmd.topic() + "'");
        return;
      }
      subscribe(cmd, e -> true);
    }

    void subscribe(Command cmd, Predicate<Event> visible) {
      if (cmd.lastEventId() != null && cmd.lastEventId() < 0) {
        error("lastEventId must not be negative");
        return;
      }
      if (subs.containsKey(cmd.topic())) {
        error("already subscribed to '" + cmd.topic() + "'");
        return;
      }
      Subscription s = new Subscription(this, cmd.topic(), visible);
      subs.put(cmd.topic(), s);
      byStream.computeIfAbsent(cmd.topic(), k -> new HashSet<>()).add(s);
      follow().compose(x -> log.head(cmd.topic())).onComplete(ar -> {
        if (ar.failed()) {
          error("events are unavailable; retry");
          s.cancel();
          subs.remove(cmd.topic());
          return;
        }
        long head = ar.result();
        long from = cmd.lastEventId() == null ? head : Math.min(cmd.lastEventId(), head);
        send("{\"type\":\"subscribed\",\"topic\":" + Json.encode(cmd.topic()) + ",\"lastEventId\":" + head + "}");
        s.start(from, head);
      });
    }

    void error(String message) {
      send("{\"type\":\"error\",\"message\":" + Json.encode(message) + "}");
    }

    void send(String text) {
      if (ws.isClosed()) return;
      if (ws.writeQueueFull()) { // the client lags behind; it can catch up from the log
        ws.close((short) 1008, "too slow; reconnect with lastEventId");
        return;
      }
      ws.writeTextMessage(text);
    }

    void onClose() {
      subs.values().forEach(Subscription::cancel);
      subs.clear();
    }
  }

  /** One topic of one client: delivers ids strictly in order, each once. */
  private final class Subscription {
    final Client client;
    final String stream;
    final Predicate<Event> visible;
    long delivered = -1; // -1 until the replay point is known
    boolean cancelled;
    Future<Void> tail = Future.succeededFuture();
    final List<Event> early = new ArrayList<>();

    Subscription(Client client, String stream, Predicate<Event> visible) {
      this.client = client;
      this.stream = stream;
      this.visible = visible;
    }

    void start(long from, long head) {
      delivered = from;
      enqueue(() -> fill(head));
      List<Event> buffered = List.copyOf(early);
      early.clear();
      buffered.forEach(this::offer);
    }

    void offer(Event e) {
      if (cancelled) return;
      if (delivered < 0) {
        early.add(e);
        return;
      }
      enqueue(() -> fill(e.id() - 1).map(v -> {
        deliver(e);
        return null;
      }));
    }

    /** Delivers from the log everything in (delivered, upTo]. */
    Future<Void> fill(long upTo) {
      if (cancelled || delivered >= upTo) return Future.succeededFuture();
      return log.read(stream, delivered, upTo, PAGE).compose(events -> {
        events.forEach(this::deliver);
        if (events.isEmpty()) return Future.succeededFuture(); // not committed yet: nothing to send
        return fill(upTo);
      });
    }

    void deliver(Event e) {
      if (cancelled || e.id() <= delivered) return;
      delivered = e.id(); // ids the client may not see are passed over, so order and gaps stay as they are
      if (!visible.test(e)) return;
      client.send("{\"type\":\"event\",\"event\":" + Json.encode(e) + "}");
    }

    void enqueue(java.util.function.Supplier<Future<Void>> step) {
      tail = tail.transform(ar -> cancelled ? Future.succeededFuture() : step.get())
          .recover(err -> {
            LOG.warn("event delivery on {} failed: {}", stream, err.getMessage());
            client.ws.close((short) 1011, "event delivery failed; reconnect with lastEventId");
            return Future.succeededFuture();
          });
    }

    void cancel() {
      cancelled = true;
      Set<Subscription> set = byStream.get(stream);
      if (set != null) set.remove(this);
      unfollowWhenIdle();
    }
  }
}

package io.respool.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The renter's side of metering: a {@code /v1/events} subscription to the private
 * {@code bookings} topic that times, for every usage sample acked in a measurement window, how
 * long until the next {@code booking.cost} event of its booking arrives (from the sample's frame
 * being sent, and from its ack). Also counts cost events, the interval between two cost events of
 * one booking, and the lag from an event's {@code time} (PostgreSQL's {@code now()} in the
 * metering transaction) to its arrival here.
 *
 * <p>A {@code booking.cost} event is the gateway's periodic metering round bringing one booking's
 * bill up to date; the bill is computed from the task's RUNNING time by the gateway's clock, not
 * from the samples, so this delay is the metering cadence under load, not a processing pipeline.
 *
 * <p>Runs on the context that calls {@link #start}, as the fleet does.
 */
final class CostWatch implements MeteredFleet.Listener {
  /** Acked samples of one task waiting for the next cost event of its booking. */
  private static final class Pending {
    long[] sent = new long[8];
    long[] acked = new long[8];
    int[] counts = new int[8];
    int size;
    long lastCostNanos;

    void add(long sentNanos, long ackNanos, int count) {
      if (size == counts.length) {
        sent = java.util.Arrays.copyOf(sent, size * 2);
        acked = java.util.Arrays.copyOf(acked, size * 2);
        counts = java.util.Arrays.copyOf(counts, size * 2);
      }
      sent[size] = sentNanos;
      acked[size] = ackNanos;
      counts[size++] = count;
    }
  }

  /** What one measurement window saw. */
  static final class Window {
    final long start;
    final long end;
    long costEvents;                 // received inside the window
    long otherEvents;
    final Set<String> bookingsCosted = new HashSet<>();
    final LogLinearHistogram sentToCost = new LogLinearHistogram();   // per sample
    final LogLinearHistogram ackToCost = new LogLinearHistogram();    // per sample
    final LogLinearHistogram costInterval = new LogLinearHistogram(); // per booking, between consecutive cost events
    final LogLinearHistogram eventLag = new LogLinearHistogram();     // event time → received (wall clocks)
    long samplesWaiting;             // acked in the window, no cost event yet
    long negativeLag;

    Window(long start, long end) {
      this.start = start;
      this.end = end;
    }
  }

  private final Vertx vertx;
  private final Map<String, MeteredFleet.Task> byBooking = new HashMap<>();
  private final Map<String, Pending> pending = new HashMap<>();
  private final Set<String> running = new HashSet<>();
  private WebSocketClient client;
  private WebSocket ws;
  private Window window;
  private long measuredPending; // samples acked in the window still waiting
  long events;
  long errors;
  String closeReason;

  CostWatch(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Connects and subscribes with the renter's token; completes once {@code subscribed}. */
  Future<Void> start(String host, int port, String token) {
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));
    Promise<Void> subscribed = Promise.promise();
    client.connect(new WebSocketConnectOptions().setHost(host).setPort(port).setURI("/v1/events")).onComplete(ar -> {
      if (ar.failed()) {
        subscribed.tryFail(ar.cause());
        return;
      }
      ws = ar.result();
      ws.textMessageHandler(text -> {
        JsonObject m = new JsonObject(text);
        switch (m.getString("type", "")) {
          case "subscribed" -> subscribed.tryComplete();
          case "event" -> onEvent(m.getJsonObject("event"));
          case "error" -> {
            errors++;
            subscribed.tryFail(m.getString("message"));
          }
          default -> { }
        }
      });
      ws.closeHandler(v -> {
        closeReason = ws.closeStatusCode() + " " + ws.closeReason();
        subscribed.tryFail("events socket closed: " + closeReason);
      });
      ws.writeTextMessage(new JsonObject().put("type", "subscribe").put("topic", "bookings").put("token", token).encode());
    });
    return subscribed.future();
  }

  int running() { return running.size(); }

  boolean isRunning(String bookingId) { return running.contains(bookingId); }

  boolean connected() { return ws != null && !ws.isClosed(); }

  @Override
  public void taskStarted(MeteredFleet.Task t) {
    byBooking.put(t.bookingId, t);
    pending.put(t.taskId, new Pending());
  }

  @Override
  public void acked(MeteredFleet.Task t, int count, long sentNanos, long ackNanos, boolean inWindow) {
    if (!inWindow || window == null) return;
    pending.get(t.taskId).add(sentNanos, ackNanos, count);
    measuredPending += count;
  }

  void open(Window w) {
    window = w;
  }

  /** Samples acked in the window whose booking has had no cost event since. */
  long waiting() { return measuredPending; }

  /** Closes the window: samples still waiting are counted as such and forgotten. */
  Window close() {
    Window w = window;
    w.samplesWaiting = measuredPending;
    for (Pending p : pending.values()) p.size = 0;
    measuredPending = 0;
    window = null;
    return w;
  }

  private void onEvent(JsonObject e) {
    events++;
    long now = System.nanoTime();
    String type = e.getString("type", "");
    JsonObject data = e.getJsonObject("data", new JsonObject());
    String bookingId = data.getString("bookingId");
    if ("booking.running".equals(type) && bookingId != null) running.add(bookingId);
    Window w = window;
    if (!"booking.cost".equals(type) || bookingId == null) {
      if (w != null && w.start <= now && now < w.end) w.otherEvents++;
      return;
    }
    MeteredFleet.Task t = byBooking.get(bookingId);
    if (t == null) return;
    Pending p = pending.get(t.taskId);
    if (w != null && w.start <= now && now < w.end) {
      w.costEvents++;
      w.bookingsCosted.add(bookingId);
      if (p.lastCostNanos != 0) w.costInterval.record(now - p.lastCostNanos);
      long lag = System.currentTimeMillis() - Instant.parse(e.getString("time")).toEpochMilli();
      if (lag >= 0) w.eventLag.record(lag * 1_000_000);
      else w.negativeLag++;
    }
    p.lastCostNanos = now;
    if (w != null) {
      for (int i = 0; i < p.size; i++) {
        for (int k = 0; k < p.counts[i]; k++) {
          w.sentToCost.record(now - p.sent[i]);
          w.ackToCost.record(now - p.acked[i]);
        }
        measuredPending -= p.counts[i];
      }
    }
    p.size = 0;
  }

  Future<Void> stop() {
    Future<Void> closing = ws == null || ws.isClosed() ? Future.succeededFuture() : ws.close();
    return closing.otherwiseEmpty().eventually(() -> client == null ? Future.succeededFuture() : client.close());
  }
}

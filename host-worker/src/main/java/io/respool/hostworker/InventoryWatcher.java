package io.respool.hostworker;

import io.respool.protocol.host.Inventory;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes the host every interval on a worker thread (probes block) and reports only changes.
 * Probes never overlap: the next one is scheduled when the previous one has finished. Start it
 * from a Vert.x context; its callbacks then run on that context.
 */
public final class InventoryWatcher {
  private static final Logger log = LoggerFactory.getLogger(InventoryWatcher.class);

  private final Vertx vertx;
  private final InventoryProbe probe;
  private final Duration interval;
  private Consumer<Inventory> onChange = inventory -> {};
  private Inventory current;
  private long timer = -1;
  private boolean stopped;
  private Context context;
  private boolean probing;
  private boolean refreshAsked;

  public InventoryWatcher(Vertx vertx, InventoryProbe probe, Duration interval) {
    this.vertx = vertx;
    this.probe = probe;
    this.interval = interval;
  }

  /** Takes the first measurement (the start fails if it fails), then re-probes every interval. */
  public Future<Inventory> start(Consumer<Inventory> onChange) {
    this.onChange = onChange;
    this.context = vertx.getOrCreateContext();
    return measure().onSuccess(inventory -> {
      current = inventory;
      schedule();
    });
  }

  /** The latest measurement; null before {@link #start} has succeeded. */
  public Inventory current() { return current; }

  public void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  /**
   * Probes again now rather than at the next interval (from any thread): a GPU started failing,
   * and the gateway should stop offering it at once. A probe under way is followed by another.
   */
  public void refresh() {
    Context c = context;
    if (c == null) return;
    c.runOnContext(v -> {
      if (stopped || current == null) return;
      if (probing) {
        refreshAsked = true;
        return;
      }
      vertx.cancelTimer(timer);
      tick();
    });
  }

  private Future<Inventory> measure() {
    return vertx.executeBlocking(probe::probe, false);
  }

  private void schedule() {
    if (!stopped) timer = vertx.setTimer(interval.toMillis(), id -> tick());
  }

  private void tick() {
    probing = true;
    refreshAsked = false;
    measure().onComplete(ar -> {
      probing = false;
      if (stopped) return;
      if (ar.failed()) {
        log.warn("inventory probe failed, keeping the last one: {}", ar.cause().toString());
      } else if (!ar.result().equals(current)) {
        current = ar.result();
        onChange.accept(current);
      }
      if (refreshAsked) tick();
      else schedule();
    });
  }
}

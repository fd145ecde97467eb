package io.respool.infra;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A piece of work run every {@code interval}, one round at a time (a round still running when the
 * next is due is not overlapped). Closing cancels the timer and waits for a running round to end,
 * so a node does not stop its database pool under it.
 */
public final class PeriodicRound implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeriodicRound.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final String name;
  private final Supplier<Future<Void>> round;
  private final long timer;
  private volatile Future<Void> running = Future.succeededFuture();

  private PeriodicRound(Vertx vertx, String name, Duration interval, Supplier<Future<Void>> round) {
    this.vertx = vertx;
    this.name = name;
    this.round = round;
    this.timer = vertx.setPeriodic(interval.toMillis(), t -> tick());
  }

  public static PeriodicRound start(Vertx vertx, String name, Duration interval, Supplier<Future<Void>> round) {
    return new PeriodicRound(vertx, name, interval, round);
  }

  private void tick() {
    if (!running.isComplete()) return;
    running = round.get().onFailure(e -> LOG.warn("{} failed: {}", name, e.toString())).otherwiseEmpty();
  }

  /** Cancels the timer; the returned future completes when a running round has ended (for a verticle's stop, which must not block). */
  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    return running;
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
    try {
      running.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("{}: the last round did not end within {} s", name, CLOSE_WAIT.toSeconds());
    }
  }
}

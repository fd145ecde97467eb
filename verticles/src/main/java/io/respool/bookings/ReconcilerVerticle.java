package io.respool.bookings;

import io.respool.infra.PeriodicRound;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;

/** Runs the {@link Reconciler} every {@code interval} on this node, one round at a time. */
public final class ReconcilerVerticle extends VerticleBase {
  private final Reconciler reconciler;
  private final Duration interval;
  private PeriodicRound round;

  public ReconcilerVerticle(Reconciler reconciler, Duration interval) {
    this.reconciler = reconciler;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    round = PeriodicRound.start(vertx, "reconciling bookings", interval, reconciler::round);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return round.stop(); // a running round ends before the node closes its pool
  }
}

package io.respool.optimizer;

import io.respool.infra.PeriodicRound;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * The optimizer on a gateway node: every {@code interval}, evaluates the running bookings no node
 * has evaluated within it, so new suggestions are announced ({@code suggestion.created}) without
 * anyone asking. The HTTP edge calls {@link Optimizer} directly for reads and applies.
 */
public final class OptimizerVerticle extends VerticleBase {
  private final Optimizer optimizer;
  private final OptimizerSettings settings;
  private PeriodicRound round;

  public OptimizerVerticle(Optimizer optimizer, OptimizerSettings settings) {
    this.optimizer = optimizer;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    round = PeriodicRound.start(vertx, "optimizer", settings.interval(), optimizer::round);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return round.stop();
  }
}

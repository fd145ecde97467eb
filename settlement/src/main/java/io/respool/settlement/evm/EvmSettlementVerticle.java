package io.respool.settlement.evm;

import io.respool.bookings.PaymentOutcomes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;

/**
 * Ethereum settlement on this node: the deposit watcher and, with the operator key, the settlement
 * outbox, each a round every poll interval. What the chain says reaches the bookings through
 * {@link PaymentOutcomes}.
 */
public final class EvmSettlementVerticle extends VerticleBase {
  private final EvmSettlement settlement;
  private final Pool pool;
  private final PaymentOutcomes bookings;

  public EvmSettlementVerticle(EvmSettlement settlement, Pool pool, PaymentOutcomes bookings) {
    this.settlement = settlement;
    this.pool = pool;
    this.bookings = bookings;
  }

  @Override
  public Future<?> start() {
    settlement.start(vertx, pool, bookings);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return settlement.stopRounds();
  }
}

package io.respool.settlement;

import io.respool.bookings.PaymentOutcomes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;

/**
 * One chain's settlement on this node (Ethereum or Solana): the deposit watcher and, with the
 * operator key, the settlement outbox, each a round every poll interval. What the chain says reaches
 * the bookings through {@link PaymentOutcomes}.
 */
public final class SettlementVerticle extends VerticleBase {
  private final ChainSettlement settlement;
  private final Pool pool;
  private final PaymentOutcomes bookings;

  public SettlementVerticle(ChainSettlement settlement, Pool pool, PaymentOutcomes bookings) {
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

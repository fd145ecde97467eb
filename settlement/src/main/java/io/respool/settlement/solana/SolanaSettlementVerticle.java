package io.respool.settlement.solana;

import io.respool.bookings.PaymentOutcomes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;

/** Solana settlement on this node: the watcher and, with the operator key, the outbox, each a round every poll interval. */
public final class SolanaSettlementVerticle extends VerticleBase {
  private final SolanaSettlement settlement;
  private final Pool pool;
  private final PaymentOutcomes bookings;

  public SolanaSettlementVerticle(SolanaSettlement settlement, Pool pool, PaymentOutcomes bookings) {
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

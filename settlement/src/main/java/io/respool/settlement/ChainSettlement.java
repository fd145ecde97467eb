package io.respool.settlement;

import io.respool.bookings.PaymentOutcomes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/** A chain's payment and settlement, as its {@link SettlementVerticle} runs it on a node. */
public interface ChainSettlement {
  /** Starts watching (and submitting, with the operator key) on this node; what the chain says reaches the bookings through {@code bookings}. */
  void start(Vertx vertx, Pool pool, PaymentOutcomes bookings);

  /** Stops the rounds; completes when the running ones have ended and the outbox has handed its lease back. */
  Future<Void> stopRounds();
}

package io.respool.bookings;

import io.respool.bookings.BookingsBus.UsageFrame;
import io.respool.infra.Addresses;
import io.respool.infra.Messages;
import io.respool.infra.PeriodicRound;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;

/**
 * Metering on this node: stores the hosts' usage samples ({@link Addresses#USAGE_INGEST}, answered
 * once stored) and brings running bookings' bills up to date every {@code interval}.
 */
public final class MeteringVerticle extends VerticleBase {
  private final Metering metering;
  private final Duration interval;
  private PeriodicRound round;

  public MeteringVerticle(Metering metering, Duration interval) {
    this.metering = metering;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    round = PeriodicRound.start(vertx, "metering", interval, metering::meter);
    return vertx.eventBus().<UsageFrame>localConsumer(Addresses.USAGE_INGEST,
        msg -> Messages.answer(msg, () -> metering.ingest(msg.body().hostId(), msg.body().samples()))).completion();
  }

  @Override
  public Future<?> stop() {
    return round.stop();
  }
}

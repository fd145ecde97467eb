package io.respool.bookings;

import io.respool.bookings.BookingsBus.PlaceBooking;
import io.respool.infra.Addresses;
import io.respool.infra.Messages;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Takes this node's booking requests ({@link Addresses#BOOKING_PLACE}) and places them with its
 * view of the offers; one instance per node, so the view lives on one event loop.
 */
public final class PlacementVerticle extends VerticleBase {
  private final PlacementService placements;

  public PlacementVerticle(PlacementService placements) {
    this.placements = placements;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<PlaceBooking>localConsumer(Addresses.BOOKING_PLACE,
        msg -> Messages.answer(msg, () -> placements.create(msg.body().accountId(), msg.body().request()))).completion();
  }
}

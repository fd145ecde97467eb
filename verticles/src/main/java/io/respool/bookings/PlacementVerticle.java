package io.respool.bookings;

import io.respool.bookings.BookingsBus.PlaceBooking;
import io.respool.infra.Addresses;
import io.respool.infra.Messages;
import io.respool.protocol.api.Bookings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes this node's booking requests ({@link Addresses#BOOKING_PLACE}) and places them with its
 * view of the offers; one instance per node, so the view lives on one event loop. Requests are
 * placed in batches by group commit: a request that finds no batch in flight starts one at once
 * (no added wait when the node is quiet); those arriving meanwhile queue and go together as the
 * next batch, up to {@link #MAX_BATCH}, in one transaction.
 */
public final class PlacementVerticle extends VerticleBase {
  static final int MAX_BATCH = 128;

  private final PlacementService placements;
  private final ArrayDeque<Message<PlaceBooking>> waiting = new ArrayDeque<>();
  private boolean inFlight;

  public PlacementVerticle(PlacementService placements) {
    this.placements = placements;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<PlaceBooking>localConsumer(Addresses.BOOKING_PLACE, msg -> {
      waiting.add(msg);
      if (!inFlight) placeWaiting();
    }).completion();
  }

  private void placeWaiting() {
    List<Message<PlaceBooking>> batch = new ArrayList<>();
    while (!waiting.isEmpty() && batch.size() < MAX_BATCH) batch.add(waiting.poll());
    inFlight = true;
    List<Future<Bookings.Booking>> answers;
    try {
      answers = placements.createAll(batch.stream().map(m -> new PlacementService.Request(m.body().accountId(), m.body().request())).toList());
    } catch (RuntimeException e) {
      answers = batch.stream().map(m -> Future.<Bookings.Booking>failedFuture(e)).toList();
    }
    for (int i = 0; i < batch.size(); i++) {
      Message<PlaceBooking> msg = batch.get(i);
      answers.get(i).onComplete(ar -> {
        if (ar.succeeded()) msg.reply(ar.result());
        else Messages.fail(msg, ar.cause());
      });
    }
    Future.join(answers).onComplete(done -> {
      inFlight = false;
      // the next batch serves other requests than the one whose callback this is: on the verticle's own context, so
      // its lines carry no request's ids rather than the wrong ones (a batch of one runs in its own message's context)
      if (!waiting.isEmpty()) context.runOnContext(v -> {
        if (!inFlight && !waiting.isEmpty()) placeWaiting();
      });
    });
  }
}

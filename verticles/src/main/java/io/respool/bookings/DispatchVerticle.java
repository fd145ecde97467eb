package io.respool.bookings;

import io.respool.bookings.BookingsBus.TaskReport;
import io.respool.infra.Addresses;
import io.respool.infra.LogContext;
import io.respool.infra.Messages;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatch on this node: funded bookings go to their hosts ({@link Addresses#BOOKING_FUNDED}), and
 * the hosts' task reports are applied, each answered once committed ({@link Addresses#TASK_REPORTED}).
 */
public final class DispatchVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DispatchVerticle.class);

  private final Dispatcher dispatcher;

  public DispatchVerticle(Dispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  @Override
  public Future<?> start() {
    var funded = vertx.eventBus().<String>localConsumer(Addresses.BOOKING_FUNDED, msg -> {
      LogContext.put(LogContext.BOOKING_ID, msg.body()); // the lines about this booking, whoever sent the message
      dispatcher.begin(msg.body())
          .onFailure(err -> LOG.warn("dispatch of funded booking {} failed ({}); the reconciler will dispatch it", msg.body(), err.toString()));
    });
    var reports = vertx.eventBus().<TaskReport>localConsumer(Addresses.TASK_REPORTED,
        msg -> Messages.answer(msg, () -> dispatcher.onReport(msg.body().hostId(), msg.body().status())));
    return Future.all(funded.completion(), reports.completion());
  }
}

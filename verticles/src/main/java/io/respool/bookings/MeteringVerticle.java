package io.respool.bookings;

import io.respool.bookings.BookingsBus.UsageFrame;
import io.respool.infra.Addresses;
import io.respool.infra.Messages;
import io.respool.infra.PeriodicRound;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Metering on this node: stores the hosts' usage samples ({@link Addresses#USAGE_INGEST}, each
 * frame answered once stored) and brings running bookings' bills up to date every {@code interval}.
 * Frames are stored by group commit: a frame that finds no write in flight is written at once;
 * those arriving meanwhile (from any hosts) are written together in one transaction next, up to
 * {@link #MAX_SAMPLES}. If that transaction fails, its frames are written one by one, so one
 * frame's failure is not the others'.
 */
public final class MeteringVerticle extends VerticleBase {
  static final int MAX_SAMPLES = 10_000;

  private final Metering metering;
  private final Duration interval;
  private final ArrayDeque<Message<UsageFrame>> waiting = new ArrayDeque<>();
  private boolean inFlight;
  private long lastForget = System.nanoTime();
  private PeriodicRound round;

  public MeteringVerticle(Metering metering, Duration interval) {
    this.metering = metering;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    round = PeriodicRound.start(vertx, "metering", interval, () -> metering.meter().compose(x -> forgetOldCosts()));
    return vertx.eventBus().<UsageFrame>localConsumer(Addresses.USAGE_INGEST, msg -> {
      waiting.add(msg);
      if (!inFlight) storeWaiting();
    }).completion();
  }

  private void storeWaiting() {
    List<Message<UsageFrame>> batch = new ArrayList<>();
    int samples = 0;
    while (!waiting.isEmpty() && (batch.isEmpty() || samples + waiting.peek().body().samples().size() <= MAX_SAMPLES)) {
      Message<UsageFrame> next = waiting.poll();
      samples += next.body().samples().size();
      batch.add(next);
    }
    inFlight = true;
    Future<Void> stored = batch.size() == 1
        ? answer(batch.get(0))
        : metering.ingestAll(batch.stream().map(Message::body).toList())
            .onSuccess(x -> batch.forEach(m -> m.reply(null)))
            .recover(err -> Future.join(batch.stream().map(this::answer).toList()).mapEmpty());
    stored.onComplete(done -> {
      inFlight = false;
      if (!waiting.isEmpty()) storeWaiting();
    });
  }

  /** At most once a minute, the cost events past their retention go (a bounded number per round). */
  private Future<Void> forgetOldCosts() {
    long now = System.nanoTime();
    if (now - lastForget < java.util.concurrent.TimeUnit.MINUTES.toNanos(1)) return Future.succeededFuture();
    lastForget = now;
    return metering.forgetOldCosts(10_000).mapEmpty();
  }

  /** One frame on its own, answered. */
  private Future<Void> answer(Message<UsageFrame> msg) {
    return metering.ingest(msg.body().hostId(), msg.body().samples())
        .onSuccess(x -> msg.reply(null))
        .onFailure(err -> Messages.fail(msg, err));
  }

  @Override
  public Future<?> stop() {
    return round.stop();
  }
}

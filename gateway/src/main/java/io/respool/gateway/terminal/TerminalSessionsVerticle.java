package io.respool.gateway.terminal;

import io.respool.infra.Addresses;
import io.respool.protocol.Json;
import io.respool.protocol.api.Event;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * The node's watch over its terminal sessions: follows the cluster's events (a booking stopping or
 * pausing, a task ending, a host leaving end the sessions into them) and the idle clock. One per node.
 */
public final class TerminalSessionsVerticle extends VerticleBase {
  private final TerminalSessions sessions;
  private MessageConsumer<String> events;
  private long timer = -1;

  public TerminalSessionsVerticle(TerminalSessions sessions) {
    this.sessions = sessions;
  }

  @Override
  public Future<?> start() {
    events = vertx.eventBus().consumer(Addresses.EVENTS_PUBLISHED, msg -> sessions.onEvent(Json.decode(msg.body(), Event.class)));
    timer = vertx.setPeriodic(1000, t -> sessions.sweepIdle());
    return events.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    sessions.closeAll("gateway node stopping");
    return events.unregister();
  }
}

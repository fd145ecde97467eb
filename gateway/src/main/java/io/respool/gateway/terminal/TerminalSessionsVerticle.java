package io.respool.gateway.terminal;

import io.respool.infra.Addresses;
import io.respool.protocol.Json;
import io.respool.protocol.api.Event;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's watch over its terminal sessions: follows the cluster's events (a booking stopping or
 * pausing, a task ending, a host leaving end the sessions into them) and the idle clock, and keeps
 * the audit rows of its open sessions stamped, so that any node can end those of a node that died.
 * One per node.
 */
public final class TerminalSessionsVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TerminalSessionsVerticle.class);
  private final TerminalSessions sessions;
  private MessageConsumer<String> events;
  private long timer = -1;
  private long stamps = -1;
  /** How often a node stamps its open sessions; a row unstamped for {@link #STALE} belongs to a dead node. */
  static final java.time.Duration STAMP = java.time.Duration.ofSeconds(10);
  static final java.time.Duration STALE = STAMP.multipliedBy(6);

  public TerminalSessionsVerticle(TerminalSessions sessions) {
    this.sessions = sessions;
  }

  @Override
  public Future<?> start() {
    // every booking's events come by; they are read only while a session is open here
    events = vertx.eventBus().consumer(Addresses.EVENTS_PUBLISHED, msg -> {
      if (sessions.size() > 0) sessions.onEvent(Json.decode(msg.body(), Event.class));
    });
    timer = vertx.setPeriodic(1000, t -> sessions.sweepIdle());
    stamps = vertx.setPeriodic(STAMP.toMillis(), t -> sessions.keepAlive(STALE)
        .onFailure(err -> LOG.warn("terminal session audit rows not stamped: {}", err.toString())));
    // a failure here must not stop the node: the rows are ended by another node or the next start
    sessions.endLeftOpen().onFailure(err -> LOG.warn("terminal sessions left open by this node not ended: {}", err.toString()));
    return events.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(stamps);
    sessions.closeAll("gateway node stopping");
    return events.unregister();
  }
}

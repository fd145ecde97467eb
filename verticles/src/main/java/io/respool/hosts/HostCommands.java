package io.respool.hosts;

import io.respool.infra.Addresses;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.host.HostFrames;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.time.Duration;

/**
 * The typed client of {@link Addresses#hostCommand}: sends a request frame to a host from any
 * node. Fails with a {@code ReplyException} whose code is the protocol error's HTTP status, or
 * NO_HANDLERS when no node holds the host.
 */
public final class HostCommands {
  /** Reply header naming the node that holds the host's connection. */
  public static final String NODE_HEADER = "respool-node";

  private final EventBus bus;

  public HostCommands(EventBus bus) {
    this.bus = bus;
  }

  /** The host's answer and the node it came through. */
  public record Answer(HostFrame frame, String node) {}

  public Future<Answer> send(String hostId, HostFrame request, Duration timeout) {
    return bus.<String>request(Addresses.hostCommand(hostId), HostFrames.encode(request), new DeliveryOptions().setSendTimeout(timeout.toMillis()))
        .map(reply -> new Answer(HostFrames.decode(reply.body()), reply.headers().get(NODE_HEADER)));
  }
}

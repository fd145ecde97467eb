package io.respool.gateway.hosts;

import io.respool.hosts.HostCommands;
import io.respool.infra.Addresses;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.host.HostFrames;
import io.respool.protocol.stream.CreditWindow;
import io.respool.protocol.stream.StreamFrame;
import io.respool.protocol.stream.StreamFrame.Channel;
import io.respool.protocol.stream.StreamProtocolException;
import io.respool.streams.RelayFrames;
import io.respool.streams.StreamRelay;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams riding one host's control connection, on the node holding it: a relay between the
 * connection's binary frames and the event-bus addresses of each stream's user side
 * ({@code streams/StreamRelay}, on whichever node the user reached). It numbers the streams on the
 * connection, passes frames through in order, and checks the host: a worker sending output beyond
 * the credit its user granted, or on a channel it may not use, loses the stream. Nothing is
 * buffered here: what the worker sends is bounded by the user's credit, what the user sends by the
 * worker's. All on the connection's event loop.
 */
final class HostStreams {
  private static final Logger LOG = LoggerFactory.getLogger(HostStreams.class);
  /** A little under the user side's wait, so the user hears this node's reason rather than a bare timeout. */
  private static final Duration OPEN_TIMEOUT = StreamRelay.OPEN_TIMEOUT.minusSeconds(5);

  /** The connection, as this needs it. */
  interface Link {
    /** Sends the request the factory builds with a fresh request id; the host's answer. */
    Future<HostFrame> ask(Function<String, HostFrame> request, Duration timeout);

    void binary(Buffer frame);
  }

  private final Vertx vertx;
  private final String hostId;
  private final String node;
  private final Link link;
  private final Map<Long, Relayed> byId = new HashMap<>();
  private long lastId;

  HostStreams(Vertx vertx, String hostId, String node, Link link) {
    this.vertx = vertx;
    this.hostId = hostId;
    this.node = node;
    this.link = link;
  }

  int size() { return byId.size(); }

  /** A {@code stream.open} from a user's node: answered with the worker's {@code stream.opened}, or failed with its error. */
  void open(Message<String> msg, HostFrame.StreamOpen request, String relayId) {
    if (lastId >= StreamFrame.MAX_STREAM_ID) {
      msg.fail(ErrorCode.UNAVAILABLE.status(), "no stream ids left on this connection");
      return;
    }
    Relayed r = new Relayed(++lastId, relayId, request.window());
    byId.put(r.id, r);
    r.consumer = vertx.eventBus().consumer(Addresses.streamHost(relayId), m -> fromUser(r, m));
    r.consumer.completion()
        .compose(x -> link.ask(id -> new HostFrame.StreamOpen(id, r.id, request.taskId(), request.kind(), request.command(), request.tty(),
            request.term(), request.cols(), request.rows(), request.port(), request.window()), OPEN_TIMEOUT))
        .onComplete(ar -> {
          if (r.ended) {
            msg.fail(ErrorCode.HOST_UNREACHABLE.status(), "host " + hostId + " disconnected");
            return;
          }
          if (ar.failed()) {
            end(r);
            msg.fail(ErrorCode.HOST_UNREACHABLE.status(), "host " + hostId + " did not open the stream: " + ar.cause().getMessage());
          } else if (ar.result() instanceof HostFrame.Error e) {
            end(r);
            msg.fail(ErrorCode.fromSlug(e.code()).status(), e.message());
          } else if (ar.result() instanceof HostFrame.StreamOpened o) {
            r.open = true;
            r.pingTimer = vertx.setPeriodic(StreamRelay.PING_INTERVAL.toMillis(), t -> ping(r));
            msg.reply(HostFrames.encode(o), new DeliveryOptions().addHeader(HostCommands.NODE_HEADER, node));
          } else {
            end(r);
            msg.fail(ErrorCode.INTERNAL.status(), "unexpected answer to stream.open");
          }
        });
  }

  /** A binary frame from the worker. */
  /** A binary frame from the worker; returns why it is refused when it is no stream frame at all (null otherwise). */
  String fromWorker(Buffer bytes) {
    StreamFrame f;
    try {
      f = StreamFrame.decode(bytes.getBytes());
    } catch (StreamProtocolException e) {
      Relayed r = bytes.length() >= 4 ? byId.get(bytes.getUnsignedInt(0)) : null;
      if (r != null) {
        abort(r, "host " + hostId + " sent a bad frame: " + e.getMessage());
        return null;
      }
      LOG.warn("host {} sent a bad stream frame: {}", hostId, e.getMessage());
      return "a binary frame must be a stream frame [streamId u32][channel u8][payload]: " + e.getMessage();
    }
    Relayed r = byId.get(f.streamId());
    if (r == null || !r.open) {
      // a stream this side no longer knows (ended, or opened after we gave up on it): stop it there too
      if (f.channel() != Channel.EXIT && f.channel() != Channel.CLOSE) link.binary(Buffer.buffer(StreamFrame.close(f.streamId(), "no such stream").encode()));
      return null;
    }
    if (!f.channel().sentByWorker()) {
      abort(r, "host " + hostId + " sent " + f.channel() + ", which only a gateway may send");
      return null;
    }
    if (f.channel().isData() && r.workerCredit.take(f.payload().length) < f.payload().length) {
      abort(r, "host " + hostId + " sent output beyond the credit it was granted");
      return null;
    }
    toUser(r, f.channel(), f.payload());
    if (f.channel() == Channel.EXIT || f.channel() == Channel.CLOSE) end(r);
    return null;
  }

  /** The connection ended: every stream's user hears why. */
  void closeAll(String reason) {
    for (Relayed r : List.copyOf(byId.values())) {
      if (r.open) toUser(r, Channel.CLOSE, StreamFrame.close(1, reason).payload());
      end(r);
    }
  }

  private void fromUser(Relayed r, Message<Buffer> msg) {
    if (RelayFrames.isPing(msg.body())) {
      msg.reply(Buffer.buffer());
      return;
    }
    if (r.ended || !r.open) return;
    try {
      RelayFrames.Frame f = RelayFrames.decode(msg.body());
      if (f.seq() != r.seqIn + 1) throw new StreamProtocolException("relay frame " + f.seq() + " arrived after " + r.seqIn);
      r.seqIn = f.seq();
      if (!f.channel().sentByGateway()) throw new StreamProtocolException("a user may not send " + f.channel());
      if (f.channel() == Channel.CREDIT) r.workerCredit.grant(ByteBuffer.wrap(f.payload()).getInt() & 0xFFFF_FFFFL);
      link.binary(Buffer.buffer(new StreamFrame(r.id, f.channel(), f.payload()).encode()));
      if (f.channel() == Channel.CLOSE) end(r);
    } catch (StreamProtocolException e) {
      abort(r, "stream broken: " + e.getMessage());
    }
  }

  private void toUser(Relayed r, Channel channel, byte[] payload) {
    vertx.eventBus().send(Addresses.streamUser(r.relayId), RelayFrames.encode(++r.seqOut, channel, payload));
  }

  /** Ends a stream on both sides, telling each why. */
  private void abort(Relayed r, String reason) {
    LOG.warn("closing stream {} of host {}: {}", r.id, hostId, reason);
    link.binary(Buffer.buffer(StreamFrame.close(r.id, reason).encode()));
    toUser(r, Channel.CLOSE, StreamFrame.close(1, reason).payload());
    end(r);
  }

  /** The user's node must still be there; if it is gone, the worker stops the command. */
  private void ping(Relayed r) {
    vertx.eventBus().request(Addresses.streamUser(r.relayId), RelayFrames.ping()).onComplete(ar -> {
      if (r.ended) return;
      if (ar.succeeded()) {
        r.missedPings = 0;
        return;
      }
      boolean gone = ar.cause() instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS;
      if (gone || ++r.missedPings >= StreamRelay.MAX_MISSED_PINGS) {
        LOG.info("stream {} of host {}: its user's node is gone; closing it", r.id, hostId);
        link.binary(Buffer.buffer(StreamFrame.close(r.id, "the user's gateway node is gone").encode()));
        end(r);
      }
    });
  }

  private void end(Relayed r) {
    r.ended = true;
    byId.remove(r.id, r);
    if (r.pingTimer >= 0) vertx.cancelTimer(r.pingTimer);
    if (r.consumer != null) r.consumer.unregister();
  }

  private static final class Relayed {
    final long id;
    final String relayId;
    /** Output the worker may still send: the user's window, plus every credit the user sent since. */
    final CreditWindow workerCredit;
    MessageConsumer<Buffer> consumer;
    boolean open;
    boolean ended;
    long seqIn;
    long seqOut;
    long pingTimer = -1;
    int missedPings;

    Relayed(long id, String relayId, long window) {
      this.id = id;
      this.relayId = relayId;
      this.workerCredit = new CreditWindow(window);
    }
  }
}

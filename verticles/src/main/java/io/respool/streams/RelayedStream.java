package io.respool.streams;

import io.respool.infra.Addresses;
import io.respool.protocol.RespoolException;
import io.respool.protocol.stream.CreditWindow;
import io.respool.protocol.stream.ReceiveWindow;
import io.respool.protocol.stream.StreamExit;
import io.respool.protocol.stream.StreamFrame;
import io.respool.protocol.stream.StreamFrame.Channel;
import io.respool.protocol.stream.StreamProtocolException;
import io.respool.protocol.stream.StreamResize;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream as the user's side sees it (opened by {@link StreamRelay}). Its state lives on one
 * context; the public methods may be called from any thread (they are queued onto the context in
 * call order) and the {@link Listener} is called on the context.
 *
 * <p>Flow control, end to end: the worker may send output only within the credit this side
 * granted ({@link StreamRelay#OUTPUT_WINDOW} at the open, then as the consumer reports bytes
 * delivered with {@link #consumed}), so a slow user slows the command. Stdin written with
 * {@link #write} is queued here and sent only within the stdin credit the worker granted; the
 * listener hears of every byte sent ({@link Listener#onStdinSent}) so the caller reads its user only
 * as fast as the worker takes bytes (the caller bounds what it queues).
 *
 * <p>Ending: {@link Listener#onExit} comes after every output frame (the worker sends it last; the
 * relay's sequence numbers prove the order held). A transport failure — the host or the node
 * holding it gone, a broken protocol — is {@link Listener#onClosed} with a reason: never an exit code.
 */
public final class RelayedStream {
  private static final Logger LOG = LoggerFactory.getLogger(RelayedStream.class);

  /** What the stream tells its user; every call on the stream's context. */
  public interface Listener {
    /** Output ({@code STDOUT} or {@code STDERR}); call {@link #consumed} once it reached the user. */
    void onOutput(Channel channel, Buffer data);

    /** {@code bytes} of stdin were sent to the worker (the caller may take that much more from its user). */
    default void onStdinSent(int bytes) {}

    /** A forward's peer closed its write half. */
    default void onEof() {}

    /** How the command ended; nothing follows. */
    void onExit(StreamExit exit);

    /** The stream broke (host or node gone, aborted by the worker, protocol error); nothing follows. */
    void onClosed(String reason);
  }

  private final EventBus bus;
  private final Context context;
  private final String hostId;
  private final String relayId = UUID.randomUUID().toString();
  private final Listener listener;
  private final ReceiveWindow output;
  private final Promise<Void> opened = Promise.promise();
  private final ArrayDeque<Buffer> stdin = new ArrayDeque<>();
  private int headOffset; // bytes of stdin's head already sent
  private CreditWindow stdinCredit; // null until opened
  private MessageConsumer<Buffer> consumer;
  private long seqOut;
  private long seqIn;
  private boolean eofWanted;
  private boolean eofSent;
  private boolean ended;
  private long pingTimer = -1;
  private int missedPings;
  private String node;
  private StreamResize pendingResize;
  private volatile long bytesIn;
  private volatile long bytesOut;

  RelayedStream(EventBus bus, Context context, String hostId, int outputWindow, Listener listener) {
    this.bus = bus;
    this.context = context;
    this.hostId = hostId;
    this.output = new ReceiveWindow(outputWindow);
    this.listener = listener;
  }

  public String relayId() { return relayId; }

  /** Completes once the worker runs the stream, or fails with a {@link RespoolException} saying why not. */
  public Future<Void> opened() { return opened.future(); }

  /** The node holding the host's connection (known once opened). */
  public String node() { return node; }

  /** Stdin bytes sent to the worker so far. */
  public long bytesIn() { return bytesIn; }

  /** Output bytes received from the worker so far. */
  public long bytesOut() { return bytesOut; }

  // --- the caller's side (any thread) ------------------------------------------------------------

  /** Queues stdin; it is sent within the worker's credit. */
  public void write(Buffer data) {
    context.runOnContext(v -> {
      if (ended || eofWanted || data.length() == 0) return;
      stdin.add(data);
      flush();
    });
  }

  /** Stdin ends, after what was written. */
  public void eof() {
    context.runOnContext(v -> {
      if (ended || eofWanted) return;
      eofWanted = true;
      flush();
    });
  }

  public void resize(int cols, int rows) {
    context.runOnContext(v -> {
      if (ended) return;
      StreamResize size = new StreamResize(Math.min(Math.max(cols, 1), StreamResize.MAX), Math.min(Math.max(rows, 1), StreamResize.MAX));
      if (stdinCredit == null) pendingResize = size; // the latest size is sent once the stream is open
      else send(Channel.RESIZE, StreamFrame.resize(1, size.cols(), size.rows()).payload());
    });
  }

  /** {@code bytes} of output reached the user: the worker may send that much more. */
  public void consumed(long bytes) {
    context.runOnContext(v -> {
      if (ended || bytes <= 0) return;
      long grant = output.consumed(bytes);
      if (grant > 0) send(Channel.CREDIT, StreamFrame.credit(1, grant).payload());
    });
  }

  /** The user went away: the worker stops the command; the listener hears nothing more. */
  public void close(String reason) {
    context.runOnContext(v -> {
      if (ended) return;
      if (stdinCredit != null) send(Channel.CLOSE, StreamFrame.close(1, reason).payload());
      end();
      if (!opened.future().isComplete()) opened.tryFail(new RespoolException(io.respool.protocol.ErrorCode.CONFLICT, "closed while opening"));
    });
  }

  // --- the relay's side (on the context) ---------------------------------------------------------

  Future<Void> listen() {
    consumer = bus.consumer(Addresses.streamUser(relayId), this::onMessage);
    return consumer.completion();
  }

  void onOpened(long window, String node) {
    if (ended) { // closed while opening: tell the holder to drop it
      bus.send(Addresses.streamHost(relayId), RelayFrames.encode(++seqOut, Channel.CLOSE, new byte[0]));
      return;
    }
    this.node = node;
    stdinCredit = new CreditWindow(window);
    pingTimer = context.owner().setPeriodic(StreamRelay.PING_INTERVAL.toMillis(), t -> ping());
    opened.tryComplete();
    if (pendingResize != null) send(Channel.RESIZE, StreamFrame.resize(1, pendingResize.cols(), pendingResize.rows()).payload());
    flush();
  }

  void failOpen(RespoolException e) {
    if (consumer != null) consumer.unregister();
    ended = true;
    opened.tryFail(e);
  }

  private void onMessage(Message<Buffer> msg) {
    if (RelayFrames.isPing(msg.body())) {
      msg.reply(Buffer.buffer());
      return;
    }
    if (ended) return;
    RelayFrames.Frame f;
    try {
      f = RelayFrames.decode(msg.body());
      if (f.seq() != seqIn + 1) throw new StreamProtocolException("relay frame " + f.seq() + " arrived after " + seqIn + ": the bus reordered the stream");
      seqIn = f.seq();
      switch (f.channel()) {
        case STDOUT, STDERR -> {
          output.received(f.payload().length);
          bytesOut += f.payload().length;
          listener.onOutput(f.channel(), Buffer.buffer(f.payload()));
        }
        case CREDIT -> {
          if (stdinCredit == null) throw new StreamProtocolException("credit before the stream opened");
          stdinCredit.grant(new StreamFrame(1, Channel.CREDIT, f.payload()).credit());
          flush();
        }
        case EOF -> listener.onEof();
        case EXIT -> {
          StreamExit exit = new StreamFrame(1, Channel.EXIT, f.payload()).exit();
          end();
          listener.onExit(exit);
        }
        case CLOSE -> {
          end();
          String reason = new String(f.payload(), StandardCharsets.UTF_8);
          listener.onClosed(reason.isEmpty() ? "the stream was closed by the host" : reason);
        }
        default -> throw new StreamProtocolException("the host may not send " + f.channel());
      }
    } catch (StreamProtocolException e) {
      fail("stream broken: " + e.getMessage());
    }
  }

  /** Sends queued stdin within the credit, then the eof once everything before it went. */
  private void flush() {
    if (ended || stdinCredit == null) return;
    int sent = 0;
    while (!stdin.isEmpty() && stdinCredit.available() > 0) {
      Buffer head = stdin.peek();
      int n = (int) stdinCredit.take(Math.min(head.length() - headOffset, StreamFrame.MAX_PAYLOAD));
      send(Channel.STDIN, head.getBytes(headOffset, headOffset + n));
      sent += n;
      headOffset += n;
      if (headOffset == head.length()) {
        stdin.poll();
        headOffset = 0;
      }
    }
    bytesIn += sent;
    if (eofWanted && !eofSent && stdin.isEmpty()) {
      eofSent = true;
      send(Channel.EOF, new byte[0]);
    }
    if (sent > 0) listener.onStdinSent(sent);
  }

  private void send(Channel channel, byte[] payload) {
    bus.send(Addresses.streamHost(relayId), RelayFrames.encode(++seqOut, channel, payload));
  }

  private void ping() {
    if (ended) return;
    bus.request(Addresses.streamHost(relayId), RelayFrames.ping()).onComplete(ar -> {
      if (ended) return;
      if (ar.succeeded()) {
        missedPings = 0;
      } else if (ar.cause() instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS) {
        fail("the gateway node holding host " + hostId + " is gone");
      } else if (++missedPings >= StreamRelay.MAX_MISSED_PINGS) {
        fail("the gateway node holding host " + hostId + " stopped answering");
      }
    });
  }

  /** A transport failure: the worker is told (if it can still be reached) and the listener hears the reason. */
  private void fail(String reason) {
    if (ended) return;
    LOG.debug("stream {} to host {}: {}", relayId, hostId, reason);
    if (stdinCredit != null) send(Channel.CLOSE, StreamFrame.close(1, reason).payload());
    end();
    listener.onClosed(reason);
  }

  private void end() {
    ended = true;
    if (pingTimer >= 0) context.owner().cancelTimer(pingTimer);
    if (consumer != null) consumer.unregister();
  }
}

package io.respool.infra;

import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Typed messages between the verticles of one node, and the one way a failure crosses the bus.
 * Records sent to a local address travel as they are (immutable, never copied or encoded); a
 * {@link RespoolException} becomes {@code fail(status, "[slug] message")} and turns back into the
 * same exception on the caller's side, so a 409 {@code no-capacity} stays one; anything else is a
 * 500, logged where it happened.
 */
public final class Messages {
  private static final Logger LOG = LoggerFactory.getLogger(Messages.class);

  private Messages() {}

  /** Lets {@code type} travel on local addresses as it is. Idempotent per event bus. */
  public static <T extends Record> void register(EventBus bus, Class<T> type) {
    try {
      bus.registerDefaultCodec(type, new Local<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // a second gateway in the same Vert.x (tests) registers the same types
    }
  }

  /** Replies with what {@code work} produces; a failure (thrown or failed) is sent back as described above. */
  public static <T> void answer(Message<?> msg, Supplier<Future<T>> work) {
    Future<T> result;
    try {
      result = work.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      if (ar.succeeded()) msg.reply(ar.result());
      else fail(msg, ar.cause());
    });
  }

  public static void fail(Message<?> msg, Throwable err) {
    if (err instanceof RespoolException e) {
      msg.fail(e.code().status(), "[" + e.code().slug() + "] " + e.getMessage());
    } else if (err instanceof ReplyException r) {
      msg.fail(r.failureCode(), r.getMessage()); // a host's or another verticle's answer, passed on
    } else {
      LOG.error("{} failed", msg.address(), err);
      msg.fail(ErrorCode.INTERNAL.status(), "internal error");
    }
  }

  /** The caller's side: the failure as it was thrown (a RespoolException keeps its code), else as it is. */
  public static Throwable unwrap(Throwable err) {
    if (err instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE && r.getMessage() != null
        && r.getMessage().startsWith("[")) {
      int end = r.getMessage().indexOf("] ");
      if (end > 1) {
        ErrorCode code = ErrorCode.fromSlug(r.getMessage().substring(1, end));
        if (code.status() == r.failureCode()) return new RespoolException(code, r.getMessage().substring(end + 2));
      }
    }
    return err;
  }

  /** Request/reply to a local address, the reply's body typed and a failure unwrapped. */
  public static <T> Future<T> request(EventBus bus, String address, Object body) {
    return bus.<T>request(address, body).map(Message::body).recover(err -> Future.failedFuture(unwrap(err)));
  }

  private record Local<T>(Class<T> type) implements MessageCodec<T, T> {
    @Override
    public void encodeToWire(io.vertx.core.buffer.Buffer buffer, T t) {
      throw new UnsupportedOperationException(type.getSimpleName() + " travels on local addresses only");
    }

    @Override
    public T decodeFromWire(int pos, io.vertx.core.buffer.Buffer buffer) {
      throw new UnsupportedOperationException(type.getSimpleName() + " travels on local addresses only");
    }

    @Override
    public T transform(T t) { return t; }

    @Override
    public String name() { return "respool-local-" + type.getName(); }

    @Override
    public byte systemCodecID() { return -1; }
  }
}

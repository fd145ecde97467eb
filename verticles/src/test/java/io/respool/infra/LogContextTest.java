package io.respool.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ids of a request travel with the event-bus messages sent while it is handled: the consumer sees them in its
 * handler and in the callbacks it chains, a message sent outside any request carries none, and nothing is left on
 * the event loop's own context for the next message.
 */
class LogContextTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void idsReachTheConsumerAndItsCallbacksAndNoOtherMessage() throws Exception {
    LogContext.install(vertx.eventBus());
    List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
    vertx.eventBus().<String>localConsumer("log-context-test", msg -> {
      seen.add(LogContext.current());
      vertx.timer(1).compose(t -> vertx.executeBlocking(() -> "blocking")).onComplete(ar -> {
        seen.add(LogContext.current()); // a later callback of the same message
        msg.reply("ok");
      });
    });

    ContextInternal root = (ContextInternal) vertx.getOrCreateContext();
    ContextInternal request = root.duplicate(); // as the HTTP server gives each request
    Promise<Object> first = Promise.promise();
    request.runOnContext(v -> {
      LogContext.put(LogContext.REQUEST_ID, "req-1");
      LogContext.put(LogContext.BOOKING_ID, "bk-1");
      vertx.eventBus().request("log-context-test", "x").onComplete(first);
    });
    first.future().await(10, TimeUnit.SECONDS);
    assertThat(seen).containsExactly(Map.of("requestId", "req-1", "bookingId", "bk-1"), Map.of("requestId", "req-1", "bookingId", "bk-1"));

    // a message sent from the root context (no request): nothing, and the first message left nothing behind
    seen.clear();
    Promise<Object> second = Promise.promise();
    root.runOnContext(v -> {
      LogContext.put(LogContext.REQUEST_ID, "ignored: not a request's context");
      vertx.eventBus().request("log-context-test", "y").onComplete(second);
    });
    second.future().await(10, TimeUnit.SECONDS);
    assertThat(seen).containsExactly(Map.of(), Map.of());
  }
}

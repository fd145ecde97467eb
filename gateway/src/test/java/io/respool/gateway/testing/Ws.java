package io.respool.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client (java.net.http) that queues text messages and records the close. */
public final class Ws implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  public record Closed(int code, String reason) {}

  private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
  public final CompletableFuture<Closed> closed = new CompletableFuture<>();
  private final WebSocket ws;

  private Ws(String url) {
    this.ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create(url), new WebSocket.Listener() {
          private final StringBuilder partial = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              messages.add(partial.toString());
              partial.setLength(0);
            }
            w.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
            closed.complete(new Closed(code, reason));
            return null;
          }

          @Override
          public void onError(WebSocket w, Throwable error) {
            closed.complete(new Closed(-1, String.valueOf(error)));
          }
        }).join();
  }

  public static Ws connect(int port, String path) {
    return new Ws("ws://127.0.0.1:" + port + path);
  }

  public void send(String text) {
    ws.sendText(text, true).join();
  }

  public void sendBytes(byte[] data) {
    ws.sendBinary(ByteBuffer.wrap(data), true).join();
  }

  /** The next message, or AssertionError after {@code seconds}. */
  public JsonNode next(int seconds) {
    try {
      String m = messages.poll(seconds, TimeUnit.SECONDS);
      if (m == null) throw new AssertionError("no message within " + seconds + " s");
      return JSON.readTree(m);
    } catch (InterruptedException | IOException e) {
      throw new AssertionError(e);
    }
  }

  public JsonNode next() { return next(10); }

  /** Skips messages until one matches, within {@code seconds}. */
  public JsonNode until(Predicate<JsonNode> match, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new AssertionError("no matching message within " + seconds + " s");
      JsonNode n = next((int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(left)));
      if (match.test(n)) return n;
    }
  }

  public Closed awaitClose(int seconds) {
    try {
      return closed.get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("not closed within " + seconds + " s", e);
    }
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      try {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        ws.abort();
      }
    }
  }

  public static String text(JsonNode n, String field) {
    return n.path(field).asText();
  }

  public static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.respool.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A client of the terminal WebSocket as a Kubernetes exec client is one ({@code v5.channel.k8s.io}):
 * binary frames, first byte the channel. It records the output per channel and checks that nothing
 * arrives after the status frame.
 */
final class K8sTerminal implements AutoCloseable {
  static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  record Closed(int code, String reason) {}

  final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  final CompletableFuture<JsonNode> status = new CompletableFuture<>();
  final CompletableFuture<Closed> closed = new CompletableFuture<>();
  volatile String violation;
  /** The stdout seen when the status arrived. */
  volatile String stdoutAtStatus;
  private final WebSocket ws;

  private K8sTerminal(URI uri, String authorization, List<String> protocols) {
    WebSocket.Builder b = CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    if (authorization != null) b.header("Authorization", authorization);
    if (!protocols.isEmpty()) b.subprotocols(protocols.get(0), protocols.subList(1, protocols.size()).toArray(String[]::new));
    ws = b.buildAsync(uri, new WebSocket.Listener() {
      private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

      @Override
      public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        partial.writeBytes(chunk);
        if (last) {
          onFrame(partial.toByteArray());
          partial.reset();
        }
        w.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onText(WebSocket w, CharSequence text, boolean last) {
        violation = "a text frame: " + text;
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

  /** Opens a terminal, or throws {@link Refused} with the HTTP status of the refused upgrade. */
  static K8sTerminal open(int port, String bookingId, String query, String authorization, List<String> protocols) {
    try {
      return new K8sTerminal(URI.create("ws://127.0.0.1:" + port + "/v1/bookings/" + bookingId + "/terminal" + (query.isEmpty() ? "" : "?" + query)),
          authorization, protocols);
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) throw new Refused(h.getResponse().statusCode());
      throw e;
    }
  }

  static K8sTerminal open(int port, String bookingId, String query, String token) {
    return open(port, bookingId, query, "Bearer " + token, List.of("v5.channel.k8s.io"));
  }

  static final class Refused extends RuntimeException {
    final int status;

    Refused(int status) {
      super("refused with " + status);
      this.status = status;
    }
  }

  private synchronized void onFrame(byte[] frame) {
    if (frame.length == 0) {
      violation = "an empty frame";
      return;
    }
    if (status.isDone()) violation = "a frame on channel " + (frame[0] & 0xFF) + " after the status";
    switch (frame[0] & 0xFF) {
      case 1 -> stdout.write(frame, 1, frame.length - 1);
      case 2 -> stderr.write(frame, 1, frame.length - 1);
      case 3 -> {
        stdoutAtStatus = stdout.toString(StandardCharsets.UTF_8);
        try {
          status.complete(JSON.readTree(new String(frame, 1, frame.length - 1, StandardCharsets.UTF_8)));
        } catch (IOException e) {
          violation = "a status that is not JSON";
        }
      }
      default -> violation = "a frame on channel " + (frame[0] & 0xFF);
    }
  }

  void send(int channel, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(payload.length + 1).put((byte) channel).put(payload).flip();
    ws.sendBinary(b, true).join();
  }

  void stdin(String text) { send(0, text.getBytes(StandardCharsets.UTF_8)); }

  void closeStdin() { send(255, new byte[] {0}); }

  void resize(int width, int height) {
    send(4, ("{\"Width\":" + width + ",\"Height\":" + height + "}").getBytes(StandardCharsets.UTF_8));
  }

  JsonNode awaitStatus() {
    try {
      return status.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no status within 60 s; stdout [" + out() + "], stderr [" + err() + "], closed " + closed.getNow(null), e);
    }
  }

  Closed awaitClose() {
    try {
      return closed.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("not closed within 60 s; stdout [" + out() + "]", e);
    }
  }

  synchronized String out() { return stdout.toString(StandardCharsets.UTF_8); }

  synchronized String err() { return stderr.toString(StandardCharsets.UTF_8); }

  /** Polls until stdout contains {@code text}, failing with what came after {@code seconds}. */
  void awaitOutput(String text, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!out().contains(text)) {
      if (System.nanoTime() > deadline) throw new AssertionError("no [" + text + "] within " + seconds + " s; stdout [" + out() + "]");
      Thread.sleep(20);
    }
  }

  static List<String> protocols(String... p) { return new ArrayList<>(List.of(p)); }

  @Override
  public void close() {
    if (!closed.isDone()) ws.abort();
  }
}

package io.respool.gateway.terminal;

import io.respool.protocol.RespoolException;
import io.respool.protocol.stream.StreamExit;
import io.respool.protocol.stream.StreamFrame.Channel;
import io.respool.streams.RelayedStream;
import io.respool.streams.StreamRelay;
import io.respool.terminal.TerminalService;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The browser terminal, {@code GET /v1/bookings/{id}/terminal}: a WebSocket speaking Kubernetes'
 * {@code v5.channel.k8s.io} framing, so frontends that drive {@code kubectl exec} sockets (xterm.js
 * and friends) work unchanged. Every frame is binary, its first byte the channel: 0 stdin, 1 stdout,
 * 2 stderr, 3 status (JSON, once, after the last output byte), 4 resize ({@code {"Width","Height"}}),
 * 255 close a channel (payload: the channel; closing 0 ends stdin). The query says what runs:
 * {@code command} (repeatable; none = the task's shell), {@code tty}, {@code stdin} (default true),
 * {@code replica}. A broken transport closes the socket with 1011 and the reason, never a status.
 *
 * <p>Flow control: output frames are written one by one and credited back to the worker as each
 * write completes; the socket is paused while stdin is waiting for the worker's credit.
 */
public final class TerminalSocket {
  public static final String PROTOCOL = "v5.channel.k8s.io";
  /** A bearer token carried as a subprotocol, as Kubernetes clients in browsers do (base64url, no padding). */
  static final String TOKEN_PROTOCOL = "base64url.bearer.authorization.k8s.io.";
  private static final Pattern PATH = Pattern.compile("/v1/bookings/([A-Za-z0-9_.-]{1,64})/terminal");
  private static final int STDIN = 0;
  private static final int STDOUT = 1;
  private static final int STDERR = 2;
  private static final int STATUS = 3;
  private static final int RESIZE = 4;
  private static final int CLOSE = 255;

  private TerminalSocket() {}

  /** The booking id of a terminal path, or null if {@code path} is not one. */
  public static String bookingId(String path) {
    Matcher m = PATH.matcher(path);
    return m.matches() ? m.group(1) : null;
  }

  /** The bearer credential: the {@code Authorization} header, else a token subprotocol; null if neither. */
  public static String authorization(MultiMap headers) {
    String auth = headers.get("Authorization");
    if (auth != null) return auth;
    for (String header : headers.getAll("Sec-WebSocket-Protocol")) {
      for (String p : header.split(",")) {
        String entry = p.trim();
        if (!entry.startsWith(TOKEN_PROTOCOL)) continue;
        String token = entry.substring(TOKEN_PROTOCOL.length());
        // base64url never contains '.', a JWT or an API key always does: take those as they are
        if (token.indexOf('.') < 0) {
          try {
            token = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
          } catch (IllegalArgumentException e) {
            return "Bearer invalid";
          }
        }
        return "Bearer " + token;
      }
    }
    return null;
  }

  /** What the query asks for. */
  public record Query(List<String> command, boolean tty, boolean stdin, int replica) {
    public static Query parse(MultiMap params) {
      List<String> command = new ArrayList<>(params.getAll("command"));
      boolean tty = bool(params, "tty", false);
      boolean stdin = bool(params, "stdin", true);
      int replica = 0;
      String r = params.get("replica");
      if (r != null) {
        try {
          replica = Integer.parseInt(r);
        } catch (NumberFormatException e) {
          replica = -1;
        }
        if (replica < 0 || replica > 9999) throw RespoolException.invalid("replica must be between 0 and 9999");
      }
      return new Query(List.copyOf(command), tty, stdin, replica);
    }

    private static boolean bool(MultiMap params, String name, boolean fallback) {
      String v = params.get(name);
      if (v == null) return fallback;
      return switch (v.toLowerCase(Locale.ROOT)) {
        case "true", "1" -> true;
        case "false", "0" -> false;
        default -> throw RespoolException.invalid(name + " must be true or false");
      };
    }

    public TerminalSession.Kind kind() { return command.isEmpty() ? TerminalSession.Kind.SHELL : TerminalSession.Kind.EXEC; }
  }

  /** Serves an accepted terminal socket for {@code accountId} (already allowed into {@code target}). */
  public static void serve(Vertx vertx, ServerWebSocket ws, TerminalSessions sessions, TerminalService.Target target, String accountId, Query q) {
    new Connection(ws, q).start(vertx, sessions, target, accountId);
  }

  private static final class Connection implements RelayedStream.Listener {
    final ServerWebSocket ws;
    final Query q;
    TerminalSession session;
    long pendingStdin; // written to the stream, not yet sent within the worker's credit
    boolean stdinClosed;
    boolean paused;
    boolean done;

    Connection(ServerWebSocket ws, Query q) {
      this.ws = ws;
      this.q = q;
    }

    void start(Vertx vertx, TerminalSessions sessions, TerminalService.Target target, String accountId) {
      StreamRelay.Spec spec = StreamRelay.Spec.exec(q.command(), q.tty(), "xterm", 80, 24);
      session = sessions.open(new TerminalSessions.Request(target, accountId, q.kind(), "websocket", ws.remoteAddress().hostAddress(), spec),
          vertx.getOrCreateContext(), this, this::terminate);
      ws.binaryMessageHandler(this::onFrame);
      ws.textMessageHandler(t -> fail(1003, "v5.channel.k8s.io frames are binary"));
      ws.closeHandler(v -> {
        done = true;
        session.close("closed by the client");
      });
      session.opened().onFailure(err -> fail(1011, "cannot open the terminal: " + err.getMessage()));
      if (!q.stdin()) {
        stdinClosed = true;
        session.eof();
      }
    }

    void onFrame(Buffer frame) {
      if (done || frame.length() == 0) return;
      int channel = frame.getUnsignedByte(0);
      switch (channel) {
        case STDIN -> {
          if (stdinClosed || frame.length() == 1) return;
          pendingStdin += frame.length() - 1;
          session.write(frame.getBuffer(1, frame.length()));
          if (!paused) {
            paused = true;
            ws.pause(); // until the worker took it: never more than one message ahead of its credit
          }
        }
        case RESIZE -> {
          try {
            JsonObject size = new JsonObject(frame.getString(1, frame.length()));
            if (q.tty()) session.resize(size.getInteger("Width"), size.getInteger("Height"));
          } catch (RuntimeException e) {
            fail(1007, "a resize is {\"Width\":…,\"Height\":…}");
          }
        }
        case CLOSE -> {
          if (frame.length() >= 2 && frame.getUnsignedByte(1) == STDIN && !stdinClosed) {
            stdinClosed = true;
            session.eof();
          }
        }
        default -> fail(1008, "no channel " + channel + " for a client to write");
      }
    }

    @Override
    public void onOutput(Channel channel, Buffer data) {
      Buffer frame = Buffer.buffer(data.length() + 1).appendUnsignedByte((short) (channel == Channel.STDERR ? STDERR : STDOUT)).appendBuffer(data);
      int n = data.length();
      ws.writeBinaryMessage(frame).onComplete(ar -> session.consumed(n)); // credited once it left for the socket
    }

    @Override
    public void onStdinSent(int bytes) {
      pendingStdin -= bytes;
      if (pendingStdin <= 0 && paused && !done) {
        paused = false;
        ws.resume();
      }
    }

    @Override
    public void onExit(StreamExit exit) {
      if (done) return;
      done = true;
      ws.writeBinaryMessage(Buffer.buffer().appendUnsignedByte((short) STATUS).appendString(status(exit).encode()));
      ws.close((short) 1000);
    }

    @Override
    public void onClosed(String reason) {
      fail(1011, reason);
    }

    /** The node ends the session: the message on the terminal, then the close. */
    void terminate(String message) {
      if (done) return;
      int channel = q.tty() ? STDOUT : STDERR;
      ws.writeBinaryMessage(Buffer.buffer().appendUnsignedByte((short) channel).appendString("\r\nrespool: " + message + "\r\n"));
      done = true;
      ws.close((short) 1001, cut(message));
    }

    void fail(int code, String reason) {
      if (done) return;
      done = true;
      if (!ws.isClosed()) ws.close((short) code, cut(reason));
      session.close(reason);
    }
  }

  /** Kubernetes' status: Success, or Failure with the exit code as the NonZeroExitCode cause. */
  static JsonObject status(StreamExit exit) {
    JsonObject s = new JsonObject().put("metadata", new JsonObject());
    if (exit.error() != null) {
      return s.put("status", "Failure").put("message", exit.error()).put("reason", "InternalError").put("code", 500);
    }
    if (exit.exitCode() == 0) return s.put("status", "Success");
    String message = "command terminated with non-zero exit code: " + exit.exitCode() + (exit.signal() != null ? " (SIG" + exit.signal() + ")" : "");
    return s.put("status", "Failure").put("message", message).put("reason", "NonZeroExitCode")
        .put("details", new JsonObject().put("causes", new JsonArray().add(new JsonObject().put("reason", "ExitCode").put("message", Integer.toString(exit.exitCode())))));
  }

  /** A close reason fits in 123 bytes of UTF-8. */
  static String cut(String reason) {
    String r = reason == null ? "" : reason;
    while (r.getBytes(StandardCharsets.UTF_8).length > 120) r = r.substring(0, r.length() - 1);
    return r;
  }

}

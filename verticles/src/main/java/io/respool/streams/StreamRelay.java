package io.respool.streams;

import io.respool.hosts.HostCommands;
import io.respool.infra.Addresses;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.host.HostFrames;
import io.respool.protocol.stream.StreamKind;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Duration;
import java.util.List;

/**
 * Opens streams into tasks from whichever node a user reached. The {@code stream.open} travels like
 * any host command ({@code hosts.<hostId>.command}, to the node holding the host's connection, with
 * the stream's relay id in a header); from then on the stream's frames go point to point between
 * {@link Addresses#streamUser} (this node) and {@link Addresses#streamHost} (that node), and the
 * holding node passes them on as binary frames of the host's connection. Flow control is the
 * worker's, end to end: this side grants the worker's output credit and spends the stdin credit the
 * worker grants (see {@link RelayedStream}); the node in between only relays and checks.
 */
public final class StreamRelay {
  /** Header of the {@code stream.open} command: the relay id both nodes derive their addresses from. */
  public static final String RELAY_HEADER = "respool-relay";
  /** Output credit granted per stream: no more than this is ever between the worker and the user. */
  public static final int OUTPUT_WINDOW = 512 * 1024;
  /** How long a host may take to open a stream (a docker exec create + start). */
  public static final Duration OPEN_TIMEOUT = Duration.ofSeconds(30);
  /** Each side asks the other whether it is still there this often; gone (no handler) ends the stream. */
  public static final Duration PING_INTERVAL = Duration.ofSeconds(5);
  /** Unanswered pings in a row after which the other side counts as gone. */
  public static final int MAX_MISSED_PINGS = 3;

  private final Vertx vertx;

  public StreamRelay(Vertx vertx) {
    this.vertx = vertx;
  }

  /** What a stream runs: see {@link HostFrame.StreamOpen}. */
  public record Spec(StreamKind kind, List<String> command, boolean tty, String term, Integer cols, Integer rows, Integer port) {
    public static Spec exec(List<String> command, boolean tty, String term, Integer cols, Integer rows) {
      return new Spec(StreamKind.EXEC, command, tty, tty ? term : null, tty ? cols : null, tty ? rows : null, null);
    }

    public static Spec sftp() { return new Spec(StreamKind.SFTP, List.of(), false, null, null, null, null); }

    public static Spec forward(int port) { return new Spec(StreamKind.FORWARD, List.of(), false, null, null, null, port); }
  }

  /**
   * Starts opening a stream into {@code taskId} on {@code hostId}; the stream's state and the
   * listener's calls live on {@code context}. {@link RelayedStream#opened()} says how it went: a
   * {@link RespoolException} (404 no such task, 409 not running, 504 host not connected, …).
   */
  public RelayedStream open(Context context, String hostId, String taskId, Spec spec, RelayedStream.Listener listener) {
    RelayedStream s = new RelayedStream(vertx.eventBus(), context, hostId, OUTPUT_WINDOW, listener);
    context.runOnContext(v -> {
      HostFrame.StreamOpen open;
      try {
        open = new HostFrame.StreamOpen("relay", 1, taskId, spec.kind(), spec.command(), spec.tty(), spec.term(), spec.cols(), spec.rows(),
            spec.port(), (long) OUTPUT_WINDOW);
      } catch (IllegalArgumentException e) {
        s.failOpen(RespoolException.invalid(e.getMessage()));
        return;
      }
      s.listen().compose(x -> vertx.eventBus().<String>request(Addresses.hostCommand(hostId), HostFrames.encode(open),
              new DeliveryOptions().addHeader(RELAY_HEADER, s.relayId()).setSendTimeout(OPEN_TIMEOUT.toMillis())))
          .onComplete(ar -> {
            if (ar.failed()) {
              s.failOpen(describe(hostId, ar.cause()));
              return;
            }
            HostFrame answer = HostFrames.decode(ar.result().body());
            if (answer instanceof HostFrame.StreamOpened o) s.onOpened(o.window(), ar.result().headers().get(HostCommands.NODE_HEADER));
            else s.failOpen(new RespoolException(ErrorCode.INTERNAL, "unexpected answer to stream.open: " + answer.getClass().getSimpleName()));
          });
    });
    return s;
  }

  static RespoolException describe(String hostId, Throwable err) {
    if (err instanceof RespoolException e) return e;
    if (err instanceof ReplyException r) {
      if (r.failureType() == ReplyFailure.NO_HANDLERS) return new RespoolException(ErrorCode.HOST_UNREACHABLE, "host " + hostId + " is not connected");
      if (r.failureType() == ReplyFailure.TIMEOUT) {
        return new RespoolException(ErrorCode.HOST_UNREACHABLE, "host " + hostId + " did not open the stream within " + OPEN_TIMEOUT.toSeconds() + " s");
      }
      return new RespoolException(ErrorCode.fromStatus(r.failureCode()), String.valueOf(r.getMessage()));
    }
    return new RespoolException(ErrorCode.INTERNAL, String.valueOf(err.getMessage()));
  }
}

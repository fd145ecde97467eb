package io.respool.gateway.terminal;

import io.respool.protocol.stream.StreamExit;
import io.respool.protocol.stream.StreamFrame.Channel;
import io.respool.streams.RelayedStream;
import io.respool.terminal.TerminalService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One terminal session — an SSH channel (shell, exec, sftp, forward) or a terminal WebSocket — over
 * one relayed stream. It forwards the transport's calls to the stream and the stream's news to the
 * transport, counting bytes and activity on the way, and writes the session's audit record once,
 * however it ends: the command's exit, a broken stream, the user leaving, or the node ending it
 * (booking stopped or paused, host gone, idle). Thread-safe.
 */
public final class TerminalSession {
  public enum Kind {
    SHELL, EXEC, SFTP, FORWARD;

    public String label() { return name().toLowerCase(Locale.ROOT); }
  }

  final String id;
  final TerminalService.Target target;
  final String accountId;
  final Kind kind;
  private final TerminalSessions owner;
  private final Consumer<String> terminate;
  private final AtomicBoolean ended = new AtomicBoolean();
  private RelayedStream stream; // set once, right after construction
  volatile long lastActivity = System.nanoTime();

  TerminalSession(TerminalSessions owner, String id, TerminalService.Target target, String accountId, Kind kind, Consumer<String> terminate) {
    this.owner = owner;
    this.id = id;
    this.target = target;
    this.accountId = accountId;
    this.kind = kind;
    this.terminate = terminate;
  }

  void attach(RelayedStream s) { this.stream = s; }

  public String id() { return id; }

  public TerminalService.Target target() { return target; }

  /** Completes once the command (or SFTP server, or connection) runs; fails with the reason it could not. */
  public Future<Void> opened() { return stream.opened(); }

  public void write(Buffer data) { stream.write(data); }

  public void eof() { stream.eof(); }

  public void resize(int cols, int rows) { stream.resize(cols, rows); }

  /** Output reached the user. */
  public void consumed(long bytes) { stream.consumed(bytes); }

  /** The user went away (or the transport refuses to go on): the command is stopped. */
  public void close(String reason) {
    stream.close(reason);
    end(null, reason);
  }

  /** Ends the session from the node's side: the user is told {@code message}, the command stopped. */
  void terminate(String message) {
    if (ended.get()) return;
    stream.close(message);
    end(null, message);
    terminate.accept(message);
  }

  boolean isEnded() { return ended.get(); }

  /** Wraps the transport's listener: activity, metrics, and the audit record when the stream ends. */
  RelayedStream.Listener listen(RelayedStream.Listener transport) {
    return new RelayedStream.Listener() {
      @Override
      public void onOutput(Channel channel, Buffer data) {
        lastActivity = System.nanoTime();
        owner.counted(TerminalSession.this, 0, data.length());
        transport.onOutput(channel, data);
      }

      @Override
      public void onStdinSent(int bytes) {
        lastActivity = System.nanoTime();
        owner.counted(TerminalSession.this, bytes, 0);
        transport.onStdinSent(bytes);
      }

      @Override
      public void onEof() { transport.onEof(); }

      @Override
      public void onExit(StreamExit exit) {
        end(exit, exit.error() != null ? exit.error() : "exited");
        transport.onExit(exit);
      }

      @Override
      public void onClosed(String reason) {
        end(null, reason);
        transport.onClosed(reason);
      }
    };
  }

  /** Its byte counts so far, for the audit row kept up to date while it is open. */
  TerminalService.Progress progress() {
    return new TerminalService.Progress(id, stream.bytesIn(), stream.bytesOut());
  }

  void end(StreamExit exit, String reason) {
    if (!ended.compareAndSet(false, true)) return;
    owner.ended(this, new TerminalService.Ending(stream.bytesIn(), stream.bytesOut(), exit == null ? null : exit.exitCode(),
        exit == null ? null : exit.signal(), reason));
  }
}

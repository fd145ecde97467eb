package io.respool.gateway.ssh;

import io.respool.gateway.terminal.TerminalSession;
import io.respool.gateway.terminal.TerminalSessions;
import io.respool.protocol.stream.StreamExit;
import io.respool.protocol.stream.StreamFrame.Channel;
import io.respool.streams.RelayedStream;
import io.respool.streams.StreamRelay;
import io.respool.terminal.TerminalService;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelDataReceiver;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.channel.ChannelSessionAware;
import org.apache.sshd.server.command.AsyncCommandStreamsAware;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shell, an exec or the {@code sftp} subsystem of an SSH session channel, run as a stream in the
 * booking's task. Bytes from the client are taken into the stream as sshd receives them, but the
 * channel's window is given back only as the worker takes them (so a client can never have more in
 * flight than one window); output goes out through sshd's asynchronous streams and is credited to
 * the worker only once sent. The exit status (or {@code exit-signal}) follows the last output byte;
 * a broken stream ends the channel with a message and no status.
 *
 * <p>Threads: sshd calls in on its own threads, the stream calls back on a Vert.x event loop;
 * nothing here blocks either.
 */
final class StreamCommand implements Command, ChannelSessionAware, AsyncCommandStreamsAware, ChannelDataReceiver, RelayedStream.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(StreamCommand.class);

  private final SshContext ctx;
  private final TerminalSession.Kind kind;
  private final String commandLine;
  private SessionChannel channel;
  private IoOutputStream out;
  private IoOutputStream err;
  private ExitCallback exitCallback;
  private OutputQueue stdout;
  private OutputQueue stderr;
  private TerminalSession session; // guarded by this
  private final List<Buffer> early = new ArrayList<>(); // input before the session exists; guarded by this
  private boolean earlyEof; // guarded by this
  private boolean finishing; // guarded by this

  StreamCommand(SshContext ctx, TerminalSession.Kind kind, String commandLine) {
    this.ctx = ctx;
    this.kind = kind;
    this.commandLine = commandLine;
  }

  @Override
  public void setChannelSession(ChannelSession session) {
    this.channel = (SessionChannel) session;
    session.setDataReceiver(this); // instead of sshd's pipe: we decide when the window opens again
  }

  @Override
  public void setIoOutputStream(IoOutputStream out) { this.out = out; }

  @Override
  public void setIoErrorStream(IoOutputStream err) { this.err = err; }

  @Override
  public void setIoInputStream(IoInputStream in) { /* input comes through data() */ }

  @Override
  public void setInputStream(InputStream in) { /* not used: asynchronous streams */ }

  @Override
  public void setOutputStream(OutputStream out) { /* not used: asynchronous streams */ }

  @Override
  public void setErrorStream(OutputStream err) { /* not used: asynchronous streams */ }

  @Override
  public void setExitCallback(ExitCallback callback) { this.exitCallback = callback; }

  @Override
  public void start(ChannelSession ignored, Environment env) {
    stdout = new OutputQueue(out);
    stderr = new OutputQueue(err);
    TerminalService.Login login = channel.getSession().getAttribute(SshContext.LOGIN);
    String account = channel.getSession().getAttribute(SshContext.ACCOUNT);
    boolean tty = channel.pty() && kind != TerminalSession.Kind.SFTP;
    StreamRelay.Spec spec = switch (kind) {
      case SFTP -> StreamRelay.Spec.sftp();
      case SHELL -> StreamRelay.Spec.exec(List.of(), tty, channel.term(), channel.columns(), channel.lines());
      default -> StreamRelay.Spec.exec(List.of("/bin/sh", "-c", commandLine), tty, channel.term(), channel.columns(), channel.lines());
    };
    if (tty) env.addSignalListener((c, s) -> withSession(t -> t.resize(channel.columns(), channel.lines())), Signal.WINCH);
    String client = channel.getSession().getClientAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress()
        : String.valueOf(channel.getSession().getClientAddress());
    Context context = ctx.vertx().getOrCreateContext();
    ctx.service().target(login.bookingId(), login.replica()).onComplete(ar -> {
      if (ar.failed()) {
        LOG.info("ssh {} into {}: {}", kind.label(), login.bookingId(), ar.cause().getMessage());
        fail(ar.cause().getMessage());
        return;
      }
      TerminalSession s = ctx.sessions().open(new TerminalSessions.Request(ar.result(), account, kind, "ssh", client, spec), context, this,
          this::fail);
      synchronized (this) { // what arrived meanwhile goes first, in order (write and eof only queue)
        session = s;
        early.forEach(s::write);
        early.clear();
        if (earlyEof) s.eof();
      }
      s.opened().onFailure(e -> fail(e.getMessage()));
    });
  }

  @Override
  public void destroy(ChannelSession ignored) {
    withSession(s -> s.close("closed by the client"));
  }

  // --- input: sshd threads -----------------------------------------------------------------------

  @Override
  public int data(ChannelSession ignored, byte[] buf, int start, int len) {
    Buffer b = Buffer.buffer(Arrays.copyOfRange(buf, start, start + len));
    synchronized (this) {
      if (session == null) early.add(b);
      else session.write(b);
    }
    return 0; // the window reopens as the worker takes the bytes (onStdinSent)
  }

  /** The client's EOF (or the channel closing). */
  @Override
  public void close() {
    synchronized (this) {
      if (session == null) earlyEof = true;
      else session.eof();
    }
  }

  // --- the stream: a Vert.x event loop ------------------------------------------------------------

  @Override
  public void onOutput(Channel c, Buffer data) {
    byte[] bytes = data.getBytes();
    (c == Channel.STDERR ? stderr : stdout).add(bytes, () -> withSession(s -> s.consumed(bytes.length)));
  }

  @Override
  public void onStdinSent(int bytes) {
    try {
      channel.getLocalWindow().release(bytes);
    } catch (IOException | RuntimeException e) {
      LOG.debug("window of {} not released: {}", channel, e.toString());
    }
  }

  @Override
  public void onExit(StreamExit exit) {
    if (!startFinishing()) return;
    afterOutput(() -> {
      try {
        if (exit.error() != null) {
          message(exit.error(), channel::closeWithoutStatus);
        } else if (exit.signal() != null) {
          channel.exitSignal(exit.signal());
        } else {
          exitCallback.onExit(exit.exitCode());
        }
      } catch (IOException | RuntimeException e) {
        LOG.debug("ending {}: {}", channel, e.toString());
        channel.closeWithoutStatus();
      }
    });
  }

  @Override
  public void onClosed(String reason) {
    fail(reason);
  }

  /** Tells the client why (on stderr, or the terminal) and ends the channel without an exit status. */
  private void fail(String reason) {
    if (!startFinishing()) return;
    afterOutput(() -> message(reason, channel::closeWithoutStatus));
  }

  private void message(String text, Runnable then) {
    boolean tty = channel.pty() && kind != TerminalSession.Kind.SFTP;
    byte[] bytes = ("respool: " + text + (tty ? "\r\n" : "\n")).getBytes(StandardCharsets.UTF_8);
    OutputQueue q = tty ? stdout : stderr;
    if (q == null) { // not started yet
      then.run();
      return;
    }
    q.add(bytes, null);
    q.whenDrained(then);
  }

  private synchronized boolean startFinishing() {
    if (finishing) return false;
    finishing = true;
    return true;
  }

  private void afterOutput(Runnable then) {
    if (stdout == null) {
      then.run();
      return;
    }
    stdout.whenDrained(() -> stderr.whenDrained(then));
  }

  private void withSession(java.util.function.Consumer<TerminalSession> action) {
    TerminalSession s;
    synchronized (this) {
      s = session;
    }
    if (s != null) action.accept(s);
  }
}

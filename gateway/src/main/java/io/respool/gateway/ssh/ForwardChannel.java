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
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.ChannelAsyncOutputStream;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.channel.AbstractServerChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code direct-tcpip} ({@code ssh -L 8888:localhost:8888 …}): a TCP connection to a port inside the
 * workload, carried as a {@code forward} stream over the host's control connection — the gateway
 * never connects anywhere itself. Only {@code localhost} targets are accepted (the workload's own
 * ports). Half-closes travel both ways; the window reopens as the worker takes the bytes.
 */
final class ForwardChannel extends AbstractServerChannel implements RelayedStream.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(ForwardChannel.class);
  private static final Set<String> LOCAL = Set.of("localhost", "127.0.0.1", "::1", "0:0:0:0:0:0:0:1", "ip6-localhost");

  static ChannelFactory factory(SshContext ctx) {
    return new ChannelFactory() {
      @Override
      public String getName() { return "direct-tcpip"; }

      @Override
      public org.apache.sshd.common.channel.Channel createChannel(Session session) { return new ForwardChannel(ctx); }
    };
  }

  private final SshContext ctx;
  private ChannelAsyncOutputStream asyncOut;
  private OutputQueue out;
  private volatile TerminalSession session;

  private ForwardChannel(SshContext ctx) {
    super("", Collections.emptyList(), null);
    this.ctx = ctx;
  }

  @Override
  protected OpenFuture doInit(org.apache.sshd.common.util.buffer.Buffer buffer) {
    String host = buffer.getString();
    int port = buffer.getInt();
    OpenFuture f = new DefaultOpenFuture(this, this);
    TerminalService.Login login = getSession().getAttribute(SshContext.LOGIN);
    String account = getSession().getAttribute(SshContext.ACCOUNT);
    if (!LOCAL.contains(host.toLowerCase(Locale.ROOT)) || port < 1 || port > 65535) {
      LOG.info("ssh forward into {} refused: {}:{} is not a port of the workload", login.bookingId(), host, port);
      refuse(f, SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, "only ports of the workload (localhost) can be forwarded");
      return f;
    }
    asyncOut = new ChannelAsyncOutputStream(this, SshConstants.SSH_MSG_CHANNEL_DATA);
    out = new OutputQueue(asyncOut);
    java.net.SocketAddress remote = getSession().getIoSession().getRemoteAddress();
    String client = remote instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : String.valueOf(remote);
    Context context = ctx.vertx().getOrCreateContext();
    ctx.service().target(login.bookingId(), login.replica()).onComplete(ar -> {
      if (ar.failed()) {
        LOG.info("ssh forward into {}: {}", login.bookingId(), ar.cause().getMessage());
        refuse(f, SshConstants.SSH_OPEN_CONNECT_FAILED, ar.cause().getMessage());
        return;
      }
      TerminalSession s = ctx.sessions().open(new TerminalSessions.Request(ar.result(), account, TerminalSession.Kind.FORWARD, "ssh", client,
          StreamRelay.Spec.forward(port)), context, this, reason -> close(false));
      session = s;
      s.opened().onComplete(o -> {
        if (o.failed()) {
          refuse(f, SshConstants.SSH_OPEN_CONNECT_FAILED, o.cause().getMessage());
          return;
        }
        try {
          signalChannelOpenSuccess();
          f.setOpened();
        } catch (RuntimeException e) {
          signalChannelOpenFailure(e);
          f.setException(e);
        }
      });
    });
    return f;
  }

  private void refuse(OpenFuture f, int code, String message) {
    SshChannelOpenException e = new SshChannelOpenException(getChannelId(), code, message);
    signalChannelOpenFailure(e);
    f.setException(e);
    close(true);
  }

  @Override
  public void handleWindowAdjust(org.apache.sshd.common.util.buffer.Buffer buffer) throws IOException {
    super.handleWindowAdjust(buffer);
    if (asyncOut != null) asyncOut.onWindowExpanded();
  }

  @Override
  protected boolean mayWrite() {
    return !isClosed(); // the asynchronous stream flushes while the channel closes gracefully
  }

  @Override
  protected void doWriteData(byte[] data, int off, long len) {
    TerminalSession s = session;
    if (s != null) s.write(Buffer.buffer(Arrays.copyOfRange(data, off, off + (int) len)));
  }

  @Override
  protected void doWriteExtendedData(byte[] data, int off, long len) {
    throw new UnsupportedOperationException("direct-tcpip carries no extended data");
  }

  @Override
  public void handleEof() throws IOException {
    super.handleEof();
    TerminalSession s = session;
    if (s != null) s.eof();
  }

  @Override
  protected void preClose() {
    TerminalSession s = session;
    if (s != null) s.close("closed by the client");
    super.preClose();
  }

  @Override
  protected org.apache.sshd.common.Closeable getInnerCloseable() {
    return builder().close(asyncOut).close(super.getInnerCloseable()).build();
  }

  // --- the stream ----------------------------------------------------------------------------------

  @Override
  public void onOutput(Channel c, Buffer data) {
    byte[] bytes = data.getBytes();
    out.add(bytes, () -> {
      TerminalSession s = session;
      if (s != null) s.consumed(bytes.length);
    });
  }

  @Override
  public void onStdinSent(int bytes) {
    try {
      getLocalWindow().release(bytes);
    } catch (IOException | RuntimeException e) {
      LOG.debug("window of {} not released: {}", this, e.toString());
    }
  }

  @Override
  public void onEof() {
    out.whenDrained(() -> {
      try {
        sendEof();
      } catch (IOException e) {
        LOG.debug("eof on {}: {}", this, e.toString());
      }
    });
  }

  @Override
  public void onExit(StreamExit exit) {
    out.whenDrained(() -> close(false));
  }

  @Override
  public void onClosed(String reason) {
    LOG.info("ssh forward {} ended: {}", this, reason);
    out.whenDrained(() -> close(false));
  }
}

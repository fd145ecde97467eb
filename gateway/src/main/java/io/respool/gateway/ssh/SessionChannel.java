package io.respool.gateway.ssh;

import java.io.IOException;
import java.util.Map;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.PtyMode;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.channel.ChannelSession;

/**
 * A {@code session} channel that remembers whether the client asked for a terminal (an environment
 * variable would not tell: a client may send TERM without one), and can end with
 * {@code exit-signal} or with no status at all (a broken transport has no exit code to give).
 */
final class SessionChannel extends ChannelSession {
  static final ChannelFactory FACTORY = new ChannelFactory() {
    @Override
    public String getName() { return "session"; }

    @Override
    public Channel createChannel(Session session) { return new SessionChannel(); }
  };

  private volatile boolean pty;

  boolean pty() { return pty; }

  String term() {
    String t = getEnvironment().getEnv().get(Environment.ENV_TERM);
    return t == null || t.isBlank() ? "xterm" : t;
  }

  int columns() { return dimension(Environment.ENV_COLUMNS, 80); }

  int lines() { return dimension(Environment.ENV_LINES, 24); }

  private int dimension(String name, int fallback) {
    try {
      int v = Integer.parseInt(getEnvironment().getEnv().getOrDefault(name, ""));
      return v > 0 ? v : fallback; // a client without a terminal of its own sends 0
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  @Override
  protected RequestHandler.Result handlePtyReqParsed(String term, int columns, int rows, int width, int height, Map<PtyMode, Integer> modes)
      throws IOException {
    pty = true;
    return super.handlePtyReqParsed(term, columns, rows, width, height, modes);
  }

  /** RFC 4254 6.10: the command died of {@code signal} (without "SIG"); then the channel closes, with no exit-status. */
  void exitSignal(String signal) throws IOException {
    Buffer b = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, 64);
    b.putUInt(getRecipient());
    b.putString("exit-signal");
    b.putBoolean(false);
    b.putString(signal);
    b.putBoolean(false); // core dumped: not known
    b.putString("");
    b.putString("");
    exitStatusSent.set(true);
    writePacket(b);
    closeWithoutStatus();
  }

  /** Ends the channel without an exit status (the client's ssh exits with 255, its own error code). */
  void closeWithoutStatus() {
    try {
      if (!isClosing()) sendEof();
    } catch (IOException e) {
      // closing anyway
    }
    commandExitFuture.setClosed();
    close(false);
  }
}

package io.respool.gateway.ssh;

import io.respool.gateway.terminal.TerminalSessions;
import io.respool.terminal.TerminalService;
import io.vertx.core.Vertx;
import org.apache.sshd.common.AttributeRepository.AttributeKey;

/** What the SSH channels need, and what authentication leaves on an SSH session. */
record SshContext(Vertx vertx, TerminalSessions sessions) {
  /** The booking and replica the user name named. */
  static final AttributeKey<TerminalService.Login> LOGIN = new AttributeKey<>();
  /** The account whose key was accepted. */
  static final AttributeKey<String> ACCOUNT = new AttributeKey<>();

  TerminalService service() { return sessions.service(); }
}

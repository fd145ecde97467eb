package io.respool.gateway.ssh;

import io.respool.terminal.TerminalService;
import java.security.PublicKey;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public-key authentication against the booking named by the user name ({@code bk_…} or
 * {@code bk_….N}): the key must be registered by the booking's account or, for a team booking, by
 * a member of the team, and the booking must be running. Every refusal looks the same to the
 * client ("Permission denied"); the reason goes to the log.
 *
 * <p>sshd calls this on one of its own threads and needs a yes or no (its asynchronous variant would
 * skip the signature check), so the lookup is awaited here, with a bound — never on a Vert.x thread.
 */
final class BookingKeyAuthenticator implements PublickeyAuthenticator {
  private static final Logger LOG = LoggerFactory.getLogger(BookingKeyAuthenticator.class);
  private static final long LOOKUP_SECONDS = 10;

  private final TerminalService service;

  BookingKeyAuthenticator(TerminalService service) {
    this.service = service;
  }

  @Override
  public boolean authenticate(String username, PublicKey key, ServerSession session) {
    String fingerprint = AuthorizedKeys.fingerprint(key);
    String from = String.valueOf(session.getClientAddress());
    TerminalService.Login login = TerminalService.Login.parse(username);
    if (login == null) {
      LOG.info("ssh refused for {} from {}: the user name is not a booking id", username, from);
      return false;
    }
    // the client asks about a key before it signs with it: the same answer twice, one lookup
    String known = session.getAttribute(SshContext.ACCOUNT);
    if (known != null && (username + " " + fingerprint).equals(session.getAttribute(KEY))) return true;
    try {
      String account = service.keyHolder(login.bookingId(), fingerprint).toCompletionStage().toCompletableFuture()
          .get(LOOKUP_SECONDS, TimeUnit.SECONDS);
      if (account == null) {
        LOG.info("ssh refused for {} from {}: key {} is not registered by the booking's account or team (or no such booking)", username, from,
            fingerprint);
        return false;
      }
      service.target(login.bookingId(), login.replica()).toCompletionStage().toCompletableFuture().get(LOOKUP_SECONDS, TimeUnit.SECONDS);
      session.setAttribute(SshContext.LOGIN, login);
      session.setAttribute(SshContext.ACCOUNT, account);
      session.setAttribute(KEY, username + " " + fingerprint);
      return true;
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.info("ssh refused for {} from {}: {}", username, from, e.getCause().getMessage());
      return false;
    } catch (Exception e) {
      LOG.warn("ssh refused for {} from {}: the lookup failed: {}", username, from, e.toString());
      return false;
    }
  }

  private static final org.apache.sshd.common.AttributeRepository.AttributeKey<String> KEY = new org.apache.sshd.common.AttributeRepository.AttributeKey<>();
}

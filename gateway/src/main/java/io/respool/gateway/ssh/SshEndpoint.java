package io.respool.gateway.ssh;

import io.respool.gateway.auth.SecretBox;
import io.respool.gateway.terminal.TerminalSession;
import io.respool.gateway.terminal.TerminalSessions;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.subsystem.SubsystemFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH endpoint of a node (Apache MINA sshd on its own threads): {@code ssh -p 2222 bk_…@gateway}
 * logs into a booking's running task with a public key registered for it. Shells (with a terminal
 * if asked), exec, the {@code sftp} subsystem (so {@code scp} and {@code sftp} work) and local port
 * forwarding ({@code direct-tcpip}) each become a stream to the worker; nothing else is offered (no
 * passwords, no remote or agent forwarding, no X11). The host key is generated once and kept in
 * PostgreSQL, so every node of a cluster presents the same one.
 */
public final class SshEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SshEndpoint.class);
  private static final String HOST_KEY = "ssh-host-key";

  private final SshServer server;

  private SshEndpoint(SshServer server) {
    this.server = server;
  }

  /**
   * Listens on {@code bind:port} (blocking until it does); {@code box} seals the host key in
   * PostgreSQL (null: the cluster has no shared secrets key, and the key is kept in clear).
   */
  public static SshEndpoint start(Vertx vertx, Pool pool, SecretBox box, TerminalSessions sessions, String bind, int port, Duration idleTimeout)
      throws Exception {
    SshContext ctx = new SshContext(vertx, sessions);
    SshServer sshd = SshServer.setUpDefaultServer();
    sshd.setHost(bind);
    sshd.setPort(port);
    sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey(pool, box)));
    sshd.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    sshd.setPublickeyAuthenticator(new BookingKeyAuthenticator(sessions.service()));
    sshd.setPasswordAuthenticator(null);
    sshd.setKeyboardInteractiveAuthenticator(null);
    sshd.setHostBasedAuthenticator(null);
    sshd.setGSSAuthenticator(null);
    sshd.setChannelFactories(List.of(SessionChannel.FACTORY, ForwardChannel.factory(ctx)));
    sshd.setShellFactory(channel -> new StreamCommand(ctx, TerminalSession.Kind.SHELL, null));
    sshd.setCommandFactory((channel, command) -> new StreamCommand(ctx, TerminalSession.Kind.EXEC, command));
    sshd.setSubsystemFactories(List.of(new SubsystemFactory() {
      @Override
      public String getName() { return "sftp"; }

      @Override
      public Command createSubsystem(ChannelSession channel) { return new StreamCommand(ctx, TerminalSession.Kind.SFTP, null); }
    }));
    // AES (GCM, then CTR): the JDK runs it on the CPU's AES instructions; sshd's ChaCha20-Poly1305 is plain Java, several times slower
    sshd.setCipherFactories(new java.util.ArrayList<>(List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm, BuiltinCiphers.aes128ctr,
        BuiltinCiphers.aes192ctr, BuiltinCiphers.aes256ctr)));
    sshd.setForwardingFilter(RejectAllForwardingFilter.INSTANCE); // remote forwarding; local forwarding is ForwardChannel's
    CoreModuleProperties.SERVER_IDENTIFICATION.set(sshd, "ResPool");
    CoreModuleProperties.IDLE_TIMEOUT.set(sshd, idleTimeout); // 0: never (the sessions' own idle timeout is TerminalSessions')
    sshd.start();
    LOG.info("SSH endpoint on {}:{}", bind, sshd.getPort());
    return new SshEndpoint(sshd);
  }

  public int port() { return server.getPort(); }

  @Override
  public void close() throws Exception {
    server.stop(true);
  }

  /**
   * The cluster's SSH host key (ECDSA P-256): created by the first node to start, read by every other
   * and at every start after (so clients' known_hosts stay right), sealed with {@code box} when there is one.
   */
  static KeyPair hostKey(Pool pool, SecretBox box) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair fresh = g.generateKeyPair();
    byte[] pub = fresh.getPublic().getEncoded();
    byte[] priv = fresh.getPrivate().getEncoded();
    byte[] blob = ByteBuffer.allocate(4 + pub.length + priv.length).putInt(pub.length).put(pub).put(priv).array();
    byte[] written = box == null ? blob : box.seal(HOST_KEY, blob);
    io.vertx.sqlclient.Row stored = pool.preparedQuery("INSERT INTO cluster_secrets (name, secret, sealed) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING")
        .execute(Tuple.of(HOST_KEY, io.vertx.core.buffer.Buffer.buffer(written), box != null))
        .compose(x -> pool.preparedQuery("SELECT secret, sealed FROM cluster_secrets WHERE name = $1").execute(Tuple.of(HOST_KEY)))
        .map(rows -> rows.iterator().next())
        .await(30, TimeUnit.SECONDS);
    byte[] secret = stored.getBuffer("secret").getBytes();
    if (!stored.getBoolean("sealed")) return decode(secret);
    if (box == null) {
      throw new IllegalStateException("the cluster's SSH host key is sealed and this node has no secrets key to open it"
          + " (secretsKey, secretsKeyFile: the one the other nodes use)");
    }
    return decode(box.open(HOST_KEY, secret));
  }

  private static KeyPair decode(byte[] blob) throws GeneralSecurityException {
    ByteBuffer b = ByteBuffer.wrap(blob);
    byte[] pub = new byte[b.getInt()];
    b.get(pub);
    byte[] priv = new byte[b.remaining()];
    b.get(priv);
    KeyFactory f = KeyFactory.getInstance("EC");
    return new KeyPair(f.generatePublic(new X509EncodedKeySpec(pub)), f.generatePrivate(new PKCS8EncodedKeySpec(priv)));
  }
}

package io.respool.gateway.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.gateway.Gateway;
import io.respool.gateway.auth.SecretBox;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.infra.Databases;
import io.respool.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cluster's SSH host key at rest: sealed with the secrets key of a node that keeps the JWT keys
 * itself, and the same key at every start after (a gateway restarted on its own data comes up, and
 * clients' known_hosts stay right). A node without that secrets key stops with a clear error.
 */
class SshHostKeyTest {
  static Vertx vertx;
  static Pool db;

  @BeforeAll
  static void connect() {
    vertx = Vertx.vertx();
    db = Databases.pool(vertx, TestServices.get().pgUrl, 2);
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  /** The other gateway tests keep the key in clear (they configure jwtSecret): they make it again. */
  @AfterEach
  void forgetTheKey() throws Exception {
    db.query("DELETE FROM cluster_secrets WHERE name = 'ssh-host-key'").execute().await(10, TimeUnit.SECONDS);
  }

  static Gateway start(Path home, Map<String, String> more) throws Exception {
    Map<String, String> all = new HashMap<>();
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      all.put("sshPort", Integer.toString(s.getLocalPort()));
    }
    all.putAll(more);
    return GatewayNodes.startOwnKeys(home, all);
  }

  static Row stored() throws Exception {
    return db.query("SELECT secret, sealed FROM cluster_secrets WHERE name = 'ssh-host-key'").execute().await(10, TimeUnit.SECONDS)
        .iterator().next();
  }

  @Test
  void theHostKeyIsSealedAndAGatewayRestartedOnItsDataServesTheSameOne() throws Exception {
    forgetTheKey();
    Path home = Files.createTempDirectory("respool-ssh-key-");
    start(home, Map.of()).close();
    Row first = stored();
    assertThat(first.getBoolean("sealed")).isTrue();
    SecretBox box = SecretBox.load(null, null, home);
    KeyPair key = SshEndpoint.hostKey(db, box);
    assertThat(box.open("ssh-host-key", first.getBuffer("secret").getBytes())).as("the private key is in the sealed bytes only")
        .isNotEmpty();

    // started again on the same home and database: it comes up, on the same key
    Gateway again = start(home, Map.of());
    try {
      assertThat(again.sshPort()).isPositive();
      assertThat(stored().getBuffer("secret")).isEqualTo(first.getBuffer("secret"));
      assertThat(SshEndpoint.hostKey(db, box).getPublic()).isEqualTo(key.getPublic());
    } finally {
      again.close();
    }

    // a node with a configured jwtSecret and no secrets key cannot open it, and says so
    assertThatThrownBy(() -> start(Files.createTempDirectory("respool-ssh-key-"), Map.of("jwtSecret", GatewayNodes.JWT_SECRET)))
        .hasMessageContaining("the cluster's SSH host key is sealed and this node has no secrets key to open it");
  }
}

package io.respool.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Wallets;
import io.respool.infra.Databases;
import io.respool.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Secrets at rest and JWT key rotation (issue 15, deliverable 5), on real gateway nodes over the
 * test PostgreSQL: a JWT key an earlier version left in clear is sealed at start with the key made
 * under the home (0600); a rotation makes a new signing key while tokens of the old one still work;
 * once the old key's tokens have all expired it is dropped, and a token it signed is refused.
 * The other gateway tests configure jwtSecret, so the generated keys here are this test's alone.
 */
class JwtKeysTest {
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

  static Gateway start(Path home, boolean rotate) throws Exception {
    return start(home, rotate, Map.of());
  }

  static Gateway start(Path home, boolean rotate, Map<String, String> more) throws Exception {
    Map<String, String> all = new HashMap<>(more);
    all.put("rotateJwtKey", Boolean.toString(rotate));
    return GatewayNodes.startOwnKeys(home, all);
  }

  static List<Row> keys() throws Exception {
    List<Row> out = new ArrayList<>();
    db.query("SELECT name, secret, sealed FROM cluster_secrets WHERE name = 'jwt' OR name LIKE 'jwt:%' ORDER BY created_at")
        .execute().await(10, TimeUnit.SECONDS).forEach(out::add);
    return out;
  }

  static int account(Gateway node, String token) {
    return new Http(node.port()).get("/v1/account", token).status();
  }

  static String kid(String token) {
    String header = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
    return io.respool.protocol.Json.tree(header).path("kid").asText();
  }

  @Test
  void aClearKeyIsSealedAndARotationKeepsOldTokensUntilTheirKeyIsDropped() throws Exception {
    Path home = Files.createTempDirectory("respool-secrets-");
    byte[] legacy = "a-jwt-key-an-older-gateway-kept-in-clear-0123456789".getBytes(StandardCharsets.UTF_8);
    db.query("DELETE FROM cluster_secrets WHERE name = 'jwt' OR name LIKE 'jwt:%'").execute().await(10, TimeUnit.SECONDS);
    db.preparedQuery("INSERT INTO cluster_secrets (name, secret, created_at) VALUES ('jwt', $1, now() - interval '1 day')")
        .execute(Tuple.of(Buffer.buffer(legacy))).await(10, TimeUnit.SECONDS);

    String before;
    Gateway first = start(home, false);
    try {
      Path keyFile = home.resolve("secrets.key");
      assertThat(Files.getPosixFilePermissions(keyFile)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      List<Row> rows = keys();
      assertThat(rows).hasSize(1);
      byte[] stored = rows.get(0).getBuffer("secret").getBytes();
      assertThat(rows.get(0).getBoolean("sealed")).isTrue();
      assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(new String(legacy, StandardCharsets.ISO_8859_1));
      SecretBox box = SecretBox.load(null, null, home);
      assertThat(box.open("jwt", stored)).isEqualTo(legacy);
      assertThatThrownBy(() -> box.open("jwt:other", stored)).as("bound to its row").isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> SecretBox.load(Base64.getEncoder().encodeToString(new byte[32]), null, home).open("jwt", stored))
          .as("another secrets key cannot open it").isInstanceOf(IllegalStateException.class);

      before = Wallets.signIn(new Http(first.port())).token();
      assertThat(kid(before)).isEqualTo("jwt");
      assertThat(account(first, before)).isEqualTo(200);
    } finally {
      first.close();
    }

    String after;
    Gateway rotated = start(home, true);
    try {
      assertThat(keys()).hasSize(2).allSatisfy(r -> assertThat(r.getBoolean("sealed")).isTrue());
      after = Wallets.signIn(new Http(rotated.port())).token();
      assertThat(kid(after)).isNotEqualTo("jwt").isEqualTo(keys().get(1).getString("name").substring(4));
      assertThat(account(rotated, before)).as("a token from before the rotation still works").isEqualTo(200);
      assertThat(account(rotated, after)).isEqualTo(200);
    } finally {
      rotated.close();
    }

    // the new key has been signing for longer than a token lives: nothing the old one signed is still valid, so it goes
    db.query("UPDATE cluster_secrets SET created_at = now() - interval '2 hours' WHERE name LIKE 'jwt:%'").execute().await(10, TimeUnit.SECONDS);
    Gateway later = start(home, false);
    try {
      assertThat(keys()).extracting(r -> r.getString("name")).containsExactly("jwt:" + kid(after));
      assertThat(account(later, before)).as("a token signed by a removed key").isEqualTo(401);
      assertThat(account(later, after)).isEqualTo(200);
    } finally {
      later.close();
    }
  }

  static int freePort() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Polls (bounded) until {@code ok}; the last answer in the failure. */
  static void within(int seconds, String what, java.util.function.BooleanSupplier ok) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError(what + ": not within " + seconds + " s");
      Thread.sleep(100);
    }
  }

  /**
   * A rotation made by a node started with --rotate-jwt-key reaches nodes already running, without a restart: a clustered
   * node through the cluster notice (its own re-read set to an hour, so only the notice can do it), a node outside the
   * cluster through its periodic re-read from PostgreSQL (every second here). Tokens of the new key are accepted everywhere,
   * the running nodes sign with it, and tokens of the old key keep working.
   */
  @Test
  void aRotationReachesRunningNodesWithoutARestart() throws Exception {
    db.query("DELETE FROM cluster_secrets WHERE name = 'jwt' OR name LIKE 'jwt:%'").execute().await(10, TimeUnit.SECONDS);
    byte[] k = new byte[32];
    new java.security.SecureRandom().nextBytes(k);
    String secretsKey = Base64.getEncoder().encodeToString(k); // every node of a cluster holds the same
    int[] hz = {freePort(), freePort()};
    String members = "127.0.0.1:" + hz[0] + ",127.0.0.1:" + hz[1];
    List<Gateway> nodes = new ArrayList<>();
    try {
      Gateway clustered = start(Files.createTempDirectory("respool-rot-a-"), false, Map.of("secretsKey", secretsKey, "cluster", "true",
          "clusterMembers", members, "clusterPort", Integer.toString(hz[0]), "jwtKeysReloadSeconds", "3600"));
      nodes.add(clustered);
      Gateway alone = start(Files.createTempDirectory("respool-rot-b-"), false, Map.of("secretsKey", secretsKey, "jwtKeysReloadSeconds", "1"));
      nodes.add(alone);
      String old = Wallets.signIn(new Http(clustered.port())).token();
      assertThat(kid(Wallets.signIn(new Http(alone.port())).token())).isEqualTo(kid(old));

      Gateway rotating = start(Files.createTempDirectory("respool-rot-c-"), true, Map.of("secretsKey", secretsKey, "cluster", "true",
          "clusterMembers", members, "clusterPort", Integer.toString(hz[1]), "jwtKeysReloadSeconds", "3600"));
      nodes.add(rotating);
      String fresh = Wallets.signIn(new Http(rotating.port())).token();
      assertThat(kid(fresh)).isNotEqualTo(kid(old));

      within(20, "the new key's token accepted by the clustered node (notice)", () -> account(clustered, fresh) == 200);
      within(20, "the new key's token accepted by the node outside the cluster (re-read)", () -> account(alone, fresh) == 200);
      for (Gateway n : nodes) assertThat(account(n, old)).as("a token of the previous key still works").isEqualTo(200);
      assertThat(kid(Wallets.signIn(new Http(clustered.port())).token())).as("the running nodes sign with the new key").isEqualTo(kid(fresh));
      assertThat(kid(Wallets.signIn(new Http(alone.port())).token())).isEqualTo(kid(fresh));
      assertThat(account(alone, old.substring(0, old.lastIndexOf('.') + 1) + "x")).as("a forged signature").isEqualTo(401);
    } finally {
      for (Gateway n : nodes) n.close();
    }
  }
}

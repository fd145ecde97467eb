package io.respool.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.gateway.Gateway;
import io.respool.gateway.config.ConfigSource;
import io.respool.gateway.config.GatewayConfig;
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
import java.util.Properties;
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
    Map<String, String> all = new HashMap<>();
    all.put("port", "0");
    all.put("bind", "127.0.0.1");
    all.put("home", home.toString());
    all.put("pgUrl", TestServices.get().pgUrl);
    all.put("redisUrl", TestServices.get().redisUrl);
    all.put("dbPoolSize", "2");
    all.put("sshPort", "0");
    all.put("rotateJwtKey", Boolean.toString(rotate));
    return Gateway.start(GatewayConfig.from(ConfigSource.load(null, Map.of(), new Properties(), all)));
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
}

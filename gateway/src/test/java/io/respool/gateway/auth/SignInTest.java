package io.respool.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.protocol.crypto.Base58;
import io.respool.protocol.crypto.Ed25519;
import io.respool.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/** Wallet sign-in end to end over real HTTP, with real secp256k1 (web3j) and ed25519 keys. */
class SignInTest {
  static Gateway node;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    node = GatewayNodes.start(Map.of("nonceTtlSeconds", "10"));
    http = new Http(node.port());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  record EthWallet(ECKeyPair pair, String address) {
    static EthWallet create() throws Exception {
      ECKeyPair p = Keys.createEcKeyPair();
      return new EthWallet(p, "0x" + Keys.getAddress(p));
    }

    String sign(String message) {
      Sign.SignatureData s = Sign.signPrefixedMessage(message.getBytes(StandardCharsets.UTF_8), pair);
      return "0x" + HexFormat.of().formatHex(s.getR()) + HexFormat.of().formatHex(s.getS()) + HexFormat.of().formatHex(s.getV());
    }
  }

  static JsonNode challenge(String chain, String address) {
    Http.Response r = http.post("/v1/auth/challenge", Http.json(Map.of("chain", chain, "address", address)));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  static Http.Response verify(String chain, String address, String message, String signature) {
    return http.post("/v1/auth/verify", Http.json(Map.of("chain", chain, "address", address, "message", message, "signature", signature)));
  }

  @Test
  void ethereumPersonalSignGivesATokenForOneAccountAcrossSignIns() throws Exception {
    EthWallet w = EthWallet.create();
    JsonNode c = challenge("ethereum", w.address());
    String message = c.path("message").asText();
    assertThat(message).contains(w.address()).contains("Nonce: " + c.path("nonce").asText());

    Http.Response ok = verify("ethereum", w.address(), message, w.sign(message));
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    String token = ok.json().path("token").asText();
    String account = ok.json().path("accountId").asText();
    assertThat(ok.json().path("roles").toString()).contains("renter");

    Http.Response me = http.get("/v1/account", token);
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().path("accountId").asText()).isEqualTo(account);
    assertThat(me.json().path("wallets").get(0).path("address").asText()).isEqualTo(w.address().toLowerCase());

    // a second sign-in (checksummed address this time) lands in the same account
    String upper = "0x" + Keys.toChecksumAddress(w.address()).substring(2);
    JsonNode c2 = challenge("ethereum", upper);
    Http.Response again = verify("ethereum", upper, c2.path("message").asText(), w.sign(c2.path("message").asText()));
    assertThat(again.json().path("accountId").asText()).isEqualTo(account);
  }

  @Test
  void solanaEd25519SignatureGivesAToken() {
    Ed25519.Keys keys = Ed25519.generate();
    String address = keys.publicKeyBase58();
    String message = challenge("solana", address).path("message").asText();
    assertThat(message).contains("Solana account");
    String sig = Base58.encode(keys.sign(message.getBytes(StandardCharsets.UTF_8)));
    Http.Response ok = verify("solana", address, message, sig);
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    assertThat(http.get("/v1/account", ok.json().path("token").asText()).status()).isEqualTo(200);
  }

  @Test
  void replayedNonceIsRefused() throws Exception {
    EthWallet w = EthWallet.create();
    String message = challenge("ethereum", w.address()).path("message").asText();
    assertThat(verify("ethereum", w.address(), message, w.sign(message)).status()).isEqualTo(200);
    Http.Response replay = verify("ethereum", w.address(), message, w.sign(message));
    assertThat(replay.isProblem(401)).as(replay.toString()).isTrue();
    assertThat(replay.json().path("detail").asText()).contains("nonce");
  }

  @Test
  void wrongSignerTamperedMessageAndOtherAddressAreRefused() throws Exception {
    EthWallet w = EthWallet.create();
    EthWallet other = EthWallet.create();
    String m1 = challenge("ethereum", w.address()).path("message").asText();
    assertThat(verify("ethereum", w.address(), m1, other.sign(m1)).isProblem(401)).isTrue();

    String m2 = challenge("ethereum", w.address()).path("message").asText();
    String tampered = m2.replace("Sign in to ResPool.", "Sign in to ResPool!");
    assertThat(verify("ethereum", w.address(), tampered, w.sign(tampered)).isProblem(401)).isTrue();

    // a challenge issued to w, signed and presented by other
    String m3 = challenge("ethereum", w.address()).path("message").asText();
    assertThat(verify("ethereum", other.address(), m3, other.sign(m3)).isProblem(401)).isTrue();

    Ed25519.Keys sol = Ed25519.generate();
    String m4 = challenge("solana", sol.publicKeyBase58()).path("message").asText();
    String forged = Base58.encode(Ed25519.generate().sign(m4.getBytes(StandardCharsets.UTF_8)));
    assertThat(verify("solana", sol.publicKeyBase58(), m4, forged).isProblem(401)).isTrue();
  }

  @Test
  void expiredNonceIsRefused() throws Exception {
    EthWallet w = EthWallet.create();
    JsonNode c = challenge("ethereum", w.address());
    String message = c.path("message").asText();
    // wait (bounded) until Redis itself has expired the nonce; no fixed sleep
    var redis = io.vertx.redis.client.Redis.createClient(Vertx.vertx(), TestServices.get().redisUrl);
    var api = io.vertx.redis.client.RedisAPI.api(redis);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (api.exists(java.util.List.of("respool:auth:nonce:" + c.path("nonce").asText())).await(5, TimeUnit.SECONDS).toInteger() == 1) {
      assertThat(System.nanoTime()).as("nonce should expire after its TTL").isLessThan(deadline);
      Thread.sleep(200);
    }
    Http.Response late = verify("ethereum", w.address(), message, w.sign(message));
    assertThat(late.isProblem(401)).as(late.toString()).isTrue();
  }

  @Test
  void tamperedForeignAndExpiredTokensAreRefused() throws Exception {
    Ed25519.Keys keys = Ed25519.generate();
    String message = challenge("solana", keys.publicKeyBase58()).path("message").asText();
    String token = verify("solana", keys.publicKeyBase58(), message,
        Base58.encode(keys.sign(message.getBytes(StandardCharsets.UTF_8)))).json().path("token").asText();

    String[] parts = token.split("\\.");
    String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
        .replace("\"renter\"", "\"admin\"");
    String tampered = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    assertThat(http.get("/v1/account", tampered).isProblem(401)).isTrue();

    Vertx v = Vertx.vertx();
    try {
      JWTAuth foreign = JWTAuth.create(v, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256")
          .setBuffer("another-secret-another-secret-another")));
      String forged = foreign.generateToken(new JsonObject().put("sub", "acc_x"), new JWTOptions().setIssuer("respool"));
      assertThat(http.get("/v1/account", forged).isProblem(401)).isTrue();

      JWTAuth same = JWTAuth.create(v, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256")
          .setBuffer(GatewayNodes.JWT_SECRET)));
      long past = System.currentTimeMillis() / 1000 - 600;
      String expired = same.generateToken(new JsonObject().put("sub", "acc_x").put("exp", past).put("iat", past - 60),
          new JWTOptions().setIssuer("respool"));
      assertThat(http.get("/v1/account", expired).isProblem(401)).isTrue();
      String valid = same.generateToken(new JsonObject().put("sub", "acc_x"), new JWTOptions().setIssuer("respool").setExpiresInSeconds(60));
      assertThat(http.get("/v1/account", valid).status()).as("control: the same secret, unexpired, is accepted").isEqualTo(200);
    } finally {
      v.close();
    }
    assertThat(http.get("/v1/account", null).isProblem(401)).isTrue();
    assertThat(http.get("/v1/account", "garbage").isProblem(401)).isTrue();
  }

  @Test
  void apiKeysAuthenticateScriptsAndWrongSecretsDoNot() throws Exception {
    EthWallet w = EthWallet.create();
    String message = challenge("ethereum", w.address()).path("message").asText();
    JsonNode session = verify("ethereum", w.address(), message, w.sign(message)).json();

    Http.Response created = http.post("/v1/account/api-keys", "{\"name\":\"ci\"}", session.path("token").asText());
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String key = created.json().path("key").asText();
    assertThat(key).startsWith("rp_");

    Http.Response me = http.get("/v1/account", key);
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().path("accountId").asText()).isEqualTo(session.path("accountId").asText());

    String wrong = key.substring(0, key.indexOf('.') + 1) + "x" + key.substring(key.indexOf('.') + 2);
    assertThat(http.get("/v1/account", wrong).isProblem(401)).isTrue();
    assertThat(http.post("/v1/account/api-keys", "{\"name\":\"x\"}", null).isProblem(401)).isTrue();
    assertThat(http.post("/v1/account/api-keys", "{\"name\":\"\"}", key).isProblem(400)).isTrue();
  }

  @Test
  void challengesAreRateLimitedPerClient() throws Exception {
    try (Gateway limited = GatewayNodes.start(Map.of("challengesPerMinute", "3"))) {
      Http h = new Http(limited.port());
      String body = Http.json(Map.of("chain", "ethereum", "address", "0x" + "cd".repeat(20)));
      Http.Response last = null;
      // at most one window boundary can fall inside this loop, so 8 tries see a 4th in one window
      for (int i = 0; i < 8 && (last == null || last.status() == 200); i++) last = h.post("/v1/auth/challenge", body);
      assertThat(last.isProblem(429)).as(last.toString()).isTrue();
      assertThat(last.json().path("type").asText()).isEqualTo("urn:respool:problem:rate-limited");
    }
  }

  @Test
  void badInputIsAClear400() {
    assertThat(http.post("/v1/auth/challenge", "{\"chain\":").isProblem(400)).isTrue();
    assertThat(http.post("/v1/auth/challenge", "{\"chain\":\"ethereum\",\"address\":42}").isProblem(400)).isTrue();
    assertThat(http.post("/v1/auth/challenge", "{\"chain\":\"bitcoin\",\"address\":\"x\"}").isProblem(400)).isTrue();
    assertThat(http.post("/v1/auth/challenge", "{\"chain\":\"ethereum\",\"address\":\"0x12\"}").isProblem(400)).isTrue();
    assertThat(http.post("/v1/auth/challenge", "{\"chain\":\"solana\",\"address\":\"0OIl\"}").isProblem(400)).isTrue();
    Http.Response unknown = http.post("/v1/auth/challenge",
        "{\"chain\":\"ethereum\",\"address\":\"0x" + "ab".repeat(20) + "\",\"admin\":true}");
    assertThat(unknown.isProblem(400)).isTrue();
    assertThat(unknown.json().path("detail").asText()).contains("admin");
    assertThat(http.post("/v1/auth/verify", "[]").isProblem(400)).isTrue();
    assertThat(http.post("/v1/auth/verify", "x".repeat(100_000)).isProblem(413)).isTrue();
  }
}

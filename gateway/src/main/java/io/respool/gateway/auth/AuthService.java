package io.respool.gateway.auth;

import io.respool.gateway.http.RateLimitedException;
import io.respool.hosts.HostRegistry;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.Json;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Auth;
import io.respool.protocol.crypto.Base58;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Wallet sign-in (challenge → signed message → JWT), API keys, and turning a bearer credential
 * into a {@link Principal}. Nonces live in Redis with a TTL and are consumed atomically (GETDEL),
 * so each can be used once.
 */
public final class AuthService {
  private static final String NONCE_KEY = "respool:auth:nonce:";
  private static final String RATE_KEY = "respool:auth:rate:";
  private static final String API_KEY_PREFIX = "rp_";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What the service needs to know of the configuration. */
  public record Settings(String publicUrl, Duration tokenTtl, Duration nonceTtl, List<String> admins, int challengesPerMinute) {}

  private record PendingChallenge(String chain, String address, String message) {}

  private final Pool pool;
  private final RedisAPI redis;
  private final JwtKeyRing jwt;
  private final HostRegistry hosts;
  private final Settings settings;
  private final Clock clock;

  /**
   * @param jwt the node's JWT keys: every token is signed with the newest (its {@code kid} in the header), every kept
   *     key verifies, so tokens signed before a rotation stay valid until they expire
   */
  public AuthService(Pool pool, RedisAPI redis, JwtKeyRing jwt, HostRegistry hosts, Settings settings, Clock clock) {
    this.pool = pool;
    this.redis = redis;
    this.jwt = jwt;
    this.hosts = hosts;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * A sign-in message for the wallet. Each client address may ask for {@code challengesPerMinute}
   * per minute (a fixed window counted in Redis), so nobody can fill Redis with nonces.
   */
  public Future<Auth.Challenge> challenge(Auth.ChallengeRequest req, String client) {
    String address = WalletSignatures.normalize(req.chain(), req.address());
    String window = RATE_KEY + client + ":" + clock.instant().getEpochSecond() / 60;
    return redis.incr(window).compose(count -> {
      if (count.toLong() == 1) redis.expire(List.of(window, "120"));
      if (count.toLong() > settings.challengesPerMinute()) {
        long retryAfter = Math.max(1, 60 - clock.instant().getEpochSecond() % 60);
        return Future.failedFuture(new RateLimitedException("more than " + settings.challengesPerMinute()
            + " sign-in challenges a minute from this client address; retry in " + retryAfter + " s", retryAfter));
      }
      return newChallenge(req.chain(), req.address(), address);
    });
  }

  private Future<Auth.Challenge> newChallenge(String chain, String shownAddress, String address) {
    String nonce = HexFormat.of().formatHex(random(16));
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant expires = now.plus(settings.nonceTtl());
    String message = signInMessage(chain, shownAddress, nonce, now, expires);
    String stored = Json.encode(new PendingChallenge(chain, address, message));
    return redis.set(List.of(NONCE_KEY + nonce, stored, "EX", Long.toString(settings.nonceTtl().toSeconds()), "NX"))
        .map(ok -> new Auth.Challenge(message, nonce, expires));
  }

  /** EIP-4361 text; the Solana variant has the same shape without a chain id. */
  private String signInMessage(String chain, String address, String nonce, Instant issued, Instant expires) {
    URI uri = URI.create(settings.publicUrl());
    String domain = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    boolean eth = WalletSignatures.ETHEREUM.equals(chain);
    return domain + " wants you to sign in with your " + (eth ? "Ethereum" : "Solana") + " account:\n"
        + address + "\n\n"
        + "Sign in to ResPool.\n\n"
        + "URI: " + settings.publicUrl() + "\n"
        + "Version: 1\n"
        + (eth ? "Chain ID: 1\n" : "")
        + "Nonce: " + nonce + "\n"
        + "Issued At: " + issued + "\n"
        + "Expiration Time: " + expires;
  }

  public Future<Auth.Token> verify(Auth.VerifyRequest req) {
    String address = WalletSignatures.normalize(req.chain(), req.address());
    if (req.message() == null || req.message().length() > 2000) throw RespoolException.invalid("message is required (at most 2000 characters)");
    if (req.signature() == null || req.signature().length() > 200) throw RespoolException.invalid("signature is required");
    String nonce = nonceOf(req.message());
    return redis.getdel(NONCE_KEY + nonce).compose(found -> {
      if (found == null) return Future.failedFuture(RespoolException.unauthorized("nonce is unknown, already used or expired"));
      PendingChallenge pending = Json.decode(found.toString(), PendingChallenge.class);
      if (!pending.chain().equals(req.chain()) || !pending.address().equals(address) || !pending.message().equals(req.message())) {
        return Future.failedFuture(RespoolException.unauthorized("message is not the challenge issued to this address"));
      }
      if (!WalletSignatures.verify(req.chain(), address, req.message(), req.signature())) {
        return Future.failedFuture(RespoolException.unauthorized("signature does not match the address"));
      }
      return accountFor(req.chain(), address, 0)
          .compose(accountId -> rolesOf(req.chain(), address).map(roles -> issue(accountId, roles)));
    });
  }

  private static String nonceOf(String message) {
    for (String line : message.split("\n")) {
      if (line.startsWith("Nonce: ")) {
        String n = line.substring(7).trim();
        if (n.matches("[0-9a-f]{32}")) return n;
      }
    }
    throw RespoolException.unauthorized("message carries no valid nonce");
  }

  private Auth.Token issue(String accountId, List<String> roles) {
    Instant expires = clock.instant().plus(settings.tokenTtl()).truncatedTo(ChronoUnit.SECONDS);
    String token = jwt.signer().generateToken(new JsonObject().put("sub", accountId).put("roles", new JsonArray(roles)),
        new JWTOptions().setIssuer("respool").setExpiresInSeconds((int) settings.tokenTtl().toSeconds()));
    return new Auth.Token(token, accountId, roles, expires);
  }

  /** The wallet's account, created on first sign-in (one transaction; a concurrent first sign-in retries once). */
  private Future<String> accountFor(String chain, String address, int attempt) {
    String fresh = "acc_" + Base58.encode(random(12));
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT account_id FROM wallets WHERE chain = $1 AND address = $2")
            .execute(Tuple.of(chain, address))
            .compose(rows -> {
              if (rows.size() > 0) return Future.succeededFuture(rows.iterator().next().getString(0));
              return tx.preparedQuery("INSERT INTO accounts (id) VALUES ($1)").execute(Tuple.of(fresh))
                  .compose(x -> tx.preparedQuery("INSERT INTO wallets (chain, address, account_id) VALUES ($1, $2, $3)")
                      .execute(Tuple.of(chain, address, fresh)))
                  .map(fresh);
            }))
        .recover(err -> attempt == 0 && isUniqueViolation(err) ? accountFor(chain, address, 1) : Future.failedFuture(err));
  }

  private static boolean isUniqueViolation(Throwable err) {
    return err instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState());
  }

  private Future<List<String>> rolesOf(String chain, String address) {
    return hosts.isPayoutAddress(chain, address).map(isHost -> {
      List<String> roles = new ArrayList<>(List.of(Principal.RENTER));
      if (isHost) roles.add(Principal.HOST);
      if (settings.admins().contains(address)) roles.add(Principal.ADMIN);
      return List.copyOf(roles);
    });
  }

  /** Resolves {@code Authorization: Bearer <JWT | API key>}; 401 if absent or invalid. */
  public Future<Principal> authenticate(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(RespoolException.unauthorized("missing bearer token"));
    }
    return authenticateToken(authorization.substring(7).trim());
  }

  public Future<Principal> authenticateToken(String token) {
    if (token.startsWith(API_KEY_PREFIX)) return apiKey(token);
    return jwt.verifier().authenticate(new TokenCredentials(token))
        .recover(err -> Future.failedFuture(RespoolException.unauthorized("token is invalid or expired")))
        .map(user -> {
          JsonObject p = user.principal();
          List<String> roles = new ArrayList<>();
          p.getJsonArray("roles", new JsonArray()).forEach(r -> roles.add(String.valueOf(r)));
          return new Principal(p.getString("sub"), List.copyOf(roles));
        });
  }

  private Future<Principal> apiKey(String key) {
    int dot = key.indexOf('.');
    if (dot < 0) return Future.failedFuture(RespoolException.unauthorized("API key is malformed"));
    String id = key.substring(0, dot);
    byte[] hash = sha256(key.substring(dot + 1));
    return pool.preparedQuery("SELECT account_id, secret_hash, roles FROM api_keys WHERE id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(id))
        .compose(rows -> {
          if (rows.size() == 0) return Future.failedFuture(RespoolException.unauthorized("API key is unknown or revoked"));
          Row r = rows.iterator().next();
          if (!MessageDigest.isEqual(hash, r.getBuffer("secret_hash").getBytes())) {
            return Future.failedFuture(RespoolException.unauthorized("API key is unknown or revoked"));
          }
          return Future.succeededFuture(new Principal(r.getString("account_id"), List.of(r.getArrayOfStrings("roles"))));
        });
  }

  /** A new API key for the caller's account, with the caller's roles; the secret is returned once. */
  public Future<Auth.ApiKey> createApiKey(Principal who, Auth.ApiKeyRequest req) {
    String name = req == null || req.name() == null ? "" : req.name().trim();
    if (name.isEmpty() || name.length() > 100) throw RespoolException.invalid("name is required (at most 100 characters)");
    String id = API_KEY_PREFIX + Base58.encode(random(9));
    String secret = Base58.encode(random(32));
    return pool.preparedQuery("INSERT INTO api_keys (id, account_id, name, secret_hash, roles) VALUES ($1, $2, $3, $4, $5) RETURNING created_at")
        .execute(Tuple.tuple().addString(id).addString(who.accountId()).addString(name)
            .addBuffer(io.vertx.core.buffer.Buffer.buffer(sha256(secret))).addArrayOfString(who.roles().toArray(String[]::new)))
        .map(rows -> new Auth.ApiKey(id, name, id + "." + secret, who.roles(), rows.iterator().next().getOffsetDateTime(0).toInstant()));
  }

  public Future<Auth.Account> account(Principal who) {
    return pool.preparedQuery("SELECT chain, address FROM wallets WHERE account_id = $1 ORDER BY created_at")
        .execute(Tuple.of(who.accountId()))
        .map(rows -> {
          List<Auth.Wallet> wallets = new ArrayList<>();
          for (Row r : rows) wallets.add(new Auth.Wallet(r.getString("chain"), r.getString("address")));
          return new Auth.Account(who.accountId(), who.roles(), wallets);
        });
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.respool.gateway.auth;

import io.vertx.core.Vertx;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The JWT keys a node signs and verifies with: the newest signs (its id is the token's {@code kid}),
 * every kept key verifies. Replaced whole when the cluster's keys change while the node runs (a
 * rotation made by another node, announced on {@link #CHANGED} and re-read from PostgreSQL as a
 * safety net), so a token signed with a new key is accepted here without a restart.
 */
public final class JwtKeyRing {
  /** Published (cluster-wide) by a node that rotated the keys; every node re-reads them. */
  public static final String CHANGED = "auth.jwt.keys.changed";

  private record Held(List<String> kids, JWTAuth signer, JWTAuth verifier) {}

  private final Vertx vertx;
  private volatile Held held;

  /** @param keys newest first, never empty */
  public JwtKeyRing(Vertx vertx, List<JwtKeys.Key> keys) {
    this.vertx = vertx;
    this.held = build(keys);
  }

  public JWTAuth signer() { return held.signer(); }

  public JWTAuth verifier() { return held.verifier(); }

  /** The key ids held, newest (the signing one) first. */
  public List<String> kids() { return held.kids(); }

  /** Takes {@code keys} (newest first) in; true when they differ from those held. */
  public synchronized boolean update(List<JwtKeys.Key> keys) {
    if (keys.isEmpty() || keys.stream().map(JwtKeys.Key::kid).toList().equals(held.kids())) return false;
    held = build(keys);
    return true;
  }

  private Held build(List<JwtKeys.Key> keys) {
    return new Held(keys.stream().map(JwtKeys.Key::kid).toList(), JWTAuth.create(vertx, options(keys.subList(0, 1))),
        JWTAuth.create(vertx, options(keys)));
  }

  private static JWTAuthOptions options(List<JwtKeys.Key> keys) {
    JWTAuthOptions o = new JWTAuthOptions().setJWTOptions(new JWTOptions().setIssuer("respool"));
    for (JwtKeys.Key k : keys) o.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setId(k.kid()).setBuffer(hmacSecret(k)));
    return o;
  }

  /** The HMAC secret as the JWT library takes it: the configured text as is, a generated key in base64 (as before V19). */
  private static String hmacSecret(JwtKeys.Key k) {
    return "config".equals(k.kid()) ? new String(k.secret(), StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(k.secret());
  }
}

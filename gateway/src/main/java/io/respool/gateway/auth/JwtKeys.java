package io.respool.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The cluster's JWT signing keys, kept in {@code cluster_secrets} sealed by the node's {@link
 * SecretBox} (never in clear). On start, in one transaction under an advisory lock (nodes starting
 * together agree): keys an earlier version left in clear are sealed; a first key is made if there
 * is none, or a new one when the operator asks for a rotation; keys whose every token has expired
 * are dropped — a key is kept until its successor is older than a token's lifetime. The newest key
 * signs (its id is the token's {@code kid}), every kept key verifies, so a rotation logs nobody out.
 * Running nodes take a rotation in through {@link #current} (see {@link JwtKeyRing}).
 */
public final class JwtKeys {
  private JwtKeys() {}

  /** A signing key: {@code kid} in the token header, its HMAC secret, and when it was made. */
  public record Key(String kid, byte[] secret, Instant createdAt) {}

  private static final String KEYS = "(name = 'jwt' OR name LIKE 'jwt:%')";

  /** The keys, newest first (never empty). */
  public static Future<List<Key>> load(Pool pool, SecretBox box, boolean rotate, Duration tokenTtl) {
    return pool.withTransaction(tx -> tx.query("SELECT pg_advisory_xact_lock(hashtext('respool.cluster_secrets'))").execute()
        .compose(x -> sealClear(tx, box))
        .compose(x -> read(tx, box))
        .compose(keys -> keys.isEmpty() || rotate ? add(tx, box).compose(y -> read(tx, box)) : Future.succeededFuture(keys))
        .compose(keys -> tx.preparedQuery("DELETE FROM cluster_secrets s WHERE " + KEYS.replace("name", "s.name")
                + " AND EXISTS (SELECT 1 FROM cluster_secrets n WHERE " + KEYS.replace("name", "n.name")
                + " AND n.created_at > s.created_at AND n.created_at < now() - make_interval(secs => $1)) RETURNING name")
            .execute(Tuple.of(tokenTtl.toSeconds()))
            .compose(dropped -> dropped.size() == 0 ? Future.succeededFuture(keys) : read(tx, box))));
  }

  /** The keys as PostgreSQL holds them now, newest first (a running node re-reading after another node's rotation). */
  public static Future<List<Key>> current(Pool pool, SecretBox box) {
    return read(pool, box);
  }

  /** Seals the keys still in clear (written before V19), in place; other secrets are their owners' (SshEndpoint). */
  private static Future<Void> sealClear(SqlConnection tx, SecretBox box) {
    return tx.query("SELECT name, secret FROM cluster_secrets WHERE NOT sealed AND " + KEYS + " FOR UPDATE").execute().compose(rows -> {
      List<Tuple> sealed = new ArrayList<>();
      for (Row r : rows) {
        String name = r.getString("name");
        sealed.add(Tuple.of(name, Buffer.buffer(box.seal(name, r.getBuffer("secret").getBytes()))));
      }
      return sealed.isEmpty() ? Future.<Void>succeededFuture()
          : tx.preparedQuery("UPDATE cluster_secrets SET secret = $2, sealed = true WHERE name = $1").executeBatch(sealed).mapEmpty();
    });
  }

  private static Future<List<Key>> read(io.vertx.sqlclient.SqlClient tx, SecretBox box) {
    return tx.query("SELECT name, secret, created_at FROM cluster_secrets WHERE " + KEYS + " ORDER BY created_at DESC, name DESC").execute()
        .map(rows -> {
          List<Key> keys = new ArrayList<>();
          for (Row r : rows) {
            String name = r.getString("name");
            String kid = name.equals("jwt") ? "jwt" : name.substring("jwt:".length());
            keys.add(new Key(kid, box.open(name, r.getBuffer("secret").getBytes()), r.getOffsetDateTime("created_at").toInstant()));
          }
          return keys;
        });
  }

  private static Future<Void> add(SqlConnection tx, SecretBox box) {
    SecureRandom random = new SecureRandom();
    byte[] id = new byte[8];
    random.nextBytes(id);
    byte[] secret = new byte[48];
    random.nextBytes(secret);
    String name = "jwt:" + HexFormat.of().formatHex(id);
    // clock_timestamp(): a key added in the transaction that found none is newer than nothing, one added by a rotation newer than the rest
    return tx.preparedQuery("INSERT INTO cluster_secrets (name, secret, sealed, created_at) VALUES ($1, $2, true, clock_timestamp())")
        .execute(Tuple.of(name, Buffer.buffer(box.seal(name, secret)))).mapEmpty();
  }
}

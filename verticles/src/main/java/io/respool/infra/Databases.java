package io.respool.infra;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.Map;
import java.util.function.Function;
import org.flywaydb.core.Flyway;

/** PostgreSQL wiring: URL parsing, the reactive pool, and Flyway migrations. */
public final class Databases {
  private Databases() {}

  /** Parses {@code postgresql://user:pass@host:port/db}; throws IllegalArgumentException naming the problem. */
  public static PgConnectOptions options(String url) {
    try {
      return PgConnectOptions.fromUri(url);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a PostgreSQL URL (postgresql://user:pass@host:port/db)");
    }
  }

  public static Pool pool(Vertx vertx, String url, int size) { return pool(vertx, url, size, Map.of()); }

  /** A pool whose connections start with the server {@code settings} given (e.g. {@code plan_cache_mode}). */
  public static Pool pool(Vertx vertx, String url, int size, Map<String, String> settings) {
    // prepared once per connection up to 16 KiB of text (the client's default, 2 KiB, left a batch's
    // placement statement to be parsed and planned again at every execution)
    PgConnectOptions options = options(url).setCachePreparedStatements(true).setPipeliningLimit(16);
    options.setPreparedStatementCacheSqlLimit(16_384);
    settings.forEach(options::addProperty);
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setShared(false))
        .connectingTo(options)
        .using(vertx)
        .build();
  }

  /**
   * {@code work} in a transaction, as {@link Pool#withTransaction} runs it, but without waiting for
   * BEGIN: it leaves with the work's first statements (the connection pipelines them, in order), one
   * round trip less per transaction. Committed when the work succeeds, rolled back when it fails.
   */
  public static <T> Future<T> inTransaction(Pool pool, Function<SqlConnection, Future<T>> work) {
    return pool.getConnection().compose(conn -> {
      Future<Transaction> begun = conn.begin();
      Future<T> done;
      try {
        done = work.apply(conn);
      } catch (RuntimeException e) {
        done = Future.failedFuture(e);
      }
      Future<T> worked = done;
      return Future.join(begun, worked)
          .transform(ar -> {
            if (ar.succeeded()) return begun.result().commit().map(x -> worked.result());
            Throwable cause = worked.failed() ? worked.cause() : begun.cause();
            Future<Void> undone = begun.succeeded() ? begun.result().rollback() : Future.succeededFuture();
            return undone.transform(x -> Future.<T>failedFuture(cause));
          })
          .onComplete(ar -> conn.close());
    });
  }

  /** Applies the schema migrations (blocking JDBC; run before the event loops start). */
  public static void migrate(String url) {
    PgConnectOptions o = options(url);
    String jdbc = "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
    Flyway.configure()
        .dataSource(jdbc, o.getUser(), o.getPassword())
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }
}

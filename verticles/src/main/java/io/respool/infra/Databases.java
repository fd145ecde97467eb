package io.respool.infra;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
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

  public static Pool pool(Vertx vertx, String url, int size) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setShared(false))
        .connectingTo(options(url).setCachePreparedStatements(true).setPipeliningLimit(16))
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

  /**
   * {@code work} in a transaction that takes one round trip and one write: BEGIN (with {@code setup},
   * e.g. a {@code SET LOCAL}), the work's statements and COMMIT are gathered and sent together
   * (pipelined), and the COMMIT does not wait for the statements' answers. For work that sends every
   * statement before it returns and whose future fails only when one of them does: PostgreSQL then
   * ends the transaction with nothing written (the COMMIT of a failed transaction is a rollback),
   * and the failure is the work's. A statement sent later, from an answer's callback, is refused
   * (IllegalStateException): it would run outside the transaction. Work that throws has what it
   * sent rolled back. {@code tx.transaction().completion()} succeeds once the COMMIT has.
   */
  public static <T> Future<T> pipelined(Pool pool, String setup, Function<SqlConnection, Future<T>> work) {
    return pool.getConnection().compose(conn -> Pipeline.run(conn, setup == null ? "BEGIN" : "BEGIN; " + setup, work).onComplete(ar -> conn.close()));
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

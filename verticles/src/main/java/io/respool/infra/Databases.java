package io.respool.infra;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
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

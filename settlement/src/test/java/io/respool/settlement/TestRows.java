package io.respool.settlement;

import io.respool.infra.Databases;
import io.respool.testing.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Rows the settlement tests write and read directly: a statement's rows, the account and host a
 * deposit needs, and a booking's stop held half done while a watcher round runs (either chain).
 */
public final class TestRows {
  private TestRows() {}

  public static List<Row> sql(Pool pool, String statement, Object... params) {
    try {
      List<Row> out = new ArrayList<>();
      pool.preparedQuery(statement).execute(Tuple.from(params)).await(10, TimeUnit.SECONDS).forEach(out::add);
      return out;
    } catch (Exception e) {
      throw new AssertionError(statement, e);
    }
  }

  /** A pool of 2 on the test PostgreSQL, where account {@code acct-<suffix>} and an offline host {@code host-<suffix>} now exist. */
  public static Pool pool(Vertx vertx, String suffix) {
    Pool pool = Databases.pool(vertx, TestServices.get().pgUrl, 2);
    sql(pool, "INSERT INTO accounts (id) VALUES ($1)", "acct-" + suffix);
    sql(pool, """
        INSERT INTO hosts (id, region, info, cpu_millis, memory_mb, storage_gb, gpus, gpu_models, online, last_seen)
        VALUES ($1, 'test', '{}'::jsonb, 1000, 1000, 10, 0, '{}', false, now())""", "host-" + suffix);
    return pool;
  }

  /**
   * Runs {@code round} while a stop of {@code booking} is half done, as a stop takes its locks: the
   * booking locked and set STOPPED in a transaction not yet committed. The stop commits once the
   * round waits for a lock the stop holds, or has ended without waiting (bounded: 30 s); then the
   * round is awaited.
   */
  public static void whileStopping(Vertx vertx, String booking, Supplier<Future<?>> round) throws Exception {
    Pool other = Databases.pool(vertx, TestServices.get().pgUrl, 2);
    try {
      SqlConnection stop = other.getConnection().await(10, TimeUnit.SECONDS);
      var tx = stop.begin().await(10, TimeUnit.SECONDS);
      int stopPid = stop.query("SELECT pg_backend_pid()").execute().await(10, TimeUnit.SECONDS).iterator().next().getInteger(0);
      stop.preparedQuery("SELECT 1 FROM bookings WHERE id = $1 FOR UPDATE").execute(Tuple.of(booking)).await(10, TimeUnit.SECONDS);
      stop.preparedQuery("UPDATE bookings SET state = 'STOPPED', ended_at = now() WHERE id = $1").execute(Tuple.of(booking)).await(10, TimeUnit.SECONDS);
      Future<?> running = round.get();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!running.isComplete() && System.nanoTime() < deadline) {
        long blocked = other.preparedQuery("SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))")
            .execute(Tuple.of(stopPid)).await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
        if (blocked > 0) break;
        Thread.sleep(20);
      }
      tx.commit().await(10, TimeUnit.SECONDS);
      stop.close();
      running.await(60, TimeUnit.SECONDS);
    } finally {
      other.close().await(10, TimeUnit.SECONDS);
    }
  }
}

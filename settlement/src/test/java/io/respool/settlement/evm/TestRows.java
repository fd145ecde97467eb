package io.respool.settlement.evm;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Rows the settlement tests write and read directly: a statement's rows, and the account and host a deposit needs. */
final class TestRows {
  private TestRows() {}

  static List<Row> sql(Pool pool, String statement, Object... params) {
    try {
      List<Row> out = new ArrayList<>();
      pool.preparedQuery(statement).execute(Tuple.from(params)).await(10, TimeUnit.SECONDS).forEach(out::add);
      return out;
    } catch (Exception e) {
      throw new AssertionError(statement, e);
    }
  }

  /** Account {@code acct-<suffix>} and an offline host {@code host-<suffix>}. */
  static void accountAndHost(Pool pool, String suffix) {
    sql(pool, "INSERT INTO accounts (id) VALUES ($1)", "acct-" + suffix);
    sql(pool, """
        INSERT INTO hosts (id, region, info, cpu_millis, memory_mb, storage_gb, gpus, gpu_models, online, last_seen)
        VALUES ($1, 'test', '{}'::jsonb, 1000, 1000, 10, 0, '{}', false, now())""", "host-" + suffix);
  }
}

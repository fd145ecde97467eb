package io.respool.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import java.util.Map;
import java.util.TreeMap;

/**
 * Samples {@code pg_stat_activity} every few milliseconds while a window is open and counts what
 * the gateway's backends are doing: running (on CPU or in a system call PostgreSQL does not
 * report), waiting for a lock ({@code Lock:transactionid}: another transaction holds a row this
 * one wants to update), waiting on the WAL ({@code IO:WALSync}, {@code LWLock:WALWrite}: commit),
 * or idle in a transaction ({@code Client:ClientRead}: waiting for the gateway's next statement).
 * The averages are "backends in that state at any instant", so a 0.9 for {@code Lock:transactionid}
 * means almost one backend was always queued on a row lock.
 *
 * <p>All of it runs on the context that calls {@link #start}; read the result there too.
 */
final class PgActivity {
  private static final String QUERY = """
      SELECT state, wait_event_type, wait_event FROM pg_stat_activity
       WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND datname = current_database()""";

  private final Vertx vertx;
  private final Pool pool;
  private final long periodMs;
  private final Map<String, Long> counts = new TreeMap<>();
  private long samples;
  private long failures;
  private long timer = -1;
  private boolean busy;

  PgActivity(Vertx vertx, String url, long periodMs) {
    this.vertx = vertx;
    this.periodMs = periodMs;
    this.pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(PgConnectOptions.fromUri(url)).using(vertx).build();
  }

  /** Clears the counts and samples until {@link #stop}. */
  void start() {
    counts.clear();
    samples = 0;
    failures = 0;
    timer = vertx.setPeriodic(periodMs, t -> sample());
  }

  /** Stops sampling and returns {samples, failures, average backends per state}. */
  JsonObject stop() {
    vertx.cancelTimer(timer);
    JsonObject avg = new JsonObject();
    counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .filter(e -> samples > 0 && e.getValue() * 200 >= samples) // states seen less than 0.005 of the time are noise
        .forEach(e -> avg.put(e.getKey(), Math.round(e.getValue() * 100.0 / samples) / 100.0));
    return new JsonObject().put("samples", samples).put("failures", failures).put("averageBackends", avg);
  }

  /**
   * The state of the {@code hosts} table, which every booking reads whole (the matcher's
   * snapshot): live and dead rows, updates and how many of them were HOT, its size, and the
   * execution time of a query of the snapshot's shape (that of {@code HostRegistry.offers}, kept
   * in step by hand) as PostgreSQL's EXPLAIN ANALYZE reports it.
   */
  Future<JsonObject> hostsTable() {
    return pool.query("""
            SELECT n_live_tup, n_dead_tup, n_tup_upd, n_tup_hot_upd, autovacuum_count, pg_relation_size('hosts') AS bytes
              FROM pg_stat_user_tables WHERE relname = 'hosts'""").execute()
        .compose(rows -> {
          Row r = rows.iterator().next();
          JsonObject out = new JsonObject().put("liveRows", r.getLong("n_live_tup")).put("deadRows", r.getLong("n_dead_tup"))
              .put("updates", r.getLong("n_tup_upd")).put("hotUpdates", r.getLong("n_tup_hot_upd"))
              .put("autovacuums", r.getLong("autovacuum_count")).put("sizeKiB", r.getLong("bytes") / 1024);
          return pool.query("""
                  EXPLAIN (ANALYZE, FORMAT JSON) SELECT id, region, info_version, cpu_millis, memory_mb, storage_gb, gpus,
                    reserved_cpu_millis, reserved_memory_mb, reserved_storage_gb, reserved_gpus,
                    coalesce(least(1.0, (online_seconds + CASE WHEN online THEN greatest(0, extract(epoch FROM now() - online_since)) ELSE 0 END)
                      / nullif(extract(epoch FROM now() - registered_at), 0)), 1.0)::float8 AS uptime
                    FROM hosts WHERE online AND offer_currency = 'USDC'""").execute()
              .map(plan -> out.put("snapshotQueryMs",
                  new io.vertx.core.json.JsonArray(plan.iterator().next().getValue(0).toString()).getJsonObject(0).getDouble("Execution Time")));
        });
  }

  /** The server's version string, e.g. "18.6". */
  Future<String> version() {
    return pool.query("SHOW server_version").execute().map(rows -> rows.iterator().next().getString(0));
  }

  Future<Void> close() { return pool.close(); }

  private void sample() {
    if (busy) return; // the previous sample is still out: skip rather than pile up
    busy = true;
    pool.query(QUERY).execute().onComplete(ar -> {
      busy = false;
      if (ar.failed()) {
        failures++;
        return;
      }
      samples++;
      for (Row r : ar.result()) counts.merge(key(r.getString(0), r.getString(1), r.getString(2)), 1L, Long::sum);
    });
  }

  static String key(String state, String waitType, String wait) {
    if (state == null) return "unknown";
    if ("active".equals(state)) return waitType == null ? "active: running" : "active: " + waitType + ":" + wait;
    if ("idle in transaction".equals(state)) return "idle in transaction" + (wait == null ? "" : " (" + waitType + ":" + wait + ")");
    return state; // idle: a pooled connection the gateway is not using
  }
}

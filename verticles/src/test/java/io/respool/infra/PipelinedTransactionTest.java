package io.respool.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.testing.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Databases#pipelined} on the real PostgreSQL, over a pool of one connection (so each test
 * also sees the state the pipeline left it in): all or nothing, the setup inside the transaction
 * only, the after-commit hook only after a commit, and no statement outside the transaction.
 */
class PipelinedTransactionTest {
  static Vertx vertx;
  static Pool pool;

  @BeforeAll
  static void setUp() throws Exception {
    vertx = Vertx.vertx();
    pool = Databases.pool(vertx, TestServices.get().pgUrl, 1);
    pool.query("CREATE TABLE IF NOT EXISTS pipelined_test (k text PRIMARY KEY, v int NOT NULL)").execute().await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static Future<?> put(io.vertx.sqlclient.SqlClient c, String k, int v) {
    return c.preparedQuery("INSERT INTO pipelined_test (k, v) VALUES ($1, $2)").execute(Tuple.of(k, v));
  }

  static List<String> keys(String prefix) throws Exception {
    List<String> out = new ArrayList<>();
    for (Row r : pool.preparedQuery("SELECT k FROM pipelined_test WHERE k LIKE $1 ORDER BY k").execute(Tuple.of(prefix + "%")).await(10, TimeUnit.SECONDS)) {
      out.add(r.getString(0));
    }
    return out;
  }

  /** The connection is back in its pool outside any transaction, with the session's own settings. */
  static void assertClean() throws Exception {
    Row r = pool.query("SELECT pg_current_xact_id_if_assigned() IS NULL AS idle, current_setting('plan_cache_mode') AS mode")
        .execute().await(10, TimeUnit.SECONDS).iterator().next();
    assertThat(r.getBoolean("idle")).isTrue();
    assertThat(r.getString("mode")).isEqualTo("auto");
  }

  @Test
  void commitsEveryStatementWithTheSetupInForceAndRunsTheHookAfter() throws Exception {
    AtomicReference<String> seenMode = new AtomicReference<>();
    List<String> hook = new ArrayList<>();
    String result = Databases.pipelined(pool, "SET LOCAL plan_cache_mode = force_generic_plan", tx -> {
      tx.transaction().completion().onSuccess(v -> hook.add("committed"));
      Future<?> mode = tx.query("SELECT current_setting('plan_cache_mode')").execute()
          .map(rows -> { seenMode.set(rows.iterator().next().getString(0)); return null; });
      return Future.all(put(tx, "ok-1", 1), put(tx, "ok-2", 2), mode).map("done");
    }).await(10, TimeUnit.SECONDS);

    assertThat(result).isEqualTo("done");
    assertThat(seenMode.get()).isEqualTo("force_generic_plan");
    assertThat(hook).containsExactly("committed");
    assertThat(keys("ok-")).containsExactly("ok-1", "ok-2");
    assertClean();
  }

  @Test
  void aFailedStatementLeavesNothingWrittenAndFailsTheCompletion() throws Exception {
    List<String> hook = new ArrayList<>();
    AtomicReference<Throwable> completion = new AtomicReference<>();
    Future<Object> run = Databases.pipelined(pool, null, tx -> {
      tx.transaction().completion().onComplete(ar -> { if (ar.succeeded()) hook.add("committed"); else completion.set(ar.cause()); });
      // the second insert breaks the key: the first one, sent before it, and the third, after it, are rolled back too
      return Future.all(put(tx, "fail-1", 1), put(tx, "fail-1", 2), put(tx, "fail-3", 3)).map(x -> (Object) x);
    });

    assertThatThrownBy(() -> run.await(10, TimeUnit.SECONDS)).isInstanceOf(PgException.class)
        .satisfies(e -> assertThat(((PgException) e).getSqlState()).isEqualTo("23505"));
    assertThat(hook).isEmpty();
    assertThat(completion.get()).isInstanceOf(PgException.class);
    assertThat(keys("fail-")).isEmpty();
    assertClean();
  }

  @Test
  void aStatementSentFromAnAnswerIsRefusedRatherThanRunOutsideTheTransaction() throws Exception {
    Future<Object> run = Databases.pipelined(pool, null, tx -> put(tx, "late-1", 1).compose(x -> put(tx, "late-2", 2)).map(x -> (Object) x));

    assertThatThrownBy(() -> run.await(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("outside the transaction");
    assertThat(keys("late-")).doesNotContain("late-2");
    assertClean();
  }

  @Test
  void workThatThrowsRollsBackWhatItSent() throws Exception {
    Future<Object> run = Databases.pipelined(pool, null, tx -> {
      put(tx, "threw-1", 1);
      throw new IllegalArgumentException("refused after sending");
    });

    assertThatThrownBy(() -> run.await(10, TimeUnit.SECONDS)).isInstanceOf(IllegalArgumentException.class);
    assertThat(keys("threw-")).isEmpty();
    assertClean();
  }
}

package io.respool.infra;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.impl.SqlClientInternal;
import io.vertx.sqlclient.spi.DatabaseMetadata;
import java.util.function.Function;

/**
 * A {@link Databases#pipelined} transaction, and the connection its work sends its statements on.
 * They go to the client that gathers the transaction into one write, until the COMMIT has been put
 * behind them; a statement after that would run outside the transaction, so it is refused with
 * IllegalStateException. Its {@link #transaction()} is itself: {@link #completion()} succeeds once
 * the COMMIT has, which is where after-commit work hooks on, as on a Vert.x transaction.
 */
final class Pipeline<T> implements SqlConnection, Transaction {
  private final SqlConnection conn;
  private final Promise<Void> committed = Promise.promise();
  private SqlClient sending;
  private boolean sealed;
  private Future<?> begun;
  private Future<T> done;
  private Future<?> ended;

  private Pipeline(SqlConnection conn) {
    this.conn = conn;
  }

  /** Sends {@code begin}, the work's statements and COMMIT in one write, and answers the work's result once committed. */
  static <T> Future<T> run(SqlConnection conn, String begin, Function<SqlConnection, Future<T>> work) {
    Pipeline<T> tx = new Pipeline<>(conn);
    // the Vert.x client's grouping (internal API, as of 5.0): what the block sends leaves in one write
    ((SqlClientInternal) conn).group(sending -> tx.send(sending, begin, work));
    return Future.join(tx.begun, tx.done, tx.ended).transform(ar -> {
      Throwable cause = tx.done.failed() ? tx.done.cause() : tx.begun.failed() ? tx.begun.cause() : tx.ended.cause();
      if (cause == null) tx.committed.complete();
      else tx.committed.fail(cause);
      return cause == null ? Future.succeededFuture(tx.done.result()) : Future.<T>failedFuture(cause);
    });
  }

  private void send(SqlClient sending, String begin, Function<SqlConnection, Future<T>> work) {
    this.sending = sending;
    begun = sending.query(begin).execute();
    boolean threw = false;
    try {
      done = work.apply(this);
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
      threw = true;
    }
    sealed = true;
    ended = sending.query(threw ? "ROLLBACK" : "COMMIT").execute();
  }

  private SqlClient open() {
    if (sealed) throw new IllegalStateException("a statement after its pipelined transaction's COMMIT was sent: it would run outside the transaction");
    return sending;
  }

  @Override
  public Query<RowSet<Row>> query(String sql) {
    return open().query(sql);
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
    return open().preparedQuery(sql);
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
    return open().preparedQuery(sql, options);
  }

  /** A prepared statement waits for its own round trip: not in a pipeline. */
  @Override
  public Future<PreparedStatement> prepare(String sql) {
    throw new UnsupportedOperationException("a pipelined transaction sends its statements without waiting: use preparedQuery");
  }

  @Override
  public Future<PreparedStatement> prepare(String sql, PrepareOptions options) {
    return prepare(sql);
  }

  @Override
  public SqlConnection exceptionHandler(Handler<Throwable> handler) {
    conn.exceptionHandler(handler);
    return this;
  }

  @Override
  public SqlConnection closeHandler(Handler<Void> handler) {
    conn.closeHandler(handler);
    return this;
  }

  @Override
  public Future<Transaction> begin() {
    return Future.failedFuture(new IllegalStateException("already in a pipelined transaction"));
  }

  @Override
  public Transaction transaction() {
    return this;
  }

  @Override
  public boolean isSSL() {
    return conn.isSSL();
  }

  @Override
  public DatabaseMetadata databaseMetadata() {
    return conn.databaseMetadata();
  }

  /** The pipeline returns the connection to its pool itself. */
  @Override
  public Future<Void> close() {
    return Future.failedFuture(new IllegalStateException("a pipelined transaction's connection is closed by the pipeline"));
  }

  /** The pipeline commits itself, right behind the work's statements. */
  @Override
  public Future<Void> commit() {
    return Future.failedFuture(new IllegalStateException("a pipelined transaction commits itself"));
  }

  @Override
  public Future<Void> rollback() {
    return Future.failedFuture(new IllegalStateException("a pipelined transaction rolls back when one of its statements fails"));
  }

  @Override
  public Future<Void> completion() {
    return committed.future();
  }
}

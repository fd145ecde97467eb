package io.respool.terminal;

import io.respool.bookings.BookingService;
import io.respool.bookings.BookingStore;
import io.respool.bookings.BookingStore.BookingRow;
import io.respool.bookings.BookingStore.TaskRow;
import io.respool.lifecycle.BookedTaskState;
import io.respool.lifecycle.BookingState;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Page;
import io.respool.protocol.api.Terminal;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the terminal endpoints (SSH and the browser WebSocket) need from PostgreSQL: which task a
 * booking's terminal goes into, whose SSH keys open it, and the audit of sessions
 * (migration {@code V12__ssh.sql}: {@code ssh_keys}, {@code terminal_sessions}).
 */
public final class TerminalService {
  /** Keys one account may register. */
  public static final int MAX_KEYS = 100;
  /** {@code bk_….N}: the booking id and a replica. */
  private static final Pattern LOGIN = Pattern.compile("(bk_[A-Za-z0-9]{1,60})(?:\\.(\\d{1,4}))?");

  private final Pool pool;
  private final BookingStore store;
  private final BookingService bookings;

  public TerminalService(Pool pool, BookingStore store, BookingService bookings) {
    this.pool = pool;
    this.store = store;
    this.bookings = bookings;
  }

  /** Where a terminal goes: the running task of one replica (its first part) and who owns the booking. */
  public record Target(String bookingId, int replica, String accountId, String teamId, String hostId, String taskId) {}

  /** A booking id and replica as an SSH user name gives them ({@code bk_x} or {@code bk_x.2}); null if it is not one. */
  public record Login(String bookingId, int replica) {
    public static Login parse(String user) {
      Matcher m = user == null ? null : LOGIN.matcher(user);
      if (m == null || !m.matches()) return null;
      return new Login(m.group(1), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
    }
  }

  /** The target of a booking's terminal, for someone already allowed in: 404 no such booking or replica, 409 not running. */
  public Future<Target> target(String bookingId, int replica) {
    return store.booking(pool, bookingId).compose(b -> target(b, replica));
  }

  /** The same for {@code accountId}, who must see the booking (owner or team member; 404 otherwise). */
  public Future<Target> target(String accountId, String bookingId, int replica) {
    return bookings.readable(accountId, bookingId).compose(b -> target(b, replica));
  }

  private Future<Target> target(BookingRow b, int replica) {
    if (b.state() != BookingState.RUNNING) {
      return Future.failedFuture(new RespoolException(ErrorCode.CONFLICT, "booking " + b.id() + " is " + b.state() + ", not RUNNING"));
    }
    return pool.withConnection(c -> store.tasks(c, b.id(), true)).compose(tasks -> {
      TaskRow t = tasks.stream().filter(x -> x.replica() == replica && x.part() == 0).findFirst().orElse(null);
      if (t == null) return Future.failedFuture(RespoolException.notFound("booking " + b.id() + " has no replica " + replica));
      if (t.state() != BookedTaskState.RUNNING) {
        return Future.failedFuture(new RespoolException(ErrorCode.CONFLICT, "replica " + replica + " of booking " + b.id() + " is " + t.state()));
      }
      return Future.succeededFuture(new Target(b.id(), replica, b.accountId(), b.teamId(), t.hostId(), t.taskId()));
    });
  }

  // --- SSH keys ----------------------------------------------------------------------------------

  /** A key checked and fingerprinted by the edge (which parses authorized_keys lines). */
  public record NewKey(String type, int bits, String fingerprint, String publicKey, String comment) {}

  /**
   * Replaces the account's keys as a whole (an empty list removes them all); they are listed in the
   * order given (each row stamped with the statement's own clock, not the transaction's start).
   */
  public Future<Terminal.SshKeys> putKeys(String accountId, List<NewKey> keys) {
    if (keys.size() > MAX_KEYS) throw RespoolException.invalid("at most " + MAX_KEYS + " keys");
    return pool.withTransaction(tx -> tx.preparedQuery("DELETE FROM ssh_keys WHERE account_id = $1").execute(Tuple.of(accountId))
        .compose(x -> {
          if (keys.isEmpty()) return Future.succeededFuture();
          List<Tuple> rows = new ArrayList<>();
          for (NewKey k : keys) rows.add(Tuple.of(accountId, k.fingerprint(), k.type(), k.bits(), k.publicKey(), k.comment()));
          return tx.preparedQuery("""
                  INSERT INTO ssh_keys (account_id, fingerprint, key_type, bits, public_key, comment, added_at)
                  VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp()) ON CONFLICT (account_id, fingerprint) DO NOTHING""")
              .executeBatch(rows);
        })).compose(x -> keys(accountId));
  }

  public Future<Terminal.SshKeys> keys(String accountId) {
    return pool.preparedQuery("SELECT * FROM ssh_keys WHERE account_id = $1 ORDER BY added_at, fingerprint").execute(Tuple.of(accountId))
        .map(rows -> {
          List<Terminal.SshKey> out = new ArrayList<>();
          for (Row r : rows) {
            out.add(new Terminal.SshKey(r.getString("key_type"), r.getInteger("bits"), r.getString("fingerprint"), r.getString("comment"),
                r.getString("public_key"), r.getOffsetDateTime("added_at").toInstant()));
          }
          return new Terminal.SshKeys(out);
        });
  }

  /**
   * The account a key logs into a booking as: the owner's if the owner registered it, else a member
   * of the booking's team who did; null when nobody allowed in has the key (or no such booking).
   */
  public Future<String> keyHolder(String bookingId, String fingerprint) {
    return pool.preparedQuery("""
            SELECT k.account_id FROM bookings b JOIN ssh_keys k ON k.fingerprint = $2
              AND (k.account_id = b.account_id
                   OR (b.team_id IS NOT NULL AND k.account_id IN (SELECT m.account_id FROM team_members m WHERE m.team_id = b.team_id)))
            WHERE b.id = $1 ORDER BY (k.account_id = b.account_id) DESC, k.account_id LIMIT 1""")
        .execute(Tuple.of(bookingId, fingerprint))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  // --- audit -------------------------------------------------------------------------------------

  public record Opening(String id, Target target, String accountId, String kind, String transport, String clientAddress, String node) {}

  public record Ending(long bytesIn, long bytesOut, Integer exitCode, String exitSignal, String reason) {}

  /** The session's row, written before it opens (a node dying with it leaves the row without an end). */
  public Future<Void> started(Opening o) {
    Target t = o.target();
    return pool.preparedQuery("""
            INSERT INTO terminal_sessions (id, booking_id, replica, account_id, kind, transport, client_address, node, host_id, task_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""")
        .execute(Tuple.tuple().addString(o.id()).addString(t.bookingId()).addInteger(t.replica()).addString(o.accountId()).addString(o.kind())
            .addString(o.transport()).addString(o.clientAddress()).addString(o.node()).addString(t.hostId()).addString(t.taskId()))
        .mapEmpty();
  }

  public Future<Void> ended(String id, Ending e) {
    String reason = e.reason() == null || e.reason().length() <= 500 ? e.reason() : e.reason().substring(0, 500);
    return pool.preparedQuery("""
            UPDATE terminal_sessions SET ended_at = now(), bytes_in = $2, bytes_out = $3, exit_code = $4, exit_signal = $5, end_reason = $6
            WHERE id = $1 AND ended_at IS NULL""")
        .execute(Tuple.of(id, e.bytesIn(), e.bytesOut(), e.exitCode(), e.exitSignal(), reason)).mapEmpty();
  }

  /** The byte counts so far of one open session. */
  public record Progress(String id, long bytesIn, long bytesOut) {}

  /**
   * Stamps the node's open sessions as alive, with their byte counts so far (one statement for all
   * of them), and ends at its last stamp every session, of any node, not stamped for {@code stale}:
   * its node died with it. Returns how many such sessions were ended.
   */
  public Future<Integer> keepAlive(List<Progress> open, java.time.Duration stale) {
    String[] ids = open.stream().map(Progress::id).toArray(String[]::new);
    Long[] in = open.stream().map(Progress::bytesIn).toArray(Long[]::new);
    Long[] out = open.stream().map(Progress::bytesOut).toArray(Long[]::new);
    Future<Void> stamped = ids.length == 0 ? Future.succeededFuture() : pool.preparedQuery("""
            UPDATE terminal_sessions s SET seen_at = now(), bytes_in = p.bytes_in, bytes_out = p.bytes_out
            FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS p(id, bytes_in, bytes_out)
            WHERE s.id = p.id AND s.ended_at IS NULL""").execute(Tuple.of(ids, in, out)).mapEmpty();
    return stamped.compose(x -> pool.preparedQuery("""
            UPDATE terminal_sessions SET ended_at = seen_at, end_reason = 'gateway node ' || node || ' went away with the session'
            WHERE ended_at IS NULL AND seen_at < now() - make_interval(secs => $1)""")
        .execute(Tuple.of((double) stale.toMillis() / 1000)).map(rows -> rows.rowCount()));
  }

  /** A node starting: the sessions it left open in a previous life (same node id) end at their last stamp. */
  public Future<Integer> endLeftOpen(String node) {
    return pool.preparedQuery("""
            UPDATE terminal_sessions SET ended_at = seen_at, end_reason = 'gateway node ' || node || ' restarted without the session'
            WHERE ended_at IS NULL AND node = $1""").execute(Tuple.of(node)).map(rows -> rows.rowCount());
  }

  /** The booking's sessions, newest first, for its owner and its team's members (404 for anyone else). */
  public Future<Page<Terminal.Session>> sessions(String accountId, String bookingId, String after, int limit) {
    if (limit < 1 || limit > 500) throw RespoolException.invalid("limit must be between 1 and 500");
    return bookings.readable(accountId, bookingId).compose(b -> pool.preparedQuery("""
            SELECT * FROM terminal_sessions s WHERE s.booking_id = $1
              AND ($2::text IS NULL OR (s.started_at, s.id) < (SELECT a.started_at, a.id FROM terminal_sessions a WHERE a.id = $2 AND a.booking_id = $1))
            ORDER BY s.started_at DESC, s.id DESC LIMIT $3""").execute(Tuple.of(bookingId, after, limit + 1)))
        .map(rows -> {
          List<Terminal.Session> out = new ArrayList<>();
          for (Row r : rows) {
            out.add(new Terminal.Session(r.getString("id"), r.getString("booking_id"), r.getInteger("replica"), r.getString("account_id"),
                r.getString("kind"), r.getString("transport"), r.getString("client_address"), r.getString("node"),
                r.getOffsetDateTime("started_at").toInstant(),
                r.getOffsetDateTime("ended_at") == null ? null : r.getOffsetDateTime("ended_at").withOffsetSameInstant(ZoneOffset.UTC).toInstant(),
                r.getLong("bytes_in"), r.getLong("bytes_out"), r.getInteger("exit_code"), r.getString("exit_signal"), r.getString("end_reason")));
          }
          boolean more = out.size() > limit;
          List<Terminal.Session> page = more ? out.subList(0, limit) : out;
          return new Page<>(List.copyOf(page), more ? page.get(page.size() - 1).id() : null);
        });
  }
}

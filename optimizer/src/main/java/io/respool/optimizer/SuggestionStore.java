package io.respool.optimizer;

import io.respool.bookings.BookingStore;
import io.respool.bookings.BookingStore.BookingRow;
import io.respool.protocol.Json;
import io.respool.suggestions.Suggestion;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;

/**
 * The {@code suggestions} table (migration {@code V10__suggestions.sql}): every suggestion served,
 * by its deterministic id. A suggestion seen for the first time is announced as a
 * {@code suggestion.created} event on the {@code bookings} stream in the same transaction; an
 * apply claims it (OPEN → APPLYING) so it is carried out once, then marks it APPLIED or gives it
 * back (nothing changed).
 */
public final class SuggestionStore {
  /** An APPLYING claim older than this is taken to be a node that died mid-apply: the suggestion may be claimed again. */
  static final Duration STALE_CLAIM = Duration.ofMinutes(5);

  private final Pool pool;
  private final BookingStore bookings;

  public SuggestionStore(Pool pool, BookingStore bookings) {
    this.pool = pool;
    this.bookings = bookings;
  }

  /** The event data: enough for the events hub to route it to the booking's owner and team. */
  public record Created(String bookingId, String accountId, String teamId, String suggestionId, String kind, Suggestion.Action action,
      Suggestion.Saving saving, String source, boolean actionable, String explanation) {}

  public record Stored(Suggestion suggestion, String bookingId, String hostId, String state) {}

  /** Keeps the booking's suggestions (open ones get the latest body); announces those never seen before. */
  public Future<Void> recordForBooking(BookingRow b, List<Suggestion> suggestions) {
    if (suggestions.isEmpty()) return Future.succeededFuture();
    return pool.withTransaction(tx -> {
      Future<Void> chain = Future.succeededFuture();
      for (Suggestion s : suggestions) {
        chain = chain.compose(x -> upsert(tx, s, b.id(), null)).compose(inserted -> !inserted ? Future.succeededFuture()
            : bookings.event(tx, "suggestion.created", new Created(b.id(), b.accountId(), b.teamId(), s.id(), s.kind().name(), s.action(),
                s.saving(), s.source().name(), s.actionable(), s.explanation())));
      }
      return chain;
    });
  }

  /** Keeps a host's suggestions (no event: the bookings stream is routed by booking owner). */
  public Future<Void> recordForHost(String hostId, List<Suggestion> suggestions) {
    if (suggestions.isEmpty()) return Future.succeededFuture();
    return pool.withTransaction(tx -> {
      Future<Void> chain = Future.succeededFuture();
      for (Suggestion s : suggestions) chain = chain.compose(x -> upsert(tx, s, null, hostId)).mapEmpty();
      return chain;
    });
  }

  private static Future<Boolean> upsert(io.vertx.sqlclient.SqlConnection tx, Suggestion s, String bookingId, String hostId) {
    return tx.preparedQuery("""
            INSERT INTO suggestions (id, kind, booking_id, host_id, body) VALUES ($1, $2, $3, $4, $5::text::jsonb)
            ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body, updated_at = now() WHERE suggestions.state = 'OPEN'
            RETURNING (xmax = 0) AS inserted""")
        .execute(Tuple.of(s.id(), s.kind().name(), bookingId, hostId, Json.encode(s)))
        .map(rows -> rows.size() > 0 && rows.iterator().next().getBoolean("inserted"));
  }

  /** The suggestion as last served, or null. */
  public Future<Stored> find(String id) {
    return pool.preparedQuery("SELECT body::text AS body, booking_id, host_id, state FROM suggestions WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> {
          if (rows.size() == 0) return null;
          Row r = rows.iterator().next();
          return new Stored(Json.decode(r.getString("body"), Suggestion.class), r.getString("booking_id"), r.getString("host_id"),
              r.getString("state"));
        });
  }

  /** OPEN (or a stale APPLYING) → APPLYING; false if another apply holds or finished it. */
  public Future<Boolean> claim(String id) {
    return pool.preparedQuery("""
            UPDATE suggestions SET state = 'APPLYING', updated_at = now()
             WHERE id = $1 AND (state = 'OPEN' OR (state = 'APPLYING' AND updated_at < now() - make_interval(secs => $2)))""")
        .execute(Tuple.of(id, (double) STALE_CLAIM.toSeconds())).map(rows -> rows.rowCount() == 1);
  }

  public Future<Void> applied(String id) {
    return pool.preparedQuery("UPDATE suggestions SET state = 'APPLIED', applied_at = now(), updated_at = now() WHERE id = $1")
        .execute(Tuple.of(id)).mapEmpty();
  }

  /** Gives a claim back: the apply changed nothing. */
  public Future<Void> release(String id) {
    return pool.preparedQuery("UPDATE suggestions SET state = 'OPEN', updated_at = now() WHERE id = $1 AND state = 'APPLYING'")
        .execute(Tuple.of(id)).mapEmpty();
  }
}

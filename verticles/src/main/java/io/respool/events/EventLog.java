package io.respool.events;

import io.respool.infra.Addresses;
import io.respool.infra.Statement;
import io.respool.protocol.Json;
import io.respool.protocol.api.Event;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The persisted event streams. {@link #append} runs inside the caller's transaction; once that
 * commits, {@link #publish} tells every node. Ids are gap-free per stream and become visible in
 * order (the stream's counter row stays locked until the appending transaction ends).
 */
public final class EventLog {
  private static final String APPEND = """
      WITH s AS (
        INSERT INTO event_streams (stream, last_id) VALUES ($1, 1)
        ON CONFLICT (stream) DO UPDATE SET last_id = event_streams.last_id + 1
        RETURNING last_id)
      INSERT INTO events (stream, id, type, data)
      SELECT $1, last_id, $2, $3::text::jsonb FROM s
      RETURNING id, created_at""";

  private final Pool pool;
  private final EventBus bus;

  public EventLog(Pool pool, EventBus bus) {
    this.pool = pool;
    this.bus = bus;
  }

  /** Appends within {@code tx}; the returned event is to be {@link #publish published} after commit. */
  public Future<Event> append(SqlClient tx, String stream, String type, Object subject) {
    String data = Json.encode(subject);
    return tx.preparedQuery(APPEND).execute(Tuple.of(stream, type, data)).map(rows -> {
      Row r = rows.iterator().next();
      return new Event(stream, r.getLong("id"), type, r.getOffsetDateTime("created_at").toInstant(), data);
    });
  }

  /** An event to append: its type and its data (encoded as JSON). */
  public record Draft(String type, Object data) {}

  /**
   * Appends many events to one stream within {@code tx}, in order, with one bump of the stream's
   * counter (so a batch of bookings holds the counter row once, not once per event).
   */
  public Future<List<Event>> appendAll(SqlClient tx, String stream, List<Draft> drafts) {
    if (drafts.isEmpty()) return Future.succeededFuture(List.of());
    return appending(stream, drafts).execute(tx).map(rows -> appended(stream, rows));
  }

  /** Names {@link #appending}'s main query when it is one part of a statement. */
  public static final String APPENDED = "appended_events";

  /** The statement of {@link #appendAll} (not empty), to be sent on its own or as a part of another; {@link #appended} reads its rows. */
  public static Statement appending(String stream, List<Draft> drafts) {
    String[] types = new String[drafts.size()];
    String[] data = new String[drafts.size()];
    for (int i = 0; i < drafts.size(); i++) {
      types[i] = drafts.get(i).type();
      data[i] = Json.encode(drafts.get(i).data());
    }
    return Statement.of(APPENDED, List.of(new Statement.With("stream_ids", """
            INSERT INTO event_streams (stream, last_id) VALUES ($1, $2)
            ON CONFLICT (stream) DO UPDATE SET last_id = event_streams.last_id + $2
            RETURNING last_id""")), """
            INSERT INTO events (stream, id, type, data)
            SELECT $1, s.last_id - $2 + x.ord, x.type, x.data::jsonb FROM stream_ids s, unnest($3::text[], $4::text[]) WITH ORDINALITY AS x(type, data, ord)
            RETURNING id, type, data::text AS data, created_at""",
        Tuple.tuple().addString(stream).addLong((long) drafts.size()).addArrayOfString(types).addArrayOfString(data));
  }

  /** The events in {@link #appending}'s rows (rows without an id, as an outer join gives, are skipped), oldest first. */
  public static List<Event> appended(String stream, RowSet<Row> rows) {
    List<Event> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      if (r.getLong("id") != null) out.add(new Event(stream, r.getLong("id"), r.getString("type"), r.getOffsetDateTime("created_at").toInstant(), r.getString("data")));
    }
    out.sort(java.util.Comparator.comparingLong(Event::id));
    return out;
  }

  public void publish(List<Event> events) {
    for (Event e : events) bus.publish(Addresses.EVENTS_PUBLISHED, Json.encode(e));
  }

  /** Events of {@code stream} with {@code afterId < id <= upToId}, oldest first, at most {@code limit}. */
  public Future<List<Event>> read(String stream, long afterId, long upToId, int limit) {
    return pool.preparedQuery("SELECT id, type, data::text AS data, created_at FROM events"
            + " WHERE stream = $1 AND id > $2 AND id <= $3 ORDER BY id LIMIT $4")
        .execute(Tuple.of(stream, afterId, upToId, limit))
        .map(rows -> {
          List<Event> out = new ArrayList<>(rows.size());
          for (Row r : rows) {
            OffsetDateTime t = r.getOffsetDateTime("created_at");
            out.add(new Event(stream, r.getLong("id"), r.getString("type"), t.toInstant(), r.getString("data")));
          }
          return out;
        });
  }

  /** The id of the newest committed event of {@code stream}, 0 if none. */
  public Future<Long> head(String stream) {
    return pool.preparedQuery("SELECT last_id FROM event_streams WHERE stream = $1")
        .execute(Tuple.of(stream))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong(0));
  }
}

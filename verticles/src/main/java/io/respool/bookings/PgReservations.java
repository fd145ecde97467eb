package io.respool.bookings;

import io.respool.matching.Capacity;
import io.respool.matching.Ledger;
import io.respool.matching.Placement;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Capacity reservations in PostgreSQL, mirroring {@link Ledger#reserve}: all of a plan's hosts or
 * none. Each host is taken by one conditional UPDATE (capacity check and increment in the same
 * statement, so two gateway nodes can never hand out the same capacity), in host-id order so
 * concurrent plans cannot deadlock; if any host no longer has room, the transaction rolls back and
 * nothing is held.
 */
public final class PgReservations {
  private static final String TAKE = """
      UPDATE hosts SET reserved_cpu_millis = reserved_cpu_millis + $2, reserved_memory_mb = reserved_memory_mb + $3,
                       reserved_storage_gb = reserved_storage_gb + $4, reserved_gpus = reserved_gpus + $5
       WHERE id = $1 AND online
         AND cpu_millis - reserved_cpu_millis >= $2 AND memory_mb - reserved_memory_mb >= $3
         AND storage_gb - reserved_storage_gb >= $4 AND gpus - reserved_gpus >= $5""";

  private final Pool pool;

  public PgReservations(Pool pool) {
    this.pool = pool;
  }

  /** Thrown (and rolled back) when a host of the plan no longer has the room. */
  public static final class Conflict extends RuntimeException {
    Conflict(String hostId) { super("host " + hostId + " no longer has the capacity", null, false, false); }
  }

  /** Reserves every placement of a booking, or fails with {@link Conflict} holding nothing. */
  public Future<Void> reserve(String bookingId, List<Placement> placements) {
    Map<String, Capacity> perHost = Ledger.perHost(placements); // sorted by host id
    return pool.withTransaction(tx -> {
      Future<Void> chain = Future.succeededFuture();
      for (Map.Entry<String, Capacity> e : perHost.entrySet()) {
        chain = chain.compose(v -> take(tx, bookingId, e.getKey(), e.getValue()));
      }
      return chain;
    });
  }

  private static Future<Void> take(SqlConnection tx, String bookingId, String hostId, Capacity c) {
    return tx.preparedQuery(TAKE).execute(Tuple.of(hostId, c.cpuMillis(), c.memoryMb(), c.storageGb(), c.gpus()))
        .compose(rows -> rows.rowCount() == 1
            ? tx.preparedQuery("INSERT INTO reservations (booking_id, host_id, cpu_millis, memory_mb, storage_gb, gpus) VALUES ($1, $2, $3, $4, $5, $6)")
                .execute(Tuple.of(bookingId, hostId, c.cpuMillis(), c.memoryMb(), c.storageGb(), c.gpus())).<Void>mapEmpty()
            : Future.failedFuture(new Conflict(hostId)));
  }

  /** Releases what a booking holds (nothing if it holds nothing); returns the hosts it held. */
  public Future<List<String>> release(String bookingId) {
    return pool.withTransaction(tx -> tx.preparedQuery("""
            WITH gone AS (DELETE FROM reservations WHERE booking_id = $1 RETURNING host_id, cpu_millis, memory_mb, storage_gb, gpus)
            UPDATE hosts h SET reserved_cpu_millis = h.reserved_cpu_millis - g.cpu_millis,
                               reserved_memory_mb = h.reserved_memory_mb - g.memory_mb,
                               reserved_storage_gb = h.reserved_storage_gb - g.storage_gb,
                               reserved_gpus = h.reserved_gpus - g.gpus
              FROM gone g WHERE h.id = g.host_id RETURNING h.id""")
        .execute(Tuple.of(bookingId))
        .map(rows -> {
          List<String> hosts = new ArrayList<>();
          rows.forEach(r -> hosts.add(r.getString(0)));
          return hosts;
        }));
  }
}

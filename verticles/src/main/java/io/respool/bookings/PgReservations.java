package io.respool.bookings;

import io.respool.infra.Statement;
import io.respool.matching.Capacity;
import io.respool.matching.Ledger;
import io.respool.matching.Placement;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Capacity reservations in PostgreSQL, mirroring {@link Ledger#reserve}: all of a plan's hosts or
 * none. Each host is taken by one conditional UPDATE (capacity check and increment in the same
 * statement, so two gateway nodes can never hand out the same capacity), in host-id order so
 * concurrent plans cannot deadlock; if any host no longer has room, the caller's transaction fails
 * with {@link Conflict} and rolls back, holding nothing. Every method runs inside the caller's
 * transaction, so a booking's rows and its capacity change together.
 */
public final class PgReservations {
  private static final String TAKE = """
      UPDATE hosts SET reserved_cpu_millis = reserved_cpu_millis + $2, reserved_memory_mb = reserved_memory_mb + $3,
                       reserved_storage_gb = reserved_storage_gb + $4, reserved_gpus = reserved_gpus + $5
       WHERE id = $1 AND online
         AND cpu_millis - reserved_cpu_millis >= $2 AND memory_mb - reserved_memory_mb >= $3
         AND storage_gb - reserved_storage_gb >= $4 AND gpus - reserved_gpus >= $5""";
  private static final String HOLD = """
      INSERT INTO reservations (booking_id, host_id, cpu_millis, memory_mb, storage_gb, gpus) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (booking_id, host_id) DO UPDATE SET cpu_millis = reservations.cpu_millis + $3, memory_mb = reservations.memory_mb + $4,
        storage_gb = reservations.storage_gb + $5, gpus = reservations.gpus + $6""";

  private PgReservations() {}

  /** Thrown (and rolled back) when a host of the plan no longer has the room. */
  public static final class Conflict extends RuntimeException {
    public final String hostId;

    Conflict(String hostId) {
      super("host " + hostId + " no longer has the capacity", null, false, false);
      this.hostId = hostId;
    }
  }

  /** Reserves every placement of a booking, or fails with {@link Conflict}. */
  public static Future<Void> reserve(SqlClient tx, String bookingId, List<Placement> placements) {
    Map<String, Capacity> perHost = Ledger.perHost(placements); // sorted by host id
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, Capacity> e : perHost.entrySet()) {
      chain = chain.compose(v -> take(tx, bookingId, e.getKey(), e.getValue()));
    }
    return chain;
  }

  /** A booking's placements, for {@link #lock}. */
  public record Claim(String bookingId, List<Placement> placements) {}

  /**
   * What {@link #lock} granted (or {@link #all}: every claim, unchecked): the claims refused (they
   * hold nothing) and the capacity to take for the others, written by {@link #write}.
   * {@code locked}: whether the hosts are already locked and read, by {@link #lock}.
   */
  public record Grants(java.util.Set<String> refused, List<String> bookings, List<String> hosts, List<Capacity> amounts, boolean locked) {
    /**
     * Takes the granted capacity from the hosts and records it, in statements sent at once
     * (pipelined; the caller may send its own after them without waiting). The UPDATE takes a host
     * only while it is online with the room, and fails with {@link Conflict} (SQLSTATE RP409, from
     * {@code hosts_taken}) when it took fewer hosts than granted, which fails the transaction: after
     * {@link #lock} that means a bug, not a race; for {@link #all} it is how a host that was filled or
     * went offline since the view was read shows. Unlocked hosts are locked first, in host-id order,
     * so concurrent batches cannot deadlock.
     */
    public Future<Void> write(SqlClient tx) {
      if (bookings.isEmpty()) return Future.succeededFuture();
      List<Statement> taking = taking();
      Future<Void> taken = taking.get(0).execute(tx).transform(ar -> ar.succeeded() ? Future.<Void>succeededFuture() : Future.failedFuture(failure(ar.cause())));
      return Future.all(taken, taking.get(1).execute(tx)).mapEmpty();
    }

    /**
     * {@link #write}'s two statements (not for empty grants): the hosts taken, which a statement
     * joining it must read as {@link #CHECKED}, then the reservations recorded.
     */
    public List<Statement> taking() {
      java.util.function.Supplier<Tuple> args = () -> Tuple.tuple().addArrayOfString(bookings.toArray(String[]::new))
          .addArrayOfString(hosts.toArray(String[]::new))
          .addArrayOfLong(amounts.stream().map(Capacity::cpuMillis).toArray(Long[]::new))
          .addArrayOfLong(amounts.stream().map(Capacity::memoryMb).toArray(Long[]::new))
          .addArrayOfLong(amounts.stream().map(Capacity::storageGb).toArray(Long[]::new))
          .addArrayOfInteger(amounts.stream().map(Capacity::gpus).toArray(Integer[]::new));
      String[] distinct = new java.util.TreeSet<>(hosts).toArray(String[]::new);
      // one host needs no order: the UPDATE locks it; several are locked in id order before the UPDATE takes any
      boolean order = !locked && distinct.length > 1;
      List<Statement.With> with = new ArrayList<>();
      with.add(new Statement.With("wanted", """
          SELECT host, sum(cpu) AS cpu, sum(mem) AS mem, sum(disk) AS disk, sum(gpus) AS gpus
            FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::int[]) AS u(booking, host, cpu, mem, disk, gpus)
           GROUP BY host"""));
      if (order) with.add(new Statement.With("ordered", "SELECT id FROM hosts WHERE id = ANY($8) ORDER BY id FOR UPDATE"));
      with.add(new Statement.With("taken", """
          UPDATE hosts h SET reserved_cpu_millis = h.reserved_cpu_millis + x.cpu, reserved_memory_mb = h.reserved_memory_mb + x.mem,
                             reserved_storage_gb = h.reserved_storage_gb + x.disk, reserved_gpus = h.reserved_gpus + x.gpus
            FROM wanted x%s WHERE h.id = x.host AND h.online AND h.cpu_millis - h.reserved_cpu_millis >= x.cpu
             AND h.memory_mb - h.reserved_memory_mb >= x.mem AND h.storage_gb - h.reserved_storage_gb >= x.disk
             AND h.gpus - h.reserved_gpus >= x.gpus RETURNING h.id""".formatted(order ? " JOIN ordered o ON o.id = x.host" : "")));
      Tuple takeArgs = args.get().addLong((long) distinct.length);
      if (order) takeArgs.addArrayOfString(distinct);
      Statement take = Statement.of(CHECKED, with, "SELECT hosts_taken((SELECT count(*) FROM taken), $7)", takeArgs);
      Statement held = Statement.of("held", """
          INSERT INTO reservations (booking_id, host_id, cpu_millis, memory_mb, storage_gb, gpus)
          SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::int[])""", args.get());
      return List.of(take, held);
    }

    /** A failure of {@link #taking}'s statements, as the {@link Conflict} it is when a host no longer had the room (SQLSTATE RP409). */
    public Throwable failure(Throwable cause) {
      return cause instanceof io.vertx.pgclient.PgException pg && "RP409".equals(pg.getSqlState())
          ? new Conflict(String.join(", ", new java.util.TreeSet<>(hosts))) : cause;
    }
  }

  /** Names the statement of {@link Grants#taking} that fails unless every host was taken: a statement it is part of must read it. */
  public static final String CHECKED = "hosts_checked";

  /**
   * Every claim granted, without reading the hosts: what {@link Grants#write} then takes all at once,
   * or fails with {@link Conflict} when a host no longer has the room (the transaction then holds
   * nothing, and {@link #lock} decides claim by claim in another).
   */
  public static Grants all(List<Claim> claims) {
    Granted granted = new Granted();
    for (Claim c : claims) granted.add(c.bookingId(), Ledger.perHost(c.placements()));
    return granted.grants(java.util.Set.of(), false);
  }

  /** Grants being gathered: each granted booking's capacity per host, as the arrays {@link Grants#write} sends. */
  private static final class Granted {
    final List<String> bookings = new ArrayList<>();
    final List<String> hosts = new ArrayList<>();
    final List<Capacity> amounts = new ArrayList<>();

    void add(String bookingId, Map<String, Capacity> perHost) {
      perHost.forEach((host, cap) -> {
        bookings.add(bookingId);
        hosts.add(host);
        amounts.add(cap);
      });
    }

    Grants grants(java.util.Set<String> refused, boolean locked) { return new Grants(refused, bookings, hosts, amounts, locked); }
  }

  /**
   * Decides many bookings' reservations at once, each all-or-nothing: the hosts they name are
   * locked in host-id order (so concurrent batches and single reservations cannot deadlock) and
   * read; the claims are granted in their order while the locked hosts have the room (each grant
   * lowering what the next sees, exactly as {@link Ledger#reserve} does). Nothing is taken until
   * {@link Grants#write}, in the same transaction.
   */
  public static Future<Grants> lock(SqlClient tx, List<Claim> claims) {
    java.util.TreeSet<String> hostIds = new java.util.TreeSet<>();
    for (Claim c : claims) for (Placement p : c.placements()) hostIds.add(p.hostId());
    return tx.preparedQuery("""
            SELECT id, cpu_millis - reserved_cpu_millis AS cpu, memory_mb - reserved_memory_mb AS mem,
                   storage_gb - reserved_storage_gb AS disk, gpus - reserved_gpus AS gpus
              FROM hosts WHERE id = ANY($1) AND online ORDER BY id FOR UPDATE""")
        .execute(Tuple.tuple().addArrayOfString(hostIds.toArray(String[]::new)))
        .map(rows -> {
          Map<String, Capacity> free = new java.util.HashMap<>();
          rows.forEach(r -> free.put(r.getString("id"), new Capacity(r.getLong("cpu"), r.getLong("mem"), r.getLong("disk"), r.getInteger("gpus"))));
          java.util.Set<String> refused = new java.util.HashSet<>();
          Granted granted = new Granted();
          for (Claim c : claims) {
            Map<String, Capacity> wants = Ledger.perHost(c.placements());
            boolean fits = wants.entrySet().stream().allMatch(e -> free.containsKey(e.getKey()) && free.get(e.getKey()).fits(e.getValue()));
            if (!fits) {
              refused.add(c.bookingId());
              continue;
            }
            wants.forEach((host, cap) -> free.put(host, free.get(host).minus(cap)));
            granted.add(c.bookingId(), wants);
          }
          return granted.grants(refused, true);
        });
  }

  private static Future<Void> take(SqlClient tx, String bookingId, String hostId, Capacity c) {
    return tx.preparedQuery(TAKE).execute(Tuple.of(hostId, c.cpuMillis(), c.memoryMb(), c.storageGb(), c.gpus()))
        .compose(rows -> rows.rowCount() == 1
            ? tx.preparedQuery(HOLD).execute(Tuple.of(bookingId, hostId, c.cpuMillis(), c.memoryMb(), c.storageGb(), c.gpus())).<Void>mapEmpty()
            : Future.failedFuture(new Conflict(hostId)));
  }

  /** Releases what a booking holds (nothing if it holds nothing); returns the hosts it held. */
  public static Future<List<String>> release(SqlClient tx, String bookingId) {
    return give(tx, "DELETE FROM reservations WHERE booking_id = $1", Tuple.of(bookingId));
  }

  /**
   * Releases {@code part} of what a booking holds on one host (a replaced or lost task's share);
   * nothing if the booking holds less than that there, so a repeated release never gives twice.
   */
  public static Future<Boolean> release(SqlClient tx, String bookingId, String hostId, Capacity part) {
    return tx.preparedQuery("""
            UPDATE reservations SET cpu_millis = cpu_millis - $3, memory_mb = memory_mb - $4, storage_gb = storage_gb - $5, gpus = gpus - $6
             WHERE booking_id = $1 AND host_id = $2 AND cpu_millis >= $3 AND memory_mb >= $4 AND storage_gb >= $5 AND gpus >= $6""")
        .execute(Tuple.of(bookingId, hostId, part.cpuMillis(), part.memoryMb(), part.storageGb(), part.gpus()))
        .compose(updated -> updated.rowCount() == 0 ? Future.succeededFuture(false) : hostGive(tx, hostId, part)
            .compose(x -> tx.preparedQuery("DELETE FROM reservations WHERE booking_id = $1 AND host_id = $2 AND cpu_millis = 0"
                + " AND memory_mb = 0 AND storage_gb = 0 AND gpus = 0").execute(Tuple.of(bookingId, hostId)))
            .map(true));
  }

  /**
   * A host offering more GPUs than its last inventory lists (kept while tasks held the lost ones,
   * {@code CHECK reserved_gpus <= gpus}) comes down towards what it lists as its reservations are
   * given back, in the same statement ({@code %1$s}: the GPUs given back).
   */
  private static final String GPUS_DOWN = "gpus = CASE WHEN h.gpus > h.gpus_reported THEN greatest(h.reserved_gpus - %1$s, h.gpus_reported) ELSE h.gpus END";

  private static Future<Void> hostGive(SqlClient tx, String hostId, Capacity c) {
    return tx.preparedQuery("""
            UPDATE hosts h SET reserved_cpu_millis = h.reserved_cpu_millis - $2, reserved_memory_mb = h.reserved_memory_mb - $3,
                               reserved_storage_gb = h.reserved_storage_gb - $4, reserved_gpus = h.reserved_gpus - $5, %s WHERE id = $1"""
            .formatted(GPUS_DOWN.formatted("$5")))
        .execute(Tuple.of(hostId, c.cpuMillis(), c.memoryMb(), c.storageGb(), c.gpus())).mapEmpty();
  }

  private static Future<List<String>> give(SqlClient tx, String delete, Tuple args) {
    return tx.preparedQuery("WITH gone AS (" + delete + " RETURNING host_id, cpu_millis, memory_mb, storage_gb, gpus)" + """
             UPDATE hosts h SET reserved_cpu_millis = h.reserved_cpu_millis - g.cpu_millis,
                               reserved_memory_mb = h.reserved_memory_mb - g.memory_mb,
                               reserved_storage_gb = h.reserved_storage_gb - g.storage_gb,
                               reserved_gpus = h.reserved_gpus - g.gpus, %s
              FROM gone g WHERE h.id = g.host_id RETURNING h.id""".formatted(GPUS_DOWN.formatted("g.gpus")))
        .execute(args)
        .map(rows -> {
          List<String> hosts = new ArrayList<>();
          rows.forEach(r -> hosts.add(r.getString(0)));
          return hosts;
        });
  }
}

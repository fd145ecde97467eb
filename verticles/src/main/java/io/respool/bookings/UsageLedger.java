package io.respool.bookings;

import io.respool.infra.SqlAmounts;
import java.math.BigInteger;

import io.respool.bookings.BookingStore.BookingRow;
import io.respool.metering.Billing;
import io.respool.metering.EscrowSplit;
import io.respool.metering.Bill;
import io.respool.metering.Interval;
import io.respool.metering.Outage;
import io.respool.metering.Settlement;
import io.respool.metering.TaskTimeline;
import io.respool.protocol.Json;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A booking's bill from the usage ledger: the periods its tasks ran and the periods their hosts
 * were unreachable, both by the gateway's clock (PostgreSQL's {@code now()}, never a host's),
 * priced by the pure {@link Billing}. When a funded booking ends, its {@link Settlement} is
 * computed once and stored, so the settlement adapters only move the money.
 */
public final class UsageLedger {
  private final int feeBasisPoints;

  public UsageLedger(int feeBasisPoints) {
    this.feeBasisPoints = feeBasisPoints;
  }

  /** The bill and the instant it is computed at. */
  public record Priced(Bill bill, Instant asOf) {}

  public Future<Priced> bill(SqlClient c, String bookingId) {
    return billAll(c, List.of(bookingId)).map(bills -> bills.get(bookingId));
  }

  /** The bills of many bookings at once (two statements whatever their number), each as of the same instant. */
  public Future<Map<String, Priced>> billAll(SqlClient c, List<String> bookingIds) {
    return c.preparedQuery("""
            SELECT t.booking_id, t.task_id, t.host_id, t.price_per_hour, r.started_at, r.ended_at, now() AS as_of
              FROM booking_tasks t LEFT JOIN task_runs r ON r.task_id = t.task_id
             WHERE t.booking_id = ANY($1) ORDER BY t.booking_id, t.task_id, r.started_at""")
        .execute(Tuple.tuple().addArrayOfString(bookingIds.toArray(String[]::new)))
        .compose(rows -> {
          Map<String, Map<String, TaskParts>> byBooking = new LinkedHashMap<>();
          Instant asOf = null;
          for (Row r : rows) {
            asOf = instant(r, "as_of");
            TaskParts p = byBooking.computeIfAbsent(r.getString("booking_id"), k -> new LinkedHashMap<>())
                .computeIfAbsent(r.getString("task_id"), id -> new TaskParts(id, r.getString("host_id"), r.getLong("price_per_hour")));
            Instant from = instant(r, "started_at");
            if (from != null) p.running.add(new Interval(from, instant(r, "ended_at")));
          }
          Instant at = asOf;
          String[] hostIds = byBooking.values().stream().flatMap(t -> t.values().stream()).map(p -> p.hostId).distinct().toArray(String[]::new);
          Future<List<Outage>> outages = hostIds.length == 0 ? Future.succeededFuture(List.of())
              : c.preparedQuery("SELECT host_id, from_at, to_at FROM host_outages WHERE host_id = ANY($1)")
                  .execute(Tuple.tuple().addArrayOfString(hostIds))
                  .map(outageRows -> {
                    List<Outage> out = new ArrayList<>();
                    for (Row o : outageRows) out.add(new Outage(o.getString("host_id"), new Interval(instant(o, "from_at"), instant(o, "to_at"))));
                    return out;
                  });
          return outages.map(all -> {
            Map<String, Priced> bills = new LinkedHashMap<>();
            for (String id : bookingIds) {
              Map<String, TaskParts> tasks = byBooking.get(id);
              if (tasks == null) {
                bills.put(id, new Priced(Billing.bill(List.of(), List.of(), Instant.EPOCH), Instant.EPOCH));
                continue;
              }
              List<TaskTimeline> timelines = tasks.values().stream()
                  .map(p -> new TaskTimeline(p.taskId, p.hostId, p.pricePerHour, List.copyOf(p.running))).toList();
              bills.put(id, new Priced(Billing.bill(timelines, all, at), at));
            }
            return bills;
          });
        });
  }

  /**
   * Settles a booking that is ending, in the ending transaction. A booking paid through an escrow
   * has deposits: each one the chain holds becomes a settlement intent (state SETTLING with its
   * used, fee, host and refund amounts, as the contract will compute them) for the adapter to
   * submit — the outbox. A booking that never ran ({@code ran} false) settles its deposits on 0:
   * everything goes back to the renter.
   */
  Future<Void> settle(SqlClient tx, BookingRow b, boolean ran) {
    return tx.preparedQuery("""
            SELECT host_id, deposited FROM deposits
             WHERE booking_id = $1 AND state IN ('OPEN', 'UNDERFUNDED', 'REJECTED') ORDER BY host_id FOR UPDATE""")
        .execute(Tuple.of(b.id()))
        .compose(rows -> {
          boolean escrowed = rows.size() > 0;
          if (!escrowed && !ran) return Future.succeededFuture();
          Future<Bill> bill = ran ? bill(tx, b.id()).map(Priced::bill) : Future.succeededFuture(Billing.bill(List.of(), List.of(), Instant.EPOCH));
          return bill.compose(billed -> {
            if (!escrowed) return record(tx, b, Settlement.of(b.cost(), billed, feeBasisPoints));
            Map<String, BigInteger> deposited = new LinkedHashMap<>();
            for (Row r : rows) deposited.put(r.getString("host_id"), SqlAmounts.get(r, "deposited"));
            List<EscrowSplit.Part> parts = EscrowSplit.settle(deposited, billed, feeBasisPoints);
            List<Tuple> intents = parts.stream().map(p -> Tuple.of(b.id(), p.hostId(), SqlAmounts.param(p.used()), SqlAmounts.param(p.fee()),
                SqlAmounts.param(p.hostAmount()), SqlAmounts.param(p.refund()))).toList();
            Future<Void> recorded = ran ? record(tx, b, EscrowSplit.total(parts)) : Future.succeededFuture();
            return recorded.compose(x -> tx.preparedQuery("""
                    UPDATE deposits SET state = 'SETTLING', used = $3, fee = $4, host_amount = $5, refund = $6, intent_at = now(),
                      next_attempt_at = now() WHERE booking_id = $1 AND host_id = $2""").executeBatch(intents)).mapEmpty();
          });
        });
  }

  private Future<Void> record(SqlClient tx, BookingRow b, Settlement s) {
    return tx.preparedQuery("""
            INSERT INTO settlements (booking_id, currency, deposit, billed, fee, refund, host_shares)
            VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb) ON CONFLICT (booking_id) DO NOTHING""")
        .execute(Tuple.tuple().addString(b.id()).addString(b.currency()).addValue(SqlAmounts.param(s.deposit()))
            .addValue(SqlAmounts.param(s.billed())).addValue(SqlAmounts.param(s.fee())).addValue(SqlAmounts.param(s.refund()))
            .addString(Json.encode(s.hostShares())))
        .compose(x -> tx.preparedQuery("UPDATE bookings SET billed = greatest(billed, $2) WHERE id = $1").execute(Tuple.of(b.id(), SqlAmounts.param(s.billed()))))
        .mapEmpty();
  }

  /** What a booking settles to now (its stored settlement once ended; a preview while it runs). */
  public Future<Settlement> settlement(SqlClient c, BookingRow b) {
    return c.preparedQuery("SELECT * FROM settlements WHERE booking_id = $1").execute(Tuple.of(b.id())).compose(rows -> {
      if (rows.size() > 0) {
        Row r = rows.iterator().next();
        Map<String, BigInteger> shares = new LinkedHashMap<>();
        // shares were stored as JSON numbers before amounts became strings (V15): both read exactly
        Json.tree(r.getJson("host_shares").toString()).properties().forEach(e -> shares.put(e.getKey(), new BigInteger(e.getValue().asText())));
        return Future.succeededFuture(new Settlement(SqlAmounts.get(r, "deposit"), SqlAmounts.get(r, "billed"), SqlAmounts.get(r, "fee"),
            SqlAmounts.get(r, "refund"), shares));
      }
      return bill(c, b.id()).map(p -> Settlement.of(b.cost(), p.bill(), feeBasisPoints));
    });
  }

  public int feeBasisPoints() { return feeBasisPoints; }

  private static final class TaskParts {
    final String taskId;
    final String hostId;
    final long pricePerHour;
    final List<Interval> running = new ArrayList<>();

    TaskParts(String taskId, String hostId, long pricePerHour) {
      this.taskId = taskId;
      this.hostId = hostId;
      this.pricePerHour = pricePerHour;
    }
  }

  private static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }
}

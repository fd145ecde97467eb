package io.respool.bookings;

import java.math.BigInteger;

import io.respool.bookings.BookingStore.BookingRow;
import io.respool.metering.Bill;
import io.respool.metering.Settlement;
import io.respool.metering.UsageSeries;
import io.respool.protocol.task.UsageSample;
import io.respool.protocol.RespoolException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metering read side: a booking's usage as a time series, its invoice (the bill line by line
 * and what it settles to), and a host's earnings. Bookings are visible to their owner and team
 * only; earnings to the account the host pays out to.
 */
public final class Invoices {
  private static final int MAX_GAPS_SHOWN = 1000;

  private final Pool pool;
  private final BookingService bookings;
  private final UsageLedger ledger;

  public Invoices(Pool pool, BookingService bookings, UsageLedger ledger) {
    this.pool = pool;
    this.bookings = bookings;
    this.ledger = ledger;
  }

  public record Usage(String bookingId, Instant from, Instant to, long stepSeconds, List<UsageSeries.Point> points, long samples,
      List<Gap> gaps) {}

  public record Gap(String taskId, long seq) {}

  /** Usage between {@code from} and {@code to} (default: the booking's life so far) in steps of {@code stepSeconds}. */
  public Future<Usage> usage(String accountId, String id, Instant from, Instant to, long stepSeconds) {
    if (stepSeconds < 1) throw RespoolException.invalid("step must be at least 1 second");
    return bookings.readable(accountId, id).compose(b -> {
      Instant start = from != null ? from : b.createdAt();
      Instant end = to != null ? to : b.endedAt() != null ? b.endedAt() : Instant.now();
      if (!end.isAfter(start)) return Future.failedFuture(RespoolException.invalid("to must be after from"));
      if ((end.getEpochSecond() - start.getEpochSecond()) / stepSeconds > UsageSeries.MAX_POINTS) {
        return Future.failedFuture(RespoolException.invalid("at most " + UsageSeries.MAX_POINTS + " points: use a larger step"));
      }
      // the samples in the window, and each task's last one before it (the baseline of its first delta)
      Future<List<UsageSample>> samples = pool.preparedQuery("""
              SELECT * FROM usage_samples WHERE booking_id = $1 AND at >= $2 AND at <= $3
              UNION ALL
              (SELECT DISTINCT ON (task_id) * FROM usage_samples WHERE booking_id = $1 AND at < $2 ORDER BY task_id, seq DESC)""")
          .execute(Tuple.of(b.id(), utc(start), utc(end)))
          .map(rows -> {
            List<UsageSample> out = new ArrayList<>();
            for (Row r : rows) {
              out.add(new UsageSample(r.getString("task_id"), r.getLong("seq"), r.getOffsetDateTime("at").toInstant(),
                  r.getDouble("cpu_seconds"), r.getLong("memory_bytes"), r.getDouble("gpu_util"), r.getLong("net_rx"), r.getLong("net_tx"),
                  r.getLong("blk_read"), r.getLong("blk_write"), r.getLong("gpu_memory_bytes")));
            }
            return out;
          });
      Future<List<Gap>> gaps = pool.preparedQuery("SELECT task_id, seq FROM usage_gaps WHERE booking_id = $1 ORDER BY task_id, seq LIMIT "
              + MAX_GAPS_SHOWN).execute(Tuple.of(b.id()))
          .map(rows -> {
            List<Gap> out = new ArrayList<>();
            for (Row r : rows) out.add(new Gap(r.getString(0), r.getLong(1)));
            return out;
          });
      return Future.all(samples, gaps).map(x -> new Usage(b.id(), start, end, stepSeconds,
          UsageSeries.of(samples.result(), start, end, Duration.ofSeconds(stepSeconds)), samples.result().size(), gaps.result()));
    });
  }

  public record Invoice(String bookingId, String state, String currency, boolean settled, Instant asOf, List<Bill.Line> lines,
      BigInteger total, BigInteger deposit, BigInteger billed, BigInteger fee, BigInteger refund, Map<String, BigInteger> hostShares) {}

  /** The bill line by line; once the booking ended, exactly what it settled to. */
  public Future<Invoice> invoice(String accountId, String id) {
    return bookings.readable(accountId, id).compose(b -> ledger.bill(pool, b.id()).compose(priced ->
        pool.preparedQuery("SELECT 1 FROM settlements WHERE booking_id = $1").execute(Tuple.of(b.id()))
            .compose(settled -> ledger.settlement(pool, b).map(s -> new Invoice(b.id(), b.state().name(), b.currency(), settled.size() > 0,
                priced.asOf(), priced.bill().lines(), priced.bill().total(), s.deposit(), s.billed(), s.fee(), s.refund(), s.hostShares())))));
  }

  /** The invoice as CSV: one row per task, then the totals. */
  public static String csv(Invoice i) {
    StringBuilder out = new StringBuilder("booking,task,host,billed_seconds,price_per_hour,amount,currency\n");
    for (Bill.Line l : i.lines()) {
      out.append(i.bookingId()).append(',').append(l.taskId()).append(',').append(l.hostId()).append(',').append(l.billedSeconds())
          .append(',').append(l.pricePerHour()).append(',').append(l.amount()).append(',').append(i.currency()).append('\n');
    }
    for (Map.Entry<String, BigInteger> total : List.of(Map.entry("deposit", i.deposit()), Map.entry("billed", i.billed()),
        Map.entry("fee", i.fee()), Map.entry("refund", i.refund()))) {
      out.append(i.bookingId()).append(',').append(total.getKey()).append(",,,,").append(total.getValue()).append(',').append(i.currency()).append('\n');
    }
    return out.toString();
  }

  public record Earned(String currency, BigInteger amount, long bookings) {}

  public record Earnings(String hostId, List<Earned> settled, List<Earned> accruing) {}

  /**
   * What a host earned: its shares of settled bookings, and what its running bookings would pay
   * it if they settled now. Only the account the host pays out to (or an admin) may see it.
   */
  public Future<Earnings> earnings(String accountId, boolean admin, String hostId) {
    Future<Boolean> mine = admin ? Future.succeededFuture(true) : pool.preparedQuery("""
            SELECT 1 FROM hosts h JOIN wallets w ON w.account_id = $2
              AND ((w.chain = 'ethereum' AND w.address = h.payout_ethereum) OR (w.chain = 'solana' AND w.address = h.payout_solana))
             WHERE h.id = $1""").execute(Tuple.of(hostId, accountId)).map(rows -> rows.size() > 0);
    return mine.compose(yes -> {
      if (!yes) return Future.failedFuture(RespoolException.notFound("no host " + hostId + " paying out to you"));
      Future<List<Earned>> settled = pool.preparedQuery("""
              SELECT currency, sum((host_shares->>$1)::numeric), count(*) FROM settlements WHERE host_shares ? $1
               GROUP BY currency ORDER BY currency""").execute(Tuple.of(hostId))
          .map(rows -> {
            List<Earned> out = new ArrayList<>();
            for (Row r : rows) out.add(new Earned(r.getString(0), r.getBigDecimal(1).toBigIntegerExact(), r.getLong(2)));
            return out;
          });
      Future<List<Earned>> accruing = pool.preparedQuery("""
              SELECT DISTINCT b.* FROM bookings b JOIN booking_tasks t ON t.booking_id = b.id
               WHERE t.host_id = $1 AND b.state IN ('STARTING', 'RUNNING', 'STOPPING', 'PAUSED') LIMIT 500""").execute(Tuple.of(hostId))
          .compose(rows -> {
            List<Future<Settlement>> each = new ArrayList<>();
            List<String> currencies = new ArrayList<>();
            for (Row r : rows) {
              BookingRow b = BookingStore.booking(r);
              currencies.add(b.currency());
              each.add(ledger.settlement(pool, b));
            }
            return Future.all(each).map(x -> {
              Map<String, BigInteger> amounts = new LinkedHashMap<>();
              Map<String, Long> counts = new LinkedHashMap<>();
              for (int i = 0; i < each.size(); i++) {
                amounts.merge(currencies.get(i), each.get(i).result().hostShares().getOrDefault(hostId, BigInteger.ZERO), BigInteger::add);
                counts.merge(currencies.get(i), 1L, Long::sum);
              }
              List<Earned> out = new ArrayList<>();
              amounts.forEach((c, sum) -> out.add(new Earned(c, sum, counts.get(c))));
              return out;
            });
          });
      return Future.all(settled, accruing).map(x -> new Earnings(hostId, settled.result(), accruing.result()));
    });
  }

  private static OffsetDateTime utc(Instant i) {
    return i.atOffset(ZoneOffset.UTC);
  }
}

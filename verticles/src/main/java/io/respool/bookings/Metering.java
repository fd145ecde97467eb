package io.respool.bookings;

import io.respool.infra.SqlAmounts;
import java.math.BigInteger;

import io.respool.lifecycle.BookingState;
import io.respool.protocol.task.UsageSample;
import io.respool.events.EventLog;
import io.vertx.core.Future;
import java.time.Duration;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Session metering. Usage samples from the hosts are stored idempotently (a replayed sample
 * changes nothing; a skipped sequence number is recorded as a gap, and forgotten if it arrives
 * later). On every node, every {@code meterInterval}, each running booking's bill is brought up to
 * date from the {@link UsageLedger}: a {@code booking.cost} event, a {@code booking.low-balance}
 * warning at 80 % and 95 % of the deposit, and at exhaustion the booking is paused — its tasks
 * stopped, its capacity and data kept until a top-up resumes it or the grace period ends.
 */
public final class Metering {
  private static final int MAX_GAP = 100_000;

  private final BookingStore store;
  private final Dispatcher dispatcher;
  private final BookingSettings settings;

  public Metering(BookingStore store, Dispatcher dispatcher, BookingSettings settings) {
    this.store = store;
    this.dispatcher = dispatcher;
    this.settings = settings;
  }

  private final java.util.concurrent.atomic.AtomicLong framesWritten = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong transactions = new java.util.concurrent.atomic.AtomicLong();

  /** Usage frames written and the transactions they took (fewer under load: frames are grouped). */
  public record Counts(long frames, long transactions) {}

  public Counts counts() { return new Counts(framesWritten.get(), transactions.get()); }

  /** The data of {@code booking.cost} and {@code booking.low-balance} events. */
  private static final BigInteger HUNDRED = BigInteger.valueOf(100);

  public record CostEvent(String bookingId, String accountId, String teamId, String state, BigInteger billed, BigInteger deposit, String currency,
      int percent) {}

  // --- samples ------------------------------------------------------------------------------

  /**
   * Stores a host's samples (those of tasks it runs for bookings; others are dropped); the frame
   * is acked after this commits.
   */
  public Future<Void> ingest(String hostId, List<UsageSample> samples) {
    return ingestAll(List.of(new BookingsBus.UsageFrame(hostId, samples)));
  }

  /**
   * Stores the samples of several frames (of one host or many) in one transaction of set-based
   * statements; each sample counts only for a task its frame's host runs. The tasks' rows are
   * locked first, in task-id order, so two transactions with frames of the same host neither
   * deadlock nor record each other's samples as gaps.
   */
  public Future<Void> ingestAll(List<BookingsBus.UsageFrame> frames) {
    framesWritten.addAndGet(frames.size());
    transactions.incrementAndGet();
    int n = frames.stream().mapToInt(f -> f.samples().size()).sum();
    String[] hosts = new String[n];
    String[] tasks = new String[n];
    Long[] seqs = new Long[n];
    OffsetDateTime[] at = new OffsetDateTime[n];
    Double[] cpu = new Double[n];
    Long[] memory = new Long[n];
    Double[] gpu = new Double[n];
    Long[] gpuMemory = new Long[n];
    Long[] rx = new Long[n];
    Long[] tx = new Long[n];
    Long[] read = new Long[n];
    Long[] write = new Long[n];
    int i = 0;
    for (BookingsBus.UsageFrame f : frames) {
      for (UsageSample s : f.samples()) {
        hosts[i] = f.hostId();
        tasks[i] = s.taskId();
        seqs[i] = s.seq();
        at[i] = s.at().atOffset(ZoneOffset.UTC);
        cpu[i] = s.cpuSeconds();
        memory[i] = s.memoryBytes();
        gpu[i] = s.gpuUtilization();
        gpuMemory[i] = s.gpuMemoryBytes();
        rx[i] = s.netRxBytes();
        tx[i] = s.netTxBytes();
        read[i] = s.blockReadBytes();
        write[i] = s.blockWriteBytes();
        i++;
      }
    }
    // four statements sent at once (pipelined): the server runs them in order, so the tasks' rows are still locked first
    return store.pool().withTransaction(c -> {
      Future<?> locked = c.preparedQuery("""
                SELECT 1 FROM booking_tasks t JOIN unnest($1::text[], $2::text[]) AS x(host_id, task_id)
                    ON t.task_id = x.task_id AND t.host_id = x.host_id
                 ORDER BY t.task_id FOR UPDATE OF t""")
            .execute(Tuple.tuple().addArrayOfString(hosts).addArrayOfString(tasks));
      Future<?> stored = c.preparedQuery("""
                INSERT INTO usage_samples (task_id, seq, booking_id, host_id, at, cpu_seconds, memory_bytes, gpu_util, net_rx, net_tx,
                                           blk_read, blk_write, gpu_memory_bytes)
                SELECT s.task_id, s.seq, t.booking_id, s.host_id, s.at, s.cpu, s.mem, s.gpu, s.rx, s.tx, s.br, s.bw, s.gmem
                  FROM unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[], $5::float8[], $6::bigint[], $7::float8[], $8::bigint[],
                              $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[]) AS s(host_id, task_id, seq, at, cpu, mem, gpu, rx, tx, br, bw, gmem)
                  JOIN booking_tasks t ON t.task_id = s.task_id AND t.host_id = s.host_id
                ON CONFLICT (task_id, seq) DO NOTHING""")
            .execute(Tuple.tuple().addArrayOfString(hosts).addArrayOfString(tasks).addArrayOfLong(seqs).addArrayOfOffsetDateTime(at)
                .addArrayOfDouble(cpu).addArrayOfLong(memory).addArrayOfDouble(gpu).addArrayOfLong(rx).addArrayOfLong(tx)
                .addArrayOfLong(read).addArrayOfLong(write).addArrayOfLong(gpuMemory));
      Future<?> filled = c.preparedQuery("""
                    DELETE FROM usage_gaps g USING unnest($1::text[], $2::bigint[]) AS x(task_id, seq)
                     WHERE g.task_id = x.task_id AND g.seq = x.seq""")
                .execute(Tuple.tuple().addArrayOfString(tasks).addArrayOfLong(seqs));
      Future<?> gaps = c.preparedQuery("""
                    WITH m AS (SELECT host_id, task_id, max(seq) AS hi FROM unnest($1::text[], $2::text[], $3::bigint[]) AS x(host_id, task_id, seq)
                                GROUP BY host_id, task_id),
                    old AS (SELECT t.task_id, t.booking_id, t.last_seq AS lo, m.hi FROM booking_tasks t
                              JOIN m ON m.task_id = t.task_id AND m.host_id = t.host_id),
                    bump AS (UPDATE booking_tasks t SET last_seq = old.hi FROM old WHERE t.task_id = old.task_id AND old.hi > old.lo)
                    INSERT INTO usage_gaps (task_id, seq, booking_id)
                    SELECT old.task_id, g, old.booking_id FROM old, generate_series(old.lo + 1, least(old.hi - 1, old.lo + $4)) AS g
                     WHERE old.hi > old.lo + 1
                       AND NOT EXISTS (SELECT 1 FROM usage_samples u WHERE u.task_id = old.task_id AND u.seq = g)
                    ON CONFLICT DO NOTHING""")
                .execute(Tuple.tuple().addArrayOfString(hosts).addArrayOfString(tasks).addArrayOfLong(seqs).addLong((long) MAX_GAP));
      return Future.all(locked, stored, filled, gaps).mapEmpty();
    });
  }

  /**
   * How long {@code booking.cost} events stay in the log: a client reconnecting within it gets every
   * one it missed; beyond it, the cost events older than that are gone (the stream's ids still only
   * grow, and every other event stays), so the log does not grow by one row per running booking per
   * meter interval forever.
   */
  public static final Duration COST_EVENT_RETENTION = Duration.ofHours(1);

  /** Deletes the {@code booking.cost} events older than {@link #COST_EVENT_RETENTION}, at most {@code limit}; returns how many. */
  public Future<Integer> forgetOldCosts(int limit) {
    return store.pool().preparedQuery("""
            DELETE FROM events WHERE stream = $1 AND (stream, id) IN (
              SELECT stream, id FROM events WHERE type = 'booking.cost' AND created_at < now() - make_interval(secs => $2) LIMIT $3)""")
        .execute(Tuple.of(BookingStore.STREAM, (double) COST_EVENT_RETENTION.toSeconds(), limit))
        .map(rows -> rows.rowCount());
  }

  /** The most bookings one round bills (in one transaction). */
  static final int ROUND_BATCH = 500;

  /**
   * One round: the running bookings not metered within the interval, claimed with
   * {@code SKIP LOCKED} (so the nodes of a cluster take disjoint shares) and billed in one
   * transaction: the bills read for all of them at once, every booking's {@code billed} and warning
   * level in one UPDATE, every {@code booking.cost} and {@code booking.low-balance} event in one
   * append; only a booking whose deposit is used up takes statements of its own (it pauses).
   */
  public Future<Void> meter() {
    return store.pool().withTransaction(tx -> tx.preparedQuery("""
            SELECT *, billed AS billed_before, warned_percent AS warned_before FROM bookings WHERE state IN ('STARTING', 'RUNNING')
               AND (metered_at IS NULL OR metered_at < now() - make_interval(secs => $1))
             ORDER BY metered_at NULLS FIRST LIMIT $2 FOR UPDATE SKIP LOCKED""")
        .execute(Tuple.of(settings.meterInterval().toMillis() / 2000.0, ROUND_BATCH))
        .compose(rows -> {
          if (rows.size() == 0) return Future.succeededFuture();
          List<BookingStore.BookingRow> due = new ArrayList<>();
          Map<String, Before> before = new HashMap<>();
          for (Row r : rows) {
            BookingStore.BookingRow b = BookingStore.booking(r);
            due.add(b);
            before.put(b.id(), new Before(SqlAmounts.get(r, "billed_before"), r.getInteger("warned_before")));
          }
          return store.ledger().billAll(tx, due.stream().map(BookingStore.BookingRow::id).toList())
              .compose(bills -> bill(tx, due, before, bills));
        }));
  }

  /** What a booking had been billed, and the warning it had been given, before this round. */
  private record Before(BigInteger billed, int warned) {}

  private Future<Void> bill(SqlConnection tx, List<BookingStore.BookingRow> due, Map<String, Before> before,
      Map<String, UsageLedger.Priced> bills) {
    int n = due.size();
    String[] ids = new String[n];
    BigInteger[] billed = new BigInteger[n];
    Integer[] warned = new Integer[n];
    List<EventLog.Draft> events = new ArrayList<>();
    List<BookingStore.BookingRow> exhausted = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      BookingStore.BookingRow b = due.get(i);
      BigInteger deposit = b.cost();
      BigInteger recorded = before.get(b.id()).billed().max(bills.get(b.id()).bill().total().min(deposit)); // never decreases
      int percent = deposit.signum() == 0 ? 100 : recorded.multiply(HUNDRED).divide(deposit).min(HUNDRED).intValue();
      int threshold = percent >= 95 ? 95 : percent >= 80 ? 80 : 0;
      int wasWarned = before.get(b.id()).warned();
      ids[i] = b.id();
      billed[i] = recorded;
      warned[i] = Math.max(wasWarned, threshold);
      CostEvent cost = new CostEvent(b.id(), b.accountId(), b.teamId(), b.state().name(), recorded, deposit, b.currency(), percent);
      events.add(new EventLog.Draft("booking.cost", cost));
      if (threshold > wasWarned) events.add(new EventLog.Draft("booking.low-balance", cost));
      if (recorded.compareTo(deposit) >= 0) exhausted.add(b);
    }
    // the bills and their events sent at once (pipelined)
    Future<?> billedRows = tx.preparedQuery("""
            UPDATE bookings b SET billed = x.billed, warned_percent = x.warned, metered_at = now()
              FROM unnest($1::text[], $2::numeric[], $3::int[]) AS x(id, billed, warned) WHERE b.id = x.id""")
        .execute(Tuple.tuple().addArrayOfString(ids).addArrayOfBigDecimal(SqlAmounts.params(billed)).addArrayOfInteger(warned));
    Future<Void> chain = Future.all(billedRows, store.events(tx, events)).mapEmpty();
    for (BookingStore.BookingRow b : exhausted) {
      chain = chain.compose(x -> dispatcher.windDown(tx, b, BookingState.PAUSED,
          "the deposit of " + b.cost() + " " + b.currency() + " is used up; top up (extend) to resume").mapEmpty());
    }
    return chain;
  }
}

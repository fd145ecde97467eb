package io.respool.bookings;

import io.respool.lifecycle.BookedTaskState;
import io.respool.lifecycle.BookingLifecycle;
import io.respool.lifecycle.BookingState;
import com.fasterxml.jackson.core.type.TypeReference;
import io.respool.events.EventLog;
import io.respool.infra.Statement;
import io.respool.infra.SqlAmounts;
import io.respool.matching.Capacity;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.Json;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Bookings;
import io.respool.protocol.api.Event;
import io.respool.teams.TeamService;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bookings tables. Every state change goes through {@link #move}: checked against
 * {@link BookingState}, recorded with its reason, published as a {@code booking.*} event after
 * commit, and — when the booking ends — its capacity and team quota given back in the same
 * transaction.
 */
public final class BookingStore {
  private static final Logger LOG = LoggerFactory.getLogger(BookingStore.class);
  public static final String STREAM = "bookings";
  private static final TypeReference<Map<Integer, Integer>> PORTS = new TypeReference<>() {};

  private final Pool pool;
  private final EventLog events;
  private final TeamService teams;
  private final UsageLedger ledger;
  private final Duration pauseGrace;

  public BookingStore(Pool pool, EventLog events, TeamService teams, UsageLedger ledger, Duration pauseGrace) {
    this.pool = pool;
    this.events = events;
    this.teams = teams;
    this.ledger = ledger;
    this.pauseGrace = pauseGrace;
  }

  public UsageLedger ledger() { return ledger; }

  public Pool pool() { return pool; }

  /** A booking row. {@code cpuMillis}, {@code memoryMb}, {@code gpus}: the totals counted against the team quota. */
  public record BookingRow(String id, String accountId, String teamId, BookingState state, BookingState ending, String reason,
      Bookings.CreateRequest request, String currency, String paymentChain, long pricePerHour, long durationSeconds, java.math.BigInteger cost,
      long cpuMillis, long memoryMb, int gpus, Instant paymentDeadline, Instant createdAt, Instant startedAt, Instant endsAt,
      Instant endedAt) {

    /** The row funded without a payment, for {@code why}: as {@link BookingStore#insertAll} writes it when payment is waived. */
    public BookingRow funded(String why) {
      return new BookingRow(id, accountId, teamId, BookingState.FUNDED, ending, why, request, currency, paymentChain, pricePerHour, durationSeconds,
          cost, cpuMillis, memoryMb, gpus, paymentDeadline, createdAt, startedAt, endsAt, endedAt);
    }
  }

  /** A task row: one placement of one attempt. */
  public record TaskRow(String taskId, String bookingId, String hostId, int replica, int part, int attempt, boolean current,
      long cpuMillis, long memoryMb, long storageGb, int gpus, String gpuModel, long pricePerHour, BookedTaskState state, Integer exitCode,
      String reason, Map<Integer, Integer> ports, Instant sentAt, Instant startedAt, Instant finishedAt, int resumes, List<String> gpuIds) {

    /** A new task, not yet sent to its host. */
    public static TaskRow pending(String taskId, String bookingId, String hostId, int replica, int part, int attempt, long cpuMillis,
        long memoryMb, long storageGb, int gpus, String gpuModel, long pricePerHour) {
      return new TaskRow(taskId, bookingId, hostId, replica, part, attempt, true, cpuMillis, memoryMb, storageGb, gpus, gpuModel,
          pricePerHour, BookedTaskState.PENDING, null, null, Map.of(), null, null, null, 0, null);
    }

    /**
     * A report that this task ended, arriving while a resume is awaited, is about the run before
     * the pause (a late or resent report): the resumed run has not answered yet.
     */
    boolean staleEnd(BookedTaskState reported) {
      return resumes > 0 && state == BookedTaskState.PENDING && reported.ended();
    }

    public Capacity capacity() { return new Capacity(cpuMillis, memoryMb, storageGb, gpus); }

    public boolean ended() { return state.ended(); }

    BookingLifecycle.TaskLife life() { return new BookingLifecycle.TaskLife(taskId, state, exitCode, reason); }
  }

  /** The event data of every {@code booking.*} event: enough to route it to the owner and the team. */
  public record BookingEvent(String bookingId, String accountId, String teamId, String state, String reason, String taskId,
      String hostId, String taskState, Integer exitCode) {}

  // --- writes -------------------------------------------------------------------------------

  public Future<Void> insert(SqlConnection tx, BookingRow b, List<TaskRow> tasks) {
    return tx.preparedQuery("""
            INSERT INTO bookings (id, account_id, team_id, state, reason, request, currency, payment_chain, price_per_hour,
              duration_seconds, cost, cpu_millis, memory_mb, gpus, payment_deadline, created_at)
            VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8, $9, $10, $11, $12, $13, $14, $15, coalesce($16, now()))""")
        .execute(Tuple.tuple().addString(b.id()).addString(b.accountId()).addString(b.teamId()).addString(b.state().name())
            .addString(b.reason()).addString(Json.encode(b.request())).addString(b.currency()).addString(b.paymentChain())
            .addLong(b.pricePerHour()).addLong(b.durationSeconds()).addValue(SqlAmounts.param(b.cost())).addLong(b.cpuMillis()).addLong(b.memoryMb())
            .addInteger(b.gpus()).addOffsetDateTime(utc(b.paymentDeadline())).addOffsetDateTime(utc(b.createdAt())))
        .compose(x -> insertTasks(tx, tasks))
        .compose(x -> transition(tx, b.id(), null, b.state(), b.reason()))
        .compose(x -> emit(tx, b, b.state(), b.reason(), null));
  }

  /**
   * Inserts many new bookings (each in its first state, with its tasks) in a few set-based
   * statements: the bookings, their tasks, their transitions and their events. A booking whose
   * payment is {@code waived} is recorded as created and then FUNDED, as {@link #insert} and
   * {@link #move} would record it one by one.
   */
  public Future<Void> insertAll(SqlConnection tx, List<BookingRow> rows, List<TaskRow> tasks, String waived) {
    Inserts inserts = inserting(rows, tasks, waived);
    List<Future<?>> sent = new ArrayList<>();
    for (Statement st : inserts.rows()) sent.add(st.execute(tx));
    sent.add(inserts.events().execute(tx).map(appended -> {
      List<Event> events = EventLog.appended(STREAM, appended);
      tx.transaction().completion().onSuccess(v -> this.events.publish(events));
      return null;
    }));
    // sent at once (pipelined, executed in order): one round trip
    return Future.all(sent).mapEmpty();
  }

  /** {@link #insertAll}'s statements: the bookings', tasks' and transitions' rows, then the events (their rows read by {@link EventLog#appended}). */
  public record Inserts(List<Statement> rows, Statement events) {}

  /** What {@link #insertAll} sends, to be sent by the caller, on its own or as parts of one statement. */
  public static Inserts inserting(List<BookingRow> rows, List<TaskRow> tasks, String waived) {
    int n = rows.size();
    String[] ids = new String[n], accounts = new String[n], teams = new String[n], states = new String[n], reasons = new String[n],
        requests = new String[n], currencies = new String[n], chains = new String[n];
    Long[] prices = new Long[n], durations = new Long[n], cpus = new Long[n], memories = new Long[n];
    java.math.BigInteger[] costs = new java.math.BigInteger[n];
    Integer[] gpus = new Integer[n];
    OffsetDateTime[] deadlines = new OffsetDateTime[n], created = new OffsetDateTime[n];
    List<OffsetDateTime> tAt = new ArrayList<>();
    List<String> tBooking = new ArrayList<>(), tFrom = new ArrayList<>(), tTo = new ArrayList<>(), tReason = new ArrayList<>();
    List<Integer> tSeq = new ArrayList<>();
    List<EventLog.Draft> drafts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      BookingRow b = rows.get(i);
      ids[i] = b.id();
      accounts[i] = b.accountId();
      teams[i] = b.teamId();
      states[i] = (waived != null ? BookingState.FUNDED : b.state()).name();
      reasons[i] = waived != null ? waived : b.reason();
      requests[i] = Json.encode(b.request());
      currencies[i] = b.currency();
      chains[i] = b.paymentChain();
      prices[i] = b.pricePerHour();
      durations[i] = b.durationSeconds();
      costs[i] = b.cost();
      cpus[i] = b.cpuMillis();
      memories[i] = b.memoryMb();
      gpus[i] = b.gpus();
      deadlines[i] = utc(b.paymentDeadline());
      created[i] = utc(b.createdAt());
      tAt.add(created[i]);
      tBooking.add(b.id());
      tSeq.add(1);
      tFrom.add(null);
      tTo.add(b.state().name());
      tReason.add(b.reason());
      drafts.add(draft(b, b.state(), b.reason()));
      if (waived != null) {
        tAt.add(created[i]);
        tBooking.add(b.id());
        tSeq.add(2);
        tFrom.add(b.state().name());
        tTo.add(BookingState.FUNDED.name());
        tReason.add(waived);
        drafts.add(draft(b, BookingState.FUNDED, waived));
      }
    }
    Statement bookings = Statement.of("inserted_bookings", """
            INSERT INTO bookings (id, account_id, team_id, state, reason, request, currency, payment_chain, price_per_hour,
              duration_seconds, cost, cpu_millis, memory_mb, gpus, payment_deadline, created_at)
            SELECT id, account_id, team_id, state, reason, request::jsonb, currency, payment_chain, price_per_hour, duration_seconds, cost,
                   cpu_millis, memory_mb, gpus, payment_deadline, coalesce(created_at, now())
              FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[],
                          $10::bigint[], $11::numeric[], $12::bigint[], $13::bigint[], $14::int[], $15::timestamptz[], $16::timestamptz[])
                AS x(id, account_id, team_id, state, reason, request, currency, payment_chain, price_per_hour, duration_seconds, cost,
                     cpu_millis, memory_mb, gpus, payment_deadline, created_at)""",
        Tuple.tuple().addArrayOfString(ids).addArrayOfString(accounts).addArrayOfString(teams).addArrayOfString(states)
            .addArrayOfString(reasons).addArrayOfString(requests).addArrayOfString(currencies).addArrayOfString(chains)
            .addArrayOfLong(prices).addArrayOfLong(durations).addArrayOfBigDecimal(SqlAmounts.params(costs)).addArrayOfLong(cpus).addArrayOfLong(memories)
            .addArrayOfInteger(gpus).addArrayOfOffsetDateTime(deadlines).addArrayOfOffsetDateTime(created));
    Statement transitions = Statement.of("inserted_transitions", """
                INSERT INTO booking_transitions (booking_id, seq, from_state, to_state, reason, at)
                SELECT b, s, f, t, r, coalesce(a, now())
                  FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) AS x(b, s, f, t, r, a)""",
            Tuple.tuple().addArrayOfString(tBooking.toArray(String[]::new)).addArrayOfInteger(tSeq.toArray(Integer[]::new))
                .addArrayOfString(tFrom.toArray(String[]::new)).addArrayOfString(tTo.toArray(String[]::new))
                .addArrayOfString(tReason.toArray(String[]::new)).addArrayOfOffsetDateTime(tAt.toArray(OffsetDateTime[]::new)));
    List<Statement> written = tasks.isEmpty() ? List.of(bookings, transitions) : List.of(bookings, insertingTasks(tasks), transitions);
    return new Inserts(written, EventLog.appending(STREAM, drafts));
  }

  public Future<Void> insertTasks(SqlConnection tx, List<TaskRow> tasks) {
    return tasks.isEmpty() ? Future.succeededFuture() : insertingTasks(tasks).execute(tx).mapEmpty();
  }

  private static Statement insertingTasks(List<TaskRow> tasks) {
    int n = tasks.size();
    String[] ids = new String[n], bookings = new String[n], hosts = new String[n], models = new String[n];
    Integer[] replicas = new Integer[n], parts = new Integer[n], attempts = new Integer[n], gpus = new Integer[n];
    Long[] cpus = new Long[n], memories = new Long[n], disks = new Long[n], prices = new Long[n];
    for (int i = 0; i < n; i++) {
      TaskRow t = tasks.get(i);
      ids[i] = t.taskId();
      bookings[i] = t.bookingId();
      hosts[i] = t.hostId();
      replicas[i] = t.replica();
      parts[i] = t.part();
      attempts[i] = t.attempt();
      cpus[i] = t.cpuMillis();
      memories[i] = t.memoryMb();
      disks[i] = t.storageGb();
      gpus[i] = t.gpus();
      models[i] = t.gpuModel();
      prices[i] = t.pricePerHour();
    }
    return Statement.of("inserted_tasks", """
            INSERT INTO booking_tasks (task_id, booking_id, host_id, replica, part, attempt, current, cpu_millis, memory_mb, storage_gb,
              gpus, gpu_model, price_per_hour, state)
            SELECT task_id, booking_id, host_id, replica, part, attempt, true, cpu_millis, memory_mb, storage_gb, gpus, gpu_model, price_per_hour, 'PENDING'
              FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $7::bigint[], $8::bigint[], $9::bigint[],
                          $10::int[], $11::text[], $12::bigint[])
                AS x(task_id, booking_id, host_id, replica, part, attempt, cpu_millis, memory_mb, storage_gb, gpus, gpu_model, price_per_hour)""",
        Tuple.tuple().addArrayOfString(ids).addArrayOfString(bookings).addArrayOfString(hosts).addArrayOfInteger(replicas)
            .addArrayOfInteger(parts).addArrayOfInteger(attempts).addArrayOfLong(cpus).addArrayOfLong(memories).addArrayOfLong(disks)
            .addArrayOfInteger(gpus).addArrayOfString(models).addArrayOfLong(prices));
  }

  /** Whether the booking is paid through an escrow (it has deposits). */
  public Future<Boolean> escrowed(SqlClient c, String bookingId) {
    return c.preparedQuery("SELECT EXISTS (SELECT 1 FROM deposits WHERE booking_id = $1) AS yes").execute(Tuple.of(bookingId))
        .map(rows -> rows.iterator().next().getBoolean("yes"));
  }

  /**
   * Moves a booking (locked by the caller) to {@code to}; 409 if its state does not allow it.
   * Ending it releases its capacity and its team quota.
   */
  public Future<BookingRow> move(SqlConnection tx, BookingRow b, BookingState to, BookingState ending, String reason) {
    if (!b.state().canMoveTo(to)) {
      return Future.failedFuture(new RespoolException(ErrorCode.CONFLICT,
          "booking " + b.id() + " is " + b.state() + " and cannot become " + to));
    }
    Future<?> release = Future.succeededFuture();
    if (to.isFinal() && b.state().holdsCapacity()) {
      // if it was funded, what it ran is billed and the rest refunded; if not, any deposit goes back whole
      release = ledger.settle(tx, b, b.state() != BookingState.PENDING_PAYMENT)
          .compose(x -> PgReservations.release(tx, b.id()))
          .compose(x -> b.teamId() == null ? Future.succeededFuture() : teams.give(tx, b.teamId(), b.cpuMillis(), b.memoryMb(), b.gpus()))
          // tasks never sent to a host will never run: they end with the booking
          .compose(x -> tx.preparedQuery("UPDATE booking_tasks SET state = 'FAILED', reason = $2, finished_at = now()"
              + " WHERE booking_id = $1 AND state = 'PENDING' AND sent_at IS NULL").execute(Tuple.of(b.id(), "never started: the booking is " + to)));
    }
    return release
        .compose(x -> tx.preparedQuery("""
                UPDATE bookings SET state = $2, ending = $3, reason = $4, updated_at = now(),
                  started_at = CASE WHEN $2 = 'RUNNING' THEN coalesce(started_at, now()) ELSE started_at END,
                  ends_at = CASE WHEN $2 = 'RUNNING' AND ends_at IS NULL THEN now() + make_interval(secs => duration_seconds) ELSE ends_at END,
                  ended_at = CASE WHEN $5 THEN now() ELSE ended_at END,
                  paused_until = CASE WHEN $2 = 'PAUSED' THEN now() + make_interval(secs => $6) ELSE NULL END
                WHERE id = $1 RETURNING *""")
            .execute(Tuple.of(b.id(), to.name(), ending == null ? null : ending.name(), reason, to.isFinal(), (double) pauseGrace.toSeconds())))
        .compose(rows -> transition(tx, b.id(), b.state(), to, reason).map(rows.iterator().next()))
        .compose(row -> emit(tx, b, to, reason, null).map(booking(row)));
  }

  private Future<Void> transition(SqlConnection tx, String id, BookingState from, BookingState to, String reason) {
    return tx.preparedQuery("""
            INSERT INTO booking_transitions (booking_id, seq, from_state, to_state, reason)
            SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4 FROM booking_transitions WHERE booking_id = $1""")
        .execute(Tuple.of(id, from == null ? null : from.name(), to.name(), reason)).mapEmpty();
  }

  /** Records what a host said of a task. Returns false (nothing written) for a task that already ended. */
  public Future<Boolean> updateTask(SqlConnection tx, BookingRow b, TaskRow t, BookedTaskState state, Integer exitCode, String reason,
      Map<Integer, Integer> ports, Instant startedAt, Instant finishedAt) {
    return updateTask(tx, b, t, state, exitCode, reason, ports, startedAt, finishedAt, null);
  }

  /** The same, recording the GPUs the host says the task holds (kept when a report names none). */
  public Future<Boolean> updateTask(SqlConnection tx, BookingRow b, TaskRow t, BookedTaskState state, Integer exitCode, String reason,
      Map<Integer, Integer> ports, Instant startedAt, Instant finishedAt, List<String> gpuIds) {
    if (t.ended()) return Future.succeededFuture(false);
    return tx.preparedQuery("""
            UPDATE booking_tasks SET state = $2, exit_code = $3, reason = $4, ports = coalesce($5::text::jsonb, ports),
              started_at = coalesce(started_at, $6), finished_at = $7, gpu_ids = coalesce($8, gpu_ids) WHERE task_id = $1""")
        .execute(Tuple.tuple().addString(t.taskId()).addString(state.name()).addInteger(exitCode).addString(reason)
            .addString(ports == null || ports.isEmpty() ? null : Json.encode(ports)).addOffsetDateTime(utc(startedAt))
            .addOffsetDateTime(utc(finishedAt)).addArrayOfString(gpuIds == null || gpuIds.isEmpty() ? null : gpuIds.toArray(String[]::new)))
        .compose(x -> state == BookedTaskState.RUNNING ? runStarted(tx, t.taskId()) : state.ended()
            ? runEnded(tx, t.taskId()) : Future.succeededFuture())
        .compose(x -> emit(tx, b, b.state(), null, new TaskNews(t, state, exitCode, reason)))
        .map(true);
  }

  /** A task began a period of running, by the gateway's clock (what is billed). */
  private Future<Void> runStarted(SqlConnection tx, String taskId) {
    return tx.preparedQuery("INSERT INTO task_runs (task_id, started_at) SELECT $1, now()"
        + " WHERE NOT EXISTS (SELECT 1 FROM task_runs WHERE task_id = $1 AND ended_at IS NULL)").execute(Tuple.of(taskId)).mapEmpty();
  }

  private Future<Void> runEnded(SqlConnection tx, String taskId) {
    return tx.preparedQuery("UPDATE task_runs SET ended_at = now() WHERE task_id = $1 AND ended_at IS NULL").execute(Tuple.of(taskId)).mapEmpty();
  }

  /** An ended task of a paused booking is to run again (task.resume): PENDING until the host confirms. */
  public Future<Void> reopen(SqlConnection tx, TaskRow t) {
    return tx.preparedQuery("""
            UPDATE booking_tasks SET state = 'PENDING', exit_code = NULL, reason = NULL, finished_at = NULL, resumes = resumes + 1,
              sent_at = now() WHERE task_id = $1""").execute(Tuple.of(t.taskId())).mapEmpty();
  }

  /** Takes a task out of the booking (a later attempt replaces it), keeping it as history. */
  public Future<Void> retire(SqlConnection tx, TaskRow t, String failedReason) {
    return tx.preparedQuery("""
            UPDATE booking_tasks SET current = false,
              state = CASE WHEN state IN ('EXITED', 'FAILED') OR $2::text IS NULL THEN state ELSE 'FAILED' END,
              reason = CASE WHEN state IN ('EXITED', 'FAILED') OR $2::text IS NULL THEN reason ELSE $2 END,
              finished_at = CASE WHEN state IN ('EXITED', 'FAILED') OR $2::text IS NULL THEN finished_at ELSE now() END
            WHERE task_id = $1""").execute(Tuple.of(t.taskId(), failedReason))
        .compose(x -> failedReason == null ? Future.succeededFuture() : runEnded(tx, t.taskId()))
        .mapEmpty();
  }

  public Future<Void> markSent(SqlConnection tx, List<TaskRow> tasks) {
    if (tasks.isEmpty()) return Future.succeededFuture();
    return tx.preparedQuery("UPDATE booking_tasks SET sent_at = now() WHERE task_id = ANY($1)")
        .execute(Tuple.tuple().addArrayOfString(tasks.stream().map(TaskRow::taskId).toArray(String[]::new))).mapEmpty();
  }

  /** Sets price, cost, duration and the quota totals after a resize, extension or reschedule. */
  public Future<BookingRow> reprice(SqlConnection tx, String id, long pricePerHour, long durationSeconds, java.math.BigInteger cost,
      long cpuMillis, long memoryMb, int gpus, Bookings.CreateRequest request) {
    return tx.preparedQuery("""
            UPDATE bookings SET price_per_hour = $2, duration_seconds = $3::bigint, cost = $4, cpu_millis = $5, memory_mb = $6, gpus = $7,
              request = $8::text::jsonb,
              ends_at = CASE WHEN ends_at IS NULL THEN NULL ELSE started_at + make_interval(secs => $3::bigint) END, updated_at = now()
            WHERE id = $1 RETURNING *""")
        .execute(Tuple.tuple().addString(id).addLong(pricePerHour).addLong(durationSeconds).addValue(SqlAmounts.param(cost)).addLong(cpuMillis)
            .addLong(memoryMb).addInteger(gpus).addString(Json.encode(request)))
        .map(rows -> booking(rows.iterator().next()));
  }

  /** Records a change that is not a state change (resized, extended) as an event with its reason. */
  public Future<Void> note(SqlConnection tx, BookingRow b, String type, String reason) {
    return event(tx, type, new BookingEvent(b.id(), b.accountId(), b.teamId(), b.state().name(), reason, null, null, null, null));
  }

  /** Tells every node of bookings' events committed outside a transaction of this store's. */
  public void publish(List<Event> committed) { events.publish(committed); }

  /** Appends many events of the bookings stream at once, published after commit. */
  public Future<Void> events(SqlConnection tx, List<EventLog.Draft> drafts) {
    return events.appendAll(tx, STREAM, drafts).map(appended -> {
      tx.transaction().completion().onSuccess(v -> events.publish(appended));
      return null;
    });
  }

  /** Appends a {@code booking.*} event (its data names accountId and teamId), published after commit. */
  public Future<Void> event(SqlConnection tx, String type, Object data) {
    return events.append(tx, STREAM, type, data).map(e -> {
      tx.transaction().completion().onSuccess(v -> events.publish(List.of(e)));
      return null;
    });
  }

  private record TaskNews(TaskRow task, BookedTaskState state, Integer exitCode, String reason) {}

  private static EventLog.Draft draft(BookingRow b, BookingState state, String reason) {
    return new EventLog.Draft("booking." + state.name().toLowerCase(Locale.ROOT).replace('_', '-'),
        new BookingEvent(b.id(), b.accountId(), b.teamId(), state.name(), reason, null, null, null, null));
  }

  private Future<Void> emit(SqlConnection tx, BookingRow b, BookingState state, String reason, TaskNews task) {
    String type = task != null ? "booking.task" : "booking." + state.name().toLowerCase(Locale.ROOT).replace('_', '-');
    BookingEvent data = task == null
        ? new BookingEvent(b.id(), b.accountId(), b.teamId(), state.name(), reason, null, null, null, null)
        : new BookingEvent(b.id(), b.accountId(), b.teamId(), state.name(), task.reason(), task.task().taskId(), task.task().hostId(),
            task.state().name(), task.exitCode());
    return event(tx, type, data);
  }

  public interface BookingWork {
    Future<?> run(SqlConnection tx, BookingRow locked);
  }

  /** A statement and its parameters. */
  public record Query(String sql, Tuple params) {
    public Query(String sql) { this(sql, Tuple.tuple()); }
  }

  /**
   * Runs {@code work} on each booking the query names, each locked in its own transaction, skipping
   * those another node holds; a failure is logged ({@code what} failed for that booking) and the
   * others go on.
   */
  public Future<Void> eachLocked(Query query, String what, BookingWork work) {
    return pool.preparedQuery(query.sql()).execute(query.params()).compose(rows -> {
      Future<Void> chain = Future.succeededFuture();
      for (Row r : rows) {
        String id = r.getString(0);
        chain = chain.compose(x -> pool.withTransaction(tx -> tx.preparedQuery("SELECT * FROM bookings WHERE id = $1 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(id))
                .compose(locked -> locked.size() == 0 ? Future.succeededFuture() : work.run(tx, BookingStore.booking(locked.iterator().next()))))
            .<Void>mapEmpty()
            .recover(err -> {
              LOG.warn("{} booking {} failed: {}", what, id, err.toString());
              return Future.succeededFuture();
            }));
      }
      return chain;
    });
  }

  /** Runs {@code action} once the transaction has committed (a message that must not go out for a rolled-back change). */
  public static void afterCommit(SqlConnection tx, Runnable action) {
    tx.transaction().completion().onSuccess(v -> action.run());
  }


  // --- reads --------------------------------------------------------------------------------

  /** Bookings of {@code owner} or of the teams, in {@code state} if given, ids below {@code after}, newest first. */
  public Future<List<BookingRow>> list(String owner, String[] teamIds, String state, String after, int limit) {
    return pool.preparedQuery("""
            SELECT * FROM bookings WHERE (account_id = $1 OR team_id = ANY($2)) AND ($3::text IS NULL OR state = $3)
              AND ($4::text IS NULL OR id < $4) ORDER BY id DESC LIMIT $5""")
        .execute(Tuple.tuple().addString(owner).addArrayOfString(teamIds).addString(state).addString(after).addInteger(limit))
        .map(rows -> {
          List<BookingRow> found = new ArrayList<>();
          for (Row r : rows) found.add(booking(r));
          return found;
        });
  }

  /** A task was removed from its host with what it kept. */
  /** Keeps an ended task's output before it is removed from its host (the last copy wins: the task no longer writes). */
  public Future<Void> keepOutput(String taskId, String stdout, String stderr, boolean truncated) {
    return pool.preparedQuery("UPDATE booking_tasks SET output_stdout = $2, output_stderr = $3, output_truncated = $4 WHERE task_id = $1")
        .execute(Tuple.of(taskId, stdout, stderr, truncated)).mapEmpty();
  }

  /** The output kept of a booking's tasks that are removed from their hosts or about to be, by task id. */
  public Future<Map<String, Bookings.TaskLogs>> keptOutputs(String bookingId) {
    return pool.preparedQuery("""
            SELECT task_id, host_id, output_stdout, output_stderr, output_truncated FROM booking_tasks
             WHERE booking_id = $1 AND (output_stdout IS NOT NULL OR removed_at IS NOT NULL)""")
        .execute(Tuple.of(bookingId))
        .map(rows -> {
          Map<String, Bookings.TaskLogs> kept = new HashMap<>();
          for (Row r : rows) {
            String out = r.getString("output_stdout");
            kept.put(r.getString("task_id"), out != null
                ? new Bookings.TaskLogs(r.getString("task_id"), r.getString("host_id"), out, r.getString("output_stderr"),
                    Boolean.TRUE.equals(r.getBoolean("output_truncated")), null)
                : new Bookings.TaskLogs(r.getString("task_id"), r.getString("host_id"), "", "", false,
                    "removed from its host before its output was kept"));
          }
          return kept;
        });
  }

  public Future<Void> markRemoved(String taskId) {
    return pool.preparedQuery("UPDATE booking_tasks SET removed_at = now() WHERE task_id = $1").execute(Tuple.of(taskId)).mapEmpty();
  }

  /** A resumed booking warns again as its new deposit is used up. */
  public Future<Void> resetWarnings(SqlConnection tx, String bookingId) {
    return tx.preparedQuery("UPDATE bookings SET warned_percent = 0 WHERE id = $1").execute(Tuple.of(bookingId)).mapEmpty();
  }

  /** Takes the booking's pending extension (null if none): its seconds and the deposit it was paid to reach. */
  public Future<Extension> takeExtension(SqlConnection tx, String bookingId) {
    return tx.preparedQuery("DELETE FROM booking_extensions WHERE booking_id = $1 RETURNING seconds, cost").execute(Tuple.of(bookingId))
        .map(rows -> rows.size() == 0 ? null : new Extension(rows.iterator().next().getLong("seconds"), SqlAmounts.get(rows.iterator().next(), "cost")));
  }

  /** A paid extension: the seconds it adds and the deposit it was paid to reach. */
  public record Extension(long seconds, java.math.BigInteger cost) {}

  /** The booking as it is now, not locked; 404 if there is none. */
  public Future<BookingRow> booking(SqlClient c, String id) {
    return c.preparedQuery("SELECT * FROM bookings WHERE id = $1").execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) throw RespoolException.notFound("no booking " + id);
      return booking(rows.iterator().next());
    });
  }

  /** Those of the bookings {@code ids} that exist, by id. */
  public Future<Map<String, BookingRow>> existing(SqlClient c, Collection<String> ids) {
    return c.preparedQuery("SELECT * FROM bookings WHERE id = ANY($1)").execute(Tuple.of(ids.toArray(String[]::new))).map(rows -> {
      Map<String, BookingRow> out = new HashMap<>();
      for (Row r : rows) out.put(r.getString("id"), booking(r));
      return out;
    });
  }

  public Future<BookingRow> lockBooking(SqlConnection tx, String id) {
    return tx.preparedQuery("SELECT * FROM bookings WHERE id = $1 FOR UPDATE").execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) throw RespoolException.notFound("no booking " + id);
      return booking(rows.iterator().next());
    });
  }

  public Future<List<TaskRow>> tasks(SqlConnection tx, String bookingId, boolean currentOnly) {
    return tx.preparedQuery("SELECT * FROM booking_tasks WHERE booking_id = $1" + (currentOnly ? " AND current" : "")
            + " ORDER BY replica, part, attempt").execute(Tuple.of(bookingId))
        .map(rows -> {
          List<TaskRow> out = new ArrayList<>();
          for (Row r : rows) out.add(task(r));
          return out;
        });
  }

  public Future<TaskRow> task(SqlConnection tx, String taskId) {
    return tx.preparedQuery("SELECT * FROM booking_tasks WHERE task_id = $1").execute(Tuple.of(taskId))
        .map(rows -> rows.size() == 0 ? null : task(rows.iterator().next()));
  }

  /** The full view of bookings (tasks; transitions when {@code withHistory}), in the given order. */
  public Future<List<Bookings.Booking>> views(List<BookingRow> rows, boolean withHistory) {
    if (rows.isEmpty()) return Future.succeededFuture(List.of());
    String[] ids = rows.stream().map(BookingRow::id).toArray(String[]::new);
    Future<Map<String, List<Bookings.Task>>> tasks = pool.preparedQuery("SELECT * FROM booking_tasks WHERE booking_id = ANY($1)"
            + " ORDER BY replica, part, attempt").execute(Tuple.tuple().addArrayOfString(ids))
        .map(rs -> {
          Map<String, List<Bookings.Task>> by = new HashMap<>();
          for (Row r : rs) by.computeIfAbsent(r.getString("booking_id"), k -> new ArrayList<>()).add(view(task(r)));
          return by;
        });
    Future<Map<String, List<Bookings.Transition>>> history = !withHistory ? Future.succeededFuture(Map.of())
        : pool.preparedQuery("SELECT * FROM booking_transitions WHERE booking_id = ANY($1) ORDER BY seq").execute(Tuple.tuple().addArrayOfString(ids))
            .map(rs -> {
              Map<String, List<Bookings.Transition>> by = new HashMap<>();
              for (Row r : rs) {
                by.computeIfAbsent(r.getString("booking_id"), k -> new ArrayList<>()).add(new Bookings.Transition(
                    r.getString("from_state"), r.getString("to_state"), r.getString("reason"), instant(r, "at")));
              }
              return by;
            });
    return Future.all(tasks, history).map(x -> {
      List<Bookings.Booking> out = new ArrayList<>();
      for (BookingRow b : rows) {
        out.add(view(b, tasks.result().getOrDefault(b.id(), List.of()), withHistory ? history.result().getOrDefault(b.id(), List.of()) : null));
      }
      return out;
    });
  }

  /**
   * The views of bookings {@link #insertAll} just wrote, made from what it wrote rather than read
   * back: their tasks as placed and their first transitions (to FUNDED as well when {@code waived}).
   * A GET right after answers the same.
   */
  public static List<Bookings.Booking> insertedViews(List<BookingRow> rows, Map<String, List<TaskRow>> tasks, String waived) {
    List<Bookings.Booking> out = new ArrayList<>(rows.size());
    for (BookingRow b : rows) {
      List<Bookings.Transition> history = new ArrayList<>(2);
      history.add(new Bookings.Transition(null, b.state().name(), b.reason(), b.createdAt()));
      BookingRow now = b;
      if (waived != null) {
        history.add(new Bookings.Transition(b.state().name(), BookingState.FUNDED.name(), waived, b.createdAt()));
        now = b.funded(waived);
      }
      out.add(view(now, tasks.getOrDefault(b.id(), List.of()).stream().map(BookingStore::view).toList(), history));
    }
    return out;
  }

  static Bookings.Booking view(BookingRow b, List<Bookings.Task> tasks, List<Bookings.Transition> history) {
    Bookings.CreateRequest r = b.request();
    Bookings.Payment payment = b.state() == BookingState.PENDING_PAYMENT
        ? new Bookings.Payment(b.paymentChain(), b.cost(), b.currency(), b.paymentDeadline(), "awaiting-payment") : null;
    return new Bookings.Booking(b.id(), b.accountId(), b.teamId(), b.state().name(), b.reason(), r.image(), r.command(),
        r.cpu() == null ? 0 : r.cpu(), orZero(r.memoryMb()), orZero(r.storageGb()), r.gpus() == null ? 0 : r.gpus(), r.gpuModel(),
        r.replicas() == null ? 1 : r.replicas(), b.currency(), b.pricePerHour(), b.durationSeconds(), b.cost(), b.paymentChain(),
        r.onHostLoss() == null ? "reschedule" : r.onHostLoss(), payment, b.createdAt(), b.startedAt(), b.endsAt(), b.endedAt(),
        tasks, history);
  }

  static Bookings.Task view(TaskRow t) {
    return new Bookings.Task(t.taskId(), t.hostId(), t.replica(), t.part(), t.attempt(), t.current(), t.cpuMillis() / 1000.0,
        t.memoryMb(), t.storageGb(), t.gpus(), t.gpuModel(), t.pricePerHour(), t.state().name(), t.exitCode(), t.reason(), t.ports(),
        t.startedAt(), t.finishedAt(), t.gpuIds());
  }

  public static BookingRow booking(Row r) {
    String ending = r.getString("ending");
    return new BookingRow(r.getString("id"), r.getString("account_id"), r.getString("team_id"), BookingState.valueOf(r.getString("state")),
        ending == null ? null : BookingState.valueOf(ending), r.getString("reason"),
        Json.decode(r.getJson("request").toString(), Bookings.CreateRequest.class), r.getString("currency"), r.getString("payment_chain"),
        r.getLong("price_per_hour"), r.getLong("duration_seconds"), SqlAmounts.get(r, "cost"), r.getLong("cpu_millis"), r.getLong("memory_mb"),
        r.getInteger("gpus"), instant(r, "payment_deadline"), instant(r, "created_at"), instant(r, "started_at"), instant(r, "ends_at"),
        instant(r, "ended_at"));
  }

  static TaskRow task(Row r) {
    Object ports = r.getJson("ports");
    return new TaskRow(r.getString("task_id"), r.getString("booking_id"), r.getString("host_id"), r.getInteger("replica"),
        r.getInteger("part"), r.getInteger("attempt"), r.getBoolean("current"), r.getLong("cpu_millis"), r.getLong("memory_mb"),
        r.getLong("storage_gb"), r.getInteger("gpus"), r.getString("gpu_model"), r.getLong("price_per_hour"), BookedTaskState.valueOf(r.getString("state")),
        r.getInteger("exit_code"), r.getString("reason"),
        ports == null ? Map.of() : new LinkedHashMap<>(Json.mapper().convertValue(Json.tree(ports.toString()), PORTS)),
        instant(r, "sent_at"), instant(r, "started_at"), instant(r, "finished_at"), r.getInteger("resumes"), gpuIds(r));
  }

  private static List<String> gpuIds(Row r) {
    int column = r.getColumnIndex("gpu_ids");
    if (column < 0) return null;
    String[] ids = r.getArrayOfStrings(column);
    return ids == null || ids.length == 0 ? null : List.of(ids);
  }

  private static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  private static OffsetDateTime utc(Instant i) {
    return i == null ? null : i.atOffset(java.time.ZoneOffset.UTC);
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }
}

package io.respool.bookings;

import io.respool.bookings.BookingStore.BookingRow;
import io.respool.bookings.BookingStore.TaskRow;
import io.respool.hosts.HostRegistry;
import io.respool.lifecycle.BookedTaskState;
import io.respool.lifecycle.BookingState;
import io.respool.matching.Demand;
import io.respool.matching.Matcher;
import io.respool.matching.Placement;
import io.respool.matching.Plan;
import io.respool.protocol.Json;
import io.respool.protocol.api.Bookings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The owner of every state a message alone cannot move forward. On every node, every
 * {@code reconcileInterval}, it catches up on: paid bookings not dispatched yet, payment
 * deadlines, paused bookings never topped up, hosts gone for longer than the grace period (their
 * tasks rescheduled or failed, per the booking's policy), starts and stops that got no answer,
 * and ended tasks still kept on their hosts. Rows are claimed with {@code SKIP LOCKED}, so nodes
 * share the work; time is the injected clock's, so a test can move it instead of waiting.
 */
public final class Reconciler {
  private static final int BATCH = 100;
  private static final String RECONCILING = "reconciling";

  private final Vertx vertx;
  private final BookingStore store;
  private final Dispatcher dispatcher;
  private final HostRegistry hosts;
  private final Matcher matcher;
  private final BookingSettings settings;
  private final Clock clock;

  public Reconciler(Vertx vertx, BookingStore store, Dispatcher dispatcher, HostRegistry hosts, Matcher matcher, BookingSettings settings,
      Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.dispatcher = dispatcher;
    this.hosts = hosts;
    this.matcher = matcher;
    this.settings = settings;
    this.clock = clock;
  }

  /** A query whose {@code $1} is now, by the injected clock. */
  private BookingStore.Query query(String sql) {
    return new BookingStore.Query(sql, Tuple.of(utc(clock.instant())));
  }

  private static OffsetDateTime utc(java.time.Instant i) {
    return i.atOffset(ZoneOffset.UTC);
  }

  /** One round of catching up (every node runs it; claimed rows keep them from doing the same work). */
  public Future<Void> round() {
    return dispatchFunded()
        .compose(x -> expireUnpaid())
        .compose(x -> expirePaused())
        .compose(x -> handleLostHosts())
        .compose(x -> handleLostGpus())
        .compose(x -> resend())
        .compose(x -> removeEnded());
  }

  /**
   * Paid bookings not dispatched yet: the dispatch that follows the funding commit is a message, and
   * a node that dies (or a dispatch that fails) right after that commit would otherwise leave the
   * booking paid, holding capacity and never started.
   */
  private Future<Void> dispatchFunded() {
    return store.eachLocked(new BookingStore.Query("SELECT id FROM bookings WHERE state = 'FUNDED' LIMIT " + BATCH), RECONCILING,
        (tx, b) -> b.state() == BookingState.FUNDED ? dispatcher.begin(tx, b) : Future.succeededFuture());
  }

  private Future<Void> expireUnpaid() {
    return store.eachLocked(query("SELECT id FROM bookings WHERE state = 'PENDING_PAYMENT' AND payment_deadline < $1 LIMIT " + BATCH), RECONCILING,
        (tx, b) -> b.state() == BookingState.PENDING_PAYMENT && b.paymentDeadline().isBefore(clock.instant())
            ? store.move(tx, b, BookingState.EXPIRED, null, "no payment arrived before the deadline").mapEmpty()
            : Future.succeededFuture());
  }

  private Future<Void> expirePaused() {
    return store.eachLocked(query("SELECT id FROM bookings WHERE state = 'PAUSED' AND paused_until < $1 LIMIT " + BATCH), RECONCILING,
        (tx, b) -> b.state() == BookingState.PAUSED
            ? store.move(tx, b, BookingState.EXPIRED, null, "paused for longer than the grace period without a top-up").mapEmpty()
            : Future.succeededFuture());
  }

  /** Tasks whose host has been offline for longer than the grace period. */
  private Future<Void> handleLostHosts() {
    return store.eachLocked(query("""
            SELECT DISTINCT t.booking_id FROM booking_tasks t JOIN hosts h ON h.id = t.host_id
             WHERE t.current AND t.state NOT IN ('EXITED', 'FAILED') AND NOT h.online
               AND h.last_seen < $1::timestamptz - make_interval(secs => %d) LIMIT %d""".formatted(settings.hostLossGrace().toSeconds(), BATCH)), RECONCILING,
        (tx, b) -> lostTasks(tx, b.id()).compose(lost -> {
          Future<BookingRow> chain = Future.succeededFuture(b);
          for (TaskRow t : lost) chain = chain.compose(current -> onHostLost(tx, current, t));
          return chain.mapEmpty();
        }));
  }

  private Future<List<TaskRow>> lostTasks(SqlConnection tx, String bookingId) {
    return tx.preparedQuery("""
            SELECT t.* FROM booking_tasks t JOIN hosts h ON h.id = t.host_id
             WHERE t.booking_id = $1 AND t.current AND t.state NOT IN ('EXITED', 'FAILED') AND NOT h.online
               AND h.last_seen < $3::timestamptz - make_interval(secs => $2) ORDER BY t.replica, t.part""")
        .execute(Tuple.of(bookingId, settings.hostLossGrace().toSeconds(), utc(clock.instant())))
        .map(rows -> {
          List<TaskRow> out = new ArrayList<>();
          for (Row r : rows) out.add(BookingStore.task(r));
          return out;
        });
  }

  private Future<BookingRow> onHostLost(SqlConnection tx, BookingRow b, TaskRow t) {
    return onLost(tx, b, t, "host " + t.hostId() + " went offline", true);
  }

  /**
   * A lost host's task, or one whose GPU failed: moved (per the booking's {@code onHostLoss}) or
   * failed. A task that lost a GPU may move to the same host, if it still has a healthy one free.
   */
  private Future<BookingRow> onLost(SqlConnection tx, BookingRow b, TaskRow t, String what, boolean otherHost) {
    boolean movable = !"fail".equals(b.request().onHostLoss()) && !b.state().isFinal() && b.state() != BookingState.STOPPING;
    return (movable ? store.escrowed(tx, b.id()) : Future.succeededFuture(false)).compose(escrowed -> {
      // an escrow pays only the hosts its deposits name: a booking paid that way cannot move to another host
      String why = what + (escrowed ? " (an escrow-paid booking is not moved to another host)" : "");
      return movable && !escrowed ? reschedule(tx, b, t, why, otherHost) : giveUp(tx, b, t, why);
    });
  }

  /** A live task holding a GPU its online host no longer lists (its inventory left it out: vanished, or its queries fail). */
  private static final String GPU_LOST = """
      t.current AND t.gpu_ids IS NOT NULL AND t.state NOT IN ('EXITED', 'FAILED') AND h.online
        AND NOT t.gpu_ids <@ ARRAY(SELECT g->>'uuid' FROM jsonb_array_elements(h.info->'inventory'->'gpus') g)""";

  /**
   * Tasks holding a GPU their host reported lost are handled like a lost host's tasks (rescheduled
   * or failed); the worker stops and removes them once replaced or failed.
   */
  private Future<Void> handleLostGpus() {
    return store.eachLocked(new BookingStore.Query(
            "SELECT DISTINCT t.booking_id FROM booking_tasks t JOIN hosts h ON h.id = t.host_id WHERE " + GPU_LOST + " LIMIT " + BATCH,
            Tuple.tuple()), RECONCILING,
        (tx, b) -> tx.preparedQuery("SELECT t.*, ARRAY(SELECT unnest(t.gpu_ids) EXCEPT SELECT g->>'uuid'"
                + " FROM jsonb_array_elements(h.info->'inventory'->'gpus') g) AS lost_gpus"
                + " FROM booking_tasks t JOIN hosts h ON h.id = t.host_id WHERE t.booking_id = $1 AND " + GPU_LOST + " ORDER BY t.replica, t.part")
            .execute(Tuple.of(b.id()))
            .compose(rows -> {
              Future<BookingRow> chain = Future.succeededFuture(b);
              for (Row r : rows) {
                TaskRow t = BookingStore.task(r);
                String what = "GPU " + String.join(", ", r.getArrayOfStrings("lost_gpus")) + " of host " + t.hostId() + " failed";
                chain = chain.compose(current -> onLost(tx, current, t, what, false));
              }
              return chain.mapEmpty();
            }));
  }

  private Future<BookingRow> giveUp(SqlConnection tx, BookingRow b, TaskRow t, String why) {
    return store.updateTask(tx, b, t, BookedTaskState.FAILED, null, why, Map.of(), null, clock.instant()).compose(x -> {
        if (b.state().isActive() || b.state() == BookingState.STOPPING) return dispatcher.followTasks(tx, b).compose(y -> store.lockBooking(tx, b.id()));
        if (b.state().isFinal()) return Future.succeededFuture(b);
        return store.move(tx, b, BookingState.FAILED, null, why + " before the booking started");
      });
  }

  /** Moves a lost task to another host, or fails the booking saying why none could take it. */
  private Future<BookingRow> reschedule(SqlConnection tx, BookingRow b, TaskRow t, String why, boolean otherHost) {
    Bookings.CreateRequest r = b.request();
    long left = b.endsAt() == null ? b.durationSeconds() : Math.max(1, Duration.between(clock.instant(), b.endsAt()).toSeconds());
    Demand demand;
    try {
      demand = new Demand(t.cpuMillis(), t.memoryMb(), t.storageGb(), t.gpus(), t.gpuModel(), r.arch(), r.region(), null, r.minUptime(), null,
          r.image() == null ? "process" : "docker", 1, false, Duration.ofSeconds(left));
    } catch (IllegalArgumentException e) {
      return failInstead(tx, b, t, why + "; the task cannot be placed again: " + e.getMessage());
    }
    Long cap = r.maxPricePerHour();
    return hosts.offers(b.currency())
        .compose(offers -> vertx.executeBlocking(() -> matcher.quote(demand.withMaxPricePerHour(cap),
            offers.stream().filter(o -> !otherHost || !o.hostId().equals(t.hostId())).toList(), QuoteService.strategy(r.strategy()), 3), false))
        .compose(q -> {
          if (q.plans().isEmpty()) {
            String refusal = q.refusal() == null ? "no host can take it" : q.refusal().message();
            return failInstead(tx, b, t, why + " and no other host can take task " + t.taskId() + ": " + refusal);
          }
          return PgReservations.release(tx, b.id(), t.hostId(), t.capacity())
              .compose(x -> store.retire(tx, t, why))
              .compose(x -> placeFirst(tx, b, q.plans(), 0))
              .compose(p -> {
                if (p == null) return failInstead(tx, b, t, why + " and the hosts that could take task " + t.taskId() + " filled up");
                TaskRow next = TaskRow.pending(Dispatcher.taskId(b.id(), t.replica(), t.part(), t.attempt() + 1), b.id(), p.hostId(), t.replica(),
                    t.part(), t.attempt() + 1, p.cpuMillis(), p.memoryMb(), p.storageGb(), p.gpus(), p.gpuModel(), p.pricePerHour());
                String moved = why + "; task " + t.taskId() + " rescheduled on host " + p.hostId() + " as " + next.taskId();
                return store.insertTasks(tx, List.of(next))
                    .compose(x -> repriceFromTasks(tx, b))
                    .compose(x -> b.state() == BookingState.RUNNING
                        ? store.move(tx, b, BookingState.STARTING, null, moved) : store.note(tx, b, "booking.rescheduled", moved).map(b))
                    .compose(after -> {
                      if (after.state().isActive()) {
                        return store.markSent(tx, List.of(next)).map(x -> {
                          BookingStore.afterCommit(tx, () -> dispatcher.sendStart(r, next));
                          return after;
                        });
                      }
                      return Future.succeededFuture(after);
                    });
              });
        });
  }

  /** The first alternative whose (single) placement can still be reserved, or null. */
  private Future<Placement> placeFirst(SqlConnection tx, BookingRow b, List<Plan> plans, int i) {
    if (i >= plans.size()) return Future.succeededFuture(null);
    Placement p = plans.get(i).placements().get(0);
    return PgReservations.reserve(tx, b.id(), List.of(p)).map(p)
        .recover(err -> err instanceof PgReservations.Conflict ? placeFirst(tx, b, plans, i + 1) : Future.failedFuture(err));
  }

  private Future<BookingRow> failInstead(SqlConnection tx, BookingRow b, TaskRow t, String reason) {
    return store.updateTask(tx, b, t, BookedTaskState.FAILED, null, reason, Map.of(), null, clock.instant()).compose(x -> {
      if (b.state().isActive()) return dispatcher.windDown(tx, b, BookingState.FAILED, reason);
      return store.move(tx, b, BookingState.FAILED, null, reason);
    });
  }

  /** The booking's price and cost follow its current tasks (after a reschedule). */
  private Future<BookingRow> repriceFromTasks(SqlConnection tx, BookingRow b) {
    return store.tasks(tx, b.id(), true).compose(tasks -> {
      List<Placement> parts = tasks.stream().map(t -> new Placement(t.hostId(), t.replica(), t.cpuMillis(), t.memoryMb(), t.storageGb(),
          t.gpus(), t.gpuModel(), t.pricePerHour())).toList();
      Plan plan = Plan.of(parts, b.durationSeconds());
      return store.reprice(tx, b.id(), plan.pricePerHour(), b.durationSeconds(), BookingService.depositAfterRepricing(b, plan),
          b.cpuMillis(), b.memoryMb(), b.gpus(), b.request());
    });
  }

  /**
   * Starts no host answered, and stops not yet confirmed: sent again (both are idempotent on the worker). Only the
   * live tasks are read ({@code booking_tasks_live}), each booking's state looked up by its key: a join with the
   * bookings table let the planner read all of it in key order.
   */
  private Future<Void> resend() {
    long after = settings.resendAfter().toSeconds();
    return store.pool().withTransaction(tx -> tx.preparedQuery("""
            UPDATE booking_tasks SET sent_at = now() WHERE task_id IN (
              SELECT t.task_id FROM booking_tasks t JOIN hosts h ON h.id = t.host_id
               WHERE t.state NOT IN ('EXITED', 'FAILED') AND h.online AND (t.sent_at IS NULL OR t.sent_at < $2::timestamptz - make_interval(secs => $1))
                 AND (NOT t.current OR CASE (SELECT b.state FROM bookings b WHERE b.id = t.booking_id)
                        WHEN 'STARTING' THEN t.state = 'PENDING' WHEN 'RUNNING' THEN t.state = 'PENDING'
                        WHEN 'STOPPING' THEN true WHEN 'STOPPED' THEN true WHEN 'FAILED' THEN true WHEN 'EXPIRED' THEN true WHEN 'SETTLED' THEN true
                        ELSE false END)
               LIMIT %d FOR UPDATE OF t SKIP LOCKED)
            RETURNING *, (SELECT state FROM bookings WHERE id = booking_id) AS booking_state,
                         (SELECT request::text FROM bookings WHERE id = booking_id) AS booking_request""".formatted(BATCH))
        .execute(Tuple.of(after, utc(clock.instant())))
        .map(rows -> {
          for (Row r : rows) {
            TaskRow t = BookingStore.task(r);
            boolean start = t.current() && t.state() == BookedTaskState.PENDING && BookingState.valueOf(r.getString("booking_state")).isActive();
            boolean resume = start && r.getInteger("resumes") > 0;
            BookingStore.afterCommit(tx, () -> {
              if (resume) dispatcher.sendResume(t);
              else if (start) dispatcher.sendStart(Json.decode(r.getString("booking_request"), Bookings.CreateRequest.class), t);
              else dispatcher.sendStop(t);
            });
          }
          return null;
        }));
  }

  /**
   * Ended tasks that no longer serve a booking (it ended, or a later attempt replaced them) are
   * removed from their hosts with what they kept; one a returning host still runs (it was given up
   * for lost) is stopped first. Nothing is removed while its booking may still resume it, and nothing
   * is asked of a host about a task never sent to it (one that ended with its unpaid booking).
   */
  private Future<Void> removeEnded() {
    long after = settings.resendAfter().toSeconds();
    return store.pool().withTransaction(tx -> tx.preparedQuery("""
            UPDATE booking_tasks SET sent_at = now() WHERE task_id IN (
              SELECT t.task_id FROM booking_tasks t JOIN bookings b ON b.id = t.booking_id JOIN hosts h ON h.id = t.host_id
               WHERE t.removed_at IS NULL AND t.state IN ('EXITED', 'FAILED') AND t.sent_at IS NOT NULL AND h.online
                 AND (NOT t.current OR b.state IN ('STOPPED', 'FAILED', 'EXPIRED', 'SETTLED'))
                 AND t.sent_at < $2::timestamptz - make_interval(secs => $1)
               LIMIT %d FOR UPDATE OF t SKIP LOCKED)
            RETURNING *""".formatted(BATCH))
        .execute(Tuple.of(after, utc(clock.instant())))
        .map(rows -> {
          for (Row r : rows) {
            TaskRow t = BookingStore.task(r);
            BookingStore.afterCommit(tx, () -> dispatcher.sendRemove(t));
          }
          return null;
        }));
  }
}

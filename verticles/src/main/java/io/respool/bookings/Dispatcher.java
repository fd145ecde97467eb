package io.respool.bookings;

import io.respool.bookings.BookingStore.BookingRow;
import io.respool.bookings.BookingStore.TaskRow;
import io.respool.hosts.HostCommands;
import io.respool.hosts.HostRegistry;
import io.respool.infra.PeriodicRound;
import io.respool.matching.Demand;
import io.respool.matching.Matcher;
import io.respool.matching.Placement;
import io.respool.matching.Plan;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.api.Bookings;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.task.TaskSpec;
import io.respool.protocol.task.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves bookings' tasks to and from the hosts: sends task.start / task.stop over the control
 * channel (from whichever node to whichever node holds the host), applies the hosts' status
 * reports, and — on every node, every {@code reconcileInterval} — catches up on what a message
 * alone cannot guarantee: payment deadlines, paused bookings never topped up, starts and stops that got
 * no answer, and hosts gone for longer than the grace period (rescheduled or failed, per the
 * booking's policy). Rows are claimed with {@code SKIP LOCKED}, so nodes share the work.
 */
public final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  private static final int BATCH = 100;
  private static final Set<String> FINAL = Set.of("EXITED", "FAILED");

  private final Vertx vertx;
  private final BookingStore store;
  private final HostRegistry hosts;
  private final HostCommands commands;
  private final Matcher matcher;
  private final BookingSettings settings;

  public Dispatcher(Vertx vertx, BookingStore store, HostRegistry hosts, HostCommands commands, Matcher matcher, BookingSettings settings) {
    this.vertx = vertx;
    this.store = store;
    this.hosts = hosts;
    this.commands = commands;
    this.matcher = matcher;
    this.settings = settings;
  }

  /** Reconciles every {@code reconcileInterval} until the returned round is closed. */
  public PeriodicRound startReconciling() {
    return PeriodicRound.start(vertx, "reconciling bookings", settings.reconcileInterval(), this::reconcile);
  }

  // --- starting and stopping --------------------------------------------------------------

  /** A funded booking: STARTING, and its tasks go to their hosts. */
  public Future<Void> begin(String bookingId) {
    return store.pool().withTransaction(tx -> store.lockBooking(tx, bookingId).compose(b -> {
      if (b.state() != BookingState.FUNDED) return Future.succeededFuture();
      return store.tasks(tx, b.id(), true).compose(tasks -> store.move(tx, b, BookingState.STARTING, null,
              "dispatching " + tasks.size() + (tasks.size() == 1 ? " task" : " tasks"))
          .compose(started -> store.markSent(tx, tasks).map(x -> {
            afterCommit(tx, () -> tasks.forEach(t -> sendStart(started.request(), t)));
            return null;
          })));
    }));
  }

  void sendStart(Bookings.CreateRequest request, TaskRow t) {
    commands.send(t.hostId(), new HostFrame.TaskStart(null, spec(request, t)), settings.startTimeout())
        .onSuccess(answer -> {
          if (answer.frame() instanceof HostFrame.TaskUpdate u) onReport(t.hostId(), u.status());
        })
        .onFailure(err -> {
          if (permanent(err)) {
            fail(t, "the host refused the task: " + err.getMessage());
          } else {
            LOG.info("start of task {} on host {} not confirmed ({}); retried by the reconciler", t.taskId(), t.hostId(), err.getMessage());
          }
        });
  }

  /** The same task runs again, with its data (a paused booking topped up). */
  void sendResume(TaskRow t) {
    commands.send(t.hostId(), new HostFrame.TaskResume(null, t.taskId()), settings.startTimeout())
        .onSuccess(answer -> {
          if (answer.frame() instanceof HostFrame.TaskUpdate u) onReport(t.hostId(), u.status());
        })
        .onFailure(err -> {
          if (permanent(err) || err instanceof ReplyException re && re.failureCode() == ErrorCode.NOT_FOUND.status()) {
            fail(t, "the host could not resume the task: " + err.getMessage());
          } else {
            LOG.info("resume of task {} on host {} not confirmed ({}); retried by the reconciler", t.taskId(), t.hostId(), err.getMessage());
          }
        });
  }

  void sendStop(TaskRow t) {
    commands.send(t.hostId(), new HostFrame.TaskStop(null, t.taskId(), settings.stopGrace().toMillis()),
            settings.stopGrace().plus(settings.startTimeout()))
        .onSuccess(answer -> {
          if (answer.frame() instanceof HostFrame.TaskUpdate u) onReport(t.hostId(), u.status());
        })
        .onFailure(err -> {
          if (err instanceof ReplyException re && re.failureCode() == ErrorCode.NOT_FOUND.status()) {
            fail(t, "the host has no such task");
          } else {
            LOG.info("stop of task {} on host {} not confirmed ({}); retried by the reconciler", t.taskId(), t.hostId(), err.getMessage());
          }
        });
  }

  /** Stops a task, then (whatever the answer) starts its replacement: a resize on the same host. */
  void replace(Bookings.CreateRequest request, TaskRow old, TaskRow next) {
    commands.send(old.hostId(), new HostFrame.TaskStop(null, old.taskId(), settings.stopGrace().toMillis()),
            settings.stopGrace().plus(settings.startTimeout()))
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result().frame() instanceof HostFrame.TaskUpdate u) onReport(old.hostId(), u.status());
          sendStart(request, next);
        });
  }

  private static boolean permanent(Throwable err) {
    return err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && (re.failureCode() == ErrorCode.INVALID_REQUEST.status() || re.failureCode() == ErrorCode.CONFLICT.status());
  }

  private void fail(TaskRow t, String reason) {
    Instant now = Instant.now();
    apply(t.hostId(), t.taskId(), false, "FAILED", null, reason, Map.of(), null, now)
        .onFailure(e -> LOG.warn("cannot record the failure of task {}: {}", t.taskId(), e.toString()));
  }

  static TaskSpec spec(Bookings.CreateRequest r, TaskRow t) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("respool.booking", t.bookingId());
    labels.put("respool.replica", Integer.toString(t.replica()));
    return new TaskSpec(t.taskId(), t.bookingId(), r.image(), r.command(), r.env(), r.ports(), t.cpuMillis(), t.memoryMb(),
        t.storageGb(), t.gpus(), t.gpuModel(), labels);
  }

  // --- reports ------------------------------------------------------------------------------

  /**
   * A host's report on a task (its own, or the answer to a request). Committed before the
   * gateway acks it, so a report is never lost; reports on tasks that are not bookings' are
   * ignored.
   */
  public Future<Void> onReport(String hostId, TaskStatus s) {
    String reason = s.reason() != null ? s.reason() : s.oomKilled() ? "killed: out of memory" : null;
    return apply(hostId, s.taskId(), true, s.state().name(), s.exitCode(), reason, s.ports(), s.startedAt(), s.finishedAt());
  }

  /** {@code fromHost}: a host's report (else the gateway's own conclusion, e.g. the host refused the task). */
  private Future<Void> apply(String hostId, String taskId, boolean fromHost, String state, Integer exitCode, String reason,
      Map<Integer, Integer> ports, Instant startedAt, Instant finishedAt) {
    return store.pool().withTransaction(tx -> store.task(tx, taskId).compose(t -> {
      if (t == null || !t.hostId().equals(hostId)) return Future.succeededFuture();
      return store.lockBooking(tx, t.bookingId())
          .compose(b -> store.task(tx, taskId).compose(fresh -> fromHost && fresh.staleEnd(state) ? Future.<Void>succeededFuture()
              : applyLocked(tx, b, fresh, state, exitCode, reason, ports, startedAt, finishedAt)));
    }));
  }

  private Future<Void> applyLocked(SqlConnection tx, BookingRow b, TaskRow t, String state, Integer exitCode, String reason,
      Map<Integer, Integer> ports, Instant startedAt, Instant finishedAt) {
    if (t.ended() || rank(state) <= rank(t.state())) return Future.succeededFuture(); // stale or repeated
    return store.updateTask(tx, b, t, state, exitCode, reason, ports, startedAt, finishedAt).compose(changed -> {
      boolean ended = FINAL.contains(state);
      if (!changed) return Future.succeededFuture();
      if (!t.current() || b.state().isFinal()) {
        if (!ended) afterCommit(tx, () -> sendStop(t)); // replaced, or the booking is over: it must not run
        return Future.succeededFuture();
      }
      return settle(tx, b);
    });
  }

  /** Applies what the booking's current tasks mean for it (locked by the caller). */
  private Future<Void> settle(SqlConnection tx, BookingRow b) {
    return store.tasks(tx, b.id(), true).compose(tasks -> {
      var step = BookingLifecycle.afterTasks(b.state(), b.ending(), b.reason(), tasks.stream().map(TaskRow::life).toList());
      if (step.isEmpty()) return Future.succeededFuture();
      var s = step.get();
      return store.move(tx, b, s.to(), s.ending(), s.reason())
          .compose(moved -> s.stopOthers() ? stopAfterCommit(tx, tasks) : Future.<Void>succeededFuture());
    });
  }

  private static int rank(String state) {
    return switch (state) {
      case "PENDING" -> 0;
      case "STARTING" -> 1;
      case "RUNNING" -> 2;
      default -> 3;
    };
  }

  /** Moves a locked booking to STOPPING (or straight to its end when nothing runs) and stops its tasks. */
  Future<BookingRow> windDown(SqlConnection tx, BookingRow b, BookingState ending, String reason) {
    if (!b.state().isActive()) return store.move(tx, b, ending, null, reason);
    return store.tasks(tx, b.id(), true).compose(tasks -> {
      if (tasks.stream().allMatch(TaskRow::ended)) return store.move(tx, b, ending, null, reason);
      return store.move(tx, b, BookingState.STOPPING, ending, reason).compose(moved -> stopAfterCommit(tx, tasks).map(moved));
    });
  }

  Future<Void> stopAfterCommit(SqlConnection tx, List<TaskRow> tasks) {
    List<TaskRow> live = tasks.stream().filter(t -> !t.ended()).toList();
    return store.markSent(tx, live).map(x -> {
      afterCommit(tx, () -> live.forEach(this::sendStop));
      return null;
    });
  }

  static void afterCommit(SqlConnection tx, Runnable action) {
    tx.transaction().completion().onSuccess(v -> action.run());
  }

  // --- reconciling --------------------------------------------------------------------------

  /** One round of catching up (every node runs it; claimed rows keep them from doing the same work). */
  public Future<Void> reconcile() {
    return expireUnpaid()
        .compose(x -> expirePaused())
        .compose(x -> handleLostHosts())
        .compose(x -> resend())
        .compose(x -> removeEnded());
  }

  private Future<Void> expireUnpaid() {
    return eachBooking("SELECT id FROM bookings WHERE state = 'PENDING_PAYMENT' AND payment_deadline < now() LIMIT " + BATCH,
        (tx, b) -> b.state() == BookingState.PENDING_PAYMENT && b.paymentDeadline().isBefore(Instant.now())
            ? store.move(tx, b, BookingState.EXPIRED, null, "no payment arrived before the deadline").mapEmpty()
            : Future.succeededFuture());
  }

  private Future<Void> expirePaused() {
    return eachBooking("SELECT id FROM bookings WHERE state = 'PAUSED' AND paused_until < now() LIMIT " + BATCH,
        (tx, b) -> b.state() == BookingState.PAUSED
            ? store.move(tx, b, BookingState.EXPIRED, null, "paused for longer than the grace period without a top-up").mapEmpty()
            : Future.succeededFuture());
  }

  /** Tasks whose host has been offline for longer than the grace period. */
  private Future<Void> handleLostHosts() {
    return eachBooking("""
            SELECT DISTINCT t.booking_id FROM booking_tasks t JOIN hosts h ON h.id = t.host_id
             WHERE t.current AND t.state NOT IN ('EXITED', 'FAILED') AND NOT h.online
               AND h.last_seen < now() - make_interval(secs => %d) LIMIT %d""".formatted(settings.hostLossGrace().toSeconds(), BATCH),
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
               AND h.last_seen < now() - make_interval(secs => $2) ORDER BY t.replica, t.part""")
        .execute(Tuple.of(bookingId, settings.hostLossGrace().toSeconds()))
        .map(rows -> {
          List<TaskRow> out = new ArrayList<>();
          for (Row r : rows) out.add(BookingStore.task(r));
          return out;
        });
  }

  private Future<BookingRow> onHostLost(SqlConnection tx, BookingRow b, TaskRow t) {
    boolean movable = !"fail".equals(b.request().onHostLoss()) && !b.state().isFinal() && b.state() != BookingState.STOPPING;
    return (movable ? store.escrowed(tx, b.id()) : Future.succeededFuture(false)).compose(escrowed -> {
      // an escrow pays only the hosts its deposits name: a booking paid that way cannot move to another host
      String why = "host " + t.hostId() + " went offline" + (escrowed ? " (an escrow-paid booking is not moved to another host)" : "");
      return movable && !escrowed ? reschedule(tx, b, t, why) : giveUp(tx, b, t, why);
    });
  }

  private Future<BookingRow> giveUp(SqlConnection tx, BookingRow b, TaskRow t, String why) {
    {
      return store.updateTask(tx, b, t, "FAILED", null, why, Map.of(), null, Instant.now()).compose(x -> {
        if (b.state().isActive() || b.state() == BookingState.STOPPING) return settle(tx, b).compose(y -> store.lockBooking(tx, b.id()));
        if (b.state().isFinal()) return Future.succeededFuture(b);
        return store.move(tx, b, BookingState.FAILED, null, why + " before the booking started");
      });
    }
  }

  /** Moves a lost task to another host, or fails the booking saying why none could take it. */
  private Future<BookingRow> reschedule(SqlConnection tx, BookingRow b, TaskRow t, String why) {
    Bookings.CreateRequest r = b.request();
    long left = b.endsAt() == null ? b.durationSeconds() : Math.max(1, Duration.between(Instant.now(), b.endsAt()).toSeconds());
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
            offers.stream().filter(o -> !o.hostId().equals(t.hostId())).toList(), QuoteService.strategy(r.strategy()), 3), false))
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
                TaskRow next = TaskRow.pending(taskId(b.id(), t.replica(), t.part(), t.attempt() + 1), b.id(), p.hostId(), t.replica(),
                    t.part(), t.attempt() + 1, p.cpuMillis(), p.memoryMb(), p.storageGb(), p.gpus(), p.gpuModel(), p.pricePerHour());
                String moved = why + "; task " + t.taskId() + " rescheduled on host " + p.hostId() + " as " + next.taskId();
                return store.insertTasks(tx, List.of(next))
                    .compose(x -> repriceFromTasks(tx, b))
                    .compose(x -> b.state() == BookingState.RUNNING
                        ? store.move(tx, b, BookingState.STARTING, null, moved) : store.note(tx, b, "booking.rescheduled", moved).map(b))
                    .compose(after -> {
                      if (after.state().isActive()) {
                        return store.markSent(tx, List.of(next)).map(x -> {
                          afterCommit(tx, () -> sendStart(r, next));
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
    return store.updateTask(tx, b, t, "FAILED", null, reason, Map.of(), null, Instant.now()).compose(x -> {
      if (b.state().isActive()) return windDown(tx, b, BookingState.FAILED, reason);
      return store.move(tx, b, BookingState.FAILED, null, reason);
    });
  }

  /** The booking's price and cost follow its current tasks (after a reschedule or resize). */
  Future<BookingRow> repriceFromTasks(SqlConnection tx, BookingRow b) {
    return store.tasks(tx, b.id(), true).compose(tasks -> {
      List<Placement> parts = tasks.stream().map(t -> new Placement(t.hostId(), t.replica(), t.cpuMillis(), t.memoryMb(), t.storageGb(),
          t.gpus(), t.gpuModel(), t.pricePerHour())).toList();
      Plan plan = Plan.of(parts, b.durationSeconds());
      return store.reprice(tx, b.id(), plan.pricePerHour(), b.durationSeconds(), BookingService.depositAfterRepricing(b, plan),
          b.cpuMillis(), b.memoryMb(), b.gpus(), b.request());
    });
  }

  /** Starts no host answered, and stops not yet confirmed: sent again (both are idempotent on the worker). */
  private Future<Void> resend() {
    long after = settings.resendAfter().toSeconds();
    return store.pool().withTransaction(tx -> tx.preparedQuery("""
            UPDATE booking_tasks SET sent_at = now() WHERE task_id IN (
              SELECT t.task_id FROM booking_tasks t JOIN bookings b ON b.id = t.booking_id JOIN hosts h ON h.id = t.host_id
               WHERE t.state NOT IN ('EXITED', 'FAILED') AND h.online AND (t.sent_at IS NULL OR t.sent_at < now() - make_interval(secs => $1))
                 AND ((t.current AND t.state = 'PENDING' AND b.state IN ('STARTING', 'RUNNING'))
                   OR (t.current AND b.state = 'STOPPING') OR NOT t.current OR b.state IN ('STOPPED', 'FAILED', 'EXPIRED', 'SETTLED'))
               LIMIT %d FOR UPDATE OF t SKIP LOCKED)
            RETURNING *, (SELECT state FROM bookings WHERE id = booking_id) AS booking_state,
                         (SELECT request::text FROM bookings WHERE id = booking_id) AS booking_request""".formatted(BATCH))
        .execute(Tuple.of(after))
        .map(rows -> {
          for (Row r : rows) {
            TaskRow t = BookingStore.task(r);
            boolean start = t.current() && "PENDING".equals(t.state()) && BookingState.valueOf(r.getString("booking_state")).isActive();
            boolean resume = start && r.getInteger("resumes") > 0;
            afterCommit(tx, () -> {
              if (resume) sendResume(t);
              else if (start) sendStart(io.respool.protocol.Json.decode(r.getString("booking_request"), Bookings.CreateRequest.class), t);
              else sendStop(t);
            });
          }
          return null;
        }));
  }

  /**
   * Ended tasks that no longer serve a booking (it ended, or a later attempt replaced them) are
   * removed from their hosts with what they kept; one a returning host still runs (it was given up
   * for lost) is stopped first. Nothing is removed while its booking may still resume it.
   */
  private Future<Void> removeEnded() {
    long after = settings.resendAfter().toSeconds();
    return store.pool().withTransaction(tx -> tx.preparedQuery("""
            UPDATE booking_tasks SET sent_at = now() WHERE task_id IN (
              SELECT t.task_id FROM booking_tasks t JOIN bookings b ON b.id = t.booking_id JOIN hosts h ON h.id = t.host_id
               WHERE t.removed_at IS NULL AND t.state IN ('EXITED', 'FAILED') AND h.online
                 AND (NOT t.current OR b.state IN ('STOPPED', 'FAILED', 'EXPIRED', 'SETTLED'))
                 AND (t.sent_at IS NULL OR t.sent_at < now() - make_interval(secs => $1))
               LIMIT %d FOR UPDATE OF t SKIP LOCKED)
            RETURNING *""".formatted(BATCH))
        .execute(Tuple.of(after))
        .map(rows -> {
          for (Row r : rows) {
            TaskRow t = BookingStore.task(r);
            afterCommit(tx, () -> sendRemove(t));
          }
          return null;
        }));
  }

  void sendRemove(TaskRow t) {
    commands.send(t.hostId(), new HostFrame.TaskRemove(null, t.taskId()), settings.startTimeout())
        .compose(answer -> markRemoved(t))
        .recover(err -> {
          if (err instanceof ReplyException re && re.failureCode() == ErrorCode.NOT_FOUND.status()) return markRemoved(t);
          if (err instanceof ReplyException re && re.failureCode() == ErrorCode.CONFLICT.status()) {
            LOG.info("task {} still runs on host {} though it was given up; stopping it", t.taskId(), t.hostId());
            sendStop(t);
          }
          return Future.succeededFuture();
        });
  }

  private Future<Void> markRemoved(TaskRow t) {
    return store.pool().preparedQuery("UPDATE booking_tasks SET removed_at = now() WHERE task_id = $1").execute(Tuple.of(t.taskId())).mapEmpty();
  }

  interface BookingWork {
    Future<?> run(SqlConnection tx, BookingRow locked);
  }

  /** Runs {@code work} on each booking the query names, each in its own transaction, skipping those another node holds. */
  Future<Void> eachBooking(String query, BookingWork work) {
    return store.pool().query(query).execute().compose(rows -> {
      Future<Void> chain = Future.succeededFuture();
      for (Row r : rows) {
        String id = r.getString(0);
        chain = chain.compose(x -> store.pool().withTransaction(tx -> tx.preparedQuery("SELECT * FROM bookings WHERE id = $1 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(id))
                .compose(locked -> locked.size() == 0 ? Future.succeededFuture() : work.run(tx, BookingStore.booking(locked.iterator().next()))))
            .<Void>mapEmpty()
            .recover(err -> {
              LOG.warn("reconciling booking {} failed: {}", id, err.toString());
              return Future.succeededFuture();
            }));
      }
      return chain;
    });
  }

  static String taskId(String bookingId, int replica, int part, int attempt) {
    return bookingId + "-r" + replica + "p" + part + "a" + attempt;
  }
}

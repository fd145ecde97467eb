package io.respool.bookings;

import io.respool.lifecycle.BookingLifecycle;
import io.respool.lifecycle.BookedTaskState;
import io.respool.lifecycle.BookingState;
import io.respool.bookings.BookingStore.BookingRow;
import io.respool.bookings.BookingStore.TaskRow;
import io.respool.hosts.HostCommands;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.api.Bookings;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.task.TaskSpec;
import io.respool.protocol.task.TaskStatus;
import io.vertx.core.Future;
import java.time.Clock;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves bookings' tasks to and from the hosts: sends task.start / task.stop / task.resume /
 * task.remove over the control channel (from whichever node to whichever node holds the host) and
 * applies the hosts' status reports, each committed before it is acked. What a message alone
 * cannot guarantee (an unanswered start, a node dying after a commit) is the {@link Reconciler}'s.
 */
public final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final BookingStore store;
  private final HostCommands commands;
  private final BookingSettings settings;
  private final Clock clock;

  public Dispatcher(BookingStore store, HostCommands commands, BookingSettings settings, Clock clock) {
    this.store = store;
    this.commands = commands;
    this.settings = settings;
    this.clock = clock;
  }

  // --- starting and stopping --------------------------------------------------------------

  /** A funded booking: STARTING, and its tasks go to their hosts (nothing if it moved on meanwhile). */
  public Future<Void> begin(String bookingId) {
    return store.pool().withTransaction(tx -> store.lockBooking(tx, bookingId).compose(b -> begin(tx, b)));
  }

  /** {@link #begin(String)} on a booking the caller has locked. */
  Future<Void> begin(SqlConnection tx, BookingRow b) {
    if (b.state() != BookingState.FUNDED) return Future.succeededFuture();
    return store.tasks(tx, b.id(), true).compose(tasks -> store.move(tx, b, BookingState.STARTING, null,
            "dispatching " + tasks.size() + (tasks.size() == 1 ? " task" : " tasks"))
        .compose(started -> store.markSent(tx, tasks).map(x -> {
          BookingStore.afterCommit(tx, () -> {
            LOG.info("booking {}: {} sent to their hosts", b.id(), tasks.size() == 1 ? "1 task" : tasks.size() + " tasks");
            tasks.forEach(t -> sendStart(started.request(), t));
          });
          return null;
        })));
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

  /** A top-up of a paused booking: its tasks run again on their hosts, with their data. */
  Future<BookingRow> resume(SqlConnection tx, BookingRow b, String reason) {
    return store.tasks(tx, b.id(), true).compose(tasks -> {
      Future<Void> chain = store.resetWarnings(tx, b.id());
      for (BookingStore.TaskRow t : tasks) chain = chain.compose(x -> store.reopen(tx, t));
      return chain.compose(x -> store.move(tx, b, BookingState.STARTING, null, reason)).map(moved -> {
        BookingStore.afterCommit(tx, () -> tasks.forEach(this::sendResume));
        return moved;
      });
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
    apply(t.hostId(), t.taskId(), false, BookedTaskState.FAILED, null, reason, Map.of(), null, clock.instant())
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
    return apply(hostId, s.taskId(), true, BookedTaskState.of(s.state()), s.exitCode(), reason, s.ports(), s.startedAt(), s.finishedAt(),
        s.gpuIds());
  }

  /** {@code fromHost}: a host's report (else the gateway's own conclusion, e.g. the host refused the task). */
  private Future<Void> apply(String hostId, String taskId, boolean fromHost, BookedTaskState state, Integer exitCode, String reason,
      Map<Integer, Integer> ports, Instant startedAt, Instant finishedAt) {
    return apply(hostId, taskId, fromHost, state, exitCode, reason, ports, startedAt, finishedAt, null);
  }

  private Future<Void> apply(String hostId, String taskId, boolean fromHost, BookedTaskState state, Integer exitCode, String reason,
      Map<Integer, Integer> ports, Instant startedAt, Instant finishedAt, List<String> gpuIds) {
    return store.pool().withTransaction(tx -> store.task(tx, taskId).compose(t -> {
      if (t == null || !t.hostId().equals(hostId)) return Future.succeededFuture();
      return store.lockBooking(tx, t.bookingId())
          .compose(b -> store.task(tx, taskId).compose(fresh -> fromHost && fresh.staleEnd(state) ? Future.<Void>succeededFuture()
              : applyLocked(tx, b, fresh, state, exitCode, reason, ports, startedAt, finishedAt, gpuIds)));
    }));
  }

  private Future<Void> applyLocked(SqlConnection tx, BookingRow b, TaskRow t, BookedTaskState state, Integer exitCode, String reason,
      Map<Integer, Integer> ports, Instant startedAt, Instant finishedAt, List<String> gpuIds) {
    if (!t.state().advancesTo(state)) return Future.succeededFuture(); // stale or repeated
    return store.updateTask(tx, b, t, state, exitCode, reason, ports, startedAt, finishedAt, gpuIds).compose(changed -> {
      boolean ended = state.ended();
      if (!changed) return Future.succeededFuture();
      if (!t.current() || b.state().isFinal()) {
        if (!ended) BookingStore.afterCommit(tx, () -> sendStop(t)); // replaced, or the booking is over: it must not run
        return Future.succeededFuture();
      }
      return followTasks(tx, b);
    });
  }

  /** Applies what the booking's current tasks mean for it (locked by the caller). */
  Future<Void> followTasks(SqlConnection tx, BookingRow b) {
    return store.tasks(tx, b.id(), true).compose(tasks -> {
      var step = BookingLifecycle.afterTasks(b.state(), b.ending(), b.reason(), tasks.stream().map(TaskRow::life).toList());
      if (step.isEmpty()) return Future.succeededFuture();
      var s = step.get();
      return store.move(tx, b, s.to(), s.ending(), s.reason())
          .compose(moved -> s.stopOthers() ? stopAfterCommit(tx, tasks) : Future.<Void>succeededFuture());
    });
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
      BookingStore.afterCommit(tx, () -> live.forEach(this::sendStop));
      return null;
    });
  }



  /**
   * Removes an ended task from its host, after keeping its output: the renter reads it through
   * {@code GET /v1/bookings/{id}/logs} after the host has let go of the task. Output that cannot be
   * had now (no answer) leaves the task where it is for the next round; a host that no longer has
   * the task has nothing left to keep.
   */
  void sendRemove(TaskRow t) {
    commands.send(t.hostId(), new HostFrame.TaskLogs(null, t.taskId(), HostFrame.MAX_OUTPUT_BYTES), settings.startTimeout())
        .compose(answer -> answer.frame() instanceof HostFrame.TaskOutput o
            ? store.keepOutput(t.taskId(), o.stdout(), o.stderr(), o.truncated()).map(true)
            : Future.succeededFuture(true))
        .recover(err -> Future.succeededFuture(err instanceof ReplyException re && re.failureCode() == ErrorCode.NOT_FOUND.status()))
        .onSuccess(kept -> {
          if (kept) removeFromHost(t);
          else LOG.info("task {} stays on host {} until its output is kept", t.taskId(), t.hostId());
        });
  }

  private void removeFromHost(TaskRow t) {
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
    return store.markRemoved(t.taskId());
  }

  static String taskId(String bookingId, int replica, int part, int attempt) {
    return bookingId + "-r" + replica + "p" + part + "a" + attempt;
  }
}

package io.respool.bookings;

import io.respool.lifecycle.BookedTaskState;
import io.respool.lifecycle.BookingState;
import io.respool.bookings.BookingStore.BookingRow;
import io.respool.bookings.BookingStore.TaskRow;
import io.respool.hosts.HostCommands;
import io.respool.hosts.HostRegistry;
import io.respool.matching.Demand;
import io.respool.matching.HostOffer;
import io.respool.matching.Placement;
import io.respool.matching.Plan;
import io.respool.matching.Pricing;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Bookings;
import io.respool.protocol.api.Payments;
import io.respool.protocol.api.Page;
import io.respool.protocol.host.HostFrame;
import io.respool.teams.TeamService;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bookings API after placement (that is {@link PlacementService}'s): read, list, logs, payment
 * instructions, stop, extend, resize. Only the owner and the members of the booking's team see or
 * control a booking; anyone else gets 404.
 */
public final class BookingService {
  private static final long MAX_SECONDS = 366L * 24 * 3600;

  private final BookingStore store;
  private final Dispatcher dispatcher;
  private final HostRegistry hosts;
  private final HostCommands commands;
  private final TeamService teams;
  private final PaymentPort payments;

  public BookingService(BookingStore store, Dispatcher dispatcher, HostRegistry hosts, HostCommands commands, TeamService teams,
      PaymentPort payments) {
    this.store = store;
    this.dispatcher = dispatcher;
    this.hosts = hosts;
    this.commands = commands;
    this.teams = teams;
    this.payments = payments;
  }

  // --- payment ------------------------------------------------------------------------------

  /** What the renter signs to pay for the booking, and where each deposit stands. */
  public Future<Payments.Instructions> payment(String accountId, String id) {
    return readable(accountId, id).compose(b -> payments.instructions(store.pool(), b));
  }

  // --- read ---------------------------------------------------------------------------------

  public Future<Bookings.Booking> get(String accountId, String id) {
    return readable(accountId, id).compose(this::view);
  }

  /** The booking if the caller may see it (owner or team member); 404 otherwise. */
  public Future<BookingRow> readable(String accountId, String id) {
    return store.booking(store.pool(), id).compose(b -> visible(accountId, b));
  }

  /** The caller's bookings and their teams' (or one team's), newest first. */
  public Future<Page<Bookings.Booking>> list(String accountId, String teamId, String state, String after, int limit) {
    if (limit < 1 || limit > 200) throw RespoolException.invalid("limit must be between 1 and 200");
    if (state != null) {
      try {
        BookingState.valueOf(state);
      } catch (IllegalArgumentException e) {
        throw RespoolException.invalid("state must be one of " + java.util.Arrays.toString(BookingState.values()));
      }
    }
    return teams.teamsOf(accountId).compose(mine -> {
      if (teamId != null && !mine.contains(teamId)) return Future.failedFuture(RespoolException.notFound("no team " + teamId));
      String[] teamIds = teamId != null ? new String[] {teamId} : mine.toArray(String[]::new);
      String owner = teamId != null ? null : accountId;
      return store.list(owner, teamIds, state, after, limit + 1)
          .compose(found -> {
            boolean more = found.size() > limit;
            List<BookingRow> page = more ? found.subList(0, limit) : found;
            return store.views(page, false).map(items -> new Page<>(items, more ? page.get(page.size() - 1).id() : null));
          });
    });
  }

  /** Each current task's output, fetched from its host. */
  public Future<Bookings.Logs> logs(String accountId, String id, int maxBytes) {
    if (maxBytes < 1 || maxBytes > HostFrame.MAX_OUTPUT_BYTES) {
      throw RespoolException.invalid("maxBytes must be between 1 and " + HostFrame.MAX_OUTPUT_BYTES);
    }
    return readable(accountId, id).compose(b -> store.pool().withConnection(c -> store.tasks(c, b.id(), true)))
        .compose(tasks -> store.keptOutputs(id).map(kept -> Map.entry(tasks, kept)))
        .compose(found -> {
          List<TaskRow> tasks = found.getKey();
          Map<String, Bookings.TaskLogs> kept = found.getValue();
          List<Future<Bookings.TaskLogs>> each = new ArrayList<>();
          for (TaskRow t : tasks) {
            Bookings.TaskLogs keptLogs = kept.get(t.taskId());
            if (keptLogs != null) { // removed from its host (or about to be): what was kept
              each.add(Future.succeededFuture(tail(keptLogs, maxBytes)));
              continue;
            }
            if (t.state() == BookedTaskState.PENDING || t.sentAt() == null) { // a task never sent has nothing on its host
              String note = t.state() == BookedTaskState.PENDING ? "not started yet" : "never started";
              each.add(Future.succeededFuture(new Bookings.TaskLogs(t.taskId(), t.hostId(), "", "", false, note)));
              continue;
            }
            each.add(commands.send(t.hostId(), new HostFrame.TaskLogs(null, t.taskId(), maxBytes), Duration.ofSeconds(35))
                .map(a -> a.frame() instanceof HostFrame.TaskOutput o
                    ? new Bookings.TaskLogs(t.taskId(), t.hostId(), o.stdout(), o.stderr(), o.truncated(), null)
                    : new Bookings.TaskLogs(t.taskId(), t.hostId(), "", "", false, "unexpected answer from the host"))
                .otherwise(err -> new Bookings.TaskLogs(t.taskId(), t.hostId(), "", "", false, "host did not deliver the output: " + err.getMessage())));
          }
          return Future.all(each).map(x -> new Bookings.Logs(id, each.stream().map(Future::result).toList()));
        });
  }

  /** Kept output cut from the front, as a host cuts it: each stream at most {@code maxBytes / 2} bytes of UTF-8, whole characters. */
  static Bookings.TaskLogs tail(Bookings.TaskLogs kept, int maxBytes) {
    int each = maxBytes / 2;
    String out = lastBytes(kept.stdout(), each);
    String err = lastBytes(kept.stderr(), each);
    boolean cut = kept.truncated() || out.length() < kept.stdout().length() || err.length() < kept.stderr().length();
    return new Bookings.TaskLogs(kept.taskId(), kept.hostId(), out, err, cut, kept.error());
  }

  private static String lastBytes(String s, int max) {
    int bytes = 0;
    int from = s.length();
    while (from > 0) {
      int cp = s.codePointBefore(from);
      int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + size > max) break;
      bytes += size;
      from -= Character.charCount(cp);
    }
    return s.substring(from);
  }

  // --- control ------------------------------------------------------------------------------

  public Future<Bookings.Booking> stop(String accountId, String id) {
    return locked(accountId, id, (tx, b) -> switch (b.state()) {
      case PENDING_PAYMENT, FUNDED -> store.move(tx, b, BookingState.STOPPED, null, "stopped by the renter before it started");
      case PAUSED -> store.move(tx, b, BookingState.STOPPED, null, "stopped by the renter while paused");
      case STARTING, RUNNING -> dispatcher.windDown(tx, b, BookingState.STOPPED, "stopped by the renter");
      case STOPPING -> Future.succeededFuture(b);
      default -> Future.failedFuture(new RespoolException(ErrorCode.CONFLICT, "booking " + id + " already ended (" + b.state() + ")"));
    }).compose(this::view);
  }

  public Future<Bookings.Booking> extend(String accountId, String id, Bookings.ExtendRequest req) {
    if (req.seconds() == null || req.seconds() < 1 || req.seconds() > MAX_SECONDS) throw RespoolException.invalid("seconds must be between 1 and one year");
    return locked(accountId, id, (tx, b) -> {
      if (b.state().isFinal() || b.state() == BookingState.STOPPING) {
        return Future.failedFuture(new RespoolException(ErrorCode.CONFLICT, "booking " + id + " is " + b.state() + " and cannot be extended"));
      }
      long seconds = b.durationSeconds() + req.seconds();
      if (seconds > 2 * MAX_SECONDS) return Future.failedFuture(RespoolException.invalid("a booking lasts at most two years"));
      return store.escrowed(tx, b.id()).compose(escrowed -> store.tasks(tx, b.id(), true).compose(tasks -> hosts.offers(b.currency()).compose(offers -> {
        for (HostOffer o : offers) {
          boolean used = tasks.stream().anyMatch(t -> t.hostId().equals(o.hostId()));
          if (used && !o.prices().rentsFor(seconds)) {
            return Future.failedFuture(new RespoolException(ErrorCode.CONFLICT, "host " + o.hostId() + " rents for at most "
                + o.prices().maxSeconds() + " s; the booking would last " + seconds + " s"));
          }
        }
        Plan plan = Plan.of(placements(tasks), seconds);
        java.math.BigInteger extra = Plan.of(placements(tasks), req.seconds()).cost();
        if (escrowed && extra.signum() > 0) {
          // the deposits on chain grow first (the renter signs the top-ups); the booking follows once they have
          if (b.state() == BookingState.PENDING_PAYMENT) {
            return Future.failedFuture(new RespoolException(ErrorCode.CONFLICT, "booking " + id + " is not paid yet: pay it, then extend it"));
          }
          return payments.requestTopUp(tx, b, req.seconds(), extra).compose(x -> store.note(tx, b, "booking.extension-requested",
              "extension by " + req.seconds() + " s requested: top the deposits up by " + extra + " " + b.currency() + " (GET /v1/bookings/"
                  + id + "/payment)")).map(b);
        }
        // unpaid: the whole booking is priced again; paid: the top-up adds the extra time at today's prices
        java.math.BigInteger deposit = b.state() == BookingState.PENDING_PAYMENT ? plan.cost() : b.cost().add(extra);
        return store.reprice(tx, b.id(), plan.pricePerHour(), seconds, deposit, b.cpuMillis(), b.memoryMb(), b.gpus(), b.request())
            .compose(after -> {
              String what = "extended by " + req.seconds() + " s; deposit now " + deposit + " " + b.currency();
              return b.state() == BookingState.PAUSED ? dispatcher.resume(tx, after, "topped up: " + what + "; resuming")
                  : store.note(tx, after, "booking.extended", what).map(after);
            });
      })));
    }).compose(this::view);
  }

  /** 409 for a booking paid through an escrow, for a change its deposits cannot follow (they name their hosts and amounts; only their time grows, by a top-up). */
  private Future<Void> notEscrowed(SqlConnection tx, BookingRow b, String what) {
    return store.escrowed(tx, b.id()).compose(yes -> yes
        ? Future.failedFuture(new RespoolException(ErrorCode.CONFLICT, "booking " + b.id() + " is paid through an escrow whose deposits are fixed"
            + " and cannot be " + what + "; stop it and book again"))
        : Future.<Void>succeededFuture());
  }

  /**
   * New resources per replica on the same hosts: the quota and each host's room are checked
   * again and re-priced in one transaction; a refusal changes nothing. Running tasks are
   * restarted with the new limits.
   */
  public Future<Bookings.Booking> resize(String accountId, String id, Bookings.ResizeRequest req) {
    if (req.cpu() == null && req.memoryMb() == null && req.storageGb() == null) throw RespoolException.invalid("give cpu, memoryMb or storageGb");
    return locked(accountId, id, (tx, b) -> {
      if (!(b.state() == BookingState.PENDING_PAYMENT || b.state() == BookingState.FUNDED || b.state().isActive())) {
        return Future.failedFuture(new RespoolException(ErrorCode.CONFLICT, "booking " + id + " is " + b.state() + " and cannot be resized"));
      }
      Bookings.CreateRequest old = b.request();
      Bookings.CreateRequest next = new Bookings.CreateRequest(req.cpu() != null ? req.cpu() : old.cpu(),
          req.memoryMb() != null ? req.memoryMb() : old.memoryMb(), req.storageGb() != null ? req.storageGb() : old.storageGb(),
          old.gpus(), old.gpuModel(), old.arch(), old.region(), old.image(), old.command(), old.env(), old.ports(), old.currency(),
          old.maxPricePerHour(), old.replicas(), old.splittable(), old.durationSeconds(), old.strategy(), old.minUptime(), old.paymentChain(),
          old.teamId(), old.onHostLoss());
      Demand demand = QuoteService.demand(next.asQuote(1));
      PlacementService.validateWorkload(next, demand);
      return notEscrowed(tx, b, "resized").compose(y -> store.tasks(tx, b.id(), true)).compose(tasks -> {
        if (tasks.stream().anyMatch(t -> t.part() > 0)) {
          return Future.failedFuture(new RespoolException(ErrorCode.CONFLICT, "a booking split across hosts cannot be resized; book again"));
        }
        return hosts.offers(b.currency()).compose(offers -> resizeOn(tx, b, tasks, next, demand, offers));
      });
    }).compose(this::view);
  }

  private Future<BookingRow> resizeOn(SqlConnection tx, BookingRow b, List<TaskRow> tasks, Bookings.CreateRequest next, Demand d,
      List<HostOffer> offers) {
    Map<String, HostOffer> byId = new HashMap<>();
    for (HostOffer o : offers) byId.put(o.hostId(), o);
    List<TaskRow> replacements = new ArrayList<>();
    for (TaskRow t : tasks) {
      HostOffer host = byId.get(t.hostId());
      if (host == null) return Future.failedFuture(new RespoolException(ErrorCode.NO_CAPACITY, "host " + t.hostId() + " is offline; cannot resize now"));
      Long price = Pricing.pricePerHour(host.prices(), d.cpuMillis(), d.memoryMb(), d.storageGb(), t.gpus(), t.gpuModel());
      if (price == null) return Future.failedFuture(new RespoolException(ErrorCode.NO_CAPACITY, "host " + t.hostId() + " does not price this size"));
      if (d.maxPricePerHour() != null && price > d.maxPricePerHour()) {
        return Future.failedFuture(new RespoolException(ErrorCode.NO_CAPACITY,
            "the new size costs " + price + " per hour on host " + t.hostId() + ", above your cap of " + d.maxPricePerHour()));
      }
      replacements.add(TaskRow.pending(Dispatcher.taskId(b.id(), t.replica(), t.part(), t.attempt() + 1), b.id(), t.hostId(), t.replica(),
          t.part(), t.attempt() + 1, d.cpuMillis(), d.memoryMb(), d.storageGb(), t.gpus(), t.gpuModel(), price));
    }
    long cpu = d.cpuMillis() * tasks.size();
    long memory = d.memoryMb() * tasks.size();
    Future<Void> quota = b.teamId() == null ? Future.succeededFuture()
        : teams.give(tx, b.teamId(), b.cpuMillis(), b.memoryMb(), b.gpus()).compose(x -> teams.take(tx, b.teamId(), b.accountId(), cpu, memory, b.gpus()));
    Future<Void> chain = quota;
    for (TaskRow t : tasks) {
      chain = chain.compose(x -> PgReservations.release(tx, b.id(), t.hostId(), t.capacity())).mapEmpty();
    }
    chain = chain.compose(x -> PgReservations.reserve(tx, b.id(), placements(replacements)))
        .recover(err -> err instanceof PgReservations.Conflict c
            ? Future.failedFuture(new RespoolException(ErrorCode.NO_CAPACITY, "host " + c.hostId + " has no room for the new size"))
            : Future.failedFuture(err));
    boolean active = b.state().isActive();
    Plan plan = Plan.of(placements(replacements), b.durationSeconds());
    String what = "resized to " + d.cpuMillis() / 1000.0 + " cores, " + d.memoryMb() + " MiB, " + d.storageGb() + " GiB per replica; "
        + plan.pricePerHour() + " " + b.currency() + " per hour";
    return chain
        .compose(x -> {
          Future<Void> retire = Future.succeededFuture();
          for (TaskRow t : tasks) {
            retire = retire.compose(y -> store.retire(tx, t, active || t.state() != BookedTaskState.PENDING ? null : "replaced by a resize before it started"));
          }
          return retire;
        })
        .compose(x -> store.insertTasks(tx, replacements))
        .compose(x -> store.reprice(tx, b.id(), plan.pricePerHour(), b.durationSeconds(), depositAfterRepricing(b, plan), cpu, memory,
            b.gpus(), next))
        .compose(after -> b.state() == BookingState.RUNNING
            ? store.move(tx, after, BookingState.STARTING, null, what + "; restarting the tasks with the new limits")
            : store.note(tx, after, "booking.resized", what).map(after))
        .compose(after -> !active ? Future.succeededFuture(after) : store.markSent(tx, replacements).compose(x -> store.markSent(tx, tasks)).map(x -> {
          BookingStore.afterCommit(tx, () -> {
            for (int i = 0; i < tasks.size(); i++) dispatcher.replace(next, tasks.get(i), replacements.get(i));
          });
          return after;
        }));
  }

  /**
   * What the renter owes after a price change: an unpaid booking is priced again; a paid one keeps
   * its deposit (the new price only changes how fast it is used up).
   */
  static java.math.BigInteger depositAfterRepricing(BookingRow b, Plan plan) {
    return b.state() == BookingState.PENDING_PAYMENT ? plan.cost() : b.cost();
  }

  private static List<Placement> placements(List<TaskRow> tasks) {
    return tasks.stream().map(t -> new Placement(t.hostId(), t.replica(), t.cpuMillis(), t.memoryMb(), t.storageGb(), t.gpus(),
        t.gpuModel(), t.pricePerHour())).toList();
  }

  // --- access -------------------------------------------------------------------------------

  private interface LockedWork {
    Future<BookingRow> run(SqlConnection tx, BookingRow b);
  }

  /** Runs {@code work} on the booking locked in a transaction, if the caller may control it (else 404). */
  private Future<BookingRow> locked(String accountId, String id, LockedWork work) {
    return store.pool().withTransaction(tx -> store.lockBooking(tx, id)
        .compose(b -> visible(accountId, b))
        .compose(b -> work.run(tx, b)));
  }

  /** The booking if the caller owns it or is a member of its team; 404 otherwise (its existence is nobody else's business). */
  private Future<BookingRow> visible(String accountId, BookingRow b) {
    if (b.accountId().equals(accountId)) return Future.succeededFuture(b);
    if (b.teamId() == null) return Future.failedFuture(RespoolException.notFound("no booking " + b.id()));
    return teams.isMember(b.teamId(), accountId)
        .compose(yes -> yes ? Future.succeededFuture(b) : Future.failedFuture(RespoolException.notFound("no booking " + b.id())));
  }

  private Future<Bookings.Booking> view(BookingRow row) {
    return store.views(List.of(row), true).map(v -> v.get(0));
  }
}

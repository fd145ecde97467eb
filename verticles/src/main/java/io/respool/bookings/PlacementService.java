package io.respool.bookings;

import io.respool.bookings.BookingStore.BookingRow;
import io.respool.bookings.BookingStore.TaskRow;
import io.respool.events.EventLog;
import io.respool.infra.Databases;
import io.respool.infra.Statement;
import io.respool.lifecycle.BookingState;
import io.respool.matching.Demand;
import io.respool.matching.Matcher;
import io.respool.matching.Placement;
import io.respool.matching.Plan;
import io.respool.matching.RankedOffers;
import io.respool.matching.Refusal;
import io.respool.matching.Result;
import io.respool.matching.ScoringStrategy;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Bookings;
import io.respool.protocol.task.TaskSpec;
import io.respool.teams.TeamService;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Placement of new bookings. A booking is matched on this node's view of the offers, then placed
 * in one transaction — team quota, host capacity (all of the plan's hosts or none), the booking,
 * its tasks, its first transition and event — trying the next alternative, and then a fresh view,
 * when concurrent bookings took the room first. The view is state of its own: one
 * {@code PlacementVerticle} per node uses this service.
 */
public final class PlacementService {
  private static final Logger LOG = LoggerFactory.getLogger(PlacementService.class);
  private static final int ALTERNATIVES = 3;
  private static final int ROUNDS = 4;
  /** Batches of at most this many are matched on the event loop, saving two thread hops; larger ones on a worker thread. */
  static final int INLINE_BATCH = 4;
  private static final Set<String> CHAINS = Set.of("ethereum", "solana");
  private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}");
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  private final Vertx vertx;
  private final Pool pool;
  private final BookingStore store;
  private final OfferSnapshots snapshots;
  private final TeamService teams;
  private final Matcher matcher;
  private final PaymentPort payments;
  private final BookingSettings settings;
  private final Consumer<String> dispatchFunded;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final java.util.concurrent.atomic.AtomicLong batches = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong batched = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong fallbacks = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong rechecked = new java.util.concurrent.atomic.AtomicLong();

  /**
   * Transactions committed for batches, bookings placed in them, batches placed one by one after
   * their transaction failed, and batches whose hosts were locked and read after one of them turned
   * out short.
   */
  public record Counts(long batches, long batched, long fallbacks, long rechecked) {}

  public Counts counts() { return new Counts(batches.get(), batched.get(), fallbacks.get(), rechecked.get()); }

  /**
   * {@code pool}: the placements' own connections, from {@link #pool}. {@code dispatchFunded}: asks
   * (after the commit) for a booking's dispatch when it needs no payment.
   */
  public PlacementService(Vertx vertx, Pool pool, BookingStore store, OfferSnapshots snapshots, TeamService teams, Matcher matcher, PaymentPort payments,
      BookingSettings settings, Consumer<String> dispatchFunded, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.store = store;
    this.snapshots = snapshots;
    this.teams = teams;
    this.matcher = matcher;
    this.payments = payments;
    this.settings = settings;
    this.dispatchFunded = dispatchFunded;
    this.clock = clock;
  }

  /** A validated request, not yet placed. */
  private record Candidate(String accountId, String id, Bookings.CreateRequest req, Demand demand, ScoringStrategy strategy, String currency,
      String chain) {}

  /** A request of a batch and where its answer goes. */
  public record Request(String accountId, Bookings.CreateRequest req) {}

  private record Entry(Candidate c, Promise<Bookings.Booking> answer) {}

  private record Chosen(Entry e, Plan plan) {}

  /** Places a booking, or fails with a {@link RespoolException} (400 bad input, 409 no room or quota); nothing is reserved then. */
  public Future<Bookings.Booking> create(String accountId, Bookings.CreateRequest req) {
    Candidate c = candidate(accountId, req);
    return member(c).compose(x -> alone(c, false));
  }

  /**
   * Places many requests together, each answered on its own future: those of a team one by one
   * (their quota is taken in their own transaction), the others matched together against this
   * node's view of the offers (each placement lowering the view for the next) and committed in one
   * transaction of set-based statements. Bookings whose hosts no longer had the room are matched
   * again on a fresh view; a batch whose transaction fails is placed again one by one, so a
   * failure of one never fails the others (and one whose answer alone was lost, answered as placed).
   */
  public List<Future<Bookings.Booking>> createAll(List<Request> requests) {
    List<Future<Bookings.Booking>> answers = new ArrayList<>(requests.size());
    List<Entry> batch = new ArrayList<>();
    for (Request r : requests) {
      Candidate c;
      try {
        c = candidate(r.accountId(), r.req());
      } catch (RespoolException e) {
        answers.add(Future.failedFuture(e));
        continue;
      }
      if (c.req().teamId() != null) {
        answers.add(member(c).compose(x -> alone(c, false)));
        continue;
      }
      Promise<Bookings.Booking> answer = Promise.promise();
      batch.add(new Entry(c, answer));
      answers.add(answer.future());
    }
    if (!batch.isEmpty()) placeBatch(batch, 0);
    return answers;
  }

  private Candidate candidate(String accountId, Bookings.CreateRequest req) {
    Demand demand = QuoteService.demand(req.asQuote(ALTERNATIVES));
    ScoringStrategy strategy = QuoteService.strategy(req.strategy());
    String chain = req.paymentChain() == null ? "ethereum" : req.paymentChain();
    if (!CHAINS.contains(chain)) throw RespoolException.invalid("paymentChain must be ethereum or solana");
    if (!payments.waived() && !payments.chains().contains(chain)) {
      throw new RespoolException(ErrorCode.CONFLICT, "this gateway takes no payment on " + chain + " (accepted: "
          + (payments.chains().isEmpty() ? "none" : String.join(", ", payments.chains())) + ")");
    }
    if (req.onHostLoss() != null && !Set.of("reschedule", "fail").contains(req.onHostLoss())) {
      throw RespoolException.invalid("onHostLoss must be reschedule or fail");
    }
    if ((req.image() == null || req.image().isBlank()) && (req.command() == null || req.command().isEmpty())) {
      throw RespoolException.invalid("a booking runs something: give an image or a command");
    }
    if (req.image() != null && !IMAGE.matcher(req.image()).matches()) throw RespoolException.invalid("image is not a valid image reference");
    validateWorkload(req, demand);
    // an escrow pays each host to its address on the chain: only hosts with one there are candidates
    if (!payments.waived() && payments.paysHostsOn(chain)) demand = demand.withPayoutChain(chain);
    String currency = req.currency() == null ? "USDC" : req.currency();
    return new Candidate(accountId, newId(), req, demand, strategy, currency, chain);
  }

  private Future<Void> member(Candidate c) {
    if (c.req().teamId() == null) return Future.succeededFuture();
    return teams.isMember(c.req().teamId(), c.accountId()).compose(yes -> yes ? Future.<Void>succeededFuture()
        : Future.failedFuture(RespoolException.notFound("no team " + c.req().teamId())));
  }

  /**
   * One booking placed on its own ({@link #place}) and answered. A failure that is not an answer of
   * ours (a dropped connection) may have come after the commit: a booking found written is placed.
   */
  private Future<Bookings.Booking> alone(Candidate c, boolean fresh) {
    return place(c, 0, fresh).recover(err -> err instanceof RespoolException ? Future.failedFuture(err)
        : store.existing(pool, List.of(c.id())).transform(found -> found.succeeded() && found.result().containsKey(c.id())
            ? Future.succeededFuture(found.result().get(c.id())) : Future.failedFuture(err)))
        .compose(this::placed);
  }

  private Future<Bookings.Booking> placed(BookingRow row) {
    if (row.state() == BookingState.FUNDED) dispatchFunded.accept(row.id());
    return store.views(List.of(row), true).map(v -> v.get(0));
  }

  // --- together -----------------------------------------------------------------------------

  /** One round of a batch: match on the view (a fresh one after round 0), commit, and go again with what did not fit. */
  private void placeBatch(List<Entry> batch, int round) {
    boolean fresh = round > 0;
    Map<String, Future<RankedOffers>> offers = new HashMap<>();
    for (Entry e : batch) offers.computeIfAbsent(e.c().currency(), cur -> snapshots.ranked(cur, fresh));
    Future.join(new ArrayList<>(offers.values()))
        .compose(x -> {
          // a ranked view places a booking in microseconds: a small batch is matched at once, a large one on a worker
          if (batch.size() > INLINE_BATCH) return vertx.executeBlocking(() -> matchTogether(batch, offers), false);
          try {
            return Future.succeededFuture(matchTogether(batch, offers));
          } catch (RuntimeException e) {
            return Future.failedFuture(e);
          }
        })
        .onFailure(err -> batch.forEach(e -> e.answer().tryFail(err)))
        .onSuccess(matched -> {
          List<Entry> again = new ArrayList<>();
          for (Map.Entry<Entry, String> refused : matched.refused().entrySet()) {
            if (!fresh) again.add(refused.getKey());
            else refused.getKey().answer().tryFail(new RespoolException(ErrorCode.NO_CAPACITY, refused.getValue()));
          }
          commitTogether(matched.chosen()).onComplete(ar -> {
            endHolds(matched, ar);
            if (ar.failed()) {
              fallbacks.incrementAndGet();
              LOG.warn("a batch of {} bookings failed as a whole ({}); placing them one by one", matched.chosen().size(), ar.cause().toString());
              // the view was lowered by plans that were not committed
              matched.chosen().stream().map(ch -> ch.e().c().currency()).distinct().forEach(snapshots::drop);
              placeAgain(matched.chosen(), ar.cause());
            } else {
              for (Chosen ch : matched.chosen()) {
                if (ar.result().contains(ch.e().c().id())) again.add(ch.e());
              }
              if (!ar.result().isEmpty()) matched.chosen().stream().map(ch -> ch.e().c().currency()).distinct().forEach(snapshots::drop);
            }
            if (again.isEmpty()) return;
            if (round + 1 < ROUNDS) {
              placeBatch(again, round + 1);
            } else {
              again.forEach(e -> e.answer().tryFail(new RespoolException(ErrorCode.NO_CAPACITY,
                  "every host that could take this booking was filled by concurrent bookings; try again")));
            }
          });
        });
  }

  /**
   * A batch whose statements failed as a whole, each placed again on its own so that one's failure
   * is not the others'. The failure may also have been the answer's alone (the connection dropped
   * after PostgreSQL committed): the bookings found written are answered as placed, not placed twice.
   */
  private void placeAgain(List<Chosen> chosen, Throwable failure) {
    store.existing(pool, chosen.stream().map(ch -> ch.e().c().id()).toList()).onComplete(found -> {
      if (found.failed()) LOG.warn("cannot tell whether a failed batch was written ({}); answering its failure", found.cause().toString());
      for (Chosen ch : chosen) {
        if (found.failed()) {
          ch.e().answer().tryFail(failure);
          continue;
        }
        BookingRow written = found.result().get(ch.e().c().id());
        (written != null ? placed(written) : alone(ch.e().c(), true)).onComplete(ch.e().answer());
      }
    });
  }

  /** {@code holds}: what the plans took off each currency's view, held there until the batch's transaction is over. */
  private record Matched(List<Chosen> chosen, Map<Entry, String> refused, Map<String, OfferSnapshots.Hold> holds) {}

  /** Each request placed on its currency's view, which each placement lowers for the next; what each currency's plans took is held ({@link OfferSnapshots.Hold}). */
  private Matched matchTogether(List<Entry> batch, Map<String, Future<RankedOffers>> offers) {
    List<Chosen> chosen = new ArrayList<>();
    Map<Entry, String> refused = new java.util.LinkedHashMap<>();
    Map<String, OfferSnapshots.Hold> holds = new HashMap<>();
    try {
      for (Entry e : batch) {
        String currency = e.c().currency();
        Result r = snapshots.place(holds.computeIfAbsent(currency, snapshots::hold), offers.get(currency).result(), e.c().demand(), e.c().strategy());
        if (r instanceof Plan plan) chosen.add(new Chosen(e, plan));
        else refused.put(e, RefusalText.of((Refusal) r, e.c().currency()));
      }
    } catch (RuntimeException e) {
      holds.values().forEach(snapshots::abandoned);
      throw e;
    }
    return new Matched(chosen, refused, holds);
  }

  /** The batch's transaction is over: what it committed stays held until read back, the rest is let go. */
  private void endHolds(Matched matched, AsyncResult<Set<String>> outcome) {
    if (outcome.failed()) {
      matched.holds().values().forEach(snapshots::abandoned);
      return;
    }
    Map<String, List<Placement>> refused = new HashMap<>();
    for (Chosen ch : matched.chosen()) {
      if (outcome.result().contains(ch.e().c().id())) refused.computeIfAbsent(ch.e().c().currency(), k -> new ArrayList<>()).addAll(ch.plan().placements());
    }
    matched.holds().forEach((currency, hold) -> snapshots.committed(hold, refused.getOrDefault(currency, List.of())));
  }

  /** What a batch's transaction granted: the bookings written, and the ids refused for want of room (they hold nothing). */
  private record Written(List<BookingRow> granted, Set<String> refused) {}

  /**
   * The chosen plans in one transaction: host capacity for all (each booking all-or-nothing), then
   * the granted bookings, tasks, transitions and events set-based, and their deposits. Usually every
   * host still has the room the view said, and all are taken without reading the hosts first: the
   * transaction is then two round trips (its statements, its commit). When one no longer has it,
   * that transaction holds nothing and another locks and reads the hosts, and grants booking by
   * booking. Answers the granted ones; returns the ids refused for want of room.
   */
  private Future<Set<String>> commitTogether(List<Chosen> chosen) {
    if (chosen.isEmpty()) return Future.succeededFuture(Set.of());
    Map<String, BookingRow> rows = new HashMap<>();
    Map<String, List<TaskRow>> tasks = new HashMap<>();
    List<PgReservations.Claim> claims = new ArrayList<>();
    for (Chosen ch : chosen) {
      Candidate c = ch.e().c();
      rows.put(c.id(), row(c, ch.plan()));
      tasks.put(c.id(), tasks(c.id(), ch.plan().placements()));
      claims.add(new PgReservations.Claim(c.id(), ch.plan().placements()));
    }
    boolean waived = payments.waived();
    // when the bookings' own rows are all there is to write (no deposit), they go as one statement
    boolean atOnce = waived || chosen.stream().allMatch(ch -> payments.preparesNothing(ch.e().c().chain()));
    PgReservations.Grants all = PgReservations.all(claims);
    return (atOnce ? atOnce(all, chosen, rows, tasks) : placing(tx -> write(tx, all, chosen, rows, tasks)))
        .recover(err -> !(err instanceof PgReservations.Conflict) ? Future.failedFuture(err)
            : placing(tx -> {
              rechecked.incrementAndGet();
              return PgReservations.lock(tx, claims).compose(grants -> write(tx, grants, chosen, rows, tasks));
            }))
        .map(written -> {
          batches.incrementAndGet();
          batched.addAndGet(written.granted().size());
          // committed: from here on a failure is an answer's, never a reason to place again
          if (waived) written.granted().forEach(b -> dispatchFunded.accept(b.id()));
          // answered with what was written, not read back: no round trip after the commit
          Map<String, Bookings.Booking> views = new HashMap<>();
          for (Bookings.Booking v : BookingStore.insertedViews(written.granted(), tasks, waived ? payments.waiverReason() : null)) views.put(v.id(), v);
          for (Chosen ch : chosen) {
            Bookings.Booking v = views.get(ch.e().c().id());
            if (v != null) ch.e().answer().tryComplete(v);
          }
          return written.refused();
        });
  }

  /**
   * Every chosen booking written by one statement, committed on its own (one round trip, one answer):
   * the hosts taken unread, the bookings' rows and their events. Fails with {@link PgReservations.Conflict},
   * having written nothing, when a host no longer has the room.
   */
  private Future<Written> atOnce(PgReservations.Grants grants, List<Chosen> chosen, Map<String, BookingRow> rows, Map<String, List<TaskRow>> tasks) {
    List<BookingRow> granted = chosen.stream().map(ch -> rows.get(ch.e().c().id())).toList();
    BookingStore.Inserts inserts = BookingStore.inserting(granted, granted.stream().flatMap(b -> tasks.get(b.id()).stream()).toList(),
        payments.waived() ? payments.waiverReason() : null);
    List<Statement> parts = new ArrayList<>(grants.taking());
    parts.addAll(inserts.rows());
    parts.add(inserts.events());
    // the check is read first, so it runs even if there were no events; an outer join so the events' rows come with it
    return Statement.together("placed", parts, "SELECT e.* FROM " + PgReservations.CHECKED + " LEFT JOIN " + EventLog.APPENDED + " e ON true")
        .execute(pool)
        .transform(ar -> {
          if (ar.failed()) return Future.failedFuture(grants.failure(ar.cause()));
          store.publish(EventLog.appended(BookingStore.STREAM, ar.result()));
          return Future.succeededFuture(new Written(granted, Set.of()));
        });
  }

  /** The granted bookings' capacity, rows and deposits, all sent at once (pipelined). */
  private Future<Written> write(SqlConnection tx, PgReservations.Grants grants, List<Chosen> chosen, Map<String, BookingRow> rows,
      Map<String, List<TaskRow>> tasks) {
    boolean waived = payments.waived();
    List<BookingRow> granted = new ArrayList<>();
    for (Chosen ch : chosen) if (!grants.refused().contains(ch.e().c().id())) granted.add(rows.get(ch.e().c().id()));
    if (granted.isEmpty()) return Future.succeededFuture(new Written(granted, grants.refused()));
    List<TaskRow> all = granted.stream().flatMap(b -> tasks.get(b.id()).stream()).toList();
    List<Future<?>> sent = new ArrayList<>(List.of(grants.write(tx), store.insertAll(tx, granted, all, waived ? payments.waiverReason() : null)));
    // each booking's deposits go out behind its rows without waiting for them (the server runs them in order); when a
    // statement fails, the first failure answered is the earliest one's, so a host without the room shows as a Conflict
    if (!waived) for (BookingRow b : granted) sent.add(payments.prepare(tx, b, tasks.get(b.id())));
    return Future.all(sent).map(new Written(granted, grants.refused()));
  }

  /** Checks what the hosts would refuse (env names, ports, minimum sizes) before anything is reserved. */
  static void validateWorkload(Bookings.CreateRequest req, Demand demand) {
    try {
      new TaskSpec("probe", "probe", req.image(), req.command(), req.env(), req.ports(), Math.max(1, demand.cpuMillis()),
          Math.max(4, demand.memoryMb()), demand.storageGb(), Math.min(demand.gpus(), 64), demand.gpuModel(), Map.of());
    } catch (IllegalArgumentException e) {
      throw RespoolException.invalid(e.getMessage());
    }
    if (demand.cpuMillis() < 1) throw RespoolException.invalid("cpu must be more than 0 for a booking");
    if (demand.memoryMb() < 4) throw RespoolException.invalid("memoryMb must be at least 4 for a booking");
    if (req.env() != null && req.env().toString().length() > 16_384) throw RespoolException.invalid("env is larger than 16 KiB");
  }

  /**
   * One booking alone: matches on this node's view of the offers and places; a refusal is only
   * given after a fresh read, and when concurrent bookings took the room of every alternative, the
   * view is read again (at most {@link #ROUNDS} times).
   */
  private Future<BookingRow> place(Candidate c, int round, boolean fresh) {
    return snapshots.offers(c.currency(), fresh)
        .compose(snapshot -> vertx.executeBlocking(() -> matcher.quote(c.demand(), snapshot, c.strategy(), ALTERNATIVES), false))
        .compose(q -> {
          if (q.plans().isEmpty()) {
            if (!fresh) return place(c, round, true);
            String why = q.refusal() == null ? "no host can take this booking" : RefusalText.of(q.refusal(), c.currency());
            return Future.failedFuture(new RespoolException(ErrorCode.NO_CAPACITY, why));
          }
          return tryPlans(c, q.plans(), 0).compose(row -> {
            if (row != null) return Future.succeededFuture(row);
            snapshots.drop(c.currency());
            if (round + 1 >= ROUNDS) {
              return Future.failedFuture(new RespoolException(ErrorCode.NO_CAPACITY,
                  "every host that could take this booking was filled by concurrent bookings; try again"));
            }
            return place(c, round + 1, true);
          });
        });
  }

  /** Each alternative in its own transaction; null when concurrent bookings took the room of all of them. */
  private Future<BookingRow> tryPlans(Candidate c, List<Plan> plans, int i) {
    if (i >= plans.size()) return Future.succeededFuture(null);
    Plan plan = plans.get(i);
    return placing(tx -> insert(tx, c, plan))
        .onSuccess(row -> snapshots.taken(c.currency(), plan.placements()))
        .recover(err -> err instanceof PgReservations.Conflict ? tryPlans(c, plans, i + 1) : Future.failedFuture(err));
  }

  /**
   * The connections placements are written on: their statements are planned once per connection
   * ({@code plan_cache_mode}), as their arrays' lengths would otherwise have PostgreSQL plan them
   * again at every execution, for plans that come out the same (each host and booking is found by
   * its key). Nothing but placements and their reads are sent on them.
   */
  public static Pool pool(Vertx vertx, String pgUrl, int size) {
    return Databases.pool(vertx, pgUrl, size, Map.of("plan_cache_mode", "force_generic_plan"));
  }

  /** A placement's transaction ({@link Databases#inTransaction}) on the placements' connections. */
  private <T> Future<T> placing(java.util.function.Function<SqlConnection, Future<T>> work) {
    return Databases.inTransaction(pool, work);
  }

  /** The booking's first row (PENDING_PAYMENT, its deadline by the injected clock) for {@code plan}. */
  private BookingRow row(Candidate c, Plan plan) {
    long cpu = 0;
    long memory = 0;
    int gpus = 0;
    for (Placement p : plan.placements()) {
      cpu += p.cpuMillis();
      memory += p.memoryMb();
      gpus += p.gpus();
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS); // as PostgreSQL keeps it: a GET answers the same
    return new BookingRow(c.id(), c.accountId(), c.req().teamId(), BookingState.PENDING_PAYMENT, null,
        "created; awaiting payment of " + plan.cost() + " " + c.currency() + " on " + c.chain(), c.req(), c.currency(), c.chain(),
        plan.pricePerHour(), plan.seconds(), plan.cost(), cpu, memory, gpus, now.plus(settings.paymentWindow()), now, null, null, null);
  }

  private Future<BookingRow> insert(SqlConnection tx, Candidate c, Plan plan) {
    BookingRow row = row(c, plan);
    List<TaskRow> tasks = tasks(c.id(), plan.placements());
    Future<Void> quota = c.req().teamId() == null ? Future.succeededFuture()
        : teams.take(tx, c.req().teamId(), c.accountId(), row.cpuMillis(), row.memoryMb(), row.gpus());
    return quota
        .compose(x -> PgReservations.reserve(tx, c.id(), plan.placements()))
        .compose(x -> store.insert(tx, row, tasks))
        .compose(x -> payments.waived() ? store.move(tx, row, BookingState.FUNDED, null, payments.waiverReason())
            : payments.prepare(tx, row, tasks).map(row));
  }

  private static List<TaskRow> tasks(String bookingId, List<Placement> placements) {
    List<TaskRow> out = new ArrayList<>();
    Map<Integer, Integer> parts = new HashMap<>();
    for (Placement p : placements) {
      int part = parts.merge(p.replica(), 1, Integer::sum) - 1;
      out.add(TaskRow.pending(Dispatcher.taskId(bookingId, p.replica(), part, 1), bookingId, p.hostId(), p.replica(), part, 1,
          p.cpuMillis(), p.memoryMb(), p.storageGb(), p.gpus(), p.gpuModel(), p.pricePerHour()));
    }
    return out;
  }

  private String newId() {
    StringBuilder b = new StringBuilder("bk_").append(Long.toString(clock.millis(), 36));
    for (int i = 0; i < 12; i++) b.append(ALPHABET[random.nextInt(ALPHABET.length)]);
    return b.toString();
  }
}

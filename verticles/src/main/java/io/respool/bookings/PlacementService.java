package io.respool.bookings;

import io.respool.bookings.BookingStore.BookingRow;
import io.respool.bookings.BookingStore.TaskRow;
import io.respool.lifecycle.BookingState;
import io.respool.matching.Demand;
import io.respool.matching.Matcher;
import io.respool.matching.Placement;
import io.respool.matching.Plan;
import io.respool.matching.ScoringStrategy;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Bookings;
import io.respool.protocol.task.TaskSpec;
import io.respool.teams.TeamService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Placement of new bookings. A booking is matched on this node's view of the offers, then placed
 * in one transaction — team quota, host capacity (all of the plan's hosts or none), the booking,
 * its tasks, its first transition and event — trying the next alternative, and then a fresh view,
 * when concurrent bookings took the room first. The view is state of its own: one
 * {@code PlacementVerticle} per node uses this service.
 */
public final class PlacementService {
  private static final int ALTERNATIVES = 3;
  private static final int ROUNDS = 4;
  private static final Set<String> CHAINS = Set.of("ethereum", "solana");
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  private final Vertx vertx;
  private final BookingStore store;
  private final OfferSnapshots snapshots;
  private final TeamService teams;
  private final Matcher matcher;
  private final PaymentPort payments;
  private final BookingSettings settings;
  private final Consumer<String> dispatchFunded;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  /** {@code dispatchFunded}: asks (after the commit) for a booking's dispatch when it needs no payment. */
  public PlacementService(Vertx vertx, BookingStore store, OfferSnapshots snapshots, TeamService teams, Matcher matcher, PaymentPort payments,
      BookingSettings settings, Consumer<String> dispatchFunded, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.snapshots = snapshots;
    this.teams = teams;
    this.matcher = matcher;
    this.payments = payments;
    this.settings = settings;
    this.dispatchFunded = dispatchFunded;
    this.clock = clock;
  }

  /** Places a booking, or fails with a {@link RespoolException} (400 bad input, 409 no room or quota); nothing is reserved then. */
  public Future<Bookings.Booking> create(String accountId, Bookings.CreateRequest req) {
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
    if (req.image() != null && !req.image().matches("[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}")) throw RespoolException.invalid("image is not a valid image reference");
    validateWorkload(req, demand);
    String currency = req.currency() == null ? "USDC" : req.currency();
    String id = newId();
    Future<Void> member = req.teamId() == null ? Future.succeededFuture()
        : teams.isMember(req.teamId(), accountId).compose(yes -> yes ? Future.<Void>succeededFuture()
            : Future.failedFuture(RespoolException.notFound("no team " + req.teamId())));
    return member.compose(x -> place(accountId, id, req, demand, strategy, currency, chain, 0, false))
        .compose(row -> {
          if (row.state() == BookingState.FUNDED) dispatchFunded.accept(row.id());
          return store.views(List.of(row), true).map(v -> v.get(0));
        });
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
   * Matches on this node's view of the offers and places; a refusal is only given after a fresh
   * read, and when concurrent bookings took the room of every alternative, the view is read again
   * (at most {@link #ROUNDS} times).
   */
  private Future<BookingRow> place(String accountId, String id, Bookings.CreateRequest req, Demand demand, ScoringStrategy strategy,
      String currency, String chain, int round, boolean fresh) {
    return snapshots.offers(currency, fresh)
        .compose(snapshot -> vertx.executeBlocking(() -> matcher.quote(demand, snapshot, strategy, ALTERNATIVES), false))
        .compose(q -> {
          if (q.plans().isEmpty()) {
            if (!fresh) return place(accountId, id, req, demand, strategy, currency, chain, round, true);
            String why = q.refusal() == null ? "no host can take this booking" : q.refusal().message();
            return Future.failedFuture(new RespoolException(ErrorCode.NO_CAPACITY, why));
          }
          return tryPlans(accountId, id, req, demand, currency, chain, q.plans(), 0).compose(row -> {
            if (row != null) return Future.succeededFuture(row);
            snapshots.drop(currency);
            if (round + 1 >= ROUNDS) {
              return Future.failedFuture(new RespoolException(ErrorCode.NO_CAPACITY,
                  "every host that could take this booking was filled by concurrent bookings; try again"));
            }
            return place(accountId, id, req, demand, strategy, currency, chain, round + 1, true);
          });
        });
  }

  /** Each alternative in its own transaction; null when concurrent bookings took the room of all of them. */
  private Future<BookingRow> tryPlans(String accountId, String id, Bookings.CreateRequest req, Demand demand, String currency,
      String chain, List<Plan> plans, int i) {
    if (i >= plans.size()) return Future.succeededFuture(null);
    Plan plan = plans.get(i);
    return store.pool().withTransaction(tx -> insert(tx, accountId, id, req, demand, currency, chain, plan))
        .onSuccess(row -> snapshots.taken(currency, plan.placements()))
        .recover(err -> err instanceof PgReservations.Conflict
            ? tryPlans(accountId, id, req, demand, currency, chain, plans, i + 1) : Future.failedFuture(err));
  }

  private Future<BookingRow> insert(SqlConnection tx, String accountId, String id, Bookings.CreateRequest req, Demand demand,
      String currency, String chain, Plan plan) {
    long cpu = 0;
    long memory = 0;
    int gpus = 0;
    for (Placement p : plan.placements()) {
      cpu += p.cpuMillis();
      memory += p.memoryMb();
      gpus += p.gpus();
    }
    Instant now = clock.instant();
    boolean waived = payments.waived();
    BookingRow row = new BookingRow(id, accountId, req.teamId(), BookingState.PENDING_PAYMENT, null,
        "created; awaiting payment of " + plan.cost() + " " + currency + " on " + chain, req, currency, chain, plan.pricePerHour(),
        plan.seconds(), plan.cost(), cpu, memory, gpus, now.plus(settings.paymentWindow()), now, null, null, null);
    List<TaskRow> tasks = tasks(id, plan.placements());
    long c = cpu;
    long m = memory;
    int g = gpus;
    Future<Void> quota = req.teamId() == null ? Future.succeededFuture() : teams.take(tx, req.teamId(), accountId, c, m, g);
    return quota
        .compose(x -> PgReservations.reserve(tx, id, plan.placements()))
        .compose(x -> store.insert(tx, row, tasks))
        .compose(x -> waived ? store.move(tx, row, BookingState.FUNDED, null, payments.waiverReason())
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

package io.respool.optimizer;

import io.respool.bookings.BookingService;
import io.respool.bookings.BookingStore;
import io.respool.bookings.BookingStore.BookingRow;
import io.respool.lifecycle.BookingState;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Bookings;
import io.respool.protocol.api.Resources;
import io.respool.suggestions.BookingFacts;
import io.respool.suggestions.Evaluation;
import io.respool.suggestions.Grounding;
import io.respool.suggestions.HostFacts;
import io.respool.suggestions.Rules;
import io.respool.suggestions.Stats;
import io.respool.suggestions.Suggestion;
import io.respool.suggestions.UsageProfile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optimizer's service: reads the facts, applies the rules, asks the advisor (off the event
 * loop), keeps and announces what it suggests, and applies a suggestion through the bookings API
 * (a resize with its quota, capacity and price checks; a stop; an extension through the payment
 * flow). Bookings are the owner's and team's (404 for anyone else), hosts their payout account's
 * (or an admin's).
 */
public final class Optimizer {
  private static final Logger LOG = LoggerFactory.getLogger(Optimizer.class);
  private static final Set<BookingState> EVALUATED = Set.of(BookingState.STARTING, BookingState.RUNNING, BookingState.PAUSED);
  private static final int MAX_CACHED = 10_000;

  private final Vertx vertx;
  private final Pool pool;
  private final FactsReader facts;
  private final Rules rules;
  private final Advisor advisor;
  private final SuggestionStore store;
  private final BookingStore bookingStore;
  private final BookingService bookings;
  private final OptimizerSettings settings;
  private final Clock clock;
  /** A remote advisor's last answer per target, reused while the rules suggest the same ids. */
  private final Map<String, Cached> advice = new ConcurrentHashMap<>();

  private record Cached(String fingerprint, Advisor.Advice advice) {}

  public Optimizer(Vertx vertx, Pool pool, FactsReader facts, Rules rules, Advisor advisor, SuggestionStore store, BookingStore bookingStore,
      BookingService bookings, OptimizerSettings settings, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.facts = facts;
    this.rules = rules;
    this.advisor = advisor;
    this.store = store;
    this.bookingStore = bookingStore;
    this.bookings = bookings;
    this.settings = settings;
    this.clock = clock;
  }

  // --- read ---------------------------------------------------------------------------------

  public Future<SuggestionsView> forBooking(String accountId, String bookingId) {
    return bookings.readable(accountId, bookingId).compose(this::evaluate);
  }

  /** Evaluates a booking now, keeps its suggestions and announces new ones. */
  Future<SuggestionsView> evaluate(BookingRow b) {
    Suggestion.Target target = Suggestion.Target.booking(b.id());
    if (!EVALUATED.contains(b.state())) {
      return Future.succeededFuture(new SuggestionsView(target, clock.instant(), null, null, List.of(), List.of(), null,
          "booking " + b.id() + " is " + b.state() + ": only running or paused bookings get suggestions"));
    }
    return facts.booking(b).compose(f -> {
      Evaluation e = rules.forBooking(f);
      Advisor.Briefing briefing = new Advisor.Briefing(target, f, e, known(f, e, rules.thresholds()));
      return advise(briefing).compose(a -> store.recordForBooking(b, a.suggestions())
          .map(x -> new SuggestionsView(target, f.asOf(), analytics(b, f), null, a.suggestions(), e.declined(), a.report(), null)));
    });
  }

  public Future<SuggestionsView> forHost(String accountId, boolean admin, String hostId) {
    return hostAccess(accountId, admin, hostId).compose(x -> facts.host(hostId)).compose(h -> {
      Suggestion.Target target = Suggestion.Target.host(hostId);
      Evaluation e = rules.forHost(h);
      return advise(new Advisor.Briefing(target, h, e, known(h, e, rules.thresholds()))).compose(a -> store.recordForHost(hostId, a.suggestions())
          .map(y -> new SuggestionsView(target, h.asOf(), null, new SuggestionsView.HostAnalytics(h.online(), h.region(),
              Resources.of(h.total().cpuMillis(), h.total().memoryMb(), h.total().storageGb(), h.total().gpus()),
              Resources.of(h.free().cpuMillis(), h.free().memoryMb(), h.free().storageGb(), h.free().gpus()), h.cpuRented(), h.uptime(),
              h.prices(), h.market()), a.suggestions(), e.declined(), a.report(), null)));
    });
  }

  /** The advisor's answer, on a worker thread (a model call blocks); a remote advisor's answer is reused while the rules say the same. */
  private Future<Advisor.Advice> advise(Advisor.Briefing b) {
    if (!advisor.remote()) return Future.succeededFuture(advisor.advise(b));
    String fingerprint = String.join(",", b.rules().suggestions().stream().map(Suggestion::id).toList());
    Cached hit = advice.get(b.target().id());
    if (hit != null && hit.fingerprint().equals(fingerprint)) return Future.succeededFuture(refreshed(hit.advice(), b.rules()));
    return vertx.executeBlocking(() -> advisor.advise(b), false).map(a -> {
      if (advice.size() >= MAX_CACHED) advice.clear();
      advice.put(b.target().id(), new Cached(fingerprint, a));
      return a;
    });
  }

  /** Cached advice with the rules' own suggestions replaced by today's (same ids, fresher evidence); the model's stay as it said them. */
  private static Advisor.Advice refreshed(Advisor.Advice cached, Evaluation now) {
    Map<String, Suggestion> fresh = new HashMap<>();
    for (Suggestion s : now.suggestions()) fresh.put(s.id(), s);
    List<Suggestion> out = new ArrayList<>();
    for (Suggestion s : cached.suggestions()) {
      Suggestion f = s.source() == Suggestion.Source.rules ? fresh.get(s.id()) : null;
      out.add(f == null ? s : f.withRank(s.rank()));
    }
    return new Advisor.Advice(out, cached.report());
  }

  private static SuggestionsView.BookingAnalytics analytics(BookingRow b, BookingFacts f) {
    Long left = f.secondsUntilExhausted();
    return new SuggestionsView.BookingAnalytics(b.state().name(), f.currency(), f.replicas(),
        Resources.of(f.cpuMillis(), f.memoryMb(), f.storageGb(), f.gpus()), f.usage(), java.math.BigInteger.valueOf(f.billed()), java.math.BigInteger.valueOf(f.deposit()), f.pricePerHour(), left,
        left == null ? null : f.asOf().plusSeconds(Math.min(left, 100L * 366 * 24 * 3600)), f.remainingSeconds(), f.endsAt());
  }

  /** What a model may cite about a booking: its ids, the resources it has facts about, and its figures. */
  static Grounding.Known known(BookingFacts f, Evaluation e, io.respool.suggestions.Thresholds t) {
    Set<String> ids = new HashSet<>();
    ids.add(f.bookingId());
    for (BookingFacts.Placed p : f.tasks()) {
      ids.add(p.taskId());
      ids.add(p.hostId());
    }
    if (f.cheaper() != null) ids.addAll(f.cheaper().hostIds());
    e.suggestions().forEach(s -> ids.add(s.id()));
    Set<String> resources = new HashSet<>(List.of("cpu", "memory", "network", "disk"));
    if (f.gpus() > 0) resources.add("gpu");
    if (f.storageGb() > 0) resources.add("storage");
    List<Double> n = new ArrayList<>();
    UsageProfile u = f.usage();
    for (Stats s : List.of(u.cpuCores(), u.memoryMb(), u.gpuUtilization(), u.netBytesPerSecond(), u.diskBytesPerSecond())) {
      n.addAll(List.of(s.p50(), s.p90(), s.p99(), s.max(), (double) s.count()));
    }
    n.addAll(List.of(u.cpuRecentPeak(), u.memoryRecentPeakMb(), u.memoryTrendMbPerHour(), (double) u.idleSeconds(), (double) u.samples(),
        (double) u.spanSeconds(), (double) u.tasks(), f.cpuMillis() / 1000.0, (double) f.memoryMb(), (double) f.storageGb(), (double) f.gpus(),
        (double) f.replicas(), (double) f.pricePerHour(), (double) f.deposit(), (double) f.billed(), (double) f.remainingSeconds(),
        (double) f.durationSeconds()));
    if (f.secondsUntilExhausted() != null) n.add((double) f.secondsUntilExhausted());
    if (f.cheaper() != null) n.add((double) f.cheaper().pricePerHour());
    f.tasks().forEach(p -> n.add((double) p.pricePerHour()));
    return Grounding.known(e.suggestions(), ids, Map.of(f.bookingId(), resources), n, t);
  }

  static Grounding.Known known(HostFacts h, Evaluation e, io.respool.suggestions.Thresholds t) {
    Set<String> ids = new HashSet<>();
    ids.add(h.hostId());
    e.suggestions().forEach(s -> ids.add(s.id()));
    Set<String> resources = new HashSet<>(List.of("cpu", "memory", "storage"));
    if (h.total().gpus() > 0 || !h.prices().gpuHour().isEmpty()) resources.add("gpu");
    List<Double> n = new ArrayList<>(List.of((double) h.prices().cpuCoreHour(), (double) h.prices().memoryGbHour(),
        (double) h.prices().storageGbHour(), h.total().cpuMillis() / 1000.0, (double) h.total().memoryMb(), h.free().cpuMillis() / 1000.0,
        (double) h.free().memoryMb(), h.cpuRented(), h.uptime(), (double) h.market().hosts()));
    h.prices().gpuHour().values().forEach(v -> n.add((double) v));
    for (Stats s : List.of(h.market().cpuCoreHour(), h.market().memoryGbHour(), h.market().storageGbHour())) {
      n.addAll(List.of(s.p50(), s.p90(), s.p99(), s.max()));
    }
    return Grounding.known(e.suggestions(), ids, Map.of(h.hostId(), resources), n, t);
  }

  // --- apply --------------------------------------------------------------------------------

  /**
   * Carries out an actionable suggestion once: claimed first (a second apply, or one racing it,
   * gets 409), checked against the booking as it is now (a booking changed since the suggestion
   * was made gets 409), then done through the bookings API; a refusal there (no room on the host,
   * quota, price cap) gives the claim back and changes nothing.
   */
  public Future<SuggestionsView.Applied> apply(String accountId, boolean admin, String id) {
    return store.find(id).compose(st -> {
      if (st == null) return Future.failedFuture(RespoolException.notFound("no suggestion " + id));
      Future<?> access = st.bookingId() != null ? bookings.readable(accountId, st.bookingId()) : hostAccess(accountId, admin, st.hostId());
      return access.compose(x -> {
        Suggestion s = st.suggestion();
        if (!s.actionable() || st.bookingId() == null) {
          return Future.failedFuture(new RespoolException(ErrorCode.CONFLICT, "suggestion " + id + " (" + s.kind()
              + ") is done by hand, not through the gateway: " + s.explanation()));
        }
        if ("APPLIED".equals(st.state())) return Future.failedFuture(new RespoolException(ErrorCode.CONFLICT, "suggestion " + id + " was already applied"));
        return store.claim(id).compose(claimed -> {
          if (!claimed) return Future.failedFuture(new RespoolException(ErrorCode.CONFLICT, "suggestion " + id + " is applied or being applied"));
          return bookings.readable(accountId, st.bookingId())
              .compose(b -> carryOut(accountId, b, s))
              .compose(done -> store.applied(id).map(new SuggestionsView.Applied(id, s.kind().name(), s.action(), done)))
              .recover(err -> store.release(id).transform(r -> Future.failedFuture(err)));
        });
      });
    });
  }

  private Future<Bookings.Booking> carryOut(String accountId, BookingRow b, Suggestion s) {
    Map<String, Double> n = s.evidence().numbers();
    Suggestion.Action a = s.action();
    return switch (a.type()) {
      case "resize" -> {
        long cpuNow = b.request().cpu() == null ? 0 : Math.round(b.request().cpu() * 1000);
        long memoryNow = b.request().memoryMb() == null ? 0 : b.request().memoryMb();
        if (!EVALUATED.contains(b.state()) || cpuNow != Math.round(n.getOrDefault("cpu.reserved", -1.0) * 1000)
            || memoryNow != Math.round(n.getOrDefault("memoryMb.reserved", -1.0))) {
          yield Future.failedFuture(new RespoolException(ErrorCode.CONFLICT, "booking " + b.id() + " changed since suggestion " + s.id()
              + " was made (now " + b.state() + ", " + cpuNow / 1000.0 + " cores, " + memoryNow + " MiB): ask for suggestions again"));
        }
        yield bookings.resize(accountId, b.id(), new Bookings.ResizeRequest(a.cpu(), a.memoryMb(), null));
      }
      case "stop" -> EVALUATED.contains(b.state()) ? bookings.stop(accountId, b.id())
          : Future.failedFuture(new RespoolException(ErrorCode.CONFLICT, "booking " + b.id() + " is " + b.state()));
      case "extend" -> BookingFacts.saturated(b.cost()) != Math.round(n.getOrDefault("deposit", -1.0))
          ? Future.failedFuture(new RespoolException(ErrorCode.CONFLICT, "booking " + b.id() + "'s deposit changed since suggestion " + s.id()
              + " was made: ask for suggestions again"))
          : bookings.extend(accountId, b.id(), new Bookings.ExtendRequest(a.seconds()));
      default -> Future.failedFuture(new RespoolException(ErrorCode.CONFLICT, "suggestion " + s.id() + " has no action the gateway can take"));
    };
  }

  /** The host if it pays out to one of the account's wallets (or the caller is an admin); 404 otherwise. */
  private Future<Void> hostAccess(String accountId, boolean admin, String hostId) {
    Future<Boolean> mine = admin ? pool.preparedQuery("SELECT 1 FROM hosts WHERE id = $1").execute(Tuple.of(hostId)).map(r -> r.size() > 0)
        : pool.preparedQuery("""
            SELECT 1 FROM hosts h JOIN wallets w ON w.account_id = $2
              AND ((w.chain = 'ethereum' AND w.address = h.payout_ethereum) OR (w.chain = 'solana' AND w.address = h.payout_solana))
             WHERE h.id = $1""").execute(Tuple.of(hostId, accountId)).map(rows -> rows.size() > 0);
    return mine.compose(yes -> yes ? Future.<Void>succeededFuture() : Future.failedFuture(RespoolException.notFound("no host " + hostId + " paying out to you")));
  }

  // --- background ---------------------------------------------------------------------------

  /**
   * One round: the running and paused bookings not evaluated within the interval, claimed so that
   * one node of the cluster takes each, evaluated one after another (a failure is logged and the
   * others go on). New suggestions are announced as they are found.
   */
  public Future<Void> round() {
    return pool.preparedQuery("""
            INSERT INTO suggestion_evaluations (booking_id, evaluated_at)
            SELECT b.id, now() FROM bookings b LEFT JOIN suggestion_evaluations e ON e.booking_id = b.id
             WHERE b.state IN ('STARTING', 'RUNNING', 'PAUSED') AND (e.evaluated_at IS NULL OR e.evaluated_at < now() - make_interval(secs => $1))
             ORDER BY e.evaluated_at NULLS FIRST LIMIT $2
            ON CONFLICT (booking_id) DO UPDATE SET evaluated_at = now()
             WHERE suggestion_evaluations.evaluated_at < now() - make_interval(secs => $1)
            RETURNING booking_id""")
        .execute(Tuple.of(settings.interval().toMillis() / 1000.0, settings.batch()))
        .compose(rows -> {
          Future<Void> chain = Future.succeededFuture();
          for (Row r : rows) {
            String id = r.getString(0);
            chain = chain.compose(x -> bookingStore.booking(pool, id).compose(this::evaluate).<Void>mapEmpty()
                .recover(err -> {
                  LOG.warn("evaluating booking {} failed: {}", id, err.toString());
                  return Future.succeededFuture();
                }));
          }
          return chain;
        });
  }
}

package io.respool.optimizer;

import io.respool.bookings.BookingStore;
import io.respool.bookings.BookingStore.BookingRow;
import io.respool.bookings.BookingStore.TaskRow;
import io.respool.hosts.HostRegistry;
import io.respool.matching.Capacity;
import io.respool.matching.Cheapest;
import io.respool.matching.Demand;
import io.respool.matching.HostOffer;
import io.respool.matching.Matcher;
import io.respool.matching.Plan;
import io.respool.protocol.api.Bookings;
import io.respool.protocol.task.UsageSample;
import io.respool.suggestions.BookingFacts;
import io.respool.suggestions.HostFacts;
import io.respool.suggestions.Market;
import io.respool.suggestions.UsageProfile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Reads the facts the rules judge from PostgreSQL: a booking's current tasks, its usage samples
 * in the window (the usage ledger), what it has been billed, and the offers of its currency (the
 * market, and the matcher's quote elsewhere); a host's offer, rentals and uptime. Turning samples
 * into a profile is CPU work that grows with the window, so it runs on a worker thread.
 */
public final class FactsReader {
  private final Vertx vertx;
  private final Pool pool;
  private final BookingStore bookings;
  private final HostRegistry hosts;
  private final Matcher matcher;
  private final OptimizerSettings settings;
  private final Clock clock;
  private final Map<String, Offers> offers = new ConcurrentHashMap<>();

  private record Offers(Instant readAt, Future<List<HostOffer>> list) {}

  public FactsReader(Vertx vertx, Pool pool, BookingStore bookings, HostRegistry hosts, Matcher matcher, OptimizerSettings settings, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.bookings = bookings;
    this.hosts = hosts;
    this.matcher = matcher;
    this.settings = settings;
    this.clock = clock;
  }

  /** The offers of a currency, read at most every {@code offersMaxAge} (an evaluation round would otherwise read the fleet per booking). */
  Future<List<HostOffer>> offers(String currency) {
    Instant now = clock.instant();
    Offers cached = offers.get(currency);
    if (cached != null && !cached.readAt().plus(settings.offersMaxAge()).isBefore(now) && !cached.list().failed()) return cached.list();
    return read(currency, now);
  }

  /**
   * The offers, read again if the recent ones lack a host the booking runs on: a host that
   * registered after the last read is not offline (which would decline its booking's resize).
   */
  private Future<List<HostOffer>> offers(String currency, java.util.Set<String> mustList) {
    return offers(currency).compose(list -> {
      java.util.Set<String> listed = new java.util.HashSet<>();
      for (HostOffer o : list) listed.add(o.hostId());
      return listed.containsAll(mustList) ? Future.succeededFuture(list) : read(currency, clock.instant());
    });
  }

  private Future<List<HostOffer>> read(String currency, Instant now) {
    Future<List<HostOffer>> fresh = hosts.offers(currency);
    offers.put(currency, new Offers(now, fresh));
    return fresh;
  }

  public Future<BookingFacts> booking(BookingRow b) {
    Instant asOf = clock.instant();
    Future<List<TaskRow>> tasks = pool.withConnection(c -> bookings.tasks(c, b.id(), true));
    Future<Long> billed = pool.preparedQuery("SELECT billed FROM bookings WHERE id = $1").execute(Tuple.of(b.id()))
        .map(rows -> BookingFacts.saturated(rows.iterator().next().getBigDecimal(0).toBigIntegerExact()));
    Future<List<HostOffer>> market = tasks.compose(ts -> offers(b.currency(),
        ts.stream().map(TaskRow::hostId).collect(java.util.stream.Collectors.toSet())));
    return Future.all(tasks, billed, market).compose(x -> samples(b.id(), tasks.result(), asOf).compose(samples -> vertx.executeBlocking(() -> {
      UsageProfile usage = UsageProfile.of(samples, settings.recent(), settings.thresholds().idleCores(), settings.thresholds().idleBytesPerSecond(),
          settings.usageHalfLife());
      Map<String, HostOffer> byId = new HashMap<>();
      for (HostOffer o : market.result()) byId.put(o.hostId(), o);
      List<BookingFacts.Placed> placed = new ArrayList<>();
      for (TaskRow t : tasks.result()) {
        HostOffer h = byId.get(t.hostId());
        placed.add(new BookingFacts.Placed(t.taskId(), t.hostId(), t.pricePerHour(), h == null ? null : h.prices()));
      }
      Bookings.CreateRequest r = b.request();
      int replicas = r.replicas() == null ? 1 : r.replicas();
      BookingFacts partial = new BookingFacts(b.id(), b.currency(), replicas, r.cpu() == null ? 0 : Math.round(r.cpu() * 1000),
          orZero(r.memoryMb()), orZero(r.storageGb()), r.gpus() == null ? 0 : r.gpus(), r.gpuModel(), b.pricePerHour(), BookingFacts.saturated(b.cost()),
          billed.result(), asOf, b.endsAt(), b.durationSeconds(), placed, usage, null);
      return new BookingFacts(partial.bookingId(), partial.currency(), partial.replicas(), partial.cpuMillis(), partial.memoryMb(),
          partial.storageGb(), partial.gpus(), partial.gpuModel(), partial.pricePerHour(), partial.deposit(), partial.billed(), asOf,
          partial.endsAt(), partial.durationSeconds(), placed, usage, cheaper(b, partial, tasks.result(), market.result()));
    }, false)));
  }

  /** The current tasks' samples received in the window, with each task's last one before it (the baseline of its first rate). */
  private Future<List<UsageSample>> samples(String bookingId, List<TaskRow> tasks, Instant asOf) {
    if (tasks.isEmpty()) return Future.succeededFuture(List.of());
    String[] ids = tasks.stream().map(TaskRow::taskId).toArray(String[]::new);
    return pool.preparedQuery("""
            SELECT task_id, seq, at, cpu_seconds, memory_bytes, gpu_util, net_rx, net_tx, blk_read, blk_write FROM usage_samples
             WHERE booking_id = $1 AND task_id = ANY($2) AND received_at >= $3 ORDER BY task_id, seq""")
        .execute(Tuple.tuple().addString(bookingId).addArrayOfString(ids).addOffsetDateTime(asOf.minus(settings.window()).atOffset(ZoneOffset.UTC)))
        .map(rows -> {
          List<UsageSample> out = new ArrayList<>(rows.size());
          for (Row r : rows) {
            out.add(new UsageSample(r.getString(0), r.getLong(1), r.getOffsetDateTime(2).toInstant(), r.getDouble(3), r.getLong(4),
                r.getDouble(5), r.getLong(6), r.getLong(7), r.getLong(8), r.getLong(9)));
          }
          return out;
        });
  }

  /**
   * The matcher's cheapest plan for the same demand on hosts the booking does not use, for the
   * time it has left; null when there is none (or the booking is not one the matcher can quote).
   */
  private BookingFacts.Quote cheaper(BookingRow b, BookingFacts f, List<TaskRow> tasks, List<HostOffer> offers) {
    Set<String> mine = tasks.stream().map(TaskRow::hostId).collect(Collectors.toSet());
    List<HostOffer> elsewhere = offers.stream().filter(o -> !mine.contains(o.hostId())).toList();
    if (elsewhere.isEmpty()) return null;
    Bookings.CreateRequest r = b.request();
    Demand d;
    try {
      d = new Demand(f.cpuMillis(), f.memoryMb(), f.storageGb(), f.gpus(), r.gpuModel(), r.arch(), r.region(), r.maxPricePerHour(),
          r.minUptime(), null, r.image() == null || r.image().isBlank() ? "process" : "docker", f.replicas(), Boolean.TRUE.equals(r.splittable()),
          Duration.ofSeconds(Math.max(1, f.remainingSeconds())));
    } catch (IllegalArgumentException e) {
      return null;
    }
    Matcher.Quotes q = matcher.quote(d, elsewhere, new Cheapest(), 1);
    if (q.plans().isEmpty()) return null;
    Plan p = q.plans().get(0);
    return new BookingFacts.Quote(p.placements().stream().map(io.respool.matching.Placement::hostId).distinct().sorted().toList(), p.pricePerHour());
  }

  public Future<HostFacts> host(String hostId) {
    Instant asOf = clock.instant();
    return hosts.get(hostId).compose(h -> Future.all(offers(h.prices().currency()), uptime(hostId)).map(x -> {
      List<HostOffer> all = x.resultAt(0);
      double uptime = x.resultAt(1);
      return new HostFacts(h.id(), h.online(), h.region(), h.prices(), capacity(h.total()), capacity(h.free()), uptime,
          Market.of(h.prices().currency(), all.stream().filter(o -> !o.hostId().equals(hostId)).toList()), asOf);
    }));
  }

  /** Online seconds over registered seconds (the same measure the matcher's minUptime filters on). */
  private Future<Double> uptime(String hostId) {
    return pool.preparedQuery("""
            SELECT coalesce(least(1.0, (online_seconds + CASE WHEN online THEN greatest(0, extract(epoch FROM now() - online_since)) ELSE 0 END)
              / nullif(extract(epoch FROM now() - registered_at), 0)), 1.0)::float8 FROM hosts WHERE id = $1""")
        .execute(Tuple.of(hostId)).map(rows -> rows.size() == 0 ? 1.0 : rows.iterator().next().getDouble(0));
  }

  private static Capacity capacity(io.respool.protocol.api.Resources r) {
    return new Capacity(Math.round(r.cpu() * 1000), r.memoryMb(), r.storageGb(), r.gpus());
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }

}

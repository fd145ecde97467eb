package io.respool.bookings;

import io.respool.hosts.HostRegistry;
import io.respool.matching.BestFit;
import io.respool.matching.Cheapest;
import io.respool.matching.Demand;
import io.respool.matching.Matcher;
import io.respool.matching.ScoringStrategy;
import io.respool.matching.Spread;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Quotes;
import io.respool.protocol.host.Prices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;

/**
 * {@code POST /v1/quotes}: the request becomes a {@link Demand}, the online hosts priced in its
 * currency become the snapshot, and the pure {@link Matcher} prices the best alternatives (on a
 * worker thread: its cost grows with the fleet). Nothing is reserved.
 */
public final class QuoteService {
  private final Vertx vertx;
  private final HostRegistry hosts;
  private final Matcher matcher;

  public QuoteService(Vertx vertx, HostRegistry hosts, Matcher matcher) {
    this.vertx = vertx;
    this.hosts = hosts;
    this.matcher = matcher;
  }

  public Future<Quotes.Response> quote(Quotes.Request r) {
    Demand demand = demand(r);
    ScoringStrategy strategy = strategy(r.strategy());
    int n = r.alternatives() == null ? 3 : r.alternatives();
    if (n < 1 || n > 10) throw RespoolException.invalid("alternatives must be between 1 and 10");
    String currency = r.currency() == null ? "USDC" : r.currency();
    return hosts.offers(currency).compose(snapshot -> vertx.executeBlocking(() -> matcher.quote(demand, snapshot, strategy, n), false)).map(q -> {
      List<Quotes.Plan> plans = q.plans().stream().map(p -> new Quotes.Plan(
          p.placements().stream().map(x -> new Quotes.Placement(x.hostId(), x.replica(), x.cpuMillis() / 1000.0, x.memoryMb(),
              x.storageGb(), x.gpus(), x.gpuModel(), x.pricePerHour())).toList(),
          p.pricePerHour(), p.cost(), currency, p.seconds())).toList();
      return new Quotes.Response(plans, q.refusal() == null ? null
          : new Quotes.Refusal(q.refusal().reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), RefusalText.of(q.refusal(), currency)));
    });
  }

  /** The demand, or 400 saying which field is wrong. */
  static Demand demand(Quotes.Request r) {
    double cpu = r.cpu() == null ? 0 : r.cpu();
    if (!(cpu >= 0) || cpu > Demand.MAX_CPU_MILLIS / 1000.0) throw RespoolException.invalid("cpu must be between 0 and " + Demand.MAX_CPU_MILLIS / 1000);
    if (r.durationSeconds() == null || r.durationSeconds() < 1 || r.durationSeconds() > 366L * 24 * 3600) {
      throw RespoolException.invalid("durationSeconds is required, between 1 and one year");
    }
    if (r.currency() != null && !Prices.CURRENCY.matcher(r.currency()).matches()) throw RespoolException.invalid("currency must be an upper-case asset code");
    try {
      return new Demand(Math.round(cpu * 1000), orZero(r.memoryMb()), orZero(r.storageGb()), r.gpus() == null ? 0 : r.gpus(),
          r.gpuModel(), r.arch(), r.region(), r.maxPricePerHour(), r.minUptime(), null,
          r.image() == null || r.image().isBlank() ? "process" : "docker",
          r.replicas() == null ? 1 : r.replicas(), Boolean.TRUE.equals(r.splittable()), Duration.ofSeconds(r.durationSeconds()));
    } catch (IllegalArgumentException e) {
      throw RespoolException.invalid(e.getMessage());
    }
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }

  static ScoringStrategy strategy(String name) {
    return switch (name == null ? "cheapest" : name) {
      case "cheapest" -> new Cheapest();
      case "best-fit" -> new BestFit();
      case "spread" -> new Spread();
      default -> throw RespoolException.invalid("strategy must be cheapest, best-fit or spread");
    };
  }
}

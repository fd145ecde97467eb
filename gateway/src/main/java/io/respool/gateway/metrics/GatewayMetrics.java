package io.respool.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.respool.lifecycle.BookingState;
import io.respool.protocol.RespoolException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's own metrics at {@code /metrics} (what {@code ops/grafana} charts), beside Vert.x's, the JVM's and the
 * terminal's ({@code respool_terminal_*}):
 * <ul>
 *   <li>this node's counters: {@code respool_placements_total{outcome}} (placed, or the refusal's problem type) and
 *       {@code respool_usage_samples_total} (usage samples stored from hosts);</li>
 *   <li>the cluster's state read from PostgreSQL by {@link #refresh} (so every node reports the same; chart them with
 *       {@code max}): {@code respool_bookings{state}}, {@code respool_escrow_deposits{state}} (Ethereum and Solana together) (a deposit is
 *       settled when its state is SETTLED), {@code respool_fleet_hosts{online}} and
 *       {@code respool_fleet_capacity{resource,kind}} of the online hosts (cpu cores, memory MiB, GPUs; total and
 *       reserved).</li>
 * </ul>
 */
public final class GatewayMetrics {
  /** The states of {@code deposits.state} (V7__deposits.sql). */
  private static final List<String> DEPOSIT_STATES = List.of("AWAITING", "UNDERFUNDED", "REJECTED", "OPEN", "SETTLING", "SETTLED", "RECLAIMED");
  private final Pool pool;
  private final MeterRegistry registry;
  private final MultiGauge bookings;
  private final MultiGauge deposits;
  private final MultiGauge hosts;
  private final MultiGauge capacity;
  private final Counter usageSamples;

  public GatewayMetrics(Pool pool, MeterRegistry registry) {
    this.pool = pool;
    this.registry = registry;
    this.bookings = MultiGauge.builder("respool_bookings").description("bookings in each state (cluster-wide, from PostgreSQL)").register(registry);
    this.deposits = MultiGauge.builder("respool_escrow_deposits").description("escrow deposits by state, every chain (cluster-wide)").register(registry);
    this.hosts = MultiGauge.builder("respool_fleet_hosts").description("registered hosts, online or not (cluster-wide)").register(registry);
    this.capacity = MultiGauge.builder("respool_fleet_capacity").description("capacity of the online hosts: total and reserved (cluster-wide)")
        .register(registry);
    this.usageSamples = Counter.builder("respool_usage_samples_total").description("usage samples from hosts stored by this node").register(registry);
    // the series exists from the start, so a dashboard shows 0 rather than "no data"
    placements("placed");
  }

  /** Counts one booking request's outcome: placed, or refused (by the refusal's problem type; 'error' for a fault). */
  public <T> Future<T> placement(Future<T> result) {
    return result.andThen(ar -> placements(ar.succeeded() ? "placed"
        : ar.cause() instanceof RespoolException e ? e.code().type().replaceAll(".*/", "") : "error").increment());
  }

  private Counter placements(String outcome) {
    return Counter.builder("respool_placements_total").description("booking requests by outcome (this node)").tag("outcome", outcome)
        .register(registry);
  }

  /** Counts {@code n} usage samples stored. */
  public void usageStored(int n) { usageSamples.increment(n); }

  /** Reads the cluster's bookings, deposits and fleet from PostgreSQL into the gauges. */
  public Future<Void> refresh() {
    Future<Void> b = pool.query("SELECT state, count(*) FROM bookings GROUP BY state").execute().map(rows -> {
      java.util.Map<String, Long> byState = new java.util.TreeMap<>();
      for (BookingState s : BookingState.values()) byState.put(s.name(), 0L);
      for (Row r : rows) byState.put(r.getString(0), r.getLong(1));
      List<MultiGauge.Row<?>> out = new ArrayList<>();
      byState.forEach((state, n) -> out.add(MultiGauge.Row.of(Tags.of("state", state), n)));
      bookings.register(out, true);
      return null;
    });
    Future<Void> d = pool.query("SELECT state, count(*) FROM deposits GROUP BY state").execute().map(rows -> {
      java.util.Map<String, Long> byState = new java.util.TreeMap<>();
      for (String s : DEPOSIT_STATES) byState.put(s, 0L);
      for (Row r : rows) byState.put(r.getString(0), r.getLong(1));
      List<MultiGauge.Row<?>> out = new ArrayList<>();
      byState.forEach((state, n) -> out.add(MultiGauge.Row.of(Tags.of("state", state), n)));
      deposits.register(out, true);
      return null;
    });
    Future<Void> h = pool.query("""
        SELECT count(*) FILTER (WHERE online), count(*) FILTER (WHERE NOT online),
               coalesce(sum(cpu_millis) FILTER (WHERE online), 0), coalesce(sum(reserved_cpu_millis) FILTER (WHERE online), 0),
               coalesce(sum(memory_mb) FILTER (WHERE online), 0), coalesce(sum(reserved_memory_mb) FILTER (WHERE online), 0),
               coalesce(sum(gpus) FILTER (WHERE online), 0), coalesce(sum(reserved_gpus) FILTER (WHERE online), 0)
        FROM hosts""").execute().map(rows -> {
      Row r = rows.iterator().next();
      hosts.register(List.of(MultiGauge.Row.of(Tags.of("online", "true"), r.getLong(0)),
          MultiGauge.Row.of(Tags.of("online", "false"), r.getLong(1))), true);
      capacity.register(List.of(
          MultiGauge.Row.of(Tags.of("resource", "cpu_cores", "kind", "total"), r.getLong(2) / 1000.0),
          MultiGauge.Row.of(Tags.of("resource", "cpu_cores", "kind", "reserved"), r.getLong(3) / 1000.0),
          MultiGauge.Row.of(Tags.of("resource", "memory_mb", "kind", "total"), r.getLong(4)),
          MultiGauge.Row.of(Tags.of("resource", "memory_mb", "kind", "reserved"), r.getLong(5)),
          MultiGauge.Row.of(Tags.of("resource", "gpus", "kind", "total"), r.getLong(6)),
          MultiGauge.Row.of(Tags.of("resource", "gpus", "kind", "reserved"), r.getLong(7))), true);
      return null;
    });
    return Future.all(b, d, h).mapEmpty();
  }
}

package io.respool.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.respool.lifecycle.BookingState;
import io.respool.protocol.RespoolException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
  private static final List<String> RESOURCES = List.of("cpu_cores", "memory_mb", "gpus");
  private final Pool pool;
  private final MeterRegistry registry;
  // every series is known up front (states, online or not, resources): registered once, their values set by refresh
  private final Map<String, AtomicDouble> bookings = new TreeMap<>();
  private final Map<String, AtomicDouble> deposits = new TreeMap<>();
  private final Map<String, AtomicDouble> hosts = new TreeMap<>();
  private final Map<String, AtomicDouble> capacity = new TreeMap<>();
  private final Counter usageSamples;

  public GatewayMetrics(Pool pool, MeterRegistry registry) {
    this.pool = pool;
    this.registry = registry;
    for (BookingState state : BookingState.values()) {
      gauge("respool_bookings", "bookings in each state (cluster-wide, from PostgreSQL)", bookings, state.name(), Tags.of("state", state.name()));
    }
    for (String state : DEPOSIT_STATES) {
      gauge("respool_escrow_deposits", "escrow deposits by state, every chain (cluster-wide)", deposits, state, Tags.of("state", state));
    }
    for (String online : List.of("true", "false")) {
      gauge("respool_fleet_hosts", "registered hosts, online or not (cluster-wide)", hosts, online, Tags.of("online", online));
    }
    for (String resource : RESOURCES) {
      for (String kind : List.of("total", "reserved")) {
        gauge("respool_fleet_capacity", "capacity of the online hosts: total and reserved (cluster-wide)", capacity, resource + "/" + kind,
            Tags.of("resource", resource, "kind", kind));
      }
    }
    this.usageSamples = Counter.builder("respool_usage_samples_total").description("usage samples from hosts stored by this node").register(registry);
    // the series exists from the start, so a dashboard shows 0 rather than "no data"
    placements("placed");
  }

  private void gauge(String name, String description, Map<String, AtomicDouble> values, String key, Tags tags) {
    AtomicDouble value = new AtomicDouble();
    values.put(key, value);
    Gauge.builder(name, value, AtomicDouble::get).description(description).tags(tags).strongReference(true).register(registry);
  }

  /** Counts one booking request's outcome: placed, or refused (by the refusal's problem type; 'error' for a fault). */
  public <T> Future<T> placement(Future<T> result) {
    return result.andThen(ar -> placements(ar.succeeded() ? "placed"
        : ar.cause() instanceof RespoolException e ? e.code().type().replaceAll(".*[/:]", "") : "error").increment());
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
      Map<String, Long> byState = new TreeMap<>();
      for (Row r : rows) byState.put(r.getString(0), r.getLong(1));
      bookings.forEach((state, value) -> value.set(byState.getOrDefault(state, 0L)));
      return null;
    });
    Future<Void> d = pool.query("SELECT state, count(*) FROM deposits GROUP BY state").execute().map(rows -> {
      Map<String, Long> byState = new TreeMap<>();
      for (Row r : rows) byState.put(r.getString(0), r.getLong(1));
      deposits.forEach((state, value) -> value.set(byState.getOrDefault(state, 0L)));
      return null;
    });
    Future<Void> h = pool.query("""
        SELECT count(*) FILTER (WHERE online), count(*) FILTER (WHERE NOT online),
               coalesce(sum(cpu_millis) FILTER (WHERE online), 0)::bigint, coalesce(sum(reserved_cpu_millis) FILTER (WHERE online), 0)::bigint,
               coalesce(sum(memory_mb) FILTER (WHERE online), 0)::bigint, coalesce(sum(reserved_memory_mb) FILTER (WHERE online), 0)::bigint,
               coalesce(sum(gpus) FILTER (WHERE online), 0)::bigint, coalesce(sum(reserved_gpus) FILTER (WHERE online), 0)::bigint
        FROM hosts""").execute().map(rows -> {
      Row r = rows.iterator().next();
      hosts.get("true").set(r.getLong(0));
      hosts.get("false").set(r.getLong(1));
      capacity.get("cpu_cores/total").set(r.getLong(2) / 1000.0);
      capacity.get("cpu_cores/reserved").set(r.getLong(3) / 1000.0);
      capacity.get("memory_mb/total").set(r.getLong(4));
      capacity.get("memory_mb/reserved").set(r.getLong(5));
      capacity.get("gpus/total").set(r.getLong(6));
      capacity.get("gpus/reserved").set(r.getLong(7));
      return null;
    });
    return Future.all(b, d, h).mapEmpty();
  }

  /** A double that gauges read while refresh sets it. */
  private static final class AtomicDouble {
    private volatile double value;

    void set(double v) { value = v; }

    double get() { return value; }
  }
}

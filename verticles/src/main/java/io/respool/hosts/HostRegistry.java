package io.respool.hosts;

import io.respool.events.EventLog;
import io.respool.matching.Capacity;
import io.respool.matching.HostOffer;
import io.respool.protocol.Json;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Event;
import io.respool.protocol.api.HostView;
import io.respool.protocol.api.Page;
import io.respool.protocol.api.Resources;
import io.respool.protocol.host.HostInfo;
import io.respool.protocol.host.Inventory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The hosts known to the cluster, in PostgreSQL. Each change of a host's state is written with its
 * {@code host.*} event in one transaction and published after commit. A control session
 * ({@code sessionId}) speaks for a host until a newer one replaces it; a stale session can neither
 * heartbeat nor take the host offline.
 */
public final class HostRegistry {
  public static final String STREAM = "hosts";
  public static final String JOINED = "host.joined";
  public static final String LEFT = "host.left";
  public static final String UPDATED = "host.updated";

  private static final String COLUMNS = " id, region, info::text AS info, cpu_millis, memory_mb, storage_gb, gpus,"
      + " reserved_cpu_millis, reserved_memory_mb, reserved_storage_gb, reserved_gpus, online, last_seen, registered_at";

  private final Vertx vertx;
  private final Pool pool;
  private final EventLog events;

  /** {@code vertx} runs CPU-heavy mapping (the matcher's snapshot) off the event loop. */
  public HostRegistry(Vertx vertx, Pool pool, EventLog events) {
    this.vertx = vertx;
    this.pool = pool;
    this.events = events;
  }

  /** Records a (re)registration on {@code node}; emits host.joined, or host.updated if it was already online. */
  public Future<HostView> register(String hostId, HostInfo info, String sessionId, String node) {
    Inventory inv = info.inventory();
    List<String> models = inv.gpus().stream().map(g -> g.model().toLowerCase(Locale.ROOT)).toList();
    Tuple args = Tuple.tuple()
        .addString(hostId).addString(info.region()).addString(Json.encode(info))
        .addLong(inv.cpuCores() * 1000L).addLong(inv.memoryMb()).addLong(inv.storageGb()).addInteger(inv.gpus().size())
        .addArrayOfString(models.toArray(String[]::new))
        .addString(lower(info.payout().ethereum())).addString(info.payout().solana())
        .addString(sessionId).addString(node);
    return inTransaction(tx -> tx.preparedQuery("SELECT online FROM hosts WHERE id = $1 FOR UPDATE").execute(Tuple.of(hostId))
        .compose(before -> {
          boolean wasOnline = before.size() > 0 && before.iterator().next().getBoolean(0);
          return tx.preparedQuery("""
                  INSERT INTO hosts (id, region, info, cpu_millis, memory_mb, storage_gb, gpus, gpus_reported, gpu_models,
                                     payout_ethereum, payout_solana, online, session_id, node, last_seen)
                  VALUES ($1, $2, $3::text::jsonb, $4, $5, $6, $7, $7, $8, $9, $10, true, $11, $12, now())
                  ON CONFLICT (id) DO UPDATE SET region = EXCLUDED.region, info = EXCLUDED.info,
                    cpu_millis = EXCLUDED.cpu_millis, memory_mb = EXCLUDED.memory_mb, storage_gb = EXCLUDED.storage_gb,
                    gpus = greatest(hosts.reserved_gpus, EXCLUDED.gpus), gpus_reported = EXCLUDED.gpus, gpu_models = EXCLUDED.gpu_models, payout_ethereum = EXCLUDED.payout_ethereum,
                    payout_solana = EXCLUDED.payout_solana, online = true, session_id = EXCLUDED.session_id,
                    node = EXCLUDED.node, last_seen = now()
                  RETURNING """ + COLUMNS)
              .execute(args)
              .compose(rows -> emit(tx, rows, wasOnline ? UPDATED : JOINED));
        }))
        .map(changed -> changed.get(0));
  }

  /**
   * A new inventory from the session that speaks for the host; emits host.updated. GPUs it no
   * longer lists leave the offer; while tasks still hold them (reserved), the offered count stays
   * at what is reserved, and the reconciler brings it down once those tasks moved or failed.
   */
  public Future<HostView> updateInventory(String hostId, String sessionId, Inventory inv) {
    List<String> models = inv.gpus().stream().map(g -> g.model().toLowerCase(Locale.ROOT)).toList();
    return inTransaction(tx -> tx.preparedQuery("""
            UPDATE hosts SET info = jsonb_set(info, '{inventory}', $3::text::jsonb), cpu_millis = $4, memory_mb = $5,
              storage_gb = $6, gpus = greatest(reserved_gpus, $7), gpus_reported = $7, gpu_models = $8, last_seen = now()
            WHERE id = $1 AND session_id = $2 RETURNING """ + COLUMNS)
        .execute(Tuple.tuple().addString(hostId).addString(sessionId).addString(Json.encode(inv))
            .addLong(inv.cpuCores() * 1000L).addLong(inv.memoryMb()).addLong(inv.storageGb())
            .addInteger(inv.gpus().size()).addArrayOfString(models.toArray(String[]::new)))
        .compose(rows -> emit(tx, rows, UPDATED)))
        .compose(changed -> changed.isEmpty()
            ? Future.failedFuture(RespoolException.forbidden("session no longer speaks for host " + hostId))
            : Future.succeededFuture(changed.get(0)));
  }

  /** The session ended; if it still spoke for the host, the host goes offline (host.left). */
  public Future<Boolean> disconnect(String hostId, String sessionId) {
    return inTransaction(tx -> tx.preparedQuery(
            "UPDATE hosts SET online = false, last_seen = now() WHERE id = $1 AND session_id = $2 AND online RETURNING " + COLUMNS)
        .execute(Tuple.of(hostId, sessionId))
        .compose(rows -> emit(tx, rows, LEFT)))
        .map(changed -> !changed.isEmpty());
  }

  /**
   * Records heartbeats (host id → session id) in one statement; returns how many sessions still
   * speak for their host. A host left offline while one of its sessions is alive comes back online
   * with that session (host.joined): a sweeper had marked it offline too early, or a registration of
   * an older connection, written late, took the host and went offline with it after the newer one
   * registered. A host online with another session is left to it.
   */
  public Future<Integer> touch(Map<String, String> sessions, String node) {
    if (sessions.isEmpty()) return Future.succeededFuture(0);
    // in id order, as placements lock hosts (the UPDATE takes the rows in the array's order): batches sharing hosts wait, not deadlock
    String[] ids = new java.util.TreeSet<>(sessions.keySet()).toArray(String[]::new);
    String[] sids = new String[ids.length];
    for (int i = 0; i < ids.length; i++) sids[i] = sessions.get(ids[i]);
    return pool.preparedQuery("""
            UPDATE hosts h SET last_seen = now() FROM unnest($1::text[], $2::text[]) AS v(id, session)
            WHERE h.id = v.id AND h.session_id = v.session RETURNING h.id, h.online""")
        .execute(Tuple.tuple().addArrayOfString(ids).addArrayOfString(sids))
        .compose(rows -> {
          Map<String, String> offline = new HashMap<>(sessions);
          for (Row r : rows) if (r.getBoolean("online")) offline.remove(r.getString("id"));
          return (offline.isEmpty() ? Future.succeededFuture() : revive(offline, node)).map(rows.rowCount());
        });
  }

  private Future<List<HostView>> revive(Map<String, String> sessions, String node) {
    String[] ids = sessions.keySet().toArray(String[]::new);
    String[] sids = new String[ids.length];
    for (int i = 0; i < ids.length; i++) sids[i] = sessions.get(ids[i]);
    return inTransaction(tx -> tx.preparedQuery("""
            UPDATE hosts h SET online = true, session_id = v.live_session, node = $3, last_seen = now()
            FROM unnest($1::text[], $2::text[]) AS v(host, live_session) WHERE h.id = v.host AND NOT h.online RETURNING """ + COLUMNS)
        .execute(Tuple.tuple().addArrayOfString(ids).addArrayOfString(sids).addString(node))
        .compose(rows -> emit(tx, rows, JOINED)));
  }

  /** Marks offline every online host not seen for {@code timeout} (host.left each); safe on every node at once. */
  public Future<List<HostView>> sweep(Duration timeout) {
    return inTransaction(tx -> tx.preparedQuery(
            "UPDATE hosts SET online = false WHERE online AND last_seen < now() - make_interval(secs => $1) RETURNING " + COLUMNS)
        .execute(Tuple.of(timeout.toMillis() / 1000.0))
        .compose(rows -> emit(tx, rows, LEFT)));
  }

  /** Marks offline every host whose session is held by {@code node} (that node is shutting down). */
  public Future<List<HostView>> releaseNode(String node) {
    return inTransaction(tx -> tx.preparedQuery(
            "UPDATE hosts SET online = false, last_seen = now() WHERE online AND node = $1 RETURNING " + COLUMNS)
        .execute(Tuple.of(node))
        .compose(rows -> emit(tx, rows, LEFT)));
  }

  public Future<HostView> get(String id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM hosts WHERE id = $1").execute(Tuple.of(id))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(RespoolException.notFound("no host " + id))
            : Future.succeededFuture(view(rows.iterator().next())));
  }

  public Future<Page<HostView>> list(HostQuery q) {
    Long minCpuMillis = q.minCpu() == null ? null : (long) Math.ceil(q.minCpu() * 1000);
    Tuple args = Tuple.tuple()
        .addValue(q.online()).addValue(minCpuMillis).addValue(q.minMemoryMb()).addValue(q.minGpus())
        .addValue(q.gpuModel() == null ? null : q.gpuModel().toLowerCase(Locale.ROOT)).addValue(q.region())
        .addValue(q.driver()).addValue(q.after()).addInteger(q.limit() + 1);
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM hosts WHERE ($1::boolean IS NULL OR online = $1)"
            + " AND ($2::bigint IS NULL OR cpu_millis - reserved_cpu_millis >= $2)"
            + " AND ($3::bigint IS NULL OR memory_mb - reserved_memory_mb >= $3)"
            + " AND ($4::int IS NULL OR gpus - reserved_gpus >= $4)"
            + " AND ($5::text IS NULL OR $5 = ANY (gpu_models))"
            + " AND ($6::text IS NULL OR region = $6)"
            + " AND ($7::text IS NULL OR info->'drivers' ? $7)"
            + " AND ($8::text IS NULL OR id > $8)"
            + " ORDER BY id LIMIT $9")
        .execute(args)
        .map(rows -> {
          List<HostView> items = new ArrayList<>();
          for (Row r : rows) items.add(view(r));
          String next = null;
          if (items.size() > q.limit()) {
            items.remove(items.size() - 1);
            next = items.get(items.size() - 1).id();
          }
          return new Page<>(items, next);
        });
  }

  /** Online seconds over registered seconds, in [0, 1] (1 for a host registered this instant). */
  static final String UPTIME = """
      coalesce(least(1.0, (online_seconds + CASE WHEN online THEN greatest(0, extract(epoch FROM now() - online_since)) ELSE 0 END)
        / nullif(extract(epoch FROM now() - registered_at), 0)), 1.0)::float8""";

  /** What of a host's offer comes from its info, decoded once per {@code info_version}. */
  private record Described(long version, String arch, Set<String> drivers, List<String> gpuModels, io.respool.protocol.host.Prices prices,
      Set<String> gpuCapable, Set<String> payoutChains) {
    static Described of(long version, HostInfo info) {
      return new Described(version, info.inventory().arch(), Set.copyOf(info.drivers()),
          info.inventory().gpus().stream().map(Inventory.Gpu::model).toList(), info.prices(), Set.copyOf(info.gpuCapableDrivers()),
          HostRegistry.payoutChains(info.payout()));
    }
  }

  /** Decoded infos by host id (at most one entry per host ever registered). */
  private final Map<String, Described> described = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The matcher's snapshot: the online hosts priced in {@code currency} as offers (the matcher itself
   * filters the rest, so a refusal can say which filter left nothing). Their capacity is read each
   * time; their info (JSON) only for the hosts whose {@code info_version} this node has not decoded
   * yet, on a worker thread. Uptime is the share of its registered life the host was online (kept by
   * a trigger); reputation is not tracked yet, so every host gets 1.0.
   */
  public Future<List<HostOffer>> offers(String currency) {
    return read(currency, null).map(OfferRead::offers);
  }

  /**
   * One read of the offers in {@code currency}, and the snapshot it was read in.
   *
   * @param offers with {@code since}: the hosts offered whose offer changed since then (new ones included)
   * @param gone with {@code since}: the hosts changed since then that are no longer offered (offline,
   *     or priced in another currency)
   */
  public record OfferRead(String snapshot, List<HostOffer> offers, List<String> gone) {}

  /**
   * The offers in {@code currency}: all of them when {@code since} is null, else only what changed
   * after the read whose {@link OfferRead#snapshot} that is (every host whose offer was last changed
   * by a transaction that snapshot did not see, hence also those committed later by transactions
   * running then).
   */
  public Future<OfferRead> read(String currency, String since) {
    String hosts = since == null
        ? "hosts h ON h.online AND h.offer_currency = $1"
        // the index's range first (every transaction the snapshot did not see is at or above its xmin; V26), then the exact test
        : "hosts h ON (h.offer_xid::text)::bigint >= (pg_snapshot_xmin($2::text::pg_snapshot)::text)::bigint"
            + " AND NOT pg_visible_in_snapshot(h.offer_xid, $2::text::pg_snapshot)";
    Tuple args = since == null ? Tuple.of(currency) : Tuple.of(currency, since);
    // the snapshot comes from the statement that reads the hosts, so the two agree; the outer join keeps it when no host matches
    return pool.preparedQuery("SELECT s.snapshot::text AS snapshot, h.id, h.region, h.info_version, h.cpu_millis, h.memory_mb, h.storage_gb,"
            + " h.gpus, h.reserved_cpu_millis, h.reserved_memory_mb, h.reserved_storage_gb, h.reserved_gpus,"
            + " (h.online AND h.offer_currency IS NOT DISTINCT FROM $1) AS offered, " + UPTIME + " AS uptime"
            + " FROM (SELECT pg_current_snapshot() AS snapshot) s LEFT JOIN " + hosts)
        .execute(args)
        .compose(rows -> {
          String snapshot = null;
          List<String> unknown = new ArrayList<>();
          for (Row r : rows) {
            snapshot = r.getString("snapshot");
            String id = r.getString("id");
            if (id == null || !r.getBoolean("offered")) continue;
            Described d = described.get(id);
            if (d == null || d.version() < r.getLong("info_version")) unknown.add(id);
          }
          String readIn = snapshot;
          Future<Void> decoded = unknown.isEmpty() ? Future.succeededFuture()
              : pool.preparedQuery("SELECT id, info_version, info::text AS info FROM hosts WHERE id = ANY($1)")
                  .execute(Tuple.tuple().addArrayOfString(unknown.toArray(String[]::new)))
                  .compose(infos -> vertx.executeBlocking(() -> {
                    for (Row r : infos) {
                      Described d = Described.of(r.getLong("info_version"), Json.decode(r.getString("info"), HostInfo.class));
                      described.merge(r.getString("id"), d, (a, b) -> a.version() >= b.version() ? a : b);
                    }
                    return null;
                  }, false));
          return decoded.compose(x -> vertx.executeBlocking(() -> {
            List<HostOffer> out = new ArrayList<>(rows.size());
            List<String> gone = new ArrayList<>();
            for (Row r : rows) {
              String id = r.getString("id");
              if (id == null) continue;
              // a newer info than the row's (changed between the two reads) is the better one
              Described d = described.get(id);
              if (!r.getBoolean("offered") || d == null) { // d null: gone between the two reads
                gone.add(id);
                continue;
              }
              Capacity total = new Capacity(r.getLong("cpu_millis"), r.getLong("memory_mb"), r.getLong("storage_gb"), r.getInteger("gpus"));
              Capacity reserved = new Capacity(r.getLong("reserved_cpu_millis"), r.getLong("reserved_memory_mb"),
                  r.getLong("reserved_storage_gb"), r.getInteger("reserved_gpus"));
              out.add(new HostOffer(id, true, r.getString("region"), d.arch(), d.drivers(), total, total.minus(reserved),
                  d.gpuModels(), d.prices(), 1.0, r.getDouble("uptime"), d.gpuCapable(), d.payoutChains()));
            }
            return new OfferRead(readIn, out, gone);
          }, false));
        });
  }

  /** The chains a host can be paid on: those it gave a payout address for. */
  static Set<String> payoutChains(io.respool.protocol.host.Payout payout) {
    Set<String> chains = new java.util.HashSet<>(2);
    if (payout.ethereum() != null) chains.add("ethereum");
    if (payout.solana() != null) chains.add("solana");
    return chains;
  }

  /** True if some host is paid to this address: its owner signs in with the host role. */
  public Future<Boolean> isPayoutAddress(String chain, String address) {
    String column = "ethereum".equals(chain) ? "payout_ethereum" : "payout_solana";
    return pool.preparedQuery("SELECT 1 FROM hosts WHERE " + column + " = $1 LIMIT 1")
        .execute(Tuple.of("ethereum".equals(chain) ? lower(address) : address))
        .map(rows -> rows.size() > 0);
  }

  private <T> Future<T> inTransaction(java.util.function.Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(work);
  }

  /** Appends one event per changed row; the caller's transaction commits them with the change. */
  private Future<List<HostView>> emit(SqlConnection tx, RowSet<Row> rows, String type) {
    List<HostView> views = new ArrayList<>();
    for (Row r : rows) views.add(view(r));
    List<Event> appended = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (HostView v : views) {
      chain = chain.compose(x -> events.append(tx, STREAM, type, v).map(e -> { appended.add(e); return null; }));
    }
    // publish once the transaction has committed (withTransaction completes after COMMIT)
    return chain.map(x -> views).andThen(ar -> { if (ar.succeeded()) pendingPublish(tx, appended); });
  }

  private void pendingPublish(SqlConnection tx, List<Event> appended) {
    tx.transaction().completion().onSuccess(v -> events.publish(appended));
  }

  static HostView view(Row r) {
    HostInfo info = Json.decode(r.getString("info"), HostInfo.class);
    Inventory inv = info.inventory();
    return new HostView(
        r.getString("id"),
        r.getBoolean("online"),
        r.getString("region"),
        Resources.of(r.getLong("cpu_millis"), r.getLong("memory_mb"), r.getLong("storage_gb"), r.getInteger("gpus")),
        Resources.of(r.getLong("cpu_millis") - r.getLong("reserved_cpu_millis"),
            r.getLong("memory_mb") - r.getLong("reserved_memory_mb"),
            r.getLong("storage_gb") - r.getLong("reserved_storage_gb"),
            r.getInteger("gpus") - r.getInteger("reserved_gpus")),
        inv.gpus(), info.prices(), info.payout(), info.drivers(), inv.os(), inv.arch(), inv.cpuModel(),
        info.agentVersion(), r.getOffsetDateTime("last_seen").toInstant(),
        r.getOffsetDateTime("registered_at").toInstant());
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }
}

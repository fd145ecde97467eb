package io.respool.matching;

import io.respool.matching.Matcher.Scored;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;

/**
 * One view of the offers that is placed on again and again (a node's snapshot of its fleet),
 * lowered by each placement made on it, and that remembers, per demand shape, its feasible hosts
 * ranked by score. Matching a single-replica demand then costs a heap operation or two instead of
 * a scan of the whole fleet; the first demand of a shape pays the scan.
 *
 * <p>A host's score depends only on its free capacity, which only falls on a view (a fresh read
 * of the fleet is a new view). So when a placement lowers a host, the host is scored again in every
 * ranking and pushed with its new version; entries of an older version are skipped when they
 * surface, and a host that no longer fits drops out. The result is what {@link Matcher#match}
 * gives on the same view, host for host without a random generator (ties broken on host id), and
 * with one the better of two random choices among the equal-best hosts (the draw made once per
 * ranking rather than once per match). Demands of several replicas, and demands no single host can
 * take (a split, or a refusal with its reasons), are handed to the matcher over the whole view.
 *
 * <p>Its methods are synchronized: a node's batches place on it from a worker thread while its
 * single placements read and lower it from the event loop.
 */
public final class RankedOffers {
  /** Shapes kept ranked at once; the least recently used one is forgotten beyond. */
  static final int MAX_RANKINGS = 32;

  private final Matcher matcher;
  private final RandomGenerator random;
  private final HostOffer[] hosts;
  private final int[] version;
  private final Map<String, Integer> index;
  private final Map<Key, Ranking> rankings = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Ranking> eldest) {
      return size() > MAX_RANKINGS;
    }
  };
  private List<HostOffer> list;

  /** {@code random}: as for {@link Matcher#Matcher(RandomGenerator)}; null breaks ties on host id. */
  public RankedOffers(List<HostOffer> offers, Matcher matcher, RandomGenerator random) {
    this.matcher = matcher;
    this.random = random;
    this.hosts = offers.toArray(HostOffer[]::new);
    this.version = new int[hosts.length];
    this.index = HashMap.newHashMap(hosts.length);
    for (int i = 0; i < hosts.length; i++) index.put(hosts[i].hostId(), i);
    this.list = List.of(hosts);
  }

  /** The offers as lowered so far. */
  public synchronized List<HostOffer> offers() {
    if (list == null) list = List.of(hosts);
    return list;
  }

  /**
   * The best plan for the demand on this view, which is lowered by it; or the refusal, which
   * lowers nothing.
   */
  public synchronized Result place(Demand d, ScoringStrategy strategy) {
    Result r = d.replicas() == 1 ? placeOne(d, strategy) : null;
    if (r == null) r = matcher.match(d, offers(), strategy);
    if (r instanceof Plan p) take(p.placements());
    return r;
  }

  /** Placements reserved elsewhere (or by the caller): the hosts show that much less free. */
  public synchronized void take(List<Placement> placements) {
    Ledger.perHost(placements).forEach((hostId, taken) -> {
      Integer i = index.get(hostId);
      if (i == null) return;
      HostOffer o = hosts[i];
      hosts[i] = o.withFree(o.free().fits(taken) ? o.free().minus(taken) : Capacity.ZERO);
      version[i]++;
      list = null;
      for (Ranking k : rankings.values()) k.rescore(i);
    });
  }

  /** The single best host as a plan, or null when no single host fits (the matcher then says why, or splits). */
  private Result placeOne(Demand d, ScoringStrategy strategy) {
    Ranking k = rankings.computeIfAbsent(new Key(d, strategy), Ranking::new);
    Entry best = k.next();
    if (best == null) return null;
    Entry chosen = best;
    if (random != null) {
      Entry second = k.next();
      if (second != null) {
        Matcher.Pick pick = new Matcher.Pick(hosts);
        pick.offer(best.scored);
        pick.offer(second.scored);
        if (pick.betterOfTwo(h -> hosts[h].free()) == second.scored) chosen = second;
        k.heap.add(chosen == best ? second : best); // still valid: back where it was
      }
    }
    int i = chosen.scored.index();
    Capacity request = d.perReplica();
    Placement placement = new Placement(hosts[i].hostId(), 0, request.cpuMillis(), request.memoryMb(), request.storageGb(), request.gpus(),
        k.model[i], chosen.scored.price());
    try {
      return Plan.of(List.of(placement), d.seconds());
    } catch (ArithmeticException overflow) {
      k.heap.add(chosen);
      return new Refusal(Refusal.Reason.PRICE_CAP, "the plan's price per hour does not fit in 64-bit minor units");
    }
  }

  private record Key(Demand demand, ScoringStrategy strategy) {}

  private record Entry(Scored scored, int version) {}

  /** The feasible hosts of one shape, best first; entries older than their host's version are skipped. */
  private final class Ranking {
    final Demand demand;
    final ScoringStrategy strategy;
    final Capacity request;
    final long seed;
    final String[] model;
    final boolean[] eligible;
    final PriorityQueue<Entry> heap;

    Ranking(Key key) {
      this.demand = key.demand();
      this.strategy = key.strategy();
      this.request = demand.perReplica();
      this.seed = random == null ? 0 : random.nextLong() | 1;
      this.model = new String[hosts.length];
      this.eligible = new boolean[hosts.length];
      String wanted = demand.gpuModel() == null ? null : demand.gpuModel().toLowerCase(Locale.ROOT);
      List<Entry> feasible = new ArrayList<>();
      for (int i = 0; i < hosts.length; i++) {
        HostOffer h = hosts[i];
        model[i] = demand.gpus() > 0 ? Matcher.gpuModelFor(h, wanted) : null;
        eligible[i] = Matcher.eligibility(demand, h, model[i]) == null;
        Entry e = entry(i);
        if (e != null) feasible.add(e);
      }
      this.heap = new PriorityQueue<>(Math.max(1, feasible.size()), (a, b) -> a.scored.beats(b.scored, hosts) ? -1 : b.scored.beats(a.scored, hosts) ? 1 : 0);
      heap.addAll(feasible);
    }

    /** Host i as it is now, or null if it cannot take the demand. */
    Entry entry(int i) {
      if (!eligible[i]) return null;
      Scored s = Matcher.evaluate(demand, strategy, request, hosts[i], hosts[i].free(), model[i], 0, i, seed);
      return s == null ? null : new Entry(s, version[i]);
    }

    void rescore(int i) {
      Entry e = entry(i);
      if (e != null) heap.add(e);
    }

    /** The best current entry, taken off the heap; null when no host fits. */
    Entry next() {
      for (Entry e; (e = heap.poll()) != null; ) {
        if (e.version == version[e.scored.index()]) return e;
      }
      return null;
    }
  }
}

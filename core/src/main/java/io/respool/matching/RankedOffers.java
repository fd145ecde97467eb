package io.respool.matching;

import io.respool.matching.Matcher.Scored;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
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
 * <p>A host's score depends only on its offer. When a placement lowers a host, or a newer read of
 * it replaces its offer ({@link #update}: more or less free, another price, gone or new), the host
 * is scored again in every ranking and pushed with its new version; entries of an older version
 * are skipped when they surface, and a host that no longer fits drops out. The result is what {@link Matcher#match}
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
  /** The hosts by index, of which the first {@code size} are in use; a host keeps its index for the life of the view. */
  private HostOffer[] hosts;
  private int[] version;
  /** Hosts a newer read no longer offers: out of every ranking and of {@link #offers()}, until offered again. */
  private boolean[] gone;
  private int size;
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
    this.size = hosts.length;
    this.version = new int[size];
    this.gone = new boolean[size];
    this.index = HashMap.newHashMap(size);
    for (int i = 0; i < size; i++) index.put(hosts[i].hostId(), i);
    this.list = List.of(hosts);
  }

  /** The offers as lowered and updated so far. */
  public synchronized List<HostOffer> offers() {
    if (list == null) {
      List<HostOffer> l = new ArrayList<>(size);
      for (int i = 0; i < size; i++) if (!gone[i]) l.add(hosts[i]);
      list = List.copyOf(l);
    }
    return list;
  }

  /**
   * A newer read of some hosts: {@code changed} replace their offers (or join the view), the
   * hosts named in {@code gone} leave it (offline, or priced in another currency now).
   */
  public synchronized void update(Collection<HostOffer> changed, Collection<String> gone) {
    for (HostOffer o : changed) {
      Integer i = index.get(o.hostId());
      if (i == null) {
        i = size++;
        if (i == hosts.length) grow();
        index.put(o.hostId(), i);
      }
      hosts[i] = o;
      this.gone[i] = false;
      changed(i, true);
    }
    for (String id : gone) {
      Integer i = index.get(id);
      if (i == null || this.gone[i]) continue;
      this.gone[i] = true;
      changed(i, false);
    }
  }

  private void grow() {
    int capacity = Math.max(16, hosts.length * 2);
    hosts = Arrays.copyOf(hosts, capacity);
    version = Arrays.copyOf(version, capacity);
    gone = Arrays.copyOf(gone, capacity);
  }

  /** Host i changed: its older entries go stale, and every ranking scores it again ({@code offer}: its static fit too). */
  private void changed(int i, boolean offer) {
    version[i]++;
    list = null;
    for (Ranking k : rankings.values()) k.rescore(i, offer);
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
      hosts[i] = hosts[i].lessFree(taken);
      changed(i, false);
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
    final String wanted;
    String[] model;
    boolean[] eligible;
    final PriorityQueue<Entry> heap;

    Ranking(Key key) {
      this.demand = key.demand();
      this.strategy = key.strategy();
      this.request = demand.perReplica();
      this.seed = random == null ? 0 : random.nextLong() | 1;
      this.model = new String[hosts.length];
      this.eligible = new boolean[hosts.length];
      this.wanted = demand.gpuModel() == null ? null : demand.gpuModel().toLowerCase(Locale.ROOT);
      List<Entry> feasible = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        fit(i);
        Entry e = entry(i);
        if (e != null) feasible.add(e);
      }
      this.heap = new PriorityQueue<>(Math.max(1, feasible.size()), (a, b) -> a.scored.beats(b.scored, hosts) ? -1 : b.scored.beats(a.scored, hosts) ? 1 : 0);
      heap.addAll(feasible);
    }

    /** What of host i's fit does not change with its free capacity: its GPU model for the demand, and its eligibility. */
    void fit(int i) {
      if (i >= model.length) {
        model = Arrays.copyOf(model, hosts.length);
        eligible = Arrays.copyOf(eligible, hosts.length);
      }
      HostOffer h = hosts[i];
      model[i] = demand.gpus() > 0 ? Matcher.gpuModelFor(h, wanted) : null;
      eligible[i] = Matcher.eligibility(demand, h, model[i]) == null;
    }

    /** Host i as it is now, or null if it cannot take the demand. */
    Entry entry(int i) {
      if (gone[i] || !eligible[i]) return null;
      Scored s = Matcher.evaluate(demand, strategy, request, hosts[i], hosts[i].free(), model[i], 0, i, seed);
      return s == null ? null : new Entry(s, version[i]);
    }

    void rescore(int i, boolean offer) {
      if (offer) fit(i);
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

package io.respool.matching;

import io.respool.matching.Refusal.Reason;
import io.respool.matching.ScoringStrategy.Candidate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;

/**
 * Feasibility, then score, then plan, over an immutable snapshot of host offers (as Nomad's
 * scheduler does). Pure and deterministic: the same demand, snapshot and strategy give the same
 * result whatever the snapshot's order. Nothing is reserved here; the plan is committed by the
 * caller all-or-nothing (see {@link Ledger#reserve} and the package documentation).
 *
 * <p>Replicas are placed one after another, each on the best feasible host for the strategy, with
 * the capacity taken by earlier replicas of the same plan subtracted, so a plan never
 * over-allocates a host. A splittable replica that fits on no single host is split, CPU and
 * memory in proportion, over several hosts, largest free CPU first; its storage stays whole on
 * the first part's host, and a replica that asks for GPUs is never split. Either every replica
 * is placed or the whole demand is refused.
 *
 * <p><b>Equal scores.</b> Built without a random generator, the matcher breaks ties on host id, so
 * identical bookings matched on the same snapshot all choose the same host. Built with one (as
 * the gateway does), it takes the better of two random choices among the equal-best hosts: two
 * of them drawn at random (each host gets a key mixed from one draw per match and its id, and
 * the two smallest keys win, so the draw does not depend on the snapshot's order), the one with
 * more CPU, then memory, left after the placement going first. Concurrent identical bookings on
 * several nodes, each with a stale snapshot, then spread over the tied hosts instead of queueing
 * on one host's row lock and having all but one re-matched. Tests pass a seeded generator.
 *
 * <p>Cost is linear in the snapshot per replica (a full scan): see {@code bench/.../MatcherBench}
 * for decision times at 1k, 10k and 100k hosts. A node placing booking after booking on one view
 * uses {@link #rank} instead, which scans once per demand shape and then keeps the hosts ranked.
 */
public final class Matcher {

  /** Upper bound on hosts one split replica may be spread over. */
  public static final int MAX_SPLIT_PARTS = 64;

  private final RandomGenerator random;

  /** Equal scores broken on host id: fully deterministic. */
  public Matcher() {
    this(null);
  }

  /**
   * Equal-best hosts chosen as the better of two random choices drawn from {@code random}
   * (shared across threads when matching runs on several workers: pass a thread-safe one, e.g.
   * {@link java.util.Random}); {@code null} breaks ties on host id.
   */
  public Matcher(RandomGenerator random) {
    this.random = random;
  }

  /** A view of the offers to place on again and again, ranked per demand shape: see {@link RankedOffers}. */
  public RankedOffers rank(List<HostOffer> offers) {
    return new RankedOffers(offers, this, random);
  }

  /** The best plan for the demand, or why there is none. */
  public Result match(Demand demand, List<HostOffer> snapshot, ScoringStrategy strategy) {
    return match(demand, snapshot, strategy, Set.of());
  }

  /**
   * Up to {@code n} alternative plans, best first, without reserving anything ({@code POST
   * /v1/quotes}). Alternatives use disjoint sets of hosts: for one replica these are the n best
   * hosts. The refusal is set only when not even one plan exists.
   */
  public Quotes quote(Demand demand, List<HostOffer> snapshot, ScoringStrategy strategy, int n) {
    if (n < 1) throw new IllegalArgumentException("n must be at least 1");
    List<Plan> plans = new ArrayList<>();
    Set<String> used = new HashSet<>();
    Refusal first = null;
    while (plans.size() < n) {
      Result r = match(demand, snapshot, strategy, used);
      if (r instanceof Plan p) {
        plans.add(p);
        p.placements().forEach(pl -> used.add(pl.hostId()));
      } else {
        if (plans.isEmpty()) first = (Refusal) r;
        break;
      }
    }
    return new Quotes(List.copyOf(plans), first);
  }

  /** Alternatives for a quote; {@code refusal} is non-null only when {@code plans} is empty. */
  public record Quotes(List<Plan> plans, Refusal refusal) {}

  private Result match(Demand d, List<HostOffer> snapshot, ScoringStrategy strategy, Set<String> excluded) {
    int size = snapshot.size();
    if (size == 0) return new Refusal(Reason.NO_HOSTS, "no host is registered");
    HostOffer[] hosts = new HostOffer[size];
    Capacity[] free = new Capacity[size];
    String[] model = new String[size];
    int[] inPlan = new int[size];
    int[] eliminated = new int[Reason.values().length];
    String wantedModel = d.gpuModel() == null ? null : d.gpuModel().toLowerCase(Locale.ROOT);
    int n = 0;
    for (HostOffer h : snapshot) {
      if (!excluded.isEmpty() && excluded.contains(h.hostId())) continue;
      String m = d.gpus() > 0 ? gpuModelFor(h, wantedModel) : null;
      Reason r = eligibility(d, h, m);
      if (r != null) {
        eliminated[r.ordinal()]++;
        continue;
      }
      hosts[n] = h;
      free[n] = h.free();
      model[n] = m;
      n++;
    }
    if (n == 0) return refusal(eliminated, excluded.isEmpty() ? "no host" : "no further host");

    Capacity request = d.perReplica();
    long seconds = d.seconds();
    long seed = random == null ? 0 : random.nextLong() | 1; // 0 means no random keys
    List<Placement> placements = new ArrayList<>(d.replicas());
    // Scores depend only on the candidate (host, its free capacity, inPlan), which changes only
    // for hosts this plan has touched. So one full scan keeps the `replicas` best hosts; a later
    // replica needs only the best untouched one of those plus the touched hosts re-scored, and
    // falls back to a full scan if every kept host has been touched (after splits).
    boolean[] touched = new boolean[n];
    List<Integer> touchedList = new ArrayList<>();
    List<Scored> top = null;
    boolean topTruncated = false;
    for (int replica = 0; replica < d.replicas(); replica++) {
      Pick pick = new Pick(hosts);
      if (top != null) {
        int untouchedLeft = 0;
        for (Scored e : top) {
          if (!touched[e.index]) {
            pick.offer(e); // the best untouched host, and the runner-up for two choices if top holds it
            if (++untouchedLeft == 2) break;
          }
        }
        if (untouchedLeft > 0 || !topTruncated) {
          for (int i : touchedList) pick.offer(evaluate(d, strategy, request, hosts[i], free[i], model[i], inPlan[i], i, seed));
        }
      }
      Scored best = pick.best;
      int tooSmall = 0;
      int overCap = 0;
      if (best == null) { // first replica, fallback, or nothing fits: full scan, which also counts why
        PriorityQueue<Scored> keep = replica == 0 && d.replicas() > 1
            ? new PriorityQueue<>(d.replicas() + 1, (a, b) -> b.beats(a, hosts) ? -1 : 1) : null;
        int feasible = 0;
        for (int i = 0; i < n; i++) {
          Capacity f = free[i];
          if (!f.fits(request)) {
            tooSmall++;
            continue;
          }
          Scored e = evaluate(d, strategy, request, hosts[i], f, model[i], inPlan[i], i, seed);
          if (e == null) {
            overCap++;
            continue;
          }
          feasible++;
          pick.offer(e);
          if (keep != null && (keep.size() < d.replicas() || e.beats(keep.peek(), hosts))) {
            keep.add(e);
            if (keep.size() > d.replicas()) keep.poll();
          }
        }
        if (keep != null) {
          top = new ArrayList<>(keep);
          top.sort((a, b) -> a.beats(b, hosts) ? -1 : b.beats(a, hosts) ? 1 : 0);
          topTruncated = feasible > top.size();
        }
        best = pick.best;
      }
      if (best != null && random != null) best = pick.betterOfTwo(i -> free[i]);
      if (best != null) {
        int i = best.index;
        placements.add(new Placement(hosts[i].hostId(), replica, request.cpuMillis(), request.memoryMb(),
            request.storageGb(), request.gpus(), model[i], best.price));
        free[i] = free[i].minus(request);
        inPlan[i]++;
        touch(i, touched, touchedList);
        continue;
      }
      Object split = d.splittable() ? split(d, replica, hosts, free, inPlan, n, touched, touchedList) : null;
      if (split instanceof List<?> parts) {
        for (Object o : parts) placements.add((Placement) o);
        continue;
      }
      String which = d.replicas() == 1 ? "" : "replica " + (replica + 1) + " of " + d.replicas() + ": ";
      String what = describe(request);
      if (split instanceof Refusal r) return new Refusal(r.reason(), which + r.message());
      if (overCap > 0) {
        return new Refusal(Reason.PRICE_CAP, which + overCap + " host(s) with " + what + " free ask more than "
            + (d.maxPricePerHour() == null ? "can be represented" : "the cap of " + d.maxPricePerHour()) + " per hour");
      }
      return new Refusal(Reason.NO_CAPACITY, which + "none of " + tooSmall + " eligible host(s) has " + what + " free"
          + (d.splittable() ? ", even split over several" : ""));
    }
    try {
      return Plan.of(placements, seconds);
    } catch (ArithmeticException overflow) {
      return new Refusal(Reason.PRICE_CAP, "the plan's price per hour does not fit in 64-bit minor units");
    }
  }

  /**
   * A feasible host for one replica with its score; {@code beats} orders by score, then the
   * host's random key for this match (0 for all without a random generator), then host id.
   */
  record Scored(int index, double score, long price, long key) {
    boolean beats(Scored o, HostOffer[] hosts) {
      int c = Double.compare(score, o.score);
      if (c != 0) return c < 0;
      c = Long.compareUnsigned(key, o.key);
      return c < 0 || (c == 0 && hosts[index].hostId().compareTo(hosts[o.index].hostId()) < 0);
    }
  }

  /** The best candidate offered and the runner-up, by {@link Scored#beats}. */
  static final class Pick {
    private final HostOffer[] hosts;
    Scored best;
    Scored second;

    Pick(HostOffer[] hosts) {
      this.hosts = hosts;
    }

    void offer(Scored e) {
      if (e == null) return;
      if (best == null || e.beats(best, hosts)) {
        second = best;
        best = e;
      } else if (second == null || e.beats(second, hosts)) {
        second = e;
      }
    }

    /**
     * When the runner-up scores the same as the best, the two are two random choices among the
     * equal-best hosts (the two smallest keys): the one with more CPU, then memory, left wins.
     */
    Scored betterOfTwo(IntFunction<Capacity> freeOf) {
      if (second == null || Double.compare(second.score, best.score) != 0) return best;
      Capacity a = freeOf.apply(second.index);
      Capacity b = freeOf.apply(best.index);
      int c = Long.compare(a.cpuMillis(), b.cpuMillis());
      if (c == 0) c = Long.compare(a.memoryMb(), b.memoryMb());
      return c > 0 ? second : best;
    }
  }

  /** The candidate's score, or null if it does not fit or costs more than the cap. */
  static Scored evaluate(Demand d, ScoringStrategy strategy, Capacity request, HostOffer h, Capacity free,
      String model, int inPlan, int index, long seed) {
    if (!free.fits(request)) return null;
    long p = priceOrMax(h, request, model);
    if (p == Long.MAX_VALUE || (d.maxPricePerHour() != null && p > d.maxPricePerHour())) return null;
    return new Scored(index, strategy.score(new Candidate(h, free, request, p, inPlan)), p, seed == 0 ? 0 : key(seed, h.hostId()));
  }

  /** A host's random key for one match: the seed and the id's hash through SplitMix64's finalizer. */
  private static long key(long seed, String hostId) {
    long z = seed + 0x9E3779B97F4A7C15L * (hostId.hashCode() + 1L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static void touch(int i, boolean[] touched, List<Integer> touchedList) {
    if (!touched[i]) {
      touched[i] = true;
      touchedList.add(i);
    }
  }

  /** A list of placements for one split replica, a Refusal, or null when splitting cannot help. */
  private static Object split(Demand d, int replica, HostOffer[] hosts, Capacity[] free, int[] inPlan, int n,
      boolean[] touched, List<Integer> touchedList) {
    long rc = d.cpuMillis();
    long rm = d.memoryMb();
    if (d.gpus() > 0 || (rc == 0 && rm == 0)) return null; // only CPU and memory split; GPU work stays with its GPUs
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Arrays.sort(order, Comparator.<Integer>comparingLong(i -> -free[i].cpuMillis())
        .thenComparingLong(i -> -free[i].memoryMb()).thenComparing(i -> hosts[i].hostId()));
    // the first part carries the storage: the largest host that has it free goes first
    Capacity storageOnly = new Capacity(0, 0, d.storageGb(), 0);
    int firstAt = -1;
    for (int k = 0; k < n && firstAt < 0; k++) {
      Capacity f = free[order[k]];
      if (f.fits(storageOnly) && (rc == 0 || f.cpuMillis() > 0) && (rm == 0 || f.memoryMb() > 0)) firstAt = k;
    }
    if (firstAt < 0) return null;
    if (firstAt > 0) {
      Integer first = order[firstAt];
      System.arraycopy(order, 0, order, 1, firstAt);
      order[0] = first;
    }
    List<Placement> parts = new ArrayList<>();
    Capacity[] taken = new Capacity[n];
    long total = 0;
    for (int i : order) {
      if (rc == 0 && rm == 0) break;
      if (parts.size() == MAX_SPLIT_PARTS) break;
      boolean first = parts.isEmpty();
      if (first && i != order[0]) return null; // the storage host could not take a part
      Capacity f = free[i];
      long fc = f.cpuMillis();
      long fm = f.memoryMb();
      long c;
      long m;
      if (rc > 0 && rm > 0) {
        if (fc == 0 || fm == 0) continue;
        c = Math.min(fc, rc);
        m = Pricing.mulDivCeil(rm, c, rc); // memory in proportion, so both run out together
        if (c < rc) m = Math.min(m, rm - 1); // leave some memory for the CPU still to place
        if (m > fm) {
          m = fm;
          c = Math.min(c, rc * m / rm); // rc * m ≤ 2^22 * 2^34, no overflow
        }
        if (c == 0 || m == 0) continue;
      } else if (rc > 0) {
        c = Math.min(fc, rc);
        m = 0;
        if (c == 0) continue;
      } else {
        c = 0;
        m = Math.min(fm, rm);
        if (m == 0) continue;
      }
      long storage = first ? d.storageGb() : 0;
      long p = priceOrMax(hosts[i], new Capacity(c, m, storage, 0), null);
      parts.add(new Placement(hosts[i].hostId(), replica, c, m, storage, 0, null, p));
      taken[i] = new Capacity(c, m, storage, 0);
      total = p == Long.MAX_VALUE || total == Long.MAX_VALUE ? Long.MAX_VALUE : Math.addExact(total, p);
      rc -= c;
      rm -= m;
    }
    if (rc > 0 || rm > 0) return null;
    if (total == Long.MAX_VALUE || (d.maxPricePerHour() != null && total > d.maxPricePerHour())) {
      return new Refusal(Reason.PRICE_CAP, "split over " + parts.size() + " hosts the replica costs " + total
          + " per hour, above the cap of " + d.maxPricePerHour());
    }
    for (int i = 0; i < n; i++) {
      if (taken[i] != null) {
        free[i] = free[i].minus(taken[i]);
        inPlan[i]++;
        touch(i, touched, touchedList);
      }
    }
    return parts;
  }

  /**
   * Why the host can never take the demand whatever its free capacity, or null; {@code model} is
   * {@link #gpuModelFor} the host when the demand asks for GPUs.
   */
  static Reason eligibility(Demand d, HostOffer h, String model) {
    Reason r = staticCheck(d, h);
    if (r != null || d.gpus() == 0) return r;
    if (model == null) return Reason.GPU_MODEL_UNAVAILABLE;
    // a host whose driver cannot hand a task its own GPUs would accept the booking and fail the task
    return h.gpuDrivers().contains(d.requiredDriver()) ? null : Reason.NO_GPU_DRIVER;
  }

  private static Reason staticCheck(Demand d, HostOffer h) {
    if (!h.online()) return Reason.HOST_OFFLINE;
    if (!h.drivers().contains(d.requiredDriver())) return Reason.NO_DRIVER;
    if (d.arch() != null && !d.arch().equalsIgnoreCase(h.arch())) return Reason.ARCH;
    if (d.region() != null && !d.region().equalsIgnoreCase(h.region())) return Reason.REGION;
    if (d.minReputation() != null && h.reputation() < d.minReputation()) return Reason.REPUTATION;
    if (d.minUptime() != null && h.uptime() < d.minUptime()) return Reason.UPTIME;
    if (!h.prices().rentsFor(d.seconds())) return Reason.DURATION;
    // the escrow pays each host to its address on the booking's chain: a host without one could never be paid
    if (d.payoutChain() != null && !h.payoutChains().contains(d.payoutChain())) return Reason.NO_PAYOUT;
    return null;
  }

  /** The wanted model if the host has and prices it; for any model, the host's cheapest priced one. */
  static String gpuModelFor(HostOffer h, String wanted) {
    if (wanted != null) {
      return h.gpuModels().contains(wanted) && Pricing.gpuHour(h.prices(), wanted) != null ? wanted : null;
    }
    String best = null;
    long bestPrice = Long.MAX_VALUE;
    for (String m : h.gpuModels()) {
      Long p = Pricing.gpuHour(h.prices(), m);
      if (p != null && (best == null || p < bestPrice || (p == bestPrice && m.compareTo(best) < 0))) {
        best = m;
        bestPrice = p;
      }
    }
    return best;
  }

  /** Price per hour, or Long.MAX_VALUE when it does not fit in a long (never under any cap, worst for Cheapest). */
  private static long priceOrMax(HostOffer h, Capacity c, String gpuModel) {
    try {
      Long p = Pricing.pricePerHour(h.prices(), c.cpuMillis(), c.memoryMb(), c.storageGb(), c.gpus(), gpuModel);
      return p == null ? Long.MAX_VALUE : p;
    } catch (ArithmeticException overflow) {
      return Long.MAX_VALUE;
    }
  }

  private static Refusal refusal(int[] eliminated, String subject) {
    Reason last = Reason.NO_HOSTS;
    StringBuilder why = new StringBuilder();
    for (Reason r : Reason.values()) {
      int count = eliminated[r.ordinal()];
      if (count == 0) continue;
      last = r;
      if (!why.isEmpty()) why.append(", ");
      why.append(count).append(' ').append(LABELS.get(r));
    }
    return new Refusal(last, subject + " is eligible: " + why);
  }

  private static final Map<Reason, String> LABELS = Map.ofEntries(
      Map.entry(Reason.HOST_OFFLINE, "offline"),
      Map.entry(Reason.NO_DRIVER, "without the task driver"),
      Map.entry(Reason.NO_GPU_DRIVER, "whose task driver cannot give GPUs"),
      Map.entry(Reason.ARCH, "of another architecture"),
      Map.entry(Reason.REGION, "in another region"),
      Map.entry(Reason.REPUTATION, "below the minimum reputation"),
      Map.entry(Reason.UPTIME, "below the minimum uptime"),
      Map.entry(Reason.DURATION, "that do not rent for this long (or this short)"),
      Map.entry(Reason.NO_PAYOUT, "without a payout address on the booking's payment chain"),
      Map.entry(Reason.GPU_MODEL_UNAVAILABLE, "without a priced GPU of the model"));

  private static String describe(Capacity c) {
    return c.cpuMillis() + "m CPU, " + c.memoryMb() + " MiB, " + c.storageGb() + " GiB and " + c.gpus() + " GPU(s)";
  }
}

package io.respool.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.respool.protocol.host.Prices;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The matcher keeps only the best hosts of its first scan for later replicas; this checks it
 * against the obvious algorithm (a full scan for every replica, capacity subtracted as it goes).
 */
class MatcherReferenceTest {

  private static final List<ScoringStrategy> STRATEGIES = List.of(new Cheapest(), new BestFit(), new Spread());

  @Test
  void replicasArePlacedExactlyAsByAFullScanPerReplica() {
    qt().withExamples(500).forAll(integers().all(), integers().between(1, 40), integers().between(1, 30)).checkAssert((seed, size, replicas) -> {
      Random r = new Random(seed);
      List<HostOffer> fleet = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        Capacity total = new Capacity(1000L * (1 + r.nextInt(16)), 1024L * (1 + r.nextInt(32)), 0, 0);
        Capacity free = new Capacity(r.nextLong(total.cpuMillis() + 1), r.nextLong(total.memoryMb() + 1), 0, 0);
        fleet.add(new HostOffer("h" + r.nextInt(1000) + "-" + i, r.nextInt(10) > 0, "eu", "amd64", Set.of("docker"), total,
            free, List.of(), new Prices("USDC", 100L * r.nextInt(4), 10L * r.nextInt(3), 0, Map.of()), 1, 1));
      }
      Demand d = Demand.of(250L * (1 + r.nextInt(12)), 256L * r.nextInt(16)).withReplicas(replicas);
      if (r.nextInt(3) == 0) d = d.withMaxPricePerHour((long) r.nextInt(2000));
      ScoringStrategy s = STRATEGIES.get(r.nextInt(3));
      Result fast = new Matcher().match(d, fleet, s);
      Result slow = reference(d, fleet, s);
      if (slow instanceof Plan p) {
        assertThat(fast).isEqualTo(p);
      } else {
        assertThat(fast).isInstanceOf(Refusal.class);
      }
    });
  }

  /** Full scan per replica, no splitting. */
  private static Result reference(Demand d, List<HostOffer> fleet, ScoringStrategy s) {
    Map<String, Capacity> free = new HashMap<>();
    Map<String, Integer> inPlan = new HashMap<>();
    fleet.forEach(h -> free.put(h.hostId(), h.free()));
    List<Placement> placements = new ArrayList<>();
    Capacity req = d.perReplica();
    for (int replica = 0; replica < d.replicas(); replica++) {
      HostOffer best = null;
      double bestScore = 0;
      long bestPrice = 0;
      for (HostOffer h : fleet) {
        if (!h.online() || !free.get(h.hostId()).fits(req)) continue;
        long p = Pricing.pricePerHour(h.prices(), req.cpuMillis(), req.memoryMb(), 0, 0, null);
        if (d.maxPricePerHour() != null && p > d.maxPricePerHour()) continue;
        double sc = s.score(new ScoringStrategy.Candidate(h, free.get(h.hostId()), req, p, inPlan.getOrDefault(h.hostId(), 0)));
        if (best == null || sc < bestScore || (sc == bestScore && h.hostId().compareTo(best.hostId()) < 0)) {
          best = h;
          bestScore = sc;
          bestPrice = p;
        }
      }
      if (best == null) return new Refusal(Refusal.Reason.NO_CAPACITY, "reference");
      placements.add(new Placement(best.hostId(), replica, req.cpuMillis(), req.memoryMb(), 0, 0, null, bestPrice));
      free.put(best.hostId(), free.get(best.hostId()).minus(req));
      inPlan.merge(best.hostId(), 1, Integer::sum);
    }
    return Plan.of(placements, d.seconds());
  }
}

package io.respool.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.respool.protocol.host.Prices;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A ranked view must place exactly as the matcher does on the same view, lowered the same way:
 * it checks it against {@link Matcher#match} over a list lowered after every plan, for fleets of
 * GPU and CPU hosts in several regions, demands of a few shapes repeated (so rankings are reused
 * and their hosts re-scored), replicas, splits, refusals and placements taken from outside.
 */
class RankedOffersTest {

  private static final List<ScoringStrategy> STRATEGIES = List.of(new Cheapest(), new BestFit(), new Spread());

  @Test
  void placesExactlyAsTheMatcherOnTheLoweredView() {
    qt().withExamples(300).forAll(integers().all(), integers().between(1, 60), integers().between(1, 80)).checkAssert((seed, size, steps) -> {
      Random r = new Random(seed);
      List<HostOffer> view = fleet(r, size);
      Matcher matcher = new Matcher();
      RankedOffers ranked = new RankedOffers(view, matcher, null);
      List<Demand> shapes = new ArrayList<>();
      for (int i = 0; i < 4; i++) shapes.add(demand(r));
      for (int step = 0; step < steps; step++) {
        if (r.nextInt(8) == 0 && !view.isEmpty()) { // someone else's booking, reserved elsewhere
          HostOffer h = view.get(r.nextInt(view.size()));
          List<Placement> outside = List.of(new Placement(h.hostId(), 0, 250L * r.nextInt(4), 128L * r.nextInt(4), 0, 0, null, 0));
          ranked.take(outside);
          view = lowered(view, outside);
          continue;
        }
        Plan p = placedAsTheMatcher(ranked, matcher, view, shapes.get(r.nextInt(shapes.size())), STRATEGIES.get(r.nextInt(STRATEGIES.size())), step);
        if (p != null) view = lowered(view, p.placements());
        assertThat(ranked.offers()).isEqualTo(view);
      }
    });
  }

  /**
   * Newer reads of some hosts between placements (more or less free, another price or region, offline,
   * gone, back again, new hosts): still exactly the matcher's plan on the view as read and lowered.
   */
  @Test
  void placesExactlyAsTheMatcherWhenNewerReadsReplaceAddAndRemoveHosts() {
    qt().withExamples(300).forAll(integers().all(), integers().between(0, 40), integers().between(1, 80)).checkAssert((seed, size, steps) -> {
      Random r = new Random(seed);
      // the view in the order the ranked view keeps (a host keeps its place; new ones at the end), without the gone
      Map<String, HostOffer> byId = new java.util.LinkedHashMap<>();
      fleet(r, size).forEach(h -> byId.put(h.hostId(), h));
      Set<String> gone = new HashSet<>();
      Matcher matcher = new Matcher();
      RankedOffers ranked = new RankedOffers(List.copyOf(byId.values()), matcher, null);
      List<Demand> shapes = new ArrayList<>();
      for (int i = 0; i < 4; i++) shapes.add(demand(r));
      int fresh = 0;
      for (int step = 0; step < steps; step++) {
        List<String> ids = new ArrayList<>(byId.keySet());
        if (r.nextInt(4) == 0) { // a newer read of a few hosts
          List<HostOffer> changed = new ArrayList<>();
          List<String> left = new ArrayList<>();
          for (int n = 1 + r.nextInt(3); n > 0; n--) {
            int what = r.nextInt(3);
            if (what == 0 || ids.isEmpty()) {
              HostOffer h = fleet(r, 1).get(0);
              h = new HostOffer("new" + fresh++, h.online(), h.region(), h.arch(), h.drivers(), h.total(), h.free(), h.gpuModels(), h.prices(),
                  h.reputation(), h.uptime(), h.gpuDrivers(), h.payoutChains());
              changed.add(h);
              byId.put(h.hostId(), h);
              gone.remove(h.hostId());
            } else if (what == 1) { // the same host read again: anything of its offer may differ
              String id = ids.get(r.nextInt(ids.size()));
              HostOffer h = fleet(r, 1).get(0);
              h = new HostOffer(id, h.online(), h.region(), h.arch(), h.drivers(), h.total(), h.free(), h.gpuModels(), h.prices(),
                  h.reputation(), h.uptime(), h.gpuDrivers(), h.payoutChains());
              changed.add(h);
              byId.put(id, h);
              left.removeIf(id::equals);
              gone.remove(id);
            } else {
              String id = ids.get(r.nextInt(ids.size()));
              changed.removeIf(h -> h.hostId().equals(id));
              left.add(id);
              gone.add(id);
            }
          }
          ranked.update(changed, left);
        } else if (r.nextInt(6) == 0 && !ids.isEmpty()) { // someone else's booking, reserved elsewhere
          String id = ids.get(r.nextInt(ids.size()));
          List<Placement> outside = List.of(new Placement(id, 0, 250L * r.nextInt(4), 128L * r.nextInt(4), 0, 0, null, 0));
          ranked.take(outside);
          lower(byId, outside);
        } else {
          List<HostOffer> view = byId.values().stream().filter(h -> !gone.contains(h.hostId())).toList();
          Plan p = placedAsTheMatcher(ranked, matcher, view, shapes.get(r.nextInt(shapes.size())), STRATEGIES.get(r.nextInt(STRATEGIES.size())), step);
          if (p != null) lower(byId, p.placements());
        }
        assertThat(ranked.offers()).isEqualTo(byId.values().stream().filter(h -> !gone.contains(h.hostId())).toList());
      }
    });
  }

  /** Places d on the ranked view and checks it gives the matcher's plan on {@code view} (or a refusal for the same reason); the plan, or null. */
  private static Plan placedAsTheMatcher(RankedOffers ranked, Matcher matcher, List<HostOffer> view, Demand d, ScoringStrategy s, int step) {
    Result expected = matcher.match(d, view, s);
    Result actual = ranked.place(d, s);
    if (expected instanceof Plan p) {
      assertThat(actual).as("step %d: %s with %s", step, d, s).isEqualTo(p);
      return p;
    }
    assertThat(actual).as("step %d: %s with %s", step, d, s).isInstanceOf(Refusal.class);
    assertThat(((Refusal) actual).reason()).isEqualTo(((Refusal) expected).reason());
    return null;
  }

  private static void lower(Map<String, HostOffer> byId, List<Placement> placements) {
    List<HostOffer> lowered = lowered(List.copyOf(byId.values()), placements);
    lowered.forEach(h -> byId.put(h.hostId(), h));
  }

  @Test
  void withARandomGeneratorEachPlanIsOneOfTheEqualBestAndNothingIsOverAllocated() {
    qt().withExamples(200).forAll(integers().all(), integers().between(1, 40)).checkAssert((seed, size) -> {
      Random r = new Random(seed);
      List<HostOffer> view = fleet(r, size);
      Map<String, Capacity> startFree = new HashMap<>();
      view.forEach(h -> startFree.put(h.hostId(), h.free()));
      RankedOffers ranked = new RankedOffers(view, new Matcher(), new Random(seed + 1));
      Demand d = Demand.of(250L * (1 + r.nextInt(4)), 128L * (1 + r.nextInt(4)));
      ScoringStrategy s = STRATEGIES.get(r.nextInt(STRATEGIES.size()));
      Map<String, Capacity> used = new HashMap<>();
      for (int step = 0; step < 50; step++) {
        Result best = new Matcher().match(d, view, s);
        Result actual = ranked.place(d, s);
        if (!(best instanceof Plan p)) {
          assertThat(actual).isInstanceOf(Refusal.class);
          break;
        }
        Placement chosen = ((Plan) actual).placements().get(0);
        Placement first = p.placements().get(0);
        HostOffer host = view.stream().filter(h -> h.hostId().equals(chosen.hostId())).findFirst().orElseThrow();
        HostOffer top = view.stream().filter(h -> h.hostId().equals(first.hostId())).findFirst().orElseThrow();
        assertThat(score(s, host, d)).as("the chosen host scores as the best one").isEqualTo(score(s, top, d));
        used.merge(chosen.hostId(), new Capacity(chosen.cpuMillis(), chosen.memoryMb(), 0, 0), Capacity::plus);
        view = lowered(view, List.of(chosen));
      }
      used.forEach((id, u) -> assertThat(startFree.get(id).fits(u)).as("%s over its free capacity", id).isTrue());
    });
  }

  @Test
  void twoViewsWithTheirOwnDrawsSpreadIdenticalBookingsOverEqualHosts() {
    List<HostOffer> identical = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      identical.add(new HostOffer("h" + i, true, "eu", "amd64", Set.of("docker"), new Capacity(8000, 16384, 0, 0),
          new Capacity(8000, 16384, 0, 0), List.of(), new Prices("USDC", 100, 10, 0, Map.of()), 1, 1));
    }
    Set<String> firstChoices = new HashSet<>();
    for (int node = 0; node < 8; node++) {
      RankedOffers view = new RankedOffers(identical, new Matcher(), new Random(node));
      firstChoices.add(((Plan) view.place(Demand.of(1000, 1024), new Cheapest())).placements().get(0).hostId());
    }
    assertThat(firstChoices).as("eight nodes' first choices among 16 equal hosts").hasSizeGreaterThan(2);
  }

  @Test
  void aShapeNoSingleHostTakesIsSplitOrRefusedWithTheMatchersReasons() {
    List<HostOffer> two = List.of(
        new HostOffer("a", true, "eu", "amd64", Set.of("docker"), new Capacity(2000, 2048, 0, 0), new Capacity(2000, 2048, 0, 0), List.of(),
            new Prices("USDC", 100, 10, 0, Map.of()), 1, 1),
        new HostOffer("b", true, "eu", "amd64", Set.of("docker"), new Capacity(2000, 2048, 0, 0), new Capacity(2000, 2048, 0, 0), List.of(),
            new Prices("USDC", 100, 10, 0, Map.of()), 1, 1));
    RankedOffers ranked = new RankedOffers(two, new Matcher(), null);
    Result split = ranked.place(Demand.of(3000, 1024).withSplittable(true), new BestFit());
    assertThat(split).isInstanceOf(Plan.class);
    assertThat(((Plan) split).placements()).hasSize(2);
    Result refused = ranked.place(Demand.of(3000, 1024), new BestFit());
    assertThat(refused).isInstanceOf(Refusal.class);
    assertThat(((Refusal) refused).reason()).isEqualTo(Refusal.Reason.NO_CAPACITY);
    assertThat(ranked.offers().stream().mapToLong(h -> h.free().cpuMillis()).sum()).as("the split lowered the view").isEqualTo(1000);
  }

  private static double score(ScoringStrategy s, HostOffer h, Demand d) {
    Capacity req = d.perReplica();
    long p = Pricing.pricePerHour(h.prices(), req.cpuMillis(), req.memoryMb(), 0, 0, null);
    return s.score(new ScoringStrategy.Candidate(h, h.free(), req, p, 0));
  }

  private static List<HostOffer> lowered(List<HostOffer> view, List<Placement> placements) {
    Map<String, Capacity> taken = Ledger.perHost(placements);
    List<HostOffer> next = new ArrayList<>();
    for (HostOffer o : view) {
      Capacity t = taken.get(o.hostId());
      next.add(t == null ? o : o.lessFree(t));
    }
    return next;
  }

  private static List<HostOffer> fleet(Random r, int size) {
    List<HostOffer> fleet = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      boolean gpu = r.nextInt(4) == 0;
      Capacity total = new Capacity(1000L * (1 + r.nextInt(16)), 1024L * (1 + r.nextInt(32)), 10L * r.nextInt(5), gpu ? 1 + r.nextInt(4) : 0);
      Capacity free = new Capacity(r.nextLong(total.cpuMillis() + 1), r.nextLong(total.memoryMb() + 1), r.nextLong(total.storageGb() + 1),
          r.nextInt(total.gpus() + 1));
      List<String> models = gpu ? List.of(r.nextBoolean() ? "a100" : "t4") : List.of();
      Map<String, Long> gpuPrices = gpu ? Map.of(models.get(0), 1000L * (1 + r.nextInt(3))) : Map.of();
      fleet.add(new HostOffer("h" + r.nextInt(1000) + "-" + i, r.nextInt(10) > 0, r.nextBoolean() ? "eu" : "us", "amd64", Set.of("docker"),
          total, free, models, new Prices("USDC", 100L * r.nextInt(4), 10L * r.nextInt(3), r.nextInt(2), gpuPrices), r.nextDouble(), 1));
    }
    return fleet;
  }

  private static Demand demand(Random r) {
    Demand d = Demand.of(250L * (1 + r.nextInt(12)), 256L * r.nextInt(16));
    if (r.nextInt(4) == 0) d = d.withReplicas(1 + r.nextInt(4));
    if (r.nextInt(4) == 0) d = d.withGpus(1, r.nextBoolean() ? null : "a100");
    if (r.nextInt(3) == 0) d = d.withPlace(r.nextBoolean() ? "eu" : "us", null);
    if (r.nextInt(4) == 0) d = d.withMaxPricePerHour((long) r.nextInt(3000));
    if (r.nextInt(5) == 0) d = d.withMinimums(null, 0.5);
    if (r.nextInt(5) == 0) d = d.withSplittable(true);
    if (r.nextInt(6) == 0) d = d.withStorageGb(r.nextInt(20));
    return d;
  }
}

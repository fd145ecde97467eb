package io.respool.matching;

import static io.respool.matching.Hosts.host;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Equal-best hosts and concurrent identical bookings: each match below stands for one booking
 * matched on the same (stale) snapshot, as concurrent bookings on several nodes are.
 */
class MatcherSpreadTest {

  private static final ScoringStrategy CHEAPEST = new Cheapest();
  private static final ScoringStrategy BEST_FIT = new BestFit();

  private static List<HostOffer> identical(int n) {
    List<HostOffer> fleet = new ArrayList<>();
    for (int i = 0; i < n; i++) fleet.add(host(String.format("h%03d", i), 4, 8192));
    return fleet;
  }

  private static String onlyHost(Result r) {
    assertThat(r).isInstanceOf(Plan.class);
    Plan p = (Plan) r;
    assertThat(p.placements()).hasSize(1);
    return p.placements().get(0).hostId();
  }

  @Test
  void withoutRandomIdenticalBookingsAllChooseTheSameHost() {
    Matcher matcher = new Matcher();
    List<HostOffer> fleet = identical(50);
    Set<String> chosen = new HashSet<>();
    for (int i = 0; i < 100; i++) chosen.add(onlyHost(matcher.match(Demand.of(1000, 1024), fleet, BEST_FIT)));
    assertThat(chosen).containsExactly("h000");
  }

  @Test
  void identicalBookingsSpreadOverEqualBestHosts() {
    Matcher matcher = new Matcher(new Random(7));
    List<HostOffer> fleet = identical(50);
    Map<String, Integer> perHost = new HashMap<>();
    for (int i = 0; i < 200; i++) perHost.merge(onlyHost(matcher.match(Demand.of(1000, 1024), fleet, BEST_FIT)), 1, Integer::sum);
    // 200 draws over 50 tied hosts: a uniform choice reaches nearly all of them, and none takes a large share
    assertThat(perHost.size()).isGreaterThanOrEqualTo(40);
    assertThat(Collections.max(perHost.values())).isLessThanOrEqualTo(15);
  }

  @Test
  void onlyEqualBestHostsAreDrawn() {
    Matcher matcher = new Matcher(new Random(11));
    List<HostOffer> fleet = new ArrayList<>(identical(10));
    // two hosts already partly used score better under BestFit: the draw stays between them
    Capacity total = new Capacity(4000, 8192, 100, 0);
    Capacity half = new Capacity(2000, 4096, 50, 0);
    for (String id : List.of("busy-a", "busy-b")) {
      fleet.add(new HostOffer(id, true, "eu", "amd64", Set.of("docker", "process"), total, half, List.of(), Hosts.PRICES, 1.0, 1.0));
    }
    Set<String> chosen = new HashSet<>();
    for (int i = 0; i < 100; i++) chosen.add(onlyHost(matcher.match(Demand.of(1000, 1024), fleet, BEST_FIT)));
    assertThat(chosen).containsExactlyInAnyOrder("busy-a", "busy-b");
  }

  @Test
  void ofTwoEqualBestHostsTheOneWithMoreRoomWins() {
    // Cheapest: same price for the replica on both, so they tie; the two random choices are always these two
    List<HostOffer> fleet = List.of(host("small", 2, 4096), host("large", 16, 65536));
    Matcher matcher = new Matcher(new Random(3));
    for (int i = 0; i < 50; i++) assertThat(onlyHost(matcher.match(Demand.of(1000, 1024), fleet, CHEAPEST))).isEqualTo("large");
  }

  @Test
  void theSameSeedGivesTheSameChoicesWhateverTheSnapshotOrder() {
    List<HostOffer> fleet = identical(30);
    List<HostOffer> shuffled = new ArrayList<>(fleet);
    Collections.shuffle(shuffled, new Random(99));
    Matcher a = new Matcher(new Random(42));
    Matcher b = new Matcher(new Random(42));
    List<String> first = new ArrayList<>();
    List<String> second = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      first.add(onlyHost(a.match(Demand.of(500, 512), fleet, BEST_FIT)));
      second.add(onlyHost(b.match(Demand.of(500, 512), shuffled, BEST_FIT)));
    }
    assertThat(second).isEqualTo(first);
    assertThat(new HashSet<>(first)).hasSizeGreaterThan(10);
  }

  @Test
  void replicasOfOnePlanStillNeverOverAllocateWithRandomTies() {
    Matcher matcher = new Matcher(new Random(5));
    List<HostOffer> fleet = identical(8); // 8 × 4 cores
    Result r = matcher.match(Demand.of(1000, 1024).withReplicas(32), fleet, BEST_FIT);
    assertThat(r).isInstanceOf(Plan.class);
    Map<String, Long> cpu = new HashMap<>();
    for (Placement p : ((Plan) r).placements()) cpu.merge(p.hostId(), p.cpuMillis(), Long::sum);
    assertThat(cpu).hasSize(8).allSatisfy((h, c) -> assertThat(c).isEqualTo(4000L));
    assertThat(matcher.match(Demand.of(1000, 1024).withReplicas(33), fleet, BEST_FIT)).isInstanceOf(Refusal.class);
  }
}

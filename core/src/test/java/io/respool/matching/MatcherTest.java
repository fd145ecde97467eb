package io.respool.matching;

import static io.respool.matching.Hosts.drivers;
import static io.respool.matching.Hosts.gpuHost;
import static io.respool.matching.Hosts.host;
import static io.respool.matching.Hosts.priced;
import static io.respool.matching.Hosts.trust;
import static io.respool.matching.Hosts.where;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.matching.Refusal.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import io.respool.protocol.host.Prices;
import java.util.List;
import java.util.Set;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MatcherTest {

  private final Matcher matcher = new Matcher();
  private static final ScoringStrategy CHEAPEST = new Cheapest();
  private static final ScoringStrategy BEST_FIT = new BestFit();
  private static final ScoringStrategy SPREAD = new Spread();

  private Plan plan(Result r) {
    assertThat(r).isInstanceOf(Plan.class);
    return (Plan) r;
  }

  private Refusal refusal(Result r) {
    assertThat(r).isInstanceOf(Refusal.class);
    return (Refusal) r;
  }

  private static List<String> hostsOf(Plan p) {
    return p.placements().stream().map(Placement::hostId).toList();
  }

  @Test
  void emptyFleetIsRefusedWithNoHosts() {
    assertThat(refusal(matcher.match(Demand.of(1000, 1024), List.of(), CHEAPEST)).reason()).isEqualTo(Reason.NO_HOSTS);
  }

  @Test
  void offlineHostsAreNotEligible() {
    Result r = matcher.match(Demand.of(1000, 1024), List.of(host("a", 4, 8192).withOnline(false)), CHEAPEST);
    assertThat(refusal(r).reason()).isEqualTo(Reason.HOST_OFFLINE);
    assertThat(refusal(r).message()).contains("1 offline");
  }

  @Test
  void theRequiredDriverIsNeeded() {
    List<HostOffer> fleet = List.of(drivers(host("a", 4, 8192), "process"), host("b", 4, 8192));
    assertThat(hostsOf(plan(matcher.match(Demand.of(1000, 1024), fleet, CHEAPEST)))).containsExactly("b");
    assertThat(refusal(matcher.match(Demand.of(1000, 1024).withDriver("docker"), fleet.subList(0, 1), CHEAPEST)).reason())
        .isEqualTo(Reason.NO_DRIVER);
    assertThat(hostsOf(plan(matcher.match(Demand.of(1000, 1024).withDriver("process"), fleet.subList(0, 1), CHEAPEST))))
        .containsExactly("a");
  }

  @Test
  void archAndRegionFilter() {
    List<HostOffer> fleet = List.of(where(host("a", 4, 8192), "us", "amd64"), where(host("b", 4, 8192), "eu", "arm64"),
        where(host("c", 4, 8192), "eu", "amd64"));
    assertThat(hostsOf(plan(matcher.match(Demand.of(1000, 1024).withPlace("EU", "amd64"), fleet, CHEAPEST)))).containsExactly("c");
    assertThat(hostsOf(plan(matcher.match(Demand.of(1000, 1024).withPlace(null, "arm64"), fleet, CHEAPEST)))).containsExactly("b");
    assertThat(refusal(matcher.match(Demand.of(1000, 1024).withPlace("ap", null), fleet, CHEAPEST)).reason()).isEqualTo(Reason.REGION);
    assertThat(refusal(matcher.match(Demand.of(1000, 1024).withPlace(null, "riscv64"), fleet, CHEAPEST)).reason()).isEqualTo(Reason.ARCH);
    // the refusal names the last filter that eliminated hosts: a is in us, b is arm64
    Refusal r = refusal(matcher.match(Demand.of(1000, 1024).withPlace("us", "arm64"), fleet.subList(0, 2), CHEAPEST));
    assertThat(r.reason()).isEqualTo(Reason.REGION);
    assertThat(r.message()).contains("1 of another architecture").contains("1 in another region");
  }

  @Test
  void aBookingPaidOnAChainSkipsHostsWithoutAPayoutAddressThere() {
    // a, the cheapest, is paid only on solana: an ethereum-paid booking goes to b instead of failing at payment time
    List<HostOffer> fleet = List.of(priced(host("a", 4, 8192), 1).withPayoutChains(Set.of("solana")),
        priced(host("b", 4, 8192), 5).withPayoutChains(Set.of("ethereum", "solana")));
    Demand d = Demand.of(1000, 1024);
    assertThat(hostsOf(plan(matcher.match(d, fleet, CHEAPEST)))).containsExactly("a");
    assertThat(hostsOf(plan(matcher.match(d.withPayoutChain("solana"), fleet, CHEAPEST)))).containsExactly("a");
    assertThat(hostsOf(plan(matcher.match(d.withPayoutChain("ethereum"), fleet, CHEAPEST)))).containsExactly("b");
    // the filter survives the with-ers, and a quote's alternatives skip a as well
    assertThat(matcher.quote(d.withPayoutChain("ethereum").withReplicas(1), fleet, CHEAPEST, 3).plans()).hasSize(1);
    Refusal r = refusal(matcher.match(d.withPayoutChain("ethereum"), fleet.subList(0, 1), CHEAPEST));
    assertThat(r.reason()).isEqualTo(Reason.NO_PAYOUT);
    assertThat(r.message()).contains("1 without a payout address on the booking's payment chain");
  }

  @Test
  void reputationAndUptimeMinimums() {
    List<HostOffer> fleet = List.of(trust(host("a", 4, 8192), 0.5, 0.99), trust(host("b", 4, 8192), 0.9, 0.8));
    Demand d = Demand.of(1000, 1024);
    assertThat(hostsOf(plan(matcher.match(d.withMinimums(null, 0.8), fleet, CHEAPEST)))).containsExactly("b");
    assertThat(hostsOf(plan(matcher.match(d.withMinimums(0.95, null), fleet, CHEAPEST)))).containsExactly("a");
    assertThat(refusal(matcher.match(d.withMinimums(0.95, 0.8), fleet, CHEAPEST)).reason()).isEqualTo(Reason.UPTIME);
    assertThat(refusal(matcher.match(d.withMinimums(null, 0.95), fleet, CHEAPEST)).reason()).isEqualTo(Reason.REPUTATION);
  }

  @Test
  void gpuCountAndModel() {
    List<HostOffer> fleet = List.of(gpuHost("a", 8, 32768, 1, "H100"), gpuHost("b", 8, 32768, 4, "RTX4090"),
        host("c", 64, 262144));
    Demand d = Demand.of(2000, 4096);
    Plan h100 = plan(matcher.match(d.withGpus(1, "h100"), fleet, CHEAPEST));
    assertThat(hostsOf(h100)).containsExactly("a");
    assertThat(h100.placements().get(0).gpuModel()).isEqualTo("h100");
    assertThat(h100.pricePerHour()).isEqualTo(20_000 + 8_000 + 2_000_000);
    assertThat(refusal(matcher.match(d.withGpus(2, "H100"), fleet, CHEAPEST)).reason()).isEqualTo(Reason.NO_CAPACITY);
    assertThat(refusal(matcher.match(d.withGpus(1, "A100"), fleet, CHEAPEST)).reason()).isEqualTo(Reason.GPU_MODEL_UNAVAILABLE);
    // any model: the cheapest host for the whole replica
    Plan any = plan(matcher.match(d.withGpus(2, null), fleet, CHEAPEST));
    assertThat(hostsOf(any)).containsExactly("b");
    assertThat(any.placements().get(0).gpuModel()).isEqualTo("rtx4090");
  }

  @Test
  void gpuWorkGoesOnlyToHostsWhoseDriverCanGiveGpus() {
    // a process-only host with GPUs whose process driver cannot hand out GPUs: its tasks would fail at the host
    HostOffer processOnly = Hosts.drivers(gpuHost("p", 8, 32768, 2, "H100"), "process").withGpuDrivers(Set.of());
    Demand gpuProcess = Demand.of(1000, 1024).withDriver("process").withGpus(1, null);
    Refusal r = refusal(matcher.match(gpuProcess, List.of(processOnly), CHEAPEST));
    assertThat(r.reason()).isEqualTo(Reason.NO_GPU_DRIVER);
    assertThat(r.message()).isEqualTo("no host is eligible: 1 whose task driver cannot give GPUs");
    // CPU-only work still goes there
    assertThat(hostsOf(plan(matcher.match(Demand.of(1000, 1024).withDriver("process"), List.of(processOnly), CHEAPEST)))).containsExactly("p");
    // a worker whose process driver gives GPUs (CUDA_VISIBLE_DEVICES) takes it
    HostOffer givesGpus = processOnly.withGpuDrivers(Set.of("process"));
    assertThat(hostsOf(plan(matcher.match(gpuProcess, List.of(givesGpus), CHEAPEST)))).containsExactly("p");
    // docker GPU work is not placed on a host that gives GPUs to processes only
    HostOffer both = Hosts.drivers(gpuHost("b", 8, 32768, 2, "H100"), "docker", "process").withGpuDrivers(Set.of("process"));
    assertThat(refusal(matcher.match(Demand.of(1000, 1024).withGpus(1, null), List.of(both), CHEAPEST)).reason())
        .isEqualTo(Reason.NO_GPU_DRIVER);
  }

  @Test
  void freeCapacityIsRespected() {
    HostOffer busy = host("a", 8, 16384).withFree(new Capacity(1000, 16384, 100, 0));
    assertThat(refusal(matcher.match(Demand.of(2000, 1024), List.of(busy), CHEAPEST)).reason()).isEqualTo(Reason.NO_CAPACITY);
    assertThat(hostsOf(plan(matcher.match(Demand.of(1000, 1024), List.of(busy), CHEAPEST)))).containsExactly("a");
    assertThat(refusal(matcher.match(Demand.of(1000, 1024).withStorageGb(101), List.of(busy), CHEAPEST)).reason())
        .isEqualTo(Reason.NO_CAPACITY);
  }

  @Test
  void hostsRentOnlyForDurationsTheyTake() {
    HostOffer shortOnly = new HostOffer("short", true, null, "amd64", java.util.Set.of("docker"), new Capacity(8000, 16384, 0, 0),
        new Capacity(8000, 16384, 0, 0), List.of(), new Prices("USDC", 1000, 0, 0, java.util.Map.of(), 60L, 3600L), 1, 1);
    HostOffer any = priced(host("any", 8, 16384), 5000);
    Demand hour = Demand.of(1000, 1024);
    assertThat(hostsOf(plan(matcher.match(hour, List.of(shortOnly, any), CHEAPEST)))).containsExactly("short");
    Demand day = hour.withDuration(java.time.Duration.ofDays(1));
    assertThat(hostsOf(plan(matcher.match(day, List.of(shortOnly, any), CHEAPEST)))).containsExactly("any");
    Refusal r = refusal(matcher.match(day, List.of(shortOnly), CHEAPEST));
    assertThat(r.reason()).isEqualTo(Reason.DURATION);
    assertThat(r.message()).contains("1 that do not rent for this long");
    assertThat(refusal(matcher.match(hour.withDuration(java.time.Duration.ofSeconds(30)), List.of(shortOnly), CHEAPEST)).reason())
        .as("nor this short").isEqualTo(Reason.DURATION);
  }

  @Test
  void priceCapPerReplica() {
    List<HostOffer> fleet = List.of(priced(host("a", 8, 16384), 1000), priced(host("b", 8, 16384), 3000));
    Demand d = Demand.of(2000, 1024); // 2 cores: 2000 on a, 6000 on b
    assertThat(hostsOf(plan(matcher.match(d.withMaxPricePerHour(2000L), fleet, BEST_FIT)))).containsExactly("a");
    Refusal r = refusal(matcher.match(d.withMaxPricePerHour(1999L), fleet, CHEAPEST));
    assertThat(r.reason()).isEqualTo(Reason.PRICE_CAP);
    assertThat(r.message()).contains("1999");
    // the cap is per replica: 3 replicas of 2000 each fit under a cap of 2000
    assertThat(plan(matcher.match(d.withReplicas(3).withMaxPricePerHour(2000L), fleet, CHEAPEST)).pricePerHour()).isEqualTo(6000);
  }

  @Test
  void cheapestPicksTheLowestPriceAndBreaksTiesOnHostId() {
    List<HostOffer> fleet = List.of(priced(host("c", 8, 16384), 500), priced(host("b", 8, 16384), 700),
        priced(host("a", 8, 16384), 500));
    assertThat(hostsOf(plan(matcher.match(Demand.of(1000, 0), fleet, CHEAPEST)))).containsExactly("a");
  }

  @Test
  void bestFitPacksTheTightestHost() {
    List<HostOffer> fleet = List.of(host("big", 64, 262144), host("small", 4, 8192), host("tiny", 2, 4096));
    assertThat(hostsOf(plan(matcher.match(Demand.of(4000, 8192), fleet, BEST_FIT)))).containsExactly("small");
    assertThat(hostsOf(plan(matcher.match(Demand.of(1000, 1024), fleet, BEST_FIT)))).containsExactly("tiny");
    // three replicas of 2 cores: tiny takes one, then small takes two
    assertThat(hostsOf(plan(matcher.match(Demand.of(2000, 2048).withReplicas(3), fleet, BEST_FIT))))
        .containsExactly("tiny", "small", "small");
  }

  @Test
  void bestFitKeepsGpuHostsForGpuWork() {
    List<HostOffer> fleet = List.of(gpuHost("gpu", 4, 8192, 4, "H100"), host("cpu", 8, 16384));
    assertThat(hostsOf(plan(matcher.match(Demand.of(2000, 2048), fleet, BEST_FIT)))).containsExactly("cpu");
  }

  @Test
  void spreadPutsReplicasOnDifferentHostsFirst() {
    List<HostOffer> fleet = List.of(host("a", 64, 262144), host("b", 8, 16384), host("c", 8, 16384));
    Plan p = plan(matcher.match(Demand.of(1000, 1024).withReplicas(4), fleet, SPREAD));
    assertThat(hostsOf(p)).containsExactly("a", "b", "c", "a");
    assertThat(p.placements()).extracting(Placement::replica).containsExactly(0, 1, 2, 3);
  }

  @Test
  void replicasNeverOverAllocateOneHostWithinAPlan() {
    List<HostOffer> fleet = List.of(host("a", 8, 16384));
    assertThat(hostsOf(plan(matcher.match(Demand.of(4000, 8192).withReplicas(2), fleet, BEST_FIT)))).containsExactly("a", "a");
    Refusal r = refusal(matcher.match(Demand.of(4000, 8192).withReplicas(3), fleet, BEST_FIT));
    assertThat(r.reason()).isEqualTo(Reason.NO_CAPACITY);
    assertThat(r.message()).startsWith("replica 3 of 3");
  }

  @Test
  void aSplittableReplicaIsPooledOverSeveralHosts() {
    // seed 001's pooling: 16 cores as 8 + 8
    List<HostOffer> fleet = List.of(host("a", 8, 16384), host("b", 8, 16384), host("c", 4, 8192));
    Demand d = Demand.of(16_000, 32768);
    assertThat(refusal(matcher.match(d, fleet, CHEAPEST)).reason()).isEqualTo(Reason.NO_CAPACITY);
    Plan p = plan(matcher.match(d.withSplittable(true), fleet, CHEAPEST));
    assertThat(p.placements()).extracting(Placement::hostId, Placement::cpuMillis, Placement::memoryMb)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 8000L, 16384L), org.assertj.core.groups.Tuple.tuple("b", 8000L, 16384L));
    assertThat(p.placements()).extracting(Placement::replica).containsOnly(0);
    assertThat(p.pricePerHour()).isEqualTo(2 * (80_000 + 32_000));
  }

  @Test
  void splitKeepsCpuAndMemoryInProportionAndStorageWholeOnTheFirstPart() {
    HostOffer z = host("z", 16, 16384).withFree(new Capacity(16_000, 16384, 10, 0)); // most CPU, too little storage
    List<HostOffer> fleet = List.of(host("a", 6, 8192), drivers(host("b", 32, 65536), "process"), host("c", 4, 4096), z);
    Demand d = Demand.of(9000, 10000).withStorageGb(50).withSplittable(true);
    Plan p = plan(matcher.match(d, fleet, CHEAPEST));
    assertThat(p.placements()).extracting(Placement::hostId, Placement::cpuMillis, Placement::memoryMb, Placement::storageGb)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 6000L, 6667L, 50L),
            org.assertj.core.groups.Tuple.tuple("z", 3000L, 3333L, 0L));
  }

  @Test
  void gpuReplicasAreNeverSplit() {
    List<HostOffer> fleet = List.of(gpuHost("a", 4, 8192, 1, "H100"), gpuHost("b", 4, 8192, 1, "H100"));
    Result r = matcher.match(Demand.of(8000, 1024).withGpus(1, "H100").withSplittable(true), fleet, CHEAPEST);
    assertThat(refusal(r).reason()).isEqualTo(Reason.NO_CAPACITY);
  }

  @Test
  void splitIsAllOrNothingAndRespectsTheCap() {
    List<HostOffer> fleet = List.of(host("a", 8, 16384), host("b", 4, 16384));
    assertThat(refusal(matcher.match(Demand.of(16_000, 1024).withSplittable(true), fleet, CHEAPEST)).reason())
        .isEqualTo(Reason.NO_CAPACITY);
    Refusal r = refusal(matcher.match(Demand.of(10_000, 1024).withSplittable(true).withMaxPricePerHour(50_000L), fleet, CHEAPEST));
    assertThat(r.reason()).isEqualTo(Reason.PRICE_CAP);
    // a second replica that cannot be placed refuses the whole plan
    assertThat(refusal(matcher.match(Demand.of(10_000, 1024).withSplittable(true).withReplicas(2), fleet, CHEAPEST)).reason())
        .isEqualTo(Reason.NO_CAPACITY);
  }

  @Test
  void planTotalsAreSumsOverPlacements() {
    List<HostOffer> fleet = List.of(host("a", 8, 16384), priced(host("b", 8, 16384), 777));
    Demand d = Demand.of(3000, 5000).withReplicas(4).withDuration(Duration.ofSeconds(61));
    Plan p = plan(matcher.match(d, fleet, SPREAD));
    assertThat(p.pricePerHour()).isEqualTo(p.placements().stream().mapToLong(Placement::pricePerHour).sum());
    assertThat(p.cost()).isEqualTo(p.placements().stream().map(pl -> Pricing.cost(pl.pricePerHour(), 61)).reduce(java.math.BigInteger.ZERO, java.math.BigInteger::add));
    assertThat(p.seconds()).isEqualTo(61);
  }

  @Test
  void theDecisionDoesNotDependOnSnapshotOrder() {
    Random random = new Random(7);
    List<HostOffer> fleet = new ArrayList<>();
    for (int i = 0; i < 50; i++) fleet.add(priced(host("h" + i, 1 + random.nextInt(16), 1024L * (1 + random.nextInt(64))), 100 * random.nextInt(5)));
    Demand d = Demand.of(2000, 4096).withReplicas(5);
    for (ScoringStrategy s : List.of(CHEAPEST, BEST_FIT, SPREAD)) {
      Result expected = matcher.match(d, fleet, s);
      for (int k = 0; k < 5; k++) {
        List<HostOffer> shuffled = new ArrayList<>(fleet);
        Collections.shuffle(shuffled, random);
        assertThat(matcher.match(d, shuffled, s)).isEqualTo(expected);
      }
    }
  }

  @Test
  void quotesAreTheBestAlternativesOnDisjointHosts() {
    List<HostOffer> fleet = List.of(priced(host("a", 8, 16384), 300), priced(host("b", 8, 16384), 100),
        priced(host("c", 8, 16384), 200));
    Matcher.Quotes q = matcher.quote(Demand.of(1000, 0), fleet, CHEAPEST, 2);
    assertThat(q.plans()).extracting(p -> p.placements().get(0).hostId()).containsExactly("b", "c");
    assertThat(q.refusal()).isNull();
    assertThat(matcher.quote(Demand.of(1000, 0), fleet, CHEAPEST, 10).plans()).hasSize(3);
    Matcher.Quotes none = matcher.quote(Demand.of(100_000, 0), fleet, CHEAPEST, 3);
    assertThat(none.plans()).isEmpty();
    assertThat(none.refusal().reason()).isEqualTo(Reason.NO_CAPACITY);
  }

  @Test
  void aPriceBeyondSixtyFourBitsIsRefusedNotWrappedAndACostBeyondIsExact() {
    io.respool.protocol.host.Prices dear = new io.respool.protocol.host.Prices("USDC", 0, 1_000_000_000_000L, 0, java.util.Map.of());
    HostOffer h = host("a", 8, Demand.MAX_MEMORY_MB);
    h = new HostOffer("a", true, "eu", "amd64", h.drivers(), h.total(), h.free(), List.of(), dear, 1, 1);
    Refusal r = refusal(matcher.match(Demand.of(1000, Demand.MAX_MEMORY_MB), List.of(h), CHEAPEST));
    assertThat(r.reason()).isEqualTo(Reason.PRICE_CAP);
    // representable per hour; for ten thousand years the cost leaves a long, and is exact (amounts are BigInteger)
    Demand longRental = Demand.of(1000, 1024L * 1_000_000).withDuration(Duration.ofDays(3_650_000));
    Plan p = plan(matcher.match(longRental, List.of(h), CHEAPEST));
    assertThat(p.cost()).isEqualTo(java.math.BigInteger.valueOf(p.pricePerHour()).multiply(java.math.BigInteger.valueOf(3_650_000L * 24)));
  }

  @Test
  void durationIsPricedInWholeSecondsRoundedUp() {
    Demand d = Demand.of(1000, 0).withDuration(Duration.ofMillis(1500));
    assertThat(d.seconds()).isEqualTo(2);
    Plan p = plan(matcher.match(d, List.of(priced(host("a", 8, 16384), 3600)), CHEAPEST));
    assertThat(p.pricePerHour()).isEqualTo(3600);
    assertThat(p.cost()).isEqualTo(2);
  }

  @Test
  void quotesForSeveralReplicasUseDisjointHosts() {
    List<HostOffer> fleet = List.of(host("a", 4, 8192), host("b", 4, 8192), host("c", 4, 8192), host("d", 4, 8192),
        host("e", 4, 8192));
    Matcher.Quotes q = matcher.quote(Demand.of(4000, 1024).withReplicas(2), fleet, BEST_FIT, 3);
    assertThat(q.plans()).hasSize(2);
    assertThat(q.plans().get(0).placements()).extracting(Placement::hostId).containsExactly("a", "b");
    assertThat(q.plans().get(1).placements()).extracting(Placement::hostId).containsExactly("c", "d");
  }

  @Test
  void absurdDemandsAreRejectedAtConstruction() {
    assertThatThrownBy(() -> Demand.of(-1, 1024)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Demand.of(0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Demand.of(Demand.MAX_CPU_MILLIS + 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Demand.of(1000, 1).withReplicas(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Demand.of(1000, 1).withDuration(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }
}

package io.respool.bench.jmh;

import io.respool.matching.BestFit;
import io.respool.matching.Capacity;
import io.respool.matching.Cheapest;
import io.respool.matching.Demand;
import io.respool.matching.HostOffer;
import io.respool.matching.Ledger;
import io.respool.matching.Matcher;
import io.respool.matching.Plan;
import io.respool.matching.RankedOffers;
import io.respool.matching.Result;
import io.respool.matching.Spread;
import io.respool.protocol.host.Prices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decision time of {@link Matcher#match} over a snapshot of 1k, 10k and 100k hosts (sample time,
 * so JMH reports p50/p99/p999). Run: {@code java -jar bench/target/respool-jmh.jar MatcherBench}.
 *
 * <p>The fleet is seeded: 88 % CPU hosts (4–64 cores, 2–8 GiB per core, some already in use),
 * 12 % GPU hosts (1–8 of h100/a100/rtx4090), 4 regions, 5 % offline, 90 % offering docker.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class MatcherBench {

  @Param({"1000", "10000", "100000"})
  public int hosts;

  private final Matcher matcher = new Matcher();
  private List<HostOffer> snapshot;
  /** 4 cores, 8 GiB, 1 replica, best fit: the common container. */
  private Demand cpuDemand;
  /** 1 H100 with 8 cores, 32 GiB and 50 GiB, uptime ≥ 0.9, under a price cap, cheapest. */
  private Demand gpuDemand;
  /** 10 replicas of 2 cores / 4 GiB, spread. */
  private Demand replicasDemand;

  @Setup(Level.Trial)
  public void setUp() {
    snapshot = fleet(hosts, 42);
    cpuDemand = new Demand(4000, 8192, 0, 0, null, null, null, null, null, null, "docker", 1, false, Duration.ofHours(2));
    gpuDemand = new Demand(8000, 32768, 50, 1, "H100", null, null, 5_000_000L, 0.9, null, "docker", 1, false, Duration.ofHours(1));
    replicasDemand = new Demand(2000, 4096, 0, 0, null, null, null, null, null, null, "docker", 10, false, Duration.ofMinutes(30));
    for (Demand d : List.of(cpuDemand, gpuDemand, replicasDemand)) {
      Result r = matcher.match(d, snapshot, new Cheapest());
      if (!(r instanceof Plan)) throw new IllegalStateException("benchmark demand not placeable: " + r);
    }
  }

  @Benchmark
  public Result cpuBestFit() {
    return matcher.match(cpuDemand, snapshot, new BestFit());
  }

  @Benchmark
  public Result gpuCheapest() {
    return matcher.match(gpuDemand, snapshot, new Cheapest());
  }

  @Benchmark
  public Result tenReplicasSpread() {
    return matcher.match(replicasDemand, snapshot, new Spread());
  }

  /**
   * A batch of 100 identical bookings placed on a fresh ranked view, the view's ranking included
   * (what a node does with the bookings that arrive while its view is fresh).
   */
  @Benchmark
  public Result hundredBookingsOnARankedView() {
    RankedOffers view = matcher.rank(snapshot);
    Result last = null;
    for (int i = 0; i < 100; i++) last = view.place(cpuDemand, new BestFit());
    return last;
  }

  /** The same 100 bookings each matched over the whole list, lowered after each (what the batch did before the ranked view). */
  @Benchmark
  public Result hundredBookingsMatchedOneByOne() {
    List<HostOffer> view = new ArrayList<>(snapshot);
    Map<String, Integer> at = new HashMap<>();
    for (int i = 0; i < view.size(); i++) at.put(view.get(i).hostId(), i);
    Result last = null;
    for (int i = 0; i < 100; i++) {
      last = matcher.match(cpuDemand, view, new BestFit());
      if (last instanceof Plan p) {
        Ledger.perHost(p.placements()).forEach((host, taken) -> {
          int k = at.get(host);
          view.set(k, view.get(k).withFree(view.get(k).free().minus(taken)));
        });
      }
    }
    return last;
  }

  static List<HostOffer> fleet(int n, long seed) {
    Random r = new Random(seed);
    String[] regions = {"eu-west", "eu-central", "us-east", "ap-south"};
    String[] models = {"h100", "a100", "rtx4090"};
    List<HostOffer> fleet = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      boolean gpu = r.nextInt(100) < 12;
      int cores = 4 << r.nextInt(5); // 4..64
      long memoryMb = cores * 1024L * (2 << r.nextInt(3)); // 2, 4 or 8 GiB per core
      int gpus = gpu ? 1 << r.nextInt(4) : 0;
      String model = models[r.nextInt(models.length)];
      Capacity total = new Capacity(cores * 1000L, memoryMb, 100L << r.nextInt(5), gpus);
      double used = r.nextDouble() * 0.9;
      Capacity free = new Capacity((long) (total.cpuMillis() * (1 - used)), (long) (total.memoryMb() * (1 - used)),
          total.storageGb(), gpus - (int) (gpus * used));
      Prices prices = new Prices("USDC", 5_000 + r.nextInt(20_000), 500 + r.nextInt(2_000), 10 + r.nextInt(50),
          gpu ? Map.of(model.toUpperCase(), 400_000L + r.nextInt(3_000_000)) : Map.of());
      fleet.add(new HostOffer(String.format("host-%07d", i), r.nextInt(100) >= 5, regions[r.nextInt(regions.length)],
          r.nextInt(10) == 0 ? "arm64" : "amd64", r.nextInt(10) == 0 ? Set.of("process") : Set.of("docker", "process"),
          total, free, gpu ? List.of(model) : List.of(), prices, r.nextDouble(), 0.8 + r.nextDouble() * 0.2));
    }
    return List.copyOf(fleet);
  }
}

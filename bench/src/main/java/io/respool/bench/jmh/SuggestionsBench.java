package io.respool.bench.jmh;

import io.respool.protocol.host.Prices;
import io.respool.protocol.task.UsageSample;
import io.respool.suggestions.BookingFacts;
import io.respool.suggestions.Evaluation;
import io.respool.suggestions.Rules;
import io.respool.suggestions.Thresholds;
import io.respool.suggestions.UsageProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Suggestion latency with the rules alone (the optimizer's pure part: samples → {@link UsageProfile}
 * → {@link Rules#forBooking}), for one booking with 24 h of 5-second samples (17,280), and for
 * 1,000 running bookings at once, one after another on one thread (what one node's background round
 * does per booking, without the PostgreSQL reads). Run:
 * {@code java -Xmx2g -jar bench/target/respool-jmh.jar SuggestionsBench -f 1 -wi 3 -i 5 -w 2s -r 5s}.
 *
 * <p>The series are seeded: a base load per booking (0.05–1.8 cores), bursts, memory with a slow
 * drift, network traffic; the 1,000 bookings share 16 distinct 24 h series (each booking its own
 * facts and id), so the data set stays at ~30 MB instead of 1.8 GB.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class SuggestionsBench {
  static final int DAY = 24 * 3600 / 5;
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Prices PRICES = new Prices("USDC", 20_000, 5_000, 100, Map.of());

  final Rules rules = new Rules(Thresholds.DEFAULTS);

  /** The usage half-life in hours (the gateway's default 24; 0 = no decay, the percentiles unweighted). */
  @Param({"24", "0"})
  public int halfLifeHours;
  List<List<UsageSample>> series;
  List<BookingFacts> bookings;

  @Setup
  public void setUp() {
    Random random = new Random(14);
    series = new ArrayList<>();
    for (int k = 0; k < 16; k++) series.add(day("bk_bench" + k + "-r0p0a1", random));
    bookings = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      bookings.add(facts("bk_bench" + i, series.get(i % series.size()).get(0).taskId(), null));
    }
  }

  /** 24 h of one task sampled every 5 s. */
  static List<UsageSample> day(String task, Random random) {
    double base = 0.05 + random.nextDouble() * 1.75;
    double mib = 100 + random.nextInt(1500);
    List<UsageSample> out = new ArrayList<>(DAY);
    double cpu = 0;
    long net = 0;
    for (int i = 0; i < DAY; i++) {
      double rate = base * (0.7 + 0.6 * random.nextDouble()) + (random.nextInt(200) == 0 ? 1.0 : 0);
      cpu += rate * 5;
      net += random.nextInt(20_000);
      mib += random.nextGaussian() * 0.5;
      out.add(new UsageSample(task, i + 1, T0.plusSeconds(5L * i), cpu, (long) (Math.max(10, mib) * 1024 * 1024), null, net, net / 2, 0, 0));
    }
    return out;
  }

  BookingFacts facts(String id, String task, UsageProfile u) {
    Instant end = T0.plusSeconds(5L * DAY);
    return new BookingFacts(id, "USDC", 1, 2000, 4096, 0, 0, null, 60_000, 60_000 * 48, 60_000 * 24, end, end.plus(Duration.ofHours(24)),
        48 * 3600, List.of(new BookingFacts.Placed(task, "host-bench", 60_000, PRICES)), u == null ? UsageProfile.empty() : u, null);
  }

  Evaluation evaluate(BookingFacts f, List<UsageSample> samples) {
    Thresholds t = rules.thresholds();
    UsageProfile u = UsageProfile.of(samples, Duration.ofHours(1), t.idleCores(), t.idleBytesPerSecond(), Duration.ofHours(halfLifeHours));
    return rules.forBooking(new BookingFacts(f.bookingId(), f.currency(), f.replicas(), f.cpuMillis(), f.memoryMb(), f.storageGb(), f.gpus(),
        f.gpuModel(), f.pricePerHour(), f.deposit(), f.billed(), f.asOf(), f.endsAt(), f.durationSeconds(), f.tasks(), u, f.cheaper()));
  }

  /** One booking, 24 h of 5-second samples. */
  @Benchmark
  public Evaluation oneBooking24h() {
    return evaluate(bookings.get(0), series.get(0));
  }

  /** 1,000 running bookings, each with 24 h of 5-second samples, evaluated one after another. */
  @Benchmark
  public int thousandBookings24h() {
    int suggestions = 0;
    for (int i = 0; i < bookings.size(); i++) suggestions += evaluate(bookings.get(i), series.get(i % series.size())).suggestions().size();
    return suggestions;
  }
}

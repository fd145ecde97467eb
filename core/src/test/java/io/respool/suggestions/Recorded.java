package io.respool.suggestions;

import io.respool.protocol.host.Prices;
import io.respool.protocol.task.UsageSample;
import io.respool.suggestions.BookingFacts.Placed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/** Recorded utilization series with known answers: a task sampled every 5 s as a worker does, and bookings around them. */
final class Recorded {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Prices PRICES = new Prices("USDC", 10_000, 2_048, 10, Map.of("rtx-4090", 300_000L));
  static final double MIB = 1024 * 1024;

  private Recorded() {}

  /**
   * {@code n} samples of one task every 5 s from T0: CPU at {@code cores(t)} (t in seconds since
   * T0), memory {@code mib(t)}, GPU utilization {@code gpu(t)} (null: not measured), no traffic.
   */
  static List<UsageSample> series(String task, int n, DoubleUnaryOperator cores, DoubleUnaryOperator mib, DoubleUnaryOperator gpu) {
    List<UsageSample> out = new ArrayList<>(n);
    double cpuSeconds = 0;
    for (int i = 0; i < n; i++) {
      long t = 5L * i;
      if (i > 0) cpuSeconds += cores.applyAsDouble(t) * 5;
      out.add(new UsageSample(task, i + 1, T0.plusSeconds(t), cpuSeconds, (long) (mib.applyAsDouble(t) * MIB),
          gpu == null ? null : gpu.applyAsDouble(t), 0, 0, 0, 0));
    }
    return out;
  }

  static UsageProfile profile(List<UsageSample> samples) {
    return UsageProfile.of(samples, Duration.ofHours(1), Thresholds.DEFAULTS.idleCores(), Thresholds.DEFAULTS.idleBytesPerSecond());
  }

  /** A running one-replica booking of {@code cpuMillis} and {@code memoryMb} on one host priced at {@link #PRICES}, 12 h left of 24. */
  static BookingFacts booking(long cpuMillis, long memoryMb, int gpus, UsageProfile usage) {
    Instant asOf = usage.to() == null ? T0 : usage.to();
    long price = io.respool.matching.Pricing.pricePerHour(PRICES, cpuMillis, memoryMb, 0, gpus, gpus > 0 ? "rtx-4090" : null);
    return new BookingFacts("bk_test1", "USDC", 1, cpuMillis, memoryMb, 0, gpus, gpus > 0 ? "rtx-4090" : null, price, price * 24,
        price * 12, asOf, asOf.plus(Duration.ofHours(12)), 24 * 3600, List.of(new Placed("bk_test1-r0p0a1", "host-a", price, PRICES)), usage,
        null);
  }
}

package io.respool.protocol.host;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A host's offer: asking prices in integer minor units of {@code currency} (e.g. USDC
 * micro-units) per CPU core-hour, per GiB-hour of memory and of storage, and per GPU-hour by
 * model; and the shortest and longest rental it takes ({@code minSeconds}, {@code maxSeconds},
 * null for no bound).
 */
public record Prices(String currency, long cpuCoreHour, long memoryGbHour, long storageGbHour, Map<String, Long> gpuHour,
    Long minSeconds, Long maxSeconds) {

  /**
   * The highest price per unit-hour: 10¹⁸ minor units, one ETH in wei (it was 10¹², a millionth of
   * an ETH). A price times a quantity is computed exactly and a placement whose price per hour
   * leaves a long is refused; costs (price × time) are unbounded {@code BigInteger}s.
   */
  /** An asset code: USDC, ETH, SOL… */
  public static final Pattern CURRENCY = Pattern.compile("[A-Z0-9]{2,12}");
  public static final long MAX_UNIT_PRICE = 1_000_000_000_000_000_000L;

  /** Prices with no bound on the rental's duration. */
  public Prices(String currency, long cpuCoreHour, long memoryGbHour, long storageGbHour, Map<String, Long> gpuHour) {
    this(currency, cpuCoreHour, memoryGbHour, storageGbHour, gpuHour, null, null);
  }

  public Prices {
    if (minSeconds != null) Checks.range("prices.minSeconds", minSeconds, 1, 10L * 366 * 24 * 3600);
    if (maxSeconds != null) Checks.range("prices.maxSeconds", maxSeconds, minSeconds == null ? 1 : minSeconds, 10L * 366 * 24 * 3600);
    Checks.text("prices.currency", currency, 12);
    if (!CURRENCY.matcher(currency).matches()) throw new IllegalArgumentException("prices.currency must be an upper-case asset code");
    Checks.range("prices.cpuCoreHour", cpuCoreHour, 0, MAX_UNIT_PRICE);
    Checks.range("prices.memoryGbHour", memoryGbHour, 0, MAX_UNIT_PRICE);
    Checks.range("prices.storageGbHour", storageGbHour, 0, MAX_UNIT_PRICE);
    gpuHour = gpuHour == null ? Map.of() : new TreeMap<>(gpuHour);
    if (gpuHour.size() > 64) throw new IllegalArgumentException("prices.gpuHour has more than 64 models");
    gpuHour.forEach((model, price) -> {
      Checks.text("prices.gpuHour model", model, 200);
      if (price == null) throw new IllegalArgumentException("prices.gpuHour." + model + " is required");
      Checks.range("prices.gpuHour." + model, price, 0, MAX_UNIT_PRICE);
    });
    gpuHour = Map.copyOf(gpuHour);
  }

  /** Whether the host rents for {@code seconds}. */
  public boolean rentsFor(long seconds) {
    return (minSeconds == null || seconds >= minSeconds) && (maxSeconds == null || seconds <= maxSeconds);
  }
}

package io.respool.protocol.host;

import java.util.Map;
import java.util.TreeMap;

/**
 * A host's asking prices in integer minor units of {@code currency} (e.g. USDC micro-units):
 * per CPU core-hour, per GiB-hour of memory and of storage, and per GPU-hour by model.
 */
public record Prices(String currency, long cpuCoreHour, long memoryGbHour, long storageGbHour, Map<String, Long> gpuHour) {
  public Prices {
    Checks.text("prices.currency", currency, 12);
    if (!currency.matches("[A-Z0-9]{2,12}")) throw new IllegalArgumentException("prices.currency must be an upper-case asset code");
    Checks.range("prices.cpuCoreHour", cpuCoreHour, 0, 1_000_000_000_000L);
    Checks.range("prices.memoryGbHour", memoryGbHour, 0, 1_000_000_000_000L);
    Checks.range("prices.storageGbHour", storageGbHour, 0, 1_000_000_000_000L);
    gpuHour = gpuHour == null ? Map.of() : new TreeMap<>(gpuHour);
    if (gpuHour.size() > 64) throw new IllegalArgumentException("prices.gpuHour has more than 64 models");
    gpuHour.forEach((model, price) -> {
      Checks.text("prices.gpuHour model", model, 200);
      if (price == null) throw new IllegalArgumentException("prices.gpuHour." + model + " is required");
      Checks.range("prices.gpuHour." + model, price, 0, 1_000_000_000_000L);
    });
    gpuHour = Map.copyOf(gpuHour);
  }
}

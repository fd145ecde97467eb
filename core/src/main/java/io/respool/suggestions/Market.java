package io.respool.suggestions;

import io.respool.matching.HostOffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Asking prices of the current offers in one currency: percentiles per resource, per GPU model and
 * per region (a region's CPU and memory prices), in minor units per hour.
 *
 * @param hosts offers counted
 * @param gpuHour by model (lower-case)
 * @param byRegion CPU core-hour and memory GiB-hour percentiles of each region's offers
 */
public record Market(String currency, int hosts, Stats cpuCoreHour, Stats memoryGbHour, Stats storageGbHour, Map<String, Stats> gpuHour,
    Map<String, Regional> byRegion) {

  public record Regional(int hosts, Stats cpuCoreHour, Stats memoryGbHour) {}

  public Market {
    gpuHour = Map.copyOf(gpuHour);
    byRegion = Map.copyOf(byRegion);
  }

  /** The market of {@code offers} (all priced in {@code currency}; others are left out). */
  public static Market of(String currency, List<HostOffer> offers) {
    List<HostOffer> priced = offers.stream().filter(o -> currency.equals(o.prices().currency())).toList();
    Map<String, List<Double>> gpus = new TreeMap<>();
    Map<String, List<HostOffer>> regions = new TreeMap<>();
    for (HostOffer o : priced) {
      o.prices().gpuHour().forEach((model, price) -> gpus.computeIfAbsent(model.toLowerCase(java.util.Locale.ROOT), m -> new ArrayList<>())
          .add(price.doubleValue()));
      if (o.region() != null) regions.computeIfAbsent(o.region(), r -> new ArrayList<>()).add(o);
    }
    Map<String, Stats> gpuStats = new TreeMap<>();
    gpus.forEach((m, prices) -> gpuStats.put(m, Stats.of(prices.stream().mapToDouble(Double::doubleValue).toArray())));
    Map<String, Regional> regional = new TreeMap<>();
    regions.forEach((r, in) -> regional.put(r, new Regional(in.size(), stats(in, 0), stats(in, 1))));
    return new Market(currency, priced.size(), stats(priced, 0), stats(priced, 1), stats(priced, 2), gpuStats, regional);
  }

  private static Stats stats(List<HostOffer> offers, int which) {
    double[] v = new double[offers.size()];
    for (int i = 0; i < v.length; i++) {
      var p = offers.get(i).prices();
      v[i] = which == 0 ? p.cpuCoreHour() : which == 1 ? p.memoryGbHour() : p.storageGbHour();
    }
    return Stats.of(v);
  }
}

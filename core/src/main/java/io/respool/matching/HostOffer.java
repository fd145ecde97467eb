package io.respool.matching;

import io.respool.protocol.host.Prices;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One host as the matcher sees it in a snapshot. GPUs are counted per host, as the hosts table
 * does ({@code gpus}, {@code reserved_gpus}, {@code gpu_models}): a host is assumed to carry one
 * model, or at least any of its free GPUs is taken to be of any model it lists.
 *
 * @param gpuDrivers the drivers (of {@code drivers}) that can give a task GPUs of its own: GPU work
 *     goes only to a host whose driver for it is one of these
 * @param gpuModels models the host carries, lower-cased
 * @param reputation in [0, 1]
 * @param uptime fraction in [0, 1]
 * @param payoutChains the chains ({@code ethereum}, {@code solana}) the host has a payout address on:
 *     a booking paying its hosts through an escrow on a chain goes only to hosts that can be paid there
 */
public record HostOffer(
    String hostId,
    boolean online,
    String region,
    String arch,
    Set<String> drivers,
    Capacity total,
    Capacity free,
    List<String> gpuModels,
    Prices prices,
    double reputation,
    double uptime,
    Set<String> gpuDrivers,
    Set<String> payoutChains) {

  public HostOffer {
    Objects.requireNonNull(hostId, "hostId");
    Objects.requireNonNull(total, "total");
    Objects.requireNonNull(free, "free");
    Objects.requireNonNull(prices, "prices");
    if (!total.fits(free)) throw new IllegalArgumentException("host " + hostId + ": free exceeds total");
    drivers = drivers == null ? Set.of() : Set.copyOf(drivers);
    gpuDrivers = gpuDrivers == null ? Set.of() : Set.copyOf(gpuDrivers);
    payoutChains = payoutChains == null ? Set.of() : Set.copyOf(payoutChains);
    gpuModels = gpuModels == null ? List.of() : gpuModels.stream().map(m -> m.toLowerCase(Locale.ROOT)).distinct().toList();
  }

  /** A host with a payout address on every chain. */
  public HostOffer(String hostId, boolean online, String region, String arch, Set<String> drivers, Capacity total, Capacity free,
      List<String> gpuModels, Prices prices, double reputation, double uptime, Set<String> gpuDrivers) {
    this(hostId, online, region, arch, drivers, total, free, gpuModels, prices, reputation, uptime, gpuDrivers, ALL_CHAINS);
  }

  /** The chains a booking can pay its hosts on. */
  public static final Set<String> ALL_CHAINS = Set.of("ethereum", "solana");

  /** A host every one of whose drivers can give GPUs. */
  public HostOffer(String hostId, boolean online, String region, String arch, Set<String> drivers, Capacity total, Capacity free,
      List<String> gpuModels, Prices prices, double reputation, double uptime) {
    this(hostId, online, region, arch, drivers, total, free, gpuModels, prices, reputation, uptime, drivers);
  }

  /** The same host with different free capacity (e.g. after a reservation). */
  public HostOffer withFree(Capacity newFree) {
    return new HostOffer(hostId, online, region, arch, drivers, total, newFree, gpuModels, prices, reputation, uptime, gpuDrivers, payoutChains);
  }

  /** The same host with {@code taken} less free; nothing free when it does not fit (a view that was behind). */
  public HostOffer lessFree(Capacity taken) {
    return withFree(free.fits(taken) ? free.minus(taken) : Capacity.ZERO);
  }

  public HostOffer withOnline(boolean on) {
    return new HostOffer(hostId, on, region, arch, drivers, total, free, gpuModels, prices, reputation, uptime, gpuDrivers, payoutChains);
  }

  public HostOffer withGpuDrivers(Set<String> names) {
    return new HostOffer(hostId, online, region, arch, drivers, total, free, gpuModels, prices, reputation, uptime, names, payoutChains);
  }

  public HostOffer withPayoutChains(Set<String> chains) {
    return new HostOffer(hostId, online, region, arch, drivers, total, free, gpuModels, prices, reputation, uptime, gpuDrivers, chains);
  }
}

package io.respool.matching;

import io.respool.protocol.host.Prices;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builders for host offers in tests. */
final class Hosts {
  private Hosts() {}

  static final Prices PRICES = new Prices("USDC", 10_000, 2_000, 100, Map.of("H100", 2_000_000L, "RTX4090", 400_000L));

  /** An online docker host in eu/amd64 with everything free. */
  static HostOffer host(String id, int cores, long memoryMb) {
    Capacity c = new Capacity(cores * 1000L, memoryMb, 100, 0);
    return new HostOffer(id, true, "eu", "amd64", Set.of("docker", "process"), c, c, List.of(), PRICES, 1.0, 1.0);
  }

  static HostOffer gpuHost(String id, int cores, long memoryMb, int gpus, String model) {
    Capacity c = new Capacity(cores * 1000L, memoryMb, 100, gpus);
    return new HostOffer(id, true, "eu", "amd64", Set.of("docker"), c, c, List.of(model), PRICES, 1.0, 1.0);
  }

  static HostOffer priced(HostOffer h, long cpuCoreHour) {
    return new HostOffer(h.hostId(), h.online(), h.region(), h.arch(), h.drivers(), h.total(), h.free(), h.gpuModels(),
        new Prices("USDC", cpuCoreHour, 0, 0, Map.of()), h.reputation(), h.uptime());
  }

  static HostOffer where(HostOffer h, String region, String arch) {
    return new HostOffer(h.hostId(), h.online(), region, arch, h.drivers(), h.total(), h.free(), h.gpuModels(), h.prices(), h.reputation(), h.uptime());
  }

  static HostOffer drivers(HostOffer h, String... drivers) {
    return new HostOffer(h.hostId(), h.online(), h.region(), h.arch(), Set.of(drivers), h.total(), h.free(), h.gpuModels(), h.prices(), h.reputation(), h.uptime());
  }

  static HostOffer trust(HostOffer h, double reputation, double uptime) {
    return new HostOffer(h.hostId(), h.online(), h.region(), h.arch(), h.drivers(), h.total(), h.free(), h.gpuModels(), h.prices(), reputation, uptime);
  }
}

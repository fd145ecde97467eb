package io.respool.protocol.host;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a host declares at registration, next to its measured inventory. {@code gpuDrivers} are
 * the drivers (of {@code drivers}) that can give a task GPUs of its own; null from a worker that
 * predates it (such a worker gave GPUs to containers only).
 */
public record HostInfo(String region, Inventory inventory, Prices prices, Payout payout, List<String> drivers, String agentVersion,
    List<String> gpuDrivers) {
  private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]*");

  public HostInfo {
    Checks.text("region", region, 64);
    if (!REGION.matcher(region).matches()) throw new IllegalArgumentException("region must be lower-case letters, digits and dashes");
    if (inventory == null) throw new IllegalArgumentException("inventory is required");
    if (prices == null) throw new IllegalArgumentException("prices is required");
    if (payout == null) payout = new Payout(null, null);
    drivers = Checks.list("drivers", drivers, 16);
    Checks.text("agentVersion", agentVersion, 64);
    if (gpuDrivers != null) gpuDrivers = Checks.list("gpuDrivers", gpuDrivers, 16);
  }

  public HostInfo(String region, Inventory inventory, Prices prices, Payout payout, List<String> drivers, String agentVersion) {
    this(region, inventory, prices, payout, drivers, agentVersion, null);
  }

  /** The drivers that can give GPUs: as declared, or for an older worker that did not say, {@code docker} if it has it. */
  public List<String> gpuCapableDrivers() {
    if (gpuDrivers != null) return gpuDrivers.stream().filter(drivers::contains).toList();
    return drivers.contains("docker") ? List.of("docker") : List.of();
  }
}

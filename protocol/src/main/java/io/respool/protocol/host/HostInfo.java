package io.respool.protocol.host;

import java.util.List;

/** What a host declares at registration, next to its measured inventory. */
public record HostInfo(String region, Inventory inventory, Prices prices, Payout payout, List<String> drivers, String agentVersion) {
  public HostInfo {
    Checks.text("region", region, 64);
    if (!region.matches("[a-z0-9][a-z0-9-]*")) throw new IllegalArgumentException("region must be lower-case letters, digits and dashes");
    if (inventory == null) throw new IllegalArgumentException("inventory is required");
    if (prices == null) throw new IllegalArgumentException("prices is required");
    if (payout == null) payout = new Payout(null, null);
    drivers = Checks.list("drivers", drivers, 16);
    Checks.text("agentVersion", agentVersion, 64);
  }
}

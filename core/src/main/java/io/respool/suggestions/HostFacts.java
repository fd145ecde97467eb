package io.respool.suggestions;

import io.respool.matching.Capacity;
import io.respool.protocol.host.Prices;
import java.time.Instant;

/**
 * What is known of one host: its offer, what of it is rented, how often it is online, and the
 * market of its currency.
 *
 * @param uptime share of its registered life it was online, in [0, 1]
 * @param market the other hosts' offers in its currency (a host is not its own market)
 */
public record HostFacts(String hostId, boolean online, String region, Prices prices, Capacity total, Capacity free, double uptime,
    Market market, Instant asOf) {

  /** Share of its CPU rented now, in [0, 1]. */
  public double cpuRented() {
    return total.cpuMillis() == 0 ? 0 : (double) (total.cpuMillis() - free.cpuMillis()) / total.cpuMillis();
  }
}

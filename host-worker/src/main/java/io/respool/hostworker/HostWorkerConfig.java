package io.respool.hostworker;

import io.respool.protocol.host.HostInfo;
import io.respool.protocol.host.Inventory;
import io.respool.protocol.host.Payout;
import io.respool.protocol.host.Prices;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything the worker is told at start, validated once: the constructor throws
 * {@link IllegalArgumentException} with a message fit for the operator.
 *
 * @param gateways control endpoints tried in turn; a URL without a path gets {@link #CONNECT_PATH}
 * @param home where the host key lives (and whose file store is offered as storage)
 * @param resourcesInterval how often the inventory is probed again
 * @param backoffBase first reconnect delay ceiling (full jitter), doubled per failed attempt
 * @param backoffCap largest reconnect delay ceiling
 * @param maxMissedAcks heartbeats left unacknowledged before the connection is declared dead
 * @param handshakeTimeout from dialing to {@code registered}; beyond it the attempt is abandoned
 * @param usageInterval how often running tasks' resource use is sampled and sent
 */
public record HostWorkerConfig(
    List<URI> gateways,
    Path home,
    String region,
    Prices prices,
    Payout payout,
    Duration resourcesInterval,
    Duration backoffBase,
    Duration backoffCap,
    int maxMissedAcks,
    Duration handshakeTimeout,
    Duration usageInterval) {

  public static final String CONNECT_PATH = io.respool.protocol.host.Discovery.CONNECT_PATH;
  public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofMillis(250);
  public static final Duration DEFAULT_BACKOFF_CAP = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_MISSED_ACKS = 3;
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_USAGE_INTERVAL = Duration.ofSeconds(5);

  public HostWorkerConfig {
    if (gateways == null || gateways.isEmpty()) throw new IllegalArgumentException("at least one gateway URL is required");
    List<URI> normalized = new ArrayList<>();
    for (URI url : gateways) {
      String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("ws") && !scheme.equals("wss")) {
        throw new IllegalArgumentException("gateway '" + url + "' must be a ws:// or wss:// URL");
      }
      if (url.getHost() == null) throw new IllegalArgumentException("gateway '" + url + "' has no host");
      if (url.getRawFragment() != null) throw new IllegalArgumentException("gateway '" + url + "' must not have a #fragment");
      String path = url.getRawPath() == null || url.getRawPath().isEmpty() || url.getRawPath().equals("/") ? CONNECT_PATH : url.getRawPath();
      normalized.add(URI.create(scheme + "://" + url.getRawAuthority() + path + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery())));
    }
    gateways = List.copyOf(normalized);
    if (home == null) throw new IllegalArgumentException("home directory is required");
    home = home.toAbsolutePath().normalize();
    if (region == null || region.length() > 64 || !region.matches("[a-z0-9][a-z0-9-]*")) {
      throw new IllegalArgumentException("region '" + region + "' must be lower-case letters, digits and dashes (at most 64)");
    }
    if (prices == null) throw new IllegalArgumentException("prices are required");
    if (payout == null) payout = new Payout(null, null);
    positive("resources interval", resourcesInterval);
    if (resourcesInterval.compareTo(Duration.ofDays(1)) > 0) throw new IllegalArgumentException("resources interval must be at most one day");
    positive("backoff base", backoffBase);
    positive("backoff cap", backoffCap);
    if (backoffCap.compareTo(backoffBase) < 0) throw new IllegalArgumentException("backoff cap must not be below the backoff base");
    if (maxMissedAcks < 1) throw new IllegalArgumentException("max missed acks must be at least 1");
    positive("handshake timeout", handshakeTimeout);
    positive("usage interval", usageInterval);
    if (usageInterval.compareTo(Duration.ofHours(1)) > 0) throw new IllegalArgumentException("usage interval must be at most one hour");
  }

  /** The configuration with the default reconnect policy, timeouts and usage interval. */
  public HostWorkerConfig(List<URI> gateways, Path home, String region, Prices prices, Payout payout, Duration resourcesInterval) {
    this(gateways, home, region, prices, payout, resourcesInterval,
        DEFAULT_BACKOFF_BASE, DEFAULT_BACKOFF_CAP, DEFAULT_MAX_MISSED_ACKS, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_USAGE_INTERVAL);
  }

  public HostWorkerConfig withBackoff(Duration base, Duration cap) {
    return new HostWorkerConfig(gateways, home, region, prices, payout, resourcesInterval, base, cap, maxMissedAcks, handshakeTimeout, usageInterval);
  }

  public HostWorkerConfig withUsageInterval(Duration interval) {
    return new HostWorkerConfig(gateways, home, region, prices, payout, resourcesInterval, backoffBase, backoffCap, maxMissedAcks, handshakeTimeout, interval);
  }

  /** What the host declares at registration; {@code drivers} are the task drivers it really has. */
  public HostInfo hostInfo(Inventory inventory, String agentVersion, List<String> drivers) {
    return new HostInfo(region, inventory, prices, payout, drivers, agentVersion);
  }

  /** The same, naming the drivers that can give a task GPUs of its own. */
  public HostInfo hostInfo(Inventory inventory, String agentVersion, List<String> drivers, List<String> gpuDrivers) {
    return new HostInfo(region, inventory, prices, payout, drivers, agentVersion, gpuDrivers);
  }

  private static void positive(String what, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be positive");
  }
}

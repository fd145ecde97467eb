package io.respool.metering;

/**
 * A period a host was unreachable ({@code period.to() == null}: it still is). No task on that host
 * is billed for any instant of it, whatever the task reported. Outages of a host may overlap.
 */
public record Outage(String hostId, Interval period) {

  public Outage {
    if (hostId == null || hostId.isEmpty()) throw new IllegalArgumentException("hostId is required");
    if (period == null) throw new IllegalArgumentException("period is required for an outage of " + hostId);
  }
}

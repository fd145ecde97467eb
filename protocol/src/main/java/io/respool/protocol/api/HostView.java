package io.respool.protocol.api;

import io.respool.protocol.host.Inventory;
import io.respool.protocol.host.Payout;
import io.respool.protocol.host.Prices;
import java.time.Instant;
import java.util.List;

/** A host as {@code GET /v1/hosts} and the {@code host.*} events show it. */
public record HostView(
    String id,
    boolean online,
    String region,
    Resources total,
    Resources free,
    List<Inventory.Gpu> gpus,
    Prices prices,
    Payout payout,
    List<String> drivers,
    String os,
    String arch,
    String cpuModel,
    String agentVersion,
    Instant lastSeen,
    Instant registeredAt) {}

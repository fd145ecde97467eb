package io.respool.hosts;

import io.respool.protocol.RespoolException;

/** Filters of {@code GET /v1/hosts}; null means "any". */
public record HostQuery(Boolean online, Double minCpu, Long minMemoryMb, Integer minGpus, String gpuModel, String region,
    String driver, String after, int limit) {
  public static final int MAX_LIMIT = 500;

  public HostQuery {
    if (limit < 1 || limit > MAX_LIMIT) throw RespoolException.invalid("limit must be between 1 and " + MAX_LIMIT);
    if (minCpu != null && (minCpu < 0 || minCpu > 1_000_000)) throw RespoolException.invalid("minCpu must be between 0 and 1000000");
    if (minMemoryMb != null && minMemoryMb < 0) throw RespoolException.invalid("minMemoryMb must not be negative");
    if (minGpus != null && minGpus < 0) throw RespoolException.invalid("minGpus must not be negative");
  }
}

package io.respool.settlement.evm;

import java.time.Duration;
import java.util.Map;

/**
 * How a gateway settles on an EVM chain.
 *
 * @param escrows the escrow contract for each booking currency (e.g. {@code tUSD → 0x…}); a booking
 *     in another currency cannot be paid on this chain
 * @param operatorKey the operator's private key (hex), or null: deposits are watched but nothing is
 *     settled (another gateway holds the key). Never printed.
 * @param confirmations blocks that must include or follow a log before it counts (1 = the log's own block)
 * @param expiryMargin a rental expires this long after the booking's payment deadline + duration (it covers the
 *     start, pauses waiting for a top-up, and settling; the renter can reclaim only after expiry + the contract's grace)
 * @param startBlock where to start reading logs the first time (null: the head at the first start)
 */
public record EvmConfig(String rpcUrl, long chainId, Map<String, String> escrows, String operatorKey, int confirmations,
    Duration pollInterval, Duration rpcTimeout, Duration expiryMargin, int batchSize, Duration resendAfter, Long startBlock) {

  public EvmConfig {
    escrows = Map.copyOf(escrows);
    if (confirmations < 1) throw new IllegalArgumentException("confirmations must be at least 1");
    if (batchSize < 1) throw new IllegalArgumentException("batchSize must be at least 1");
  }

  @Override
  public String toString() {
    return "EvmConfig[rpc=" + java.net.URI.create(rpcUrl).getHost() + ", chain=" + chainId + ", escrows=" + escrows + ", operatorKey=" + (operatorKey == null ? "none" : "(hidden)")
        + ", confirmations=" + confirmations + "]";
  }
}

package io.respool.settlement.solana;

import io.respool.protocol.crypto.Ed25519;
import java.time.Duration;

/**
 * How a gateway takes payment and settles on Solana through the {@code respool_escrow} program.
 *
 * @param programId the program (its config account is PDA {@code ["config"]} of it)
 * @param operatorKey the operator's key (from a solana-keygen file), or null: deposits are watched,
 *     nothing is settled (another gateway holds the key). Never printed.
 * @param treasury the treasury the program's config must name, or null to take the config's
 * @param commitment what counts as seen: {@code confirmed} (default) or {@code finalized}
 * @param expiryMargin a rental expires this long after the booking's payment deadline + duration
 * @param batchSize rentals per {@code settle_many} transaction (≤ 10: a legacy transaction's size)
 * @param resendAfter a settlement not yet seen is sent again (the same bytes) after this long
 */
public record SolanaConfig(String rpcUrl, String programId, Ed25519.Keys operatorKey, String treasury, String commitment, Duration pollInterval,
    Duration rpcTimeout, Duration expiryMargin, int batchSize, Duration resendAfter) {

  /** The currency of bookings paid on Solana: SOL, amounts in lamports (the program escrows SOL only). */
  public static final String CURRENCY = "SOL";

  public SolanaConfig {
    Pubkeys.decode(programId);
    if (treasury != null) Pubkeys.decode(treasury);
    if (!"confirmed".equals(commitment) && !"finalized".equals(commitment)) throw new IllegalArgumentException("commitment must be confirmed or finalized");
    if (batchSize < 1 || batchSize > EscrowProgram.MAX_SETTLE_MANY) throw new IllegalArgumentException("batchSize must be 1 to " + EscrowProgram.MAX_SETTLE_MANY);
  }

  /** The operator's address, or null without a key. */
  public String operator() {
    return operatorKey == null ? null : operatorKey.publicKeyBase58();
  }

  @Override
  public String toString() {
    return "SolanaConfig[rpc=" + java.net.URI.create(rpcUrl).getHost() + ":" + java.net.URI.create(rpcUrl).getPort() + ", program=" + programId
        + ", operatorKey=" + (operatorKey == null ? "none" : "(hidden, " + operator() + ")") + ", commitment=" + commitment + "]";
  }
}

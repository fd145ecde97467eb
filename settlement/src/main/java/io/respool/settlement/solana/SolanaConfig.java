package io.respool.settlement.solana;

import io.respool.protocol.crypto.Ed25519;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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
 * @param mints the SPL tokens bookings may be priced in, by currency code (upper case, e.g. {@code TUSD}
 *     → the devnet stablecoin's mint); amounts in the token's base units. SOL needs no entry.
 */
public record SolanaConfig(String rpcUrl, String programId, Ed25519.Keys operatorKey, String treasury, String commitment, Duration pollInterval,
    Duration rpcTimeout, Duration expiryMargin, int batchSize, Duration resendAfter, Map<String, String> mints) {

  /** The native currency of bookings paid on Solana: SOL, amounts in lamports. */
  public static final String CURRENCY = "SOL";

  public SolanaConfig {
    mints = Map.copyOf(mints == null ? Map.of() : mints);
    for (var m : mints.entrySet()) {
      Pubkeys.decode(m.getValue());
      if (CURRENCY.equals(m.getKey()) || !m.getKey().equals(m.getKey().toUpperCase(java.util.Locale.ROOT))) {
        throw new IllegalArgumentException("mints: currency codes are upper case and not SOL: " + m.getKey());
      }
    }
    Pubkeys.decode(programId);
    if (treasury != null) Pubkeys.decode(treasury);
    if (!"confirmed".equals(commitment) && !"finalized".equals(commitment)) throw new IllegalArgumentException("commitment must be confirmed or finalized");
    if (batchSize < 1 || batchSize > EscrowProgram.MAX_SETTLE_MANY) throw new IllegalArgumentException("batchSize must be 1 to " + EscrowProgram.MAX_SETTLE_MANY);
  }

  /** The mint a booking in {@code currency} is escrowed in: all zero ({@link Pubkeys#SYSTEM_PROGRAM}) for SOL, null if not payable here. */
  public String mintOf(String currency) {
    return CURRENCY.equals(currency) ? Pubkeys.SYSTEM_PROGRAM : mints.get(currency);
  }

  /** The currencies bookings on Solana may be priced in: SOL and every configured token. */
  public Set<String> currencies() {
    Set<String> out = new TreeSet<>(mints.keySet());
    out.add(CURRENCY);
    return out;
  }

  /** The operator's address, or null without a key. */
  public String operator() {
    return operatorKey == null ? null : operatorKey.publicKeyBase58();
  }

  @Override
  public String toString() {
    return "SolanaConfig[rpc=" + java.net.URI.create(rpcUrl).getHost() + ":" + java.net.URI.create(rpcUrl).getPort() + ", program=" + programId
        + ", operatorKey=" + (operatorKey == null ? "none" : "(hidden, " + operator() + ")") + ", commitment=" + commitment + (mints.isEmpty() ? "" : ", mints=" + new TreeMap<>(mints)) + "]";
  }
}

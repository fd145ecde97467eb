package io.respool.protocol.host;

import java.util.regex.Pattern;

/** Where a host is paid: an Ethereum address (0x + 40 hex) and/or a Solana address (base58). */
public record Payout(String ethereum, String solana) {
  private static final Pattern ETHEREUM = Pattern.compile("0x[0-9a-fA-F]{40}");
  private static final Pattern SOLANA = Pattern.compile("[1-9A-HJ-NP-Za-km-z]{32,44}");

  public Payout {
    if (ethereum != null && !ETHEREUM.matcher(ethereum).matches()) throw new IllegalArgumentException("payout.ethereum is not an address");
    if (solana != null && !SOLANA.matcher(solana).matches()) throw new IllegalArgumentException("payout.solana is not an address");
  }
}

package io.respool.protocol.host;

/** Where a host is paid: an Ethereum address (0x + 40 hex) and/or a Solana address (base58). */
public record Payout(String ethereum, String solana) {
  public Payout {
    if (ethereum != null && !ethereum.matches("0x[0-9a-fA-F]{40}")) throw new IllegalArgumentException("payout.ethereum is not an address");
    if (solana != null && !solana.matches("[1-9A-HJ-NP-Za-km-z]{32,44}")) throw new IllegalArgumentException("payout.solana is not an address");
  }
}

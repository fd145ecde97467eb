package io.respool.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Wallets;
import io.respool.gateway.testing.Wallets.Session;
import io.respool.protocol.crypto.Ed25519;
import io.respool.protocol.host.Prices;
import io.respool.settlement.solana.SolanaDevnet;
import java.util.Map;

/** What the Solana ITs share: the hosts' prices in SOL, renters with a funded wallet, paying as a wallet does. */
final class Sol {
  private Sol() {}

  /** 36 SOL per core-hour, in lamports: 0.5 core costs 5,000,000 lamports a second, so a few seconds carry a fee. */
  static final Prices PRICES = new Prices("SOL", 36_000_000_000L, 0, 0, Map.of());

  /** A renter: a fresh Solana wallet holding {@code lamports}, signed in with it. */
  record Renter(Ed25519.Keys wallet, Session session) {
    String address() { return wallet.publicKeyBase58(); }

    String token() { return session.token(); }
  }

  static Renter renter(SolanaDevnet chain, Http http, long lamports) {
    Ed25519.Keys wallet = chain.wallet(lamports);
    return new Renter(wallet, Wallets.signIn(http, wallet));
  }

  /** The renter's wallet signs and sends each transaction an API answer lists (each confirmed). */
  static void pay(SolanaDevnet chain, JsonNode calls, Ed25519.Keys wallet) {
    for (JsonNode c : calls) chain.signAndSend(c.path("transaction").asText(), wallet);
  }

  /** Transactions of {@code address} that landed (signatures naming it). */
  static long transactionsOf(SolanaDevnet chain, String address) {
    return chain.rpc().signaturesForAddress(address, null, null, 1000, "confirmed").size();
  }
}

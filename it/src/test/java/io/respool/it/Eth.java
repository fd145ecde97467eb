package io.respool.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Wallets;
import io.respool.gateway.testing.Wallets.Session;
import io.respool.protocol.host.Prices;
import io.respool.settlement.EscrowChain.WalletCall;
import io.respool.settlement.evm.AnvilDevnet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Map;
import org.web3j.protocol.core.DefaultBlockParameterName;

/** What the Ethereum ITs share: the hosts' prices, renters with tUSD, paying as a wallet does, the operator's nonce. */
final class Eth {
  private Eth() {}

  /** 36 tUSD per core-hour: 0.5 core costs 5,000 base units (0.005 tUSD) a second, so a few seconds carry a fee. */
  static final Prices PRICES = new Prices("TUSD", 36_000_000, 0, 0, Map.of());

  /** A renter signed in with anvil account {@code i}, holding 1,000 tUSD more. */
  static Session renter(AnvilDevnet chain, Http http, int i) {
    chain.mint(chain.account(i).address(), BigInteger.valueOf(1_000_000_000L));
    return Wallets.signInEthereum(http, chain.account(i).privateKey());
  }

  /** Sends, from {@code key}, the wallet calls an API answer lists (each mined and successful). */
  static void send(AnvilDevnet chain, JsonNode calls, String key) {
    for (JsonNode c : calls) {
      chain.send(key, new WalletCall(c.path("description").asText(), c.path("to").asText(), new BigInteger(c.path("value").asText()),
          c.path("data").asText()));
    }
  }

  /** Transactions the operator has had mined. */
  static long operatorNonce(AnvilDevnet chain) {
    try {
      return chain.web3j().ethGetTransactionCount(chain.operatorAddress(), DefaultBlockParameterName.LATEST).send()
          .getTransactionCount().longValueExact();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

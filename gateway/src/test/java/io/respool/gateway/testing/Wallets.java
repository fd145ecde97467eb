package io.respool.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.protocol.crypto.Base58;
import io.respool.protocol.crypto.Ed25519;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/** Accounts signed in the real way: a wallet (a fresh Solana one, or a given Ethereum key) through challenge and verify. */
public final class Wallets {
  private Wallets() {}

  public record Session(String token, String accountId, String address) {}

  public static Session signIn(Http http) {
    return signIn(http, Ed25519.generate());
  }

  public static Session signIn(Http http, Ed25519.Keys keys) {
    return signIn(http, "solana", keys.publicKeyBase58(), message -> Base58.encode(keys.sign(message)));
  }

  /** Signs in with the Ethereum wallet of {@code privateKeyHex} (EIP-191 personal_sign). */
  public static Session signInEthereum(Http http, String privateKeyHex) {
    ECKeyPair key = ECKeyPair.create(Numeric.toBigInt(privateKeyHex));
    String address = "0x" + Keys.getAddress(key);
    return signIn(http, "ethereum", address, message -> {
      Sign.SignatureData sig = Sign.signPrefixedMessage(message, key);
      return Numeric.toHexString(sig.getR()) + Numeric.toHexStringNoPrefix(sig.getS()) + Numeric.toHexStringNoPrefix(sig.getV());
    });
  }

  private static Session signIn(Http http, String chain, String address, Function<byte[], String> signer) {
    Http.Response c = http.post("/v1/auth/challenge", Http.json(Map.of("chain", chain, "address", address)));
    assertThat(c.status()).as(c.toString()).isEqualTo(200);
    String message = c.json().path("message").asText();
    String signature = signer.apply(message.getBytes(StandardCharsets.UTF_8));
    Http.Response v = http.post("/v1/auth/verify",
        Http.json(Map.of("chain", chain, "address", address, "message", message, "signature", signature)));
    assertThat(v.status()).as(v.toString()).isEqualTo(200);
    return new Session(v.json().path("token").asText(), v.json().path("accountId").asText(), address);
  }
}

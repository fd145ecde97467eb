package io.respool.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.protocol.crypto.Base58;
import io.respool.protocol.crypto.Ed25519;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Accounts signed in the real way: a fresh Solana wallet through challenge and verify. */
public final class Wallets {
  private Wallets() {}

  public record Session(String token, String accountId, String address) {}

  public static Session signIn(Http http) {
    return signIn(http, Ed25519.generate());
  }

  public static Session signIn(Http http, Ed25519.Keys keys) {
    String address = keys.publicKeyBase58();
    Http.Response c = http.post("/v1/auth/challenge", Http.json(Map.of("chain", "solana", "address", address)));
    assertThat(c.status()).as(c.toString()).isEqualTo(200);
    String message = c.json().path("message").asText();
    String signature = Base58.encode(keys.sign(message.getBytes(StandardCharsets.UTF_8)));
    Http.Response v = http.post("/v1/auth/verify",
        Http.json(Map.of("chain", "solana", "address", address, "message", message, "signature", signature)));
    assertThat(v.status()).as(v.toString()).isEqualTo(200);
    return new Session(v.json().path("token").asText(), v.json().path("accountId").asText(), address);
  }
}

package io.respool.protocol.api;

import java.time.Instant;
import java.util.List;

/** Wire records of wallet sign-in and API keys. */
public final class Auth {
  private Auth() {}

  public record ChallengeRequest(String chain, String address) {}

  public record Challenge(String message, String nonce, Instant expiresAt) {}

  public record VerifyRequest(String chain, String address, String message, String signature) {}

  public record Token(String token, String accountId, List<String> roles, Instant expiresAt) {}

  public record ApiKeyRequest(String name) {}

  /** The secret {@code key} is shown once, at creation. */
  public record ApiKey(String id, String name, String key, List<String> roles, Instant createdAt) {}

  public record Account(String accountId, List<String> roles, List<Wallet> wallets) {}

  public record Wallet(String chain, String address) {}
}

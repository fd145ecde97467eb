package io.respool.gateway.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Hand-made JWTs: expired, signed with the wrong key, or unsigned. */
final class Tokens {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Tokens() {}

  static String hs256(String secret, String accountId, long issuedAt, long expiresAt) {
    String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
    String payload = b64("{\"sub\":\"" + accountId + "\",\"roles\":[\"renter\",\"admin\"],\"iss\":\"respool\",\"iat\":" + issuedAt + ",\"exp\":" + expiresAt + "}");
    return header + "." + payload + "." + sign(secret, header + "." + payload);
  }

  static String unsigned(String accountId) {
    long now = System.currentTimeMillis() / 1000;
    return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64("{\"sub\":\"" + accountId + "\",\"iss\":\"respool\",\"iat\":" + now + ",\"exp\":" + (now + 3600) + "}") + ".";
  }

  private static String b64(String s) {
    return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String sign(String secret, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return B64.encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.respool.suggestions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic suggestion ids: {@code sg_} and the first 80 bits of SHA-256 over the parts, joined unambiguously. */
public final class SuggestionIds {
  private SuggestionIds() {}

  public static String of(Object... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Object p : parts) {
        byte[] b = String.valueOf(p).getBytes(StandardCharsets.UTF_8);
        sha.update((byte) (b.length >>> 24));
        sha.update((byte) (b.length >>> 16));
        sha.update((byte) (b.length >>> 8));
        sha.update((byte) b.length);
        sha.update(b);
      }
      return "sg_" + HexFormat.of().formatHex(sha.digest(), 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.respool.gateway.ssh;

import io.respool.protocol.RespoolException;
import io.respool.terminal.TerminalService;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.digest.BuiltinDigests;

/**
 * authorized_keys lines as {@code PUT /v1/account/ssh-keys} takes them: {@code <type> <base64> [comment]},
 * no options; ed25519, ECDSA (P-256, P-384, P-521) or RSA of at least 2048 bits. A bad line is a
 * 400 naming it.
 */
public final class AuthorizedKeys {
  public static final int MIN_RSA_BITS = 2048;
  private static final Set<String> TYPES = Set.of("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa");
  private static final int MAX_LINE = 16 * 1024;

  private AuthorizedKeys() {}

  /** The keys of the lines, each once (by fingerprint), in order. */
  public static List<TerminalService.NewKey> parse(List<String> lines) {
    if (lines == null) throw RespoolException.invalid("keys is required");
    Map<String, TerminalService.NewKey> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      TerminalService.NewKey k = parse(i + 1, lines.get(i));
      out.putIfAbsent(k.fingerprint(), k);
    }
    return new ArrayList<>(out.values());
  }

  static TerminalService.NewKey parse(int n, String line) {
    String where = "keys[" + (n - 1) + "]";
    if (line == null || line.isBlank()) throw RespoolException.invalid(where + " is empty");
    if (line.length() > MAX_LINE) throw RespoolException.invalid(where + " is longer than " + MAX_LINE + " characters");
    String text = line.strip();
    String type = text.split("\\s+", 2)[0];
    if (!TYPES.contains(type)) {
      throw RespoolException.invalid(where + " is not an authorized_keys line of a supported type (ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa"
          + " of at least " + MIN_RSA_BITS + " bits; no options): " + abbreviate(text));
    }
    PublicKey key;
    AuthorizedKeyEntry entry;
    try {
      entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(text);
      key = entry.resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
    } catch (Exception e) {
      throw RespoolException.invalid(where + " is not a valid " + type + " key: " + abbreviate(text));
    }
    if (entry == null || key == null) throw RespoolException.invalid(where + " is not a valid " + type + " key: " + abbreviate(text));
    int bits = KeyUtils.getKeySize(key);
    if ("ssh-rsa".equals(type) && bits < MIN_RSA_BITS) {
      throw RespoolException.invalid(where + " is an RSA key of " + bits + " bits; at least " + MIN_RSA_BITS + " are required");
    }
    if ("ssh-ed25519".equals(type) && bits <= 0) bits = 256;
    String comment = entry.getComment() == null || entry.getComment().isBlank() ? null : entry.getComment().strip();
    if (comment != null && comment.length() > 200) comment = comment.substring(0, 200);
    return new TerminalService.NewKey(type, bits, fingerprint(key), PublicKeyEntry.toString(key), comment);
  }

  /** {@code SHA256:…} as {@code ssh-keygen -l} prints it. */
  public static String fingerprint(PublicKey key) {
    return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}

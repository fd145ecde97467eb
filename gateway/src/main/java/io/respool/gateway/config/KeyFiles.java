package io.respool.gateway.config;

import io.respool.gateway.auth.SecretBox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the operators' key files (Ethereum, Solana). A file sealed with {@code respool-gateway --seal-file}
 * is opened with the node's secrets key (the one sealing the JWT keys: {@code secretsKey}, {@code secretsKeyFile}
 * or {@code <home>/secrets.key}; never a new one); a clear file is still read, with a warning naming it.
 * Errors name the file and why, never its contents.
 */
public final class KeyFiles {
  private static final Logger LOG = LoggerFactory.getLogger(KeyFiles.class);

  /** A key file that cannot be used, with a reason that is safe to print. */
  public static final class Unusable extends Exception {
    Unusable(String why) { super(why); }
  }

  private final String secretsKey;
  private final Path secretsKeyFile;
  private final Path home;

  KeyFiles(String secretsKey, Path secretsKeyFile, Path home) {
    this.secretsKey = secretsKey;
    this.secretsKeyFile = secretsKeyFile;
    this.home = home;
  }

  /** The file's contents, opened if sealed. */
  byte[] read(String setting, Path file) throws IOException, Unusable {
    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
    if (!SecretBox.isSealedFile(text)) {
      LOG.warn("{} {} is not sealed: the key is in clear on disk (seal it with respool-gateway --seal-file {} {}.sealed)", setting, file, file, file);
      return text.getBytes(StandardCharsets.ISO_8859_1);
    }
    SecretBox box;
    try {
      box = SecretBox.existing(secretsKey, secretsKeyFile, home)
          .orElseThrow(() -> new Unusable("is sealed, but this node has no secrets key (secretsKey, secretsKeyFile or " + home.resolve("secrets.key") + ")"));
    } catch (IllegalArgumentException e) {
      throw new Unusable("is sealed, but the secrets key cannot be read: " + e.getMessage());
    }
    try {
      return box.openFile(text);
    } catch (IllegalStateException e) {
      throw new Unusable("is sealed but does not open with this node's secrets key (a different key, or the file was altered)");
    }
  }

  /**
   * {@code respool-gateway --seal-file IN OUT}: writes OUT (mode 0600, never over an existing file) holding IN sealed
   * under the secrets key this node would use (made under the home, as at a first start, if there is none yet).
   * Returns what to tell the operator. IN is left as it is: the operator removes it once the gateway runs on OUT.
   */
  public static String seal(ConfigSource src, Path in, Path out) throws IOException, Unusable {
    byte[] plain = Files.readAllBytes(in);
    if (SecretBox.isSealedFile(new String(plain, StandardCharsets.ISO_8859_1))) throw new Unusable(in + " is already sealed");
    if (Files.exists(out)) throw new Unusable(out + " exists: name a new file");
    String env = src.get("secretsKey");
    Path keyFile = src.get("secretsKeyFile") == null ? null : Path.of(src.get("secretsKeyFile"));
    Path home = GatewayConfig.home(src);
    SecretBox box;
    try {
      box = SecretBox.load(env, keyFile, home);
    } catch (IllegalArgumentException e) {
      throw new Unusable(e.getMessage());
    }
    Path tmp = out.toAbsolutePath().resolveSibling(out.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, box.sealFile(plain), StandardCharsets.US_ASCII);
    Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
    String keyFrom = env != null && !env.isBlank() ? "RESPOOL_SECRETS_KEY" : keyFile != null ? keyFile.toString() : home.resolve("secrets.key").toString();
    return "sealed " + in + " into " + out + " under the secrets key of " + keyFrom
        + "; point the setting at " + out + " and remove " + in + " once the gateway starts with it";
  }
}

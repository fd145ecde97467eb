package io.respool.gateway.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the secrets a gateway keeps in PostgreSQL (the JWT signing keys) with AES-256-GCM, under a
 * key that never enters the database: {@code RESPOOL_SECRETS_KEY} (base64 of 32 bytes), else the
 * file {@code secretsKeyFile} names, else {@code <home>/secrets.key}, generated with mode 0600 on
 * first start (the dev setup). Each sealed value is {@code 0x01 ‖ nonce(12) ‖ ciphertext ‖ tag(16)},
 * bound to its name (the GCM associated data), so a sealed value moved to another row does not open.
 * The same box seals files kept at rest (the operators' chain keys): a sealed file is the line
 * {@value #FILE_HEADER} then the base64 of the sealed bytes, bound to the name {@value #FILE_NAME}.
 */
public final class SecretBox {
  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  /** The first line of a sealed file: how it is recognised. */
  public static final String FILE_HEADER = "respool-sealed-v1";
  /** The associated data of a sealed file's contents. */
  static final String FILE_NAME = "respool-sealed-file";

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  SecretBox(byte[] key) {
    if (key.length != 32) throw new IllegalArgumentException("the secrets key must be 32 bytes (base64 of 32 random bytes), was " + key.length);
    this.key = new SecretKeySpec(key.clone(), "AES");
  }

  /** The box for this node: the key from the environment, the configured file, or the home (created there if missing). */
  public static SecretBox load(String fromEnv, Path keyFile, Path home) throws IOException {
    if (fromEnv != null && !fromEnv.isBlank()) return new SecretBox(decode(fromEnv, "RESPOOL_SECRETS_KEY"));
    if (keyFile != null) return new SecretBox(decode(Files.readString(keyFile), keyFile.toString()));
    Path file = home.resolve("secrets.key");
    if (!Files.exists(file)) {
      byte[] fresh = new byte[32];
      new SecureRandom().nextBytes(fresh);
      Files.createDirectories(home);
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, Base64.getEncoder().encodeToString(fresh) + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        // another node on the same home created it first: use theirs
      }
    }
    return new SecretBox(decode(Files.readString(file), file.toString()));
  }

  /**
   * The box from the environment, the configured file or the home's {@code secrets.key}, never making a
   * new key (a sealed file cannot open under a key made after it); empty when there is none.
   */
  public static java.util.Optional<SecretBox> existing(String fromEnv, Path keyFile, Path home) throws IOException {
    if ((fromEnv == null || fromEnv.isBlank()) && keyFile == null && (home == null || !Files.isRegularFile(home.resolve("secrets.key")))) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(load(fromEnv, keyFile, home));
  }

  /** Whether a file's text is a sealed file (its first line is {@value #FILE_HEADER}). */
  public static boolean isSealedFile(String text) {
    return text.startsWith(FILE_HEADER + "\n");
  }

  /** The text of a sealed file holding {@code plain}. */
  public String sealFile(byte[] plain) {
    return FILE_HEADER + "\n" + Base64.getMimeEncoder(76, new byte[] {'\n'}).encodeToString(seal(FILE_NAME, plain)) + "\n";
  }

  /** What a sealed file holds; fails (naming no secret) when it was altered or sealed under another key. */
  public byte[] openFile(String text) {
    if (!isSealedFile(text)) throw new IllegalArgumentException("is not a sealed file (no " + FILE_HEADER + " line)");
    byte[] sealed;
    try {
      sealed = Base64.getMimeDecoder().decode(text.substring(FILE_HEADER.length() + 1).strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("sealed file is damaged (not base64)", e);
    }
    return open(FILE_NAME, sealed);
  }

  private static byte[] decode(String text, String where) {
    try {
      return Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + " is not base64 of a 32-byte key", e);
    }
  }

  /** Seals {@code plain} for the row named {@code name}. */
  public byte[] seal(String name, byte[] plain) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] sealed = crypt(Cipher.ENCRYPT_MODE, name, nonce, plain);
    byte[] out = new byte[1 + NONCE_BYTES + sealed.length];
    out[0] = VERSION;
    System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
    System.arraycopy(sealed, 0, out, 1 + NONCE_BYTES, sealed.length);
    return out;
  }

  /** Opens what {@link #seal} gave for {@code name}; fails when the key or the name differ, or the bytes were altered. */
  public byte[] open(String name, byte[] sealed) {
    if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
      throw new IllegalStateException("secret " + name + " is not sealed by this gateway's secrets key format");
    }
    return crypt(Cipher.DECRYPT_MODE, name, Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES), Arrays.copyOfRange(sealed, 1 + NONCE_BYTES, sealed.length));
  }

  private byte[] crypt(int mode, String name, byte[] nonce, byte[] data) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(name.getBytes(StandardCharsets.UTF_8));
      return c.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot " + (mode == Cipher.ENCRYPT_MODE ? "seal" : "open") + " secret " + name
          + " (wrong secrets key?): " + e.getMessage(), e);
    }
  }
}

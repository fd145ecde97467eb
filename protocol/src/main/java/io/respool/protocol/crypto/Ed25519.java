package io.respool.protocol.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Ed25519 with raw 32-byte keys (the form Solana and ResPool host ids use), on the JDK's own
 * implementation. A key pair is kept as its 32-byte seed.
 */
public final class Ed25519 {
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
  private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

  private Ed25519() {}

  /** A signing key: the 32-byte seed and its raw 32-byte public key. */
  public record Keys(byte[] seed, byte[] publicKey) {
    public Keys {
      if (seed.length != 32 || publicKey.length != 32) throw new IllegalArgumentException("ed25519 keys are 32 bytes");
    }

    public String publicKeyBase58() { return Base58.encode(publicKey); }

    public byte[] sign(byte[] message) { return Ed25519.sign(seed, message); }
  }

  public static Keys generate() {
    try {
      KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      byte[] pkcs8 = kp.getPrivate().getEncoded();
      byte[] seed = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
      return new Keys(seed, rawPublic(kp.getPublic()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Rebuilds the key pair from its 32-byte seed. The JDK offers no private-to-public derivation,
   * but its generator draws exactly the seed from the random source, so a source that returns the
   * seed yields the pair.
   */
  public static Keys fromSeed(byte[] seed) {
    if (seed == null || seed.length != 32) throw new IllegalArgumentException("ed25519 seed must be 32 bytes");
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("Ed25519");
      gen.initialize(NamedParameterSpec.ED25519, new FixedRandom(seed));
      KeyPair kp = gen.generateKeyPair();
      Keys keys = new Keys(seed.clone(), rawPublic(kp.getPublic()));
      if (!verify(keys.publicKey(), seed, keys.sign(seed))) throw new IllegalStateException("ed25519 derivation mismatch");
      return keys;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class FixedRandom extends SecureRandom {
    private final byte[] bytes;

    FixedRandom(byte[] bytes) { this.bytes = bytes.clone(); }

    @Override
    public void nextBytes(byte[] out) {
      if (out.length != bytes.length) throw new IllegalStateException("unexpected draw of " + out.length + " bytes");
      System.arraycopy(bytes, 0, out, 0, out.length);
    }
  }

  public static byte[] sign(byte[] seed, byte[] message) {
    try {
      PrivateKey priv = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, seed)));
      return sign(priv, message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] sign(PrivateKey priv, byte[] message) throws GeneralSecurityException {
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(priv);
    s.update(message);
    return s.sign();
  }

  /** True only for a valid 64-byte signature of {@code message} by the raw 32-byte {@code publicKey}. */
  public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
    if (publicKey == null || publicKey.length != 32 || signature == null || signature.length != 64) return false;
    try {
      PublicKey pub = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(concat(SPKI_PREFIX, publicKey)));
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(pub);
      s.update(message);
      return s.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static byte[] rawPublic(PublicKey key) {
    byte[] spki = key.getEncoded();
    return Arrays.copyOfRange(spki, spki.length - 32, spki.length);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

package io.respool.settlement.solana;

import io.respool.protocol.crypto.Base58;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Solana account addresses: 32 bytes, written in base58; and program-derived addresses
 * ({@code findProgramAddress}: the first bump from 255 down whose hash is not a point of the
 * ed25519 curve). Pure.
 */
public final class Pubkeys {
  private Pubkeys() {}

  public static final String SYSTEM_PROGRAM = "11111111111111111111111111111111";
  public static final String LOADER_UPGRADEABLE = "BPFLoaderUpgradeab1e11111111111111111111111";

  private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
  /** The curve constant d = -121665 / 121666 (mod p). */
  private static final BigInteger D = BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
  private static final BigInteger HALF = P.subtract(BigInteger.ONE).shiftRight(1);
  private static final byte[] PDA_MARKER = "ProgramDerivedAddress".getBytes(StandardCharsets.US_ASCII);

  /** The 32 bytes of a base58 address; {@link IllegalArgumentException} if it is not one. */
  public static byte[] decode(String address) {
    byte[] b = Base58.decode(address);
    if (b.length != 32) throw new IllegalArgumentException("not a 32-byte address: " + address);
    return b;
  }

  public static String encode(byte[] key) {
    if (key.length != 32) throw new IllegalArgumentException("an address is 32 bytes");
    return Base58.encode(key);
  }

  /** Whether {@code s} is a base58 32-byte address. */
  public static boolean valid(String s) {
    try {
      decode(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Whether 32 bytes decompress to a point of the ed25519 curve, as the runtime decides it
   * (curve25519-dalek's {@code CompressedEdwardsY::decompress}: y taken mod p with the sign bit
   * cleared, a point iff (y² − 1) / (d·y² + 1) is a square mod p).
   */
  public static boolean onCurve(byte[] key) {
    byte[] be = new byte[32];
    for (int i = 0; i < 32; i++) be[i] = key[31 - i];
    be[0] &= 0x7f;
    BigInteger y = new BigInteger(1, be).mod(P);
    BigInteger y2 = y.multiply(y).mod(P);
    BigInteger u = y2.subtract(BigInteger.ONE).mod(P);
    BigInteger v = D.multiply(y2).add(BigInteger.ONE).mod(P);
    BigInteger w = u.multiply(v.modInverse(P)).mod(P);
    return w.signum() == 0 || w.modPow(HALF, P).equals(BigInteger.ONE);
  }

  /** A program-derived address and its bump. */
  public record Pda(String address, int bump) {}

  /** {@code create_program_address(seeds ‖ [bump], program)}, or null when the hash is on the curve. */
  public static byte[] createProgramAddress(List<byte[]> seeds, int bump, byte[] programId) {
    MessageDigest sha = sha256();
    for (byte[] s : seeds) {
      if (s.length > 32) throw new IllegalArgumentException("a seed is at most 32 bytes");
      sha.update(s);
    }
    sha.update((byte) bump);
    sha.update(programId);
    sha.update(PDA_MARKER);
    byte[] h = sha.digest();
    return onCurve(h) ? null : h;
  }

  /** {@code find_program_address}: the first bump from 255 down giving an address off the curve. */
  public static Pda findProgramAddress(List<byte[]> seeds, String programId) {
    byte[] program = decode(programId);
    for (int bump = 255; bump >= 0; bump--) {
      byte[] a = createProgramAddress(seeds, bump, program);
      if (a != null) return new Pda(encode(a), bump);
    }
    throw new IllegalStateException("no program address for these seeds");
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

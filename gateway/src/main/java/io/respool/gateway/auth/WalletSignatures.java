package io.respool.gateway.auth;

import io.respool.protocol.RespoolException;
import io.respool.protocol.crypto.Base58;
import io.respool.protocol.crypto.Ed25519;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/** Wallet address formats and signature checks for the chains accounts sign in with. */
public final class WalletSignatures {
  public static final String ETHEREUM = "ethereum";
  public static final String SOLANA = "solana";

  private WalletSignatures() {}

  /** The canonical form of {@code address} on {@code chain} (Ethereum lower-case), or 400. */
  public static String normalize(String chain, String address) {
    if (address == null) throw RespoolException.invalid("address is required");
    return switch (chain == null ? "" : chain) {
      case ETHEREUM -> {
        if (!address.matches("0x[0-9a-fA-F]{40}")) throw RespoolException.invalid("address is not an Ethereum address (0x + 40 hex digits)");
        yield address.toLowerCase(Locale.ROOT);
      }
      case SOLANA -> {
        byte[] key;
        try {
          key = Base58.decode(address);
        } catch (IllegalArgumentException e) {
          throw RespoolException.invalid("address is not a Solana address (base58)");
        }
        if (key.length != 32) throw RespoolException.invalid("address is not a Solana address (32-byte key)");
        yield address;
      }
      default -> throw RespoolException.invalid("chain must be 'ethereum' or 'solana'");
    };
  }

  /** True if {@code signature} is a valid signature of {@code message} by {@code address} on {@code chain}. */
  public static boolean verify(String chain, String address, String message, String signature) {
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    return ETHEREUM.equals(chain) ? verifyPersonalSign(address, text, signature) : verifyEd25519(address, text, signature);
  }

  /** EIP-191 {@code personal_sign}: 0x + r(32) s(32) v(1), v in {0,1,27,28}. */
  private static boolean verifyPersonalSign(String address, byte[] message, String signature) {
    if (signature == null || !signature.matches("0x[0-9a-fA-F]{130}")) return false;
    byte[] sig = HexFormat.of().parseHex(signature.substring(2));
    byte v = sig[64];
    if (v < 27) v += 27;
    if (v != 27 && v != 28) return false;
    try {
      BigInteger key = Sign.signedPrefixedMessageToKey(message,
          new Sign.SignatureData(v, Arrays.copyOfRange(sig, 0, 32), Arrays.copyOfRange(sig, 32, 64)));
      return ("0x" + Keys.getAddress(key)).equalsIgnoreCase(address);
    } catch (SignatureException | RuntimeException e) {
      return false;
    }
  }

  private static boolean verifyEd25519(String address, byte[] message, String signature) {
    try {
      return signature != null && Ed25519.verify(Base58.decode(address), message, Base58.decode(signature));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}

package io.respool.settlement.solana;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Legacy Solana transactions in their wire format: the message (header, account keys, recent
 * blockhash, compiled instructions) and the signatures in front of it. Accounts are ordered as
 * {@code @solana/kit} orders them (fee payer, then signers before others, writable before
 * read-only, then by address as its collator sorts base58), so a message compiled here is byte for
 * byte the one the JS client compiles (SolanaEncodingTest). Pure.
 */
public final class SolanaTransactions {
  private SolanaTransactions() {}

  /** An account an instruction names, and how. */
  public record AccountMeta(String address, boolean signer, boolean writable) {
    public static AccountMeta writableSigner(String a) { return new AccountMeta(a, true, true); }

    public static AccountMeta signer(String a) { return new AccountMeta(a, true, false); }

    public static AccountMeta writable(String a) { return new AccountMeta(a, false, true); }

    public static AccountMeta readonly(String a) { return new AccountMeta(a, false, false); }
  }

  public record Instruction(String programId, List<AccountMeta> accounts, byte[] data) {}

  /** A compiled message: its bytes (what is signed) and its signers, in order. */
  public record Message(byte[] bytes, List<String> signers) {}

  /** Compiles a legacy message paid by {@code feePayer} with {@code recentBlockhash} (base58). */
  public static Message compile(String feePayer, String recentBlockhash, List<Instruction> instructions) {
    Map<String, int[]> roles = new LinkedHashMap<>(); // address → {signer, writable, feePayer}
    roles.put(feePayer, new int[] {1, 1, 1});
    for (Instruction ix : instructions) {
      for (AccountMeta m : ix.accounts()) {
        int[] r = roles.computeIfAbsent(m.address(), k -> new int[3]);
        r[0] |= m.signer() ? 1 : 0;
        r[1] |= m.writable() ? 1 : 0;
      }
      roles.computeIfAbsent(ix.programId(), k -> new int[3]);
    }
    List<Map.Entry<String, int[]>> ordered = new ArrayList<>(roles.entrySet());
    ordered.sort(Comparator.<Map.Entry<String, int[]>>comparingInt(e -> -e.getValue()[2])
        .thenComparingInt(e -> -e.getValue()[0])
        .thenComparingInt(e -> -e.getValue()[1])
        .thenComparing(Map.Entry::getKey, SolanaTransactions::compareAddresses));
    int signers = 0;
    int readonlySigners = 0;
    int readonlyOthers = 0;
    List<String> keys = new ArrayList<>();
    List<String> signerKeys = new ArrayList<>();
    for (Map.Entry<String, int[]> e : ordered) {
      keys.add(e.getKey());
      if (e.getValue()[0] == 1) {
        signers++;
        signerKeys.add(e.getKey());
        if (e.getValue()[1] == 0) readonlySigners++;
      } else if (e.getValue()[1] == 0) {
        readonlyOthers++;
      }
    }
    if (keys.size() > 256) throw new IllegalArgumentException("too many accounts for one transaction");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(signers);
    out.write(readonlySigners);
    out.write(readonlyOthers);
    compactU16(out, keys.size());
    for (String k : keys) out.writeBytes(Pubkeys.decode(k));
    out.writeBytes(Pubkeys.decode(recentBlockhash));
    compactU16(out, instructions.size());
    for (Instruction ix : instructions) {
      out.write(keys.indexOf(ix.programId()));
      compactU16(out, ix.accounts().size());
      for (AccountMeta m : ix.accounts()) out.write(keys.indexOf(m.address()));
      compactU16(out, ix.data().length);
      out.writeBytes(ix.data());
    }
    return new Message(out.toByteArray(), List.copyOf(signerKeys));
  }

  /**
   * The order of {@code @solana/kit}'s address comparator ({@code Intl.Collator("en", {caseFirst:
   * "lower", sensitivity: "variant"})}) on base58 text: letters compared without case first
   * (digits before letters), and only between texts equal so, lower case first.
   */
  static int compareAddresses(String a, String b) {
    int c = a.toLowerCase(java.util.Locale.ROOT).compareTo(b.toLowerCase(java.util.Locale.ROOT));
    if (c != 0) return c;
    for (int i = 0; i < a.length(); i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) return Character.isLowerCase(x) ? -1 : 1;
    }
    return 0;
  }

  /** The wire transaction: the signatures (64 bytes each; all zero = not signed yet) then the message. */
  public static byte[] wire(List<byte[]> signatures, byte[] message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    compactU16(out, signatures.size());
    for (byte[] s : signatures) {
      if (s.length != 64) throw new IllegalArgumentException("a signature is 64 bytes");
      out.writeBytes(s);
    }
    out.writeBytes(message);
    return out.toByteArray();
  }

  /** The message with a zero signature for each signer: what a wallet is given to sign. */
  public static byte[] unsigned(Message m) {
    List<byte[]> sigs = new ArrayList<>();
    for (int i = 0; i < m.signers().size(); i++) sigs.add(new byte[64]);
    return wire(sigs, m.bytes());
  }

  /** A wire transaction taken apart: its signatures, message bytes and what the message says. */
  public record Decoded(List<byte[]> signatures, byte[] message, int requiredSignatures, int readonlySigned, int readonlyUnsigned,
      List<String> accountKeys, String recentBlockhash, List<CompiledInstruction> instructions) {}

  public record CompiledInstruction(int programIdIndex, int[] accounts, byte[] data) {}

  /** Parses a legacy wire transaction ({@link IllegalArgumentException} if malformed). */
  public static Decoded decode(byte[] wire) {
    try {
      int[] pos = {0};
      int n = readCompactU16(wire, pos);
      List<byte[]> sigs = new ArrayList<>();
      for (int i = 0; i < n; i++) sigs.add(take(wire, pos, 64));
      int messageStart = pos[0];
      int required = wire[pos[0]++] & 0xff;
      if ((required & 0x80) != 0) throw new IllegalArgumentException("a versioned transaction, not a legacy one");
      int roSigned = wire[pos[0]++] & 0xff;
      int roUnsigned = wire[pos[0]++] & 0xff;
      int nKeys = readCompactU16(wire, pos);
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < nKeys; i++) keys.add(Pubkeys.encode(take(wire, pos, 32)));
      String blockhash = Pubkeys.encode(take(wire, pos, 32));
      int nIx = readCompactU16(wire, pos);
      List<CompiledInstruction> ixs = new ArrayList<>();
      for (int i = 0; i < nIx; i++) {
        int program = wire[pos[0]++] & 0xff;
        int na = readCompactU16(wire, pos);
        int[] accts = new int[na];
        for (int j = 0; j < na; j++) accts[j] = wire[pos[0]++] & 0xff;
        int nd = readCompactU16(wire, pos);
        ixs.add(new CompiledInstruction(program, accts, take(wire, pos, nd)));
      }
      if (pos[0] != wire.length) throw new IllegalArgumentException("trailing bytes after the message");
      if (n != required) throw new IllegalArgumentException(n + " signatures for " + required + " signers");
      return new Decoded(sigs, Arrays.copyOfRange(wire, messageStart, wire.length), required, roSigned, roUnsigned, keys, blockhash, ixs);
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("truncated transaction", e);
    }
  }

  /** The wire transaction with {@code signature} in the slot of {@code signer}. */
  public static byte[] withSignature(byte[] wire, String signer, byte[] signature) {
    Decoded d = decode(wire);
    int slot = d.accountKeys().indexOf(signer);
    if (slot < 0 || slot >= d.requiredSignatures()) throw new IllegalArgumentException(signer + " is not a signer of this transaction");
    List<byte[]> sigs = new ArrayList<>(d.signatures());
    sigs.set(slot, signature);
    return wire(sigs, d.message());
  }

  static void compactU16(ByteArrayOutputStream out, int v) {
    if (v < 0 || v > 0xffff) throw new IllegalArgumentException("compact-u16 out of range");
    while (true) {
      int b = v & 0x7f;
      v >>= 7;
      if (v == 0) {
        out.write(b);
        return;
      }
      out.write(b | 0x80);
    }
  }

  static int readCompactU16(byte[] in, int[] pos) {
    int v = 0;
    for (int shift = 0; shift < 21; shift += 7) {
      int b = in[pos[0]++] & 0xff;
      v |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    throw new IllegalArgumentException("bad compact-u16");
  }

  private static byte[] take(byte[] in, int[] pos, int n) {
    if (pos[0] + n > in.length) throw new IllegalArgumentException("truncated transaction");
    byte[] b = Arrays.copyOfRange(in, pos[0], pos[0] + n);
    pos[0] += n;
    return b;
  }
}

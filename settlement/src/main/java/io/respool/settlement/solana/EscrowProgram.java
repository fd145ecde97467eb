package io.respool.settlement.solana;

import io.respool.settlement.solana.SolanaTransactions.AccountMeta;
import io.respool.settlement.solana.SolanaTransactions.Instruction;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code respool_escrow} program (contracts/solana/README.md) as the gateway uses it: PDAs,
 * the instructions a renter and the operator sign, the config and escrow accounts, and the rental
 * events read from a transaction's logs. Mirrors {@code contracts/solana/client/respool.mjs}; pure.
 */
public final class EscrowProgram {
  public static final int CONFIG_SIZE = 120;
  public static final int ESCROW_SIZE = 152;
  /** Rentals per {@code settle_many}: a legacy transaction of 1232 bytes holds about 10 (3 accounts of 32 bytes + 8 bytes each). */
  public static final int MAX_SETTLE_MANY = 10;
  public static final int NO_ESCROW = 39;

  static final int TAG_OPEN = 2;
  static final int TAG_TOP_UP = 3;
  static final int TAG_SETTLE = 4;
  static final int TAG_SETTLE_MANY = 5;
  static final int TAG_RECLAIM = 6;

  private static final String[] ERRORS = {null, "InvalidInstruction", "InvalidDataLength", "AccountCount", "NotSigner", "NotWritable",
      "WrongOwner", "WrongAddress", "WrongKind", "AlreadyInitialized", "NotUpgradeAuthority", "NotAdmin", "NotOperator", "ZeroAmount",
      "InvalidHost", "ExpiryNotInFuture", "RentalExists", "NotRenter", "UsedExceedsDeposit", "ReclaimTooEarly", "ExpiryNotExtended",
      "Overflow", "FeeTooHigh", "GraceTooLong", "DelayTooLong", "WrongHost", "WrongTreasury", "WrongRenter", "NoStake", "UnstakePending",
      "NoUnstakeRequested", "UnstakeTooEarly", "SlashExceedsStake", "NothingToClaim", "UnsupportedRent", "WrongMint", "TooManyAccounts",
      "ZeroAddress", "WrongTokenAccount", "NoEscrow"};

  private final String programId;
  private final String config;

  public EscrowProgram(String programId) {
    Pubkeys.decode(programId);
    this.programId = programId;
    this.config = Pubkeys.findProgramAddress(List.of(ascii("config")), programId).address();
  }

  public String programId() { return programId; }

  /** The config account, PDA {@code ["config"]}. */
  public String config() { return config; }

  /** The escrow of a rental, PDA {@code ["rental", renter, rentalId]}. */
  public Pubkeys.Pda escrow(String renter, byte[] rentalId) {
    if (rentalId.length != 32) throw new IllegalArgumentException("a rental id is 32 bytes");
    return Pubkeys.findProgramAddress(List.of(ascii("rental"), Pubkeys.decode(renter), rentalId), programId);
  }

  /** The name of a custom program error ({@code Custom(code)}), or {@code "error <code>"}. */
  public static String errorName(long code) {
    return code > 0 && code < ERRORS.length ? ERRORS[(int) code] : "error " + code;
  }

  // --- instruction data ----------------------------------------------------------------------------

  static byte[] openData(byte[] rentalId, String host, long amount, long expiresAt) {
    return le(81).put((byte) TAG_OPEN).put(check32(rentalId)).put(Pubkeys.decode(host)).putLong(amount).putLong(expiresAt).array();
  }

  static byte[] topUpData(long amount, long newExpiresAt) {
    return le(17).put((byte) TAG_TOP_UP).putLong(amount).putLong(newExpiresAt).array();
  }

  static byte[] settleData(long used) {
    return le(9).put((byte) TAG_SETTLE).putLong(used).array();
  }

  static byte[] settleManyData(List<Long> used) {
    if (used.isEmpty() || used.size() > 20) throw new IllegalArgumentException("settle_many takes 1 to 20 rentals");
    ByteBuffer b = le(2 + 8 * used.size()).put((byte) TAG_SETTLE_MANY).put((byte) used.size());
    used.forEach(b::putLong);
    return b.array();
  }

  static byte[] reclaimData() {
    return new byte[] {TAG_RECLAIM};
  }

  // --- instructions --------------------------------------------------------------------------------

  /** {@code open}: accounts renter S W, escrow W, config, system program. */
  public Instruction open(String renter, byte[] rentalId, String host, long amount, long expiresAt) {
    return new Instruction(programId, List.of(AccountMeta.writableSigner(renter), AccountMeta.writable(escrow(renter, rentalId).address()),
        AccountMeta.readonly(config), AccountMeta.readonly(Pubkeys.SYSTEM_PROGRAM)), openData(rentalId, host, amount, expiresAt));
  }

  /** {@code top_up}: accounts renter S W, escrow W, system program. */
  public Instruction topUp(String renter, String escrow, long amount, long newExpiresAt) {
    return new Instruction(programId, List.of(AccountMeta.writableSigner(renter), AccountMeta.writable(escrow),
        AccountMeta.readonly(Pubkeys.SYSTEM_PROGRAM)), topUpData(amount, newExpiresAt));
  }

  /** One rental of a {@code settle_many}: its escrow, the host and renter it names, and what was used. */
  public record SettleItem(String escrow, String host, String renter, long used) {}

  /** {@code settle_many}: operator S, config, treasury W, then per rental escrow W, host W, renter W. */
  public Instruction settleMany(String operator, String treasury, List<SettleItem> items) {
    List<AccountMeta> accounts = new ArrayList<>(List.of(AccountMeta.signer(operator), AccountMeta.readonly(config), AccountMeta.writable(treasury)));
    for (SettleItem i : items) {
      accounts.add(AccountMeta.writable(i.escrow()));
      accounts.add(AccountMeta.writable(i.host()));
      accounts.add(AccountMeta.writable(i.renter()));
    }
    return new Instruction(programId, accounts, settleManyData(items.stream().map(SettleItem::used).toList()));
  }

  /** {@code reclaim}: renter S W, escrow W, config. */
  public Instruction reclaim(String renter, String escrow) {
    return new Instruction(programId, List.of(AccountMeta.writableSigner(renter), AccountMeta.writable(escrow), AccountMeta.readonly(config)),
        reclaimData());
  }

  // --- accounts ------------------------------------------------------------------------------------

  /** The config account (kind 1, 120 bytes). */
  public record Config(int feeBps, long graceSeconds, long unstakeDelaySeconds, String admin, String operator, String treasury) {}

  /** The config, or null if {@code data} is not one. */
  public static Config decodeConfig(byte[] data) {
    if (data.length != CONFIG_SIZE || data[0] != 1) return null;
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    return new Config(b.getShort(2) & 0xffff, b.getLong(8), b.getLong(16), key(data, 24), key(data, 56), key(data, 88));
  }

  /** An open escrow (kind 2, 152 bytes). {@code mint} all-zero ({@code 111…1}) is SOL. */
  public record Escrow(int feeBps, int status, byte[] rentalId, String renter, String host, String mint, long deposit, long expiresAt) {}

  public static Escrow decodeEscrow(byte[] data) {
    if (data.length != ESCROW_SIZE || data[0] != 2) return null;
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    return new Escrow(b.getShort(2) & 0xffff, data[4], Arrays.copyOfRange(data, 8, 40), key(data, 40), key(data, 72), key(data, 104),
        b.getLong(136), b.getLong(144));
  }

  // --- events --------------------------------------------------------------------------------------

  /** A rental event of the program (the stake events are not the gateway's and are skipped). */
  public sealed interface Event permits Opened, ToppedUp, Settled, SettleSkipped, Reclaimed {}

  public record Opened(byte[] rentalId, String renter, String host, String mint, long amount, long expiresAt, int feeBps) implements Event {}

  /** {@code deposit} is the new total, {@code expiresAt} the new expiry. */
  public record ToppedUp(byte[] rentalId, String renter, long amount, long deposit, long expiresAt) implements Event {}

  /** {@code refund} is deposit − used; the renter also gets the escrow's rent, which it does not count. */
  public record Settled(byte[] rentalId, String renter, String host, long hostAmount, long fee, long refund) implements Event {}

  public record SettleSkipped(String escrow) implements Event {}

  /** {@code amount}: the deposit. */
  public record Reclaimed(byte[] rentalId, String renter, long amount) implements Event {}

  private static final Map<String, Integer> SIZES = Map.of("Opened", 146, "ToppedUp", 88, "Settled", 120, "SettleSkipped", 32, "Reclaimed", 72,
      "Initialized", 114, "OperatorChanged", 64, "HostStaked", 48, "UnstakeRequested", 48, "UnstakeCancelled", 32);
  private static final Pattern INVOKE = Pattern.compile("^Program (\\S+) invoke \\[\\d+\\]$");
  private static final Pattern END = Pattern.compile("^Program (\\S+) (success|failed: .*)$");

  /**
   * The rental events in a transaction's {@code logMessages}, in order: {@code Program data: <name>
   * <payload>} lines (both base64) logged while this program is the innermost running program (a
   * stack of {@code invoke}/{@code success}/{@code failed} lines; another program, or ours called
   * from it, can print look-alike lines only in its own frame), of a known name and exactly its size.
   * The events of a failed transaction are void: the caller skips those.
   */
  public List<Event> parseEvents(List<String> logs) {
    Deque<String> stack = new ArrayDeque<>();
    List<Event> out = new ArrayList<>();
    for (String line : logs) {
      Matcher m;
      if ((m = INVOKE.matcher(line)).matches()) {
        stack.push(m.group(1));
      } else if ((m = END.matcher(line)).matches()) {
        stack.poll();
      } else if (line.startsWith("Program data: ") && programId.equals(stack.peek())) {
        String[] parts = line.substring(14).split(" ");
        if (parts.length < 2) continue;
        byte[] name;
        byte[] p;
        try {
          name = Base64.getDecoder().decode(parts[0]);
          p = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
          continue;
        }
        String n = new String(name, StandardCharsets.ISO_8859_1);
        Integer size = SIZES.get(n);
        if (size == null || p.length != size) continue;
        Event e = event(n, p);
        if (e != null) out.add(e);
      }
    }
    return out;
  }

  private static Event event(String name, byte[] p) {
    ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
    return switch (name) {
      case "Opened" -> new Opened(Arrays.copyOf(p, 32), key(p, 32), key(p, 64), key(p, 96), b.getLong(128), b.getLong(136), b.getShort(144) & 0xffff);
      case "ToppedUp" -> new ToppedUp(Arrays.copyOf(p, 32), key(p, 32), b.getLong(64), b.getLong(72), b.getLong(80));
      case "Settled" -> new Settled(Arrays.copyOf(p, 32), key(p, 32), key(p, 64), b.getLong(96), b.getLong(104), b.getLong(112));
      case "SettleSkipped" -> new SettleSkipped(key(p, 0));
      case "Reclaimed" -> new Reclaimed(Arrays.copyOf(p, 32), key(p, 32), b.getLong(64));
      default -> null;
    };
  }

  // --- helpers -------------------------------------------------------------------------------------

  private static String key(byte[] data, int offset) {
    return Pubkeys.encode(Arrays.copyOfRange(data, offset, offset + 32));
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static byte[] check32(byte[] b) {
    if (b.length != 32) throw new IllegalArgumentException("32 bytes expected");
    return b;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}

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
  /** A config after its first {@code propose_admin}: + pending_admin[32] at 120. */
  public static final int CONFIG_SIZE_V2 = 152;
  /** The SPL Token program, which holds token escrows' vaults and the parties' token accounts. */
  public static final String TOKEN_PROGRAM = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
  /** The associated token account program: a wallet's token account of a mint at a PDA of (wallet, token program, mint). */
  public static final String ATA_PROGRAM = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL";
  public static final int TOKEN_ACCOUNT_SIZE = 165;
  public static final int ESCROW_SIZE = 152;
  /** Rentals per {@code settle_many}: a legacy transaction of 1232 bytes holds about 10 (3 accounts of 32 bytes + 8 bytes each). */
  public static final int MAX_SETTLE_MANY = 10;
  public static final int NO_ESCROW = 39;

  static final int TAG_OPEN = 2;
  static final int TAG_TOP_UP = 3;
  static final int TAG_SETTLE = 4;
  static final int TAG_SETTLE_MANY = 5;
  static final int TAG_RECLAIM = 6;
  static final int TAG_OPEN_TOKEN = 13;
  static final int TAG_SETTLE_TOKEN = 14;
  static final int TAG_RECLAIM_TOKEN = 15;
  static final int TAG_TOP_UP_TOKEN = 18;

  private static final String[] ERRORS = {null, "InvalidInstruction", "InvalidDataLength", "AccountCount", "NotSigner", "NotWritable",
      "WrongOwner", "WrongAddress", "WrongKind", "AlreadyInitialized", "NotUpgradeAuthority", "NotAdmin", "NotOperator", "ZeroAmount",
      "InvalidHost", "ExpiryNotInFuture", "RentalExists", "NotRenter", "UsedExceedsDeposit", "ReclaimTooEarly", "ExpiryNotExtended",
      "Overflow", "FeeTooHigh", "GraceTooLong", "DelayTooLong", "WrongHost", "WrongTreasury", "WrongRenter", "NoStake", "UnstakePending",
      "NoUnstakeRequested", "UnstakeTooEarly", "SlashExceedsStake", "NothingToClaim", "UnsupportedRent", "WrongMint", "TooManyAccounts",
      "ZeroAddress", "WrongTokenAccount", "NoEscrow", "NotProposedAdmin"};

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

  /** The vault of a token escrow: its SPL token account at PDA {@code ["vault", escrow]}, held by the escrow. */
  public Pubkeys.Pda vault(String escrow) {
    return Pubkeys.findProgramAddress(List.of(ascii("vault"), Pubkeys.decode(escrow)), programId);
  }

  /** The associated token account of {@code owner} for {@code mint} (where wallets keep a token). */
  public static String associatedTokenAccount(String owner, String mint) {
    return Pubkeys.findProgramAddress(List.of(Pubkeys.decode(owner), Pubkeys.decode(TOKEN_PROGRAM), Pubkeys.decode(mint)), ATA_PROGRAM).address();
  }

  /** Whether a mint names SOL (all zero) rather than a token. */
  public static boolean isSol(String mint) {
    return Pubkeys.SYSTEM_PROGRAM.equals(mint);
  }

  /** The name of a custom program error ({@code Custom(code)}), or {@code "error <code>"}. */
  public static String errorName(long code) {
    return code > 0 && code < ERRORS.length ? ERRORS[(int) code] : "error " + code;
  }

  // --- instruction data ----------------------------------------------------------------------------

  static byte[] openData(byte[] rentalId, String host, long amount, long expiresAt) {
    return le(81).put((byte) TAG_OPEN).put(check32(rentalId)).put(Pubkeys.decode(host)).putLong(amount).putLong(expiresAt).array();
  }

  static byte[] openTokenData(byte[] rentalId, String host, long amount, long expiresAt) {
    byte[] d = openData(rentalId, host, amount, expiresAt);
    d[0] = TAG_OPEN_TOKEN;
    return d;
  }

  static byte[] topUpTokenData(long amount, long newExpiresAt) {
    return le(17).put((byte) TAG_TOP_UP_TOKEN).putLong(amount).putLong(newExpiresAt).array();
  }

  static byte[] settleTokenData(long used) {
    return le(9).put((byte) TAG_SETTLE_TOKEN).putLong(used).array();
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

  /**
   * {@code open_token}: renter S W, escrow W, config, vault W, mint, the renter's token account W (its
   * associated one), token program, system program. The renter pays both accounts' rent and moves
   * {@code amount} base units of {@code mint} into the vault.
   */
  public Instruction openToken(String renter, byte[] rentalId, String host, long amount, long expiresAt, String mint) {
    String escrow = escrow(renter, rentalId).address();
    return new Instruction(programId, List.of(AccountMeta.writableSigner(renter), AccountMeta.writable(escrow), AccountMeta.readonly(config),
        AccountMeta.writable(vault(escrow).address()), AccountMeta.readonly(mint), AccountMeta.writable(associatedTokenAccount(renter, mint)),
        AccountMeta.readonly(TOKEN_PROGRAM), AccountMeta.readonly(Pubkeys.SYSTEM_PROGRAM)), openTokenData(rentalId, host, amount, expiresAt));
  }

  /**
   * {@code settle_token}: operator S, config, escrow W, vault W, host's, treasury's and renter's token
   * accounts W (their associated ones), renter W (gets the escrow's and vault's rent), token program.
   */
  public Instruction settleToken(String operator, String escrow, String mint, String host, String treasury, String renter, long used) {
    return new Instruction(programId, List.of(AccountMeta.signer(operator), AccountMeta.readonly(config), AccountMeta.writable(escrow),
        AccountMeta.writable(vault(escrow).address()), AccountMeta.writable(associatedTokenAccount(host, mint)),
        AccountMeta.writable(associatedTokenAccount(treasury, mint)), AccountMeta.writable(associatedTokenAccount(renter, mint)),
        AccountMeta.writable(renter), AccountMeta.readonly(TOKEN_PROGRAM)), settleTokenData(used));
  }

  /** {@code top_up_token}: renter S, escrow W, vault W, the renter's (associated) token account W, token program. */
  public Instruction topUpToken(String renter, String escrow, String mint, long amount, long newExpiresAt) {
    return new Instruction(programId, List.of(AccountMeta.signer(renter), AccountMeta.writable(escrow), AccountMeta.writable(vault(escrow).address()),
        AccountMeta.writable(associatedTokenAccount(renter, mint)), AccountMeta.readonly(TOKEN_PROGRAM)), topUpTokenData(amount, newExpiresAt));
  }

  /** {@code reclaim_token}: renter S W, escrow W, config, vault W, the renter's token account W, token program. */
  public Instruction reclaimToken(String renter, String escrow, String mint) {
    return new Instruction(programId, List.of(AccountMeta.writableSigner(renter), AccountMeta.writable(escrow), AccountMeta.readonly(config),
        AccountMeta.writable(vault(escrow).address()), AccountMeta.writable(associatedTokenAccount(renter, mint)), AccountMeta.readonly(TOKEN_PROGRAM)),
        new byte[] {TAG_RECLAIM_TOKEN});
  }

  /**
   * The associated token account program's {@code CreateIdempotent}: creates {@code owner}'s token
   * account of {@code mint} (rent paid by {@code payer}) unless it exists; succeeds either way.
   */
  public static Instruction createAssociatedTokenAccount(String payer, String owner, String mint) {
    return new Instruction(ATA_PROGRAM, List.of(AccountMeta.writableSigner(payer), AccountMeta.writable(associatedTokenAccount(owner, mint)),
        AccountMeta.readonly(owner), AccountMeta.readonly(mint), AccountMeta.readonly(Pubkeys.SYSTEM_PROGRAM), AccountMeta.readonly(TOKEN_PROGRAM)),
        new byte[] {1});
  }

  /** The token amount of an SPL token account's data (165 bytes: mint, owner, amount u64 at 64, …), or -1. */
  public static long tokenAmount(byte[] data) {
    return data.length == TOKEN_ACCOUNT_SIZE ? ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getLong(64) : -1;
  }

  // --- accounts ------------------------------------------------------------------------------------

  /** The config account (kind 1, 120 bytes). */
  public record Config(int feeBps, long graceSeconds, long unstakeDelaySeconds, String admin, String operator, String treasury) {}

  /** The config, or null if {@code data} is not one. */
  public static Config decodeConfig(byte[] data) {
    if ((data.length != CONFIG_SIZE && data.length != CONFIG_SIZE_V2) || data[0] != 1) return null;
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

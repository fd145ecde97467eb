package io.respool.settlement.solana;

import java.math.BigInteger;

import io.respool.bookings.BookingStore.BookingRow;
import io.respool.bookings.BookingStore.TaskRow;
import io.respool.bookings.PaymentPort;
import io.respool.lifecycle.BookingState;
import io.respool.settlement.DepositRows;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Payments;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.Map;
import java.util.Set;

/**
 * The payment port on the Solana escrow program. A booking on {@code solana} (priced in SOL, amounts
 * in lamports, or in a configured SPL token such as the devnet's TUSD, amounts in its base units)
 * gets one deposit per host it runs on, each a rental whose escrow is the PDA of
 * (renter, rental id): the renter is the account's first Solana wallet (by the time it was added),
 * the rental id {@code sha256("respool:solana:<program>:<booking>:<host>:<n>")} with the smallest
 * n whose escrow has bump 255 (the cheapest {@code open}), the payee the host's Solana payout
 * address. {@link #instructions} gives, per deposit, the unsigned transaction the renter's wallet
 * signs and sends (renter as fee payer, a recent blockhash: a later GET gives a fresh one);
 * {@link SolanaWatcher} sees the rentals open.
 */
public final class SolanaPayments implements PaymentPort {
  static final String CHAIN = "solana";
  /** A blockhash is valid for 150 slots (~60 s); the transactions given out carry one at most this old. */
  private static final Duration BLOCKHASH_MAX_AGE = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final SolanaConfig config;
  private final EscrowProgram program;
  private final SolanaRpc rpc;
  private final boolean allowUnpaid;
  private final String chainName;
  private final DepositRows deposits;
  private final BooleanSupplier checked; // the node has answered the settlement's check since start
  private volatile Cached blockhash;

  private record Cached(SolanaRpc.Blockhash value, long atNanos) {}

  public SolanaPayments(Vertx vertx, SolanaConfig config, EscrowProgram program, SolanaRpc rpc, boolean allowUnpaid, BooleanSupplier checked) {
    this.vertx = vertx;
    this.checked = checked;
    this.config = config;
    this.program = program;
    this.rpc = rpc;
    this.allowUnpaid = allowUnpaid;
    this.chainName = chainName(config);
    this.deposits = new DepositRows(chainName);
  }

  /** How deposits, transactions and cursors name this chain: {@code solana:<program id>}. */
  static String chainName(SolanaConfig config) {
    return CHAIN + ":" + config.programId();
  }

  @Override
  public boolean waived() { return allowUnpaid; }

  @Override
  public Set<String> chains() { return Set.of(CHAIN); }

  @Override
  public boolean paysHostsOn(String chain) { return CHAIN.equals(chain); }

  @Override
  public String waiverReason() { return "unpaid bookings are enabled by the operator"; }

  /** The rental id of a booking's deposit for one host: the first of the candidates whose escrow for {@code renter} has bump 255. */
  static byte[] rentalId(EscrowProgram program, String renter, String bookingId, String hostId) {
    return rentalId(program, renter, bookingId, hostId, false);
  }

  /** For a token deposit ({@code token}) the vault's bump too must be 255 (a quarter of the candidates): {@code open_token} finds both. */
  static byte[] rentalId(EscrowProgram program, String renter, String bookingId, String hostId, boolean token) {
    byte[] first = null;
    for (int n = 0; n < 64; n++) {
      byte[] id = Pubkeys.sha256().digest(("respool:solana:" + program.programId() + ":" + bookingId + ":" + hostId + ":" + n)
          .getBytes(StandardCharsets.UTF_8));
      if (first == null) first = id;
      Pubkeys.Pda escrow = program.escrow(renter, id);
      if (escrow.bump() == 255 && (!token || program.vault(escrow.address()).bump() == 255)) return id;
    }
    return first; // (1/2)^64 or (3/4)^64: any id works, its open costs a little more
  }

  static String hex(byte[] b) {
    return "0x" + HexFormat.of().formatHex(b);
  }

  static byte[] unhex(String s) {
    return HexFormat.of().parseHex(s.startsWith("0x") ? s.substring(2) : s);
  }

  @Override
  public Future<Void> prepare(SqlConnection tx, BookingRow b, List<TaskRow> tasks) {
    if (!CHAIN.equals(b.paymentChain())) return Future.succeededFuture();
    if (config.mintOf(b.currency()) == null) {
      return Future.failedFuture(RespoolException.invalid("bookings in " + b.currency() + " cannot be paid on solana: this gateway's escrow takes "
          + String.join(", ", config.currencies()) + "; book in one of those, or pay on ethereum"));
    }
    if (b.cost().bitLength() >= 64) {
      return Future.failedFuture(RespoolException.invalid("the booking costs " + b.cost() + " lamports, more than the escrow program holds (2^63 - 1)"));
    }
    Map<String, Long> pricePerHour = DepositRows.pricePerHour(tasks);
    boolean token = !SolanaConfig.CURRENCY.equals(b.currency());
    // each rental's escrow is an address derived from the renter's wallet: the deposits wait for its read
    return renterOf(tx, b.accountId())
        .compose(renter -> renter != null ? Future.succeededFuture(renter)
            : Future.<String>failedFuture(RespoolException.invalid("paying on solana needs a solana wallet on your account: sign in with one")))
        .compose(renter -> deposits.insert(tx, b, pricePerHour, DepositRows.expiry(b, config.expiryMargin()), hostId -> {
          byte[] id = rentalId(program, renter, b.id(), hostId, token);
          return new DepositRows.Rental(program.escrow(renter, id).address(), hex(id));
        }, DepositRows.Payee.SOLANA))
        .compose(inserted -> {
          // the checks come before the commit: a host without a valid address rolls the booking back
          String unpaid = inserted.unpaid() != null ? inserted.unpaid()
              : inserted.payees().entrySet().stream().filter(e -> !Pubkeys.valid(e.getValue())).map(Map.Entry::getKey).findFirst().orElse(null);
          return unpaid == null ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(new RespoolException(ErrorCode.NO_CAPACITY,
              "host " + unpaid + " has no solana payout address and cannot be paid through the escrow program"));
        });
  }

  /** The account's Solana wallet that pays: the first one added to it (null if none). */
  static Future<String> renterOf(SqlClient c, String accountId) {
    return c.preparedQuery("SELECT address FROM wallets WHERE account_id = $1 AND chain = 'solana' ORDER BY created_at, address LIMIT 1")
        .execute(Tuple.of(accountId)).map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("address"));
  }

  /** As on Ethereum ({@link DepositRows#requestTopUp}), within what the escrow program holds. */
  @Override
  public Future<Void> requestTopUp(SqlConnection tx, BookingRow b, long seconds, BigInteger extraCost) {
    RespoolException beyond = b.cost().add(extraCost).bitLength() >= 64
        ? RespoolException.invalid("the extended booking would cost more lamports than the escrow program holds (2^63 - 1)") : null;
    return deposits.requestTopUp(tx, b, seconds, extraCost, beyond);
  }

  @Override
  public Future<Payments.Instructions> instructions(SqlClient c, BookingRow b) {
    Future<List<Row>> deposits = c.preparedQuery("SELECT * FROM deposits WHERE booking_id = $1 ORDER BY host_id").execute(Tuple.of(b.id()))
        .map(rows -> {
          List<Row> list = new ArrayList<>();
          rows.forEach(list::add);
          return list;
        });
    Future<List<String>> wallets = c.preparedQuery("SELECT address FROM wallets WHERE account_id = $1 AND chain = 'solana'")
        .execute(Tuple.of(b.accountId())).map(rows -> {
          List<String> list = new ArrayList<>();
          rows.forEach(r -> list.add(r.getString("address")));
          return list;
        });
    return Future.all(deposits, wallets).compose(x -> {
      List<Row> rows = deposits.result();
      if (rows.isEmpty()) return Future.succeededFuture(PaymentPort.unpaid(b));
      boolean due = rows.stream().anyMatch(r -> dueCall(b, r) != null);
      if (due && !checked.getAsBoolean()) return Future.succeededFuture(unanswered(b, rows));
      Future<SolanaRpc.Blockhash> hash = due ? recentBlockhash() : Future.succeededFuture(null);
      return hash.map(h -> describe(b, rows, wallets.result(), h));
    });
  }

  /** What a deposit waits for from the wallet: "open", "top-up" or null. */
  private static String dueCall(BookingRow b, Row r) {
    String state = r.getString("state");
    if ("AWAITING".equals(state) && b.state() == BookingState.PENDING_PAYMENT) return "open";
    if ("OPEN".equals(state) && r.getLong("topup_amount") != null) return "top-up";
    return null;
  }

  /** The deposits as stored, nothing to sign: the node has not answered since the gateway started. */
  private static Payments.Instructions unanswered(BookingRow b, List<Row> rows) {
    List<Payments.Deposit> out = new ArrayList<>();
    for (Row r : rows) {
      String note = dueCall(b, r) == null ? r.getString("note")
          : "the solana node has not answered since the gateway started: the calls to sign appear here once it does";
      out.add(DepositRows.view(r, note, List.of()));
    }
    return DepositRows.payment(b, out);
  }

  private Payments.Instructions describe(BookingRow b, List<Row> rows, List<String> wallets, SolanaRpc.Blockhash hash) {
    List<Payments.Deposit> out = new ArrayList<>();
    for (Row r : rows) {
      byte[] rentalId = unhex(r.getString("rental_id"));
      String escrow = r.getString("escrow");
      List<Payments.Call> calls = new ArrayList<>();
      String due = dueCall(b, r);
      if ("open".equals(due)) {
        // the wallet of the account whose escrow this is (the first one when the booking was made)
        String renter = wallets.stream().filter(w -> program.escrow(w, rentalId).address().equals(escrow)).findFirst().orElse(null);
        if (renter != null) {
          long amount = r.getLong("amount");
          long expiresAt = r.getOffsetDateTime("expires_at").toEpochSecond();
          String mint = config.mintOf(b.currency());
          if (mint == null) {
            // a currency no longer configured: nothing the wallet could sign would be accepted
          } else if (EscrowProgram.isSol(mint)) {
            calls.add(call("open rental " + r.getString("rental_id") + " paying host " + r.getString("host_id") + " " + amount + " lamports",
                renter, List.of(program.open(renter, rentalId, r.getString("payee"), amount, expiresAt)), amount, hash));
          } else {
            // from the renter's associated token account of the mint; the renter pays the escrow's and the vault's rent (returned at the end)
            calls.add(call("open rental " + r.getString("rental_id") + " paying host " + r.getString("host_id") + " " + amount + " " + b.currency()
                + " base units (mint " + mint + ", from the renter's associated token account)", renter,
                List.of(program.openToken(renter, rentalId, r.getString("payee"), amount, expiresAt, mint)), 0, hash));
          }
        }
      } else if ("top-up".equals(due)) {
        String renter = r.getString("renter");
        long amount = r.getLong("topup_amount");
        long newExpiresAt = r.getOffsetDateTime("topup_expires_at").toEpochSecond();
        String mint = config.mintOf(b.currency());
        if (mint != null && EscrowProgram.isSol(mint)) {
          calls.add(call("top up rental " + r.getString("rental_id") + " by " + amount + " lamports", renter,
              List.of(program.topUp(renter, escrow, amount, newExpiresAt)), amount, hash));
        } else if (mint != null) {
          calls.add(call("top up rental " + r.getString("rental_id") + " by " + amount + " " + b.currency() + " base units (from the renter's "
              + "associated token account)", renter, List.of(program.topUpToken(renter, escrow, mint, amount, newExpiresAt)), 0, hash));
        }
      }
      out.add(DepositRows.view(r, r.getString("note"), calls));
    }
    return DepositRows.payment(b, out);
  }

  /** {@code lamports}: what the transaction moves in SOL beyond fees and rent (0 for a token deposit). */
  private Payments.Call call(String description, String renter, List<SolanaTransactions.Instruction> ixs, long lamports, SolanaRpc.Blockhash hash) {
    SolanaTransactions.Message m = SolanaTransactions.compile(renter, hash.blockhash(), ixs);
    return Payments.Call.solana(description, program.programId(), Long.toString(lamports),
        Base64.getEncoder().encodeToString(SolanaTransactions.unsigned(m)), hash.blockhash(), hash.lastValidBlockHeight());
  }

  /** A blockhash at most {@link #BLOCKHASH_MAX_AGE} old (one RPC call per that long, whatever the number of GETs). */
  private Future<SolanaRpc.Blockhash> recentBlockhash() {
    Cached c = blockhash;
    if (c != null && System.nanoTime() - c.atNanos() < BLOCKHASH_MAX_AGE.toNanos()) return Future.succeededFuture(c.value());
    return vertx.executeBlocking(() -> rpc.latestBlockhash(config.commitment()), false)
        .map(h -> {
          blockhash = new Cached(h, System.nanoTime());
          return h;
        })
        .recover(e -> Future.failedFuture(new RespoolException(ErrorCode.UNAVAILABLE,
            "the solana node cannot be reached to prepare the transaction; try again shortly")));
  }
}

package io.respool.settlement.evm;

import io.respool.infra.SqlAmounts;

import io.respool.lifecycle.BookingState;
import io.respool.bookings.BookingStore.BookingRow;
import io.respool.bookings.BookingStore.TaskRow;
import io.respool.bookings.PaymentPort;
import io.respool.metering.EscrowSplit;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Payments;
import io.respool.settlement.EscrowChain;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The payment port on an EVM escrow. A booking on {@code ethereum} gets one deposit per host it runs
 * on (the contract pays one host per rental): rental id {@code keccak256("respool:<chainId>:<bookingId>:<hostId>")},
 * payee the host's payout address, the cost divided by the hosts' prices, an expiry after the
 * latest moment the booking could still run. The renter's wallet signs what {@link #instructions}
 * returns; {@link EvmWatcher} sees the rentals open.
 */
public final class EvmPayments implements PaymentPort {
  static final String CHAIN = "ethereum";

  private final EvmConfig config;
  private final Map<String, EscrowChain.Terms> terms;
  private final EscrowChain chain;
  private final boolean allowUnpaid;

  /**
   * @param terms each escrow's terms as read from the chain, by address (a live view: empty while the node
   *     has not answered since start; the wallet calls are given once it has)
   */
  public EvmPayments(EvmConfig config, Map<String, EscrowChain.Terms> terms, EscrowChain chain, boolean allowUnpaid) {
    this.config = config;
    this.terms = terms;
    this.chain = chain;
    this.allowUnpaid = allowUnpaid;
  }

  @Override
  public boolean waived() { return allowUnpaid; }

  @Override
  public java.util.Set<String> chains() { return java.util.Set.of("ethereum"); }

  @Override
  public boolean paysHostsOn(String chain) { return "ethereum".equals(chain); }

  @Override
  public String waiverReason() { return "unpaid bookings are enabled by the operator"; }

  /** How deposits, transactions and cursors name this chain: {@code ethereum:<chain id>}. */
  static String chainName(EvmConfig config) {
    return CHAIN + ":" + config.chainId();
  }

  /** The rental id of a booking's deposit for one host. */
  static String rentalId(long chainId, String bookingId, String hostId) {
    return Hash.sha3String("respool:" + chainId + ":" + bookingId + ":" + hostId).toLowerCase();
  }

  @Override
  public Future<Void> prepare(SqlConnection tx, BookingRow b, List<TaskRow> tasks) {
    if (!CHAIN.equals(b.paymentChain())) return Future.succeededFuture(); // another chain's adapter, or none: it waits
    String escrow = config.escrows().get(b.currency());
    if (escrow == null) {
      return Future.failedFuture(RespoolException.invalid("bookings in " + b.currency() + " cannot be paid on ethereum here; currencies with an escrow: "
          + String.join(", ", new TreeMap<>(config.escrows()).keySet())));
    }
    Map<String, Long> pricePerHour = new TreeMap<>();
    for (TaskRow t : tasks) pricePerHour.merge(t.hostId(), t.pricePerHour(), Math::addExact);
    String[] hostIds = pricePerHour.keySet().toArray(String[]::new);
    Future<Void> wallet = tx.preparedQuery("SELECT 1 FROM wallets WHERE account_id = $1 AND chain = 'ethereum' LIMIT 1")
        .execute(Tuple.of(b.accountId()))
        .compose(rows -> rows.size() > 0 ? Future.<Void>succeededFuture()
            : Future.failedFuture(RespoolException.invalid("paying on ethereum needs an ethereum wallet on your account: sign in with one")));
    return wallet
        .compose(x -> tx.preparedQuery("SELECT id, payout_ethereum FROM hosts WHERE id = ANY($1)").execute(Tuple.tuple().addArrayOfString(hostIds)))
        .compose(rows -> {
          Map<String, String> payees = new TreeMap<>();
          for (Row r : rows) {
            String payout = r.getString("payout_ethereum");
            if (payout == null) {
              return Future.failedFuture(new RespoolException(ErrorCode.NO_CAPACITY,
                  "host " + r.getString("id") + " has no ethereum payout address and cannot be paid through the escrow"));
            }
            payees.put(r.getString("id"), payout.toLowerCase());
          }
          Instant expiresAt = b.paymentDeadline().plusSeconds(b.durationSeconds()).plus(config.expiryMargin())
              .truncatedTo(ChronoUnit.SECONDS);
          List<Tuple> rowsToInsert = new ArrayList<>();
          EscrowSplit.deposits(pricePerHour, b.cost()).forEach((hostId, amount) -> rowsToInsert.add(Tuple.tuple().addString(b.id()).addString(hostId)
              .addString(chainName(config)).addString(escrow.toLowerCase()).addString(rentalId(config.chainId(), b.id(), hostId)).addString(payees.get(hostId))
              .addValue(SqlAmounts.param(amount)).addOffsetDateTime(OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC))));
          if (rowsToInsert.isEmpty()) return Future.succeededFuture(); // a free booking: nothing to deposit
          return tx.preparedQuery("""
                  INSERT INTO deposits (booking_id, host_id, chain, escrow, rental_id, payee, amount, expires_at, state)
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'AWAITING')""").executeBatch(rowsToInsert).mapEmpty();
        });
  }

  /**
   * The extra cost divided over the deposits in proportion to what they hold for the booking; each
   * must reach its new amount and an expiry {@code seconds} later. One extension waits at a time.
   */
  @Override
  public Future<Void> requestTopUp(SqlConnection tx, BookingRow b, long seconds, BigInteger extraCost) {
    return tx.preparedQuery("SELECT host_id, amount, state FROM deposits WHERE booking_id = $1 ORDER BY host_id FOR UPDATE").execute(Tuple.of(b.id()))
        .compose(rows -> {
          Map<String, BigInteger> weights = new TreeMap<>();
          for (Row r : rows) {
            if (!"OPEN".equals(r.getString("state"))) {
              return Future.<Void>failedFuture(new RespoolException(ErrorCode.CONFLICT, "deposit of host " + r.getString("host_id") + " is "
                  + r.getString("state") + "; only open deposits can be topped up"));
            }
            weights.put(r.getString("host_id"), SqlAmounts.get(r, "amount"));
          }
          Map<String, BigInteger> parts = EscrowSplit.topUps(weights, extraCost);
          List<Tuple> updates = new ArrayList<>();
          parts.forEach((hostId, amount) -> updates.add(Tuple.tuple().addString(b.id()).addString(hostId).addValue(SqlAmounts.param(amount)).addLong(seconds)));
          return tx.preparedQuery("INSERT INTO booking_extensions (booking_id, seconds, cost) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1")
              .execute(Tuple.of(b.id(), seconds, SqlAmounts.param(b.cost().add(extraCost))))
              .compose(inserted -> inserted.size() == 0
                  ? Future.<Void>failedFuture(new RespoolException(ErrorCode.CONFLICT,
                      "an extension of booking " + b.id() + " is already waiting for its top-up (GET /v1/bookings/" + b.id() + "/payment)"))
                  : updates.isEmpty() ? Future.<Void>succeededFuture()
                  : tx.preparedQuery("""
                      UPDATE deposits SET topup_amount = $3, topup_expires_at = expires_at + make_interval(secs => $4::bigint)
                       WHERE booking_id = $1 AND host_id = $2""").executeBatch(updates).<Void>mapEmpty());
        });
  }

  @Override
  public Future<Payments.Instructions> instructions(SqlClient c, BookingRow b) {
    return c.preparedQuery("SELECT * FROM deposits WHERE booking_id = $1 ORDER BY host_id").execute(Tuple.of(b.id())).map(rows -> {
      if (rows.size() == 0) return PaymentPort.unpaid(b);
      List<Payments.Deposit> deposits = new ArrayList<>();
      boolean settling = false;
      boolean settled = true;
      for (Row r : rows) {
        String state = r.getString("state");
        settling |= "SETTLING".equals(state);
        settled &= "SETTLED".equals(state) || "RECLAIMED".equals(state);
        List<EscrowChain.WalletCall> due = List.of();
        String escrow = r.getString("escrow");
        String note = r.getString("note");
        byte[] rentalId = Numeric.hexStringToByteArray(r.getString("rental_id"));
        if (terms.get(escrow) == null) {
          note = "the ethereum node has not answered since the gateway started: the calls to sign appear here once it does";
        } else if ("AWAITING".equals(state) && b.state() == BookingState.PENDING_PAYMENT) {
          due = chain.openCalls(escrow, terms.get(escrow).token(), rentalId, r.getString("payee"), r.getOffsetDateTime("expires_at").toEpochSecond(),
              SqlAmounts.get(r, "amount"));
        } else if ("OPEN".equals(state) && SqlAmounts.get(r, "topup_amount") != null) {
          due = chain.topUpCalls(escrow, terms.get(escrow).token(), rentalId, r.getOffsetDateTime("topup_expires_at").toEpochSecond(),
              SqlAmounts.get(r, "topup_amount"));
        }
        List<Payments.Call> calls = due.stream().map(w -> new Payments.Call(w.description(), (int) config.chainId(), w.to(), w.value().toString(), w.data()))
            .toList();
        deposits.add(new Payments.Deposit(r.getString("host_id"), r.getString("escrow"), r.getString("rental_id"), r.getString("payee"),
            SqlAmounts.get(r, "amount"), r.getOffsetDateTime("expires_at").toInstant(), state, note, r.getString("renter"),
            SqlAmounts.get(r, "deposited"), r.getString("opened_tx"), SqlAmounts.get(r, "used"), SqlAmounts.get(r, "fee"),
            SqlAmounts.get(r, "host_amount"), SqlAmounts.get(r, "refund"),
            r.getString("settle_tx"), calls));
      }
      String state = b.state() == BookingState.PENDING_PAYMENT ? "awaiting-payment"
          : settled ? "settled" : settling ? "settling" : "funded";
      return new Payments.Instructions(b.id(), b.paymentChain(), b.currency(), b.cost(), b.paymentDeadline(), state, deposits);
    });
  }
}

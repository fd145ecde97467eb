package io.respool.settlement.evm;

import io.respool.infra.SqlAmounts;

import io.respool.lifecycle.BookingState;
import io.respool.bookings.BookingStore.BookingRow;
import io.respool.bookings.BookingStore.TaskRow;
import io.respool.bookings.PaymentPort;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Payments;
import io.respool.settlement.DepositRows;
import io.respool.settlement.EscrowChain;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
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
  private final DepositRows deposits;

  /**
   * @param terms each escrow's terms as read from the chain, by address (a live view: empty while the node
   *     has not answered since start; the wallet calls are given once it has)
   */
  public EvmPayments(EvmConfig config, Map<String, EscrowChain.Terms> terms, EscrowChain chain, boolean allowUnpaid) {
    this.config = config;
    this.terms = terms;
    this.chain = chain;
    this.allowUnpaid = allowUnpaid;
    this.deposits = new DepositRows(chainName(config));
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
    Map<String, Long> pricePerHour = DepositRows.pricePerHour(tasks);
    // the deposits wait for no answer: they go out with the booking's rows (pipelined), and the checks of what they
    // answer (the renter's wallet, the hosts' addresses) come before the commit, so a refusal rolls the booking back
    return deposits.insert(tx, b, pricePerHour, DepositRows.expiry(b, config.expiryMargin()),
            hostId -> new DepositRows.Rental(escrow.toLowerCase(), rentalId(config.chainId(), b.id(), hostId)), DepositRows.Payee.ETHEREUM)
        .compose(inserted -> {
          if (!inserted.wallet()) {
            return Future.failedFuture(RespoolException.invalid("paying on ethereum needs an ethereum wallet on your account: sign in with one"));
          }
          return inserted.unpaid() == null ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(new RespoolException(ErrorCode.NO_CAPACITY,
              "host " + inserted.unpaid() + " has no ethereum payout address and cannot be paid through the escrow"));
        });
  }

  @Override
  public Future<Void> requestTopUp(SqlConnection tx, BookingRow b, long seconds, BigInteger extraCost) {
    return deposits.requestTopUp(tx, b, seconds, extraCost, null);
  }

  @Override
  public Future<Payments.Instructions> instructions(SqlClient c, BookingRow b) {
    return c.preparedQuery("SELECT * FROM deposits WHERE booking_id = $1 ORDER BY host_id").execute(Tuple.of(b.id())).map(rows -> {
      if (rows.size() == 0) return PaymentPort.unpaid(b);
      List<Payments.Deposit> out = new ArrayList<>();
      for (Row r : rows) {
        String state = r.getString("state");
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
        out.add(DepositRows.view(r, note, calls));
      }
      return DepositRows.payment(b, out);
    });
  }
}

package io.respool.settlement;

import io.respool.bookings.BookingStore.BookingRow;
import io.respool.bookings.BookingStore.TaskRow;
import io.respool.infra.SqlAmounts;
import io.respool.lifecycle.BookingState;
import io.respool.metering.EscrowSplit;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Payments;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The bookings' deposit rows as both chains' payment ports keep them: one deposit per host a
 * booking runs on (the escrows pay one host per rental), the cost divided by the hosts' prices,
 * an extension divided over the open deposits, and what {@code GET /v1/bookings/{id}/payment}
 * shows of them. What a chain alone decides (rental id, escrow, payee, the wallet's calls) its
 * adapter passes in.
 */
public final class DepositRows {
  private final String chainName;

  /** @param chainName how deposits name the chain ({@code ethereum:<chain id>}, {@code solana:<program>}) */
  public DepositRows(String chainName) {
    this.chainName = chainName;
  }

  /** Each host's price per hour in the booking (a host running several tasks: their sum), by host id. */
  public static Map<String, Long> pricePerHour(List<TaskRow> tasks) {
    Map<String, Long> prices = new TreeMap<>();
    for (TaskRow t : tasks) prices.merge(t.hostId(), t.pricePerHour(), Math::addExact);
    return prices;
  }

  /** When a booking's rentals may expire: after the latest moment it could still run, plus {@code margin}. */
  public static Instant expiry(BookingRow b, Duration margin) {
    return b.paymentDeadline().plusSeconds(b.durationSeconds()).plus(margin).truncatedTo(ChronoUnit.SECONDS);
  }

  /** Where a host's deposit goes: the escrow and the rental id (0x + hex); the payee is the host's payout address. */
  public record Rental(String escrow, String rentalId) {}

  /**
   * The booking's deposits, AWAITING the renter's opens, inserted in its creating transaction: the cost
   * divided by {@code pricePerHour}, each host's rental given by {@code rental} (host id), its payee
   * the host's payout address on the chain as its row has it in this transaction. One statement that
   * waits for nothing, so it goes out with the transaction's statements before it; it also answers
   * whether the renter has a wallet on the chain. A host without a payout address gets no deposit,
   * and the caller fails the transaction. A free booking has no deposit.
   */
  public Future<Inserted> insert(SqlConnection tx, BookingRow b, Map<String, Long> pricePerHour, Instant expiresAt,
      Function<String, Rental> rental, Payee payee) {
    List<String> hosts = new ArrayList<>();
    List<String> escrows = new ArrayList<>();
    List<String> rentalIds = new ArrayList<>();
    List<BigInteger> amounts = new ArrayList<>();
    EscrowSplit.deposits(pricePerHour, b.cost()).forEach((hostId, amount) -> {
      Rental r = rental.apply(hostId);
      hosts.add(hostId);
      escrows.add(r.escrow());
      rentalIds.add(r.rentalId());
      amounts.add(amount);
    });
    return tx.preparedQuery("""
            WITH d AS (
              INSERT INTO deposits (booking_id, host_id, chain, escrow, rental_id, payee, amount, expires_at, state)
              SELECT $1, u.host, $2, u.escrow, u.rental_id, %1$s, u.amount, $7, 'AWAITING'
                FROM unnest($3::text[], $4::text[], $5::text[], $6::numeric[]) AS u(host, escrow, rental_id, amount)
                JOIN hosts h ON h.id = u.host AND %1$s IS NOT NULL
              RETURNING host_id, payee)
            SELECT EXISTS (SELECT 1 FROM wallets WHERE account_id = $8 AND chain = $9) AS wallet, d.host_id, d.payee
              FROM (SELECT 1) AS one LEFT JOIN d ON true""".formatted(payee.sql))
        .execute(Tuple.tuple().addString(b.id()).addString(chainName).addArrayOfString(hosts.toArray(String[]::new))
            .addArrayOfString(escrows.toArray(String[]::new)).addArrayOfString(rentalIds.toArray(String[]::new))
            .addArrayOfBigDecimal(SqlAmounts.params(amounts.toArray(BigInteger[]::new))).addOffsetDateTime(OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC))
            .addString(b.accountId()).addString(payee.chain))
        .map(rows -> {
          boolean wallet = false;
          Map<String, String> payees = new TreeMap<>();
          for (Row r : rows) {
            wallet = r.getBoolean("wallet");
            if (r.getString("host_id") != null) payees.put(r.getString("host_id"), r.getString("payee"));
          }
          String unpaid = hosts.stream().filter(h -> !payees.containsKey(h)).findFirst().orElse(null);
          return new Inserted(wallet, payees, unpaid);
        });
  }

  /**
   * What {@link #insert} wrote: whether the renter has a wallet on the chain, each deposit's payee by
   * host id, and the first host that was to get a deposit and has no payout address (null if none).
   */
  public record Inserted(boolean wallet, Map<String, String> payees, String unpaid) {}

  /** A host's payout address on a chain, as a deposit's payee: Ethereum's in lower case (its hex is case-free). */
  public enum Payee {
    ETHEREUM("ethereum", "lower(h.payout_ethereum)"), SOLANA("solana", "h.payout_solana");

    final String chain;
    final String sql;

    Payee(String chain, String sql) {
      this.chain = chain;
      this.sql = sql;
    }
  }

  /**
   * An extension: the extra cost divided over the deposits in proportion to what they hold for the
   * booking; each must reach its new amount and an expiry {@code seconds} later. One extension waits
   * at a time; only open deposits can be topped up.
   *
   * @param beyondLimit the chain's refusal of the extended booking's total (checked after the deposits' states), or null
   */
  public Future<Void> requestTopUp(SqlConnection tx, BookingRow b, long seconds, BigInteger extraCost, RespoolException beyondLimit) {
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
          if (beyondLimit != null) return Future.<Void>failedFuture(beyondLimit);
          List<Tuple> updates = new ArrayList<>();
          EscrowSplit.topUps(weights, extraCost).forEach((hostId, amount) -> updates.add(Tuple.tuple().addString(b.id()).addString(hostId)
              .addValue(SqlAmounts.param(amount)).addLong(seconds)));
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

  /** A deposit row as the payment shows it, with the wallet's {@code calls} due and its {@code note}. */
  public static Payments.Deposit view(Row r, String note, List<Payments.Call> calls) {
    return new Payments.Deposit(r.getString("host_id"), r.getString("escrow"), r.getString("rental_id"), r.getString("payee"),
        SqlAmounts.get(r, "amount"), r.getOffsetDateTime("expires_at").toInstant(), r.getString("state"), note, r.getString("renter"),
        SqlAmounts.get(r, "deposited"), r.getString("opened_tx"), SqlAmounts.get(r, "used"), SqlAmounts.get(r, "fee"),
        SqlAmounts.get(r, "host_amount"), SqlAmounts.get(r, "refund"), r.getString("settle_tx"), calls);
  }

  /** A booking's payment: awaiting it, funded, settling (a deposit being settled) or settled (every deposit settled or reclaimed). */
  public static Payments.Instructions payment(BookingRow b, List<Payments.Deposit> deposits) {
    boolean settling = deposits.stream().anyMatch(d -> "SETTLING".equals(d.state()));
    boolean settled = deposits.stream().allMatch(d -> "SETTLED".equals(d.state()) || "RECLAIMED".equals(d.state()));
    String state = b.state() == BookingState.PENDING_PAYMENT ? "awaiting-payment" : settled ? "settled" : settling ? "settling" : "funded";
    return new Payments.Instructions(b.id(), b.paymentChain(), b.currency(), b.cost(), b.paymentDeadline(), state, deposits);
  }
}

package io.respool.protocol.api;

import java.time.Instant;
import java.util.List;

/** Wire records of {@code GET /v1/bookings/{id}/payment}: what the renter's wallet signs, and where each deposit stands. */
public final class Payments {
  private Payments() {}

  /**
   * One transaction for the renter's wallet ({@code eth_sendTransaction} fields).
   *
   * @param value wei sent with it, in decimal
   * @param data 0x-prefixed calldata
   */
  public record Call(String description, int chainId, String to, String value, String data) {}

  /**
   * One deposit: a rental in the escrow that pays one host.
   *
   * @param state AWAITING, UNDERFUNDED, REJECTED, OPEN, SETTLING, SETTLED or RECLAIMED
   * @param note why an opened rental was not accepted, or how it ended
   * @param calls what to sign to open it (while AWAITING), in order
   */
  public record Deposit(String hostId, String escrow, String rentalId, String payee, long amount, Instant expiresAt, String state,
      String note, String renter, Long deposited, String openedTx, Long used, Long fee, Long hostAmount, Long refund,
      String settleTx, List<Call> calls) {}

  /**
   * @param state awaiting-payment, funded, settling, settled, or unpaid (no payment is taken on this chain)
   * @param deadline the booking expires unpaid after it
   */
  public record Instructions(String bookingId, String chain, String currency, long amount, Instant deadline, String state,
      List<Deposit> deposits) {}
}

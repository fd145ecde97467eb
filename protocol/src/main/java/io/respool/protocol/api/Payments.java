package io.respool.protocol.api;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;

/** Wire records of {@code GET /v1/bookings/{id}/payment}: what the renter's wallet signs, and where each deposit stands. */
public final class Payments {
  private Payments() {}

  /**
   * One transaction for the renter's wallet: on Ethereum {@code eth_sendTransaction} fields; on
   * Solana a whole unsigned transaction ({@code transaction}, base64 wire format, the renter as fee
   * payer) valid until block height {@code lastValidBlockHeight} (a later GET gives a fresh one).
   *
   * @param chainId the EVM chain id; null on Solana
   * @param to the contract (Ethereum) or the program (Solana) called
   * @param value wei sent with it (Ethereum), or the lamports the deposit takes from the wallet (Solana; the
   *     escrow account's rent and the fee come on top), in decimal
   * @param data 0x-prefixed calldata (Ethereum); null on Solana
   */
  public record Call(String description, Integer chainId, String to, String value, String data, String transaction, String recentBlockhash,
      Long lastValidBlockHeight) {
    /** An Ethereum call. */
    public Call(String description, int chainId, String to, String value, String data) {
      this(description, (Integer) chainId, to, value, data, null, null, null);
    }

    /** A Solana transaction for the wallet to sign and send. */
    public static Call solana(String description, String program, String lamports, String transaction, String recentBlockhash,
        long lastValidBlockHeight) {
      return new Call(description, null, program, lamports, null, transaction, recentBlockhash, lastValidBlockHeight);
    }
  }

  /**
   * One deposit: a rental in the escrow that pays one host.
   *
   * @param state AWAITING, UNDERFUNDED, REJECTED, OPEN, SETTLING, SETTLED or RECLAIMED
   * @param note why an opened rental was not accepted, or how it ended
   * @param calls what to sign to open it (while AWAITING), in order
   */
  public record Deposit(String hostId, String escrow, String rentalId, String payee, BigInteger amount, Instant expiresAt, String state,
      String note, String renter, BigInteger deposited, String openedTx, BigInteger used, BigInteger fee, BigInteger hostAmount, BigInteger refund,
      String settleTx, List<Call> calls) {}

  /**
   * @param state awaiting-payment, funded, settling, settled, or unpaid (no payment is taken on this chain)
   * @param deadline the booking expires unpaid after it
   */
  public record Instructions(String bookingId, String chain, String currency, BigInteger amount, Instant deadline, String state,
      List<Deposit> deposits) {}
}

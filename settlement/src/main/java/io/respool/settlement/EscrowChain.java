package io.respool.settlement;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * The {@code RentalEscrow} contract as the gateway sees it over JSON-RPC: reading its state and
 * events, encoding what a renter's wallet signs, and sending the operator's settlements. Every call
 * blocks (run it on a worker thread) and throws {@link ChainUnavailable} when the node cannot be
 * reached or answers with an error that is not about the transaction itself. Addresses are
 * 0x-prefixed lower-case hex; rental ids are 32 bytes.
 */
public interface EscrowChain extends AutoCloseable {

  /** The node's chain id ({@code eth_chainId}). */
  long chainId();

  /** The newest block number. */
  long headBlock();

  /**
   * The hash of block {@code number} (0x-prefixed lower-case hex), empty if the chain has no such block.
   * Block 0's hash names the chain: a node whose genesis changed is another chain (a devnet started
   * afresh, or another chain behind the same id).
   */
  Optional<String> blockHash(long number);

  /** The immutable terms of an escrow deployment. */
  record Terms(String token, String treasury, String operator, int feeBps, long graceSeconds) {}

  Terms terms(String escrow);

  /**
   * A rental's on-chain record ({@code getRental(renter, id)}); status NONE when the renter has no rental
   * of that id. Rentals are keyed by (renter, id): another account's rental with the same id is another rental.
   */
  record Rental(String renter, String host, BigInteger amount, long expiresAt, int feeBps, RentalStatus status) {}

  enum RentalStatus { NONE, OPEN, SETTLED, RECLAIMED }

  Rental rental(String escrow, String renter, byte[] rentalId);

  /**
   * One event of the escrow, as logged by the contract at {@code escrow} (the filter is on the address:
   * a log of another contract is never returned).
   *
   * @param kind Opened, ToppedUp, Settled, SettleSkipped, Reclaimed or Refunded
   * @param renter every event (the rental is the renter's: (renter, rentalId) names it)
   * @param host Opened, Settled; else null
   * @param token Opened; else null
   * @param amount Opened: amount; ToppedUp: the new deposit; Settled: hostAmount; Reclaimed, Refunded: amount
   * @param fee Settled; else null
   * @param refund Settled; else null
   * @param expiresAt Opened, ToppedUp; else 0
   * @param feeBps Opened; else 0
   */
  record Log(String escrow, String kind, byte[] rentalId, String renter, String host, String token, BigInteger amount,
      BigInteger fee, BigInteger refund, long expiresAt, int feeBps, long blockNumber, String txHash, int logIndex) {}

  /** The escrow's events in blocks [fromBlock, toBlock], in chain order. */
  List<Log> logs(String escrow, long fromBlock, long toBlock);

  /**
   * A transaction for the renter's wallet to send ({@code eth_sendTransaction} fields).
   *
   * @param value wei to send with it (ETH escrow's open); 0 otherwise
   * @param data 0x-prefixed calldata
   */
  record WalletCall(String description, String to, BigInteger value, String data) {}

  /**
   * What the renter signs to open rental {@code rentalId}: for an ERC-20 escrow ({@code token} not the
   * zero address) {@code approve(escrow, amount)} on the token first, then {@code open(rentalId, host,
   * expiresAt, amount)} on the escrow (with {@code value = amount} for ETH). Pure encoding, no RPC.
   */
  List<WalletCall> openCalls(String escrow, String token, byte[] rentalId, String host, long expiresAt, BigInteger amount);

  /**
   * What the renter signs to add {@code amount} to rental {@code rentalId} and move its expiry to
   * {@code newExpiresAt}: {@code approve} first for an ERC-20 escrow, then {@code topUp} (with the
   * value for ETH). Pure encoding, no RPC.
   */
  List<WalletCall> topUpCalls(String escrow, String token, byte[] rentalId, long newExpiresAt, BigInteger amount);

  /** The rental {@code rentalId} of {@code renter} to settle for {@code used} (≤ its deposit). */
  record SettleItem(String renter, byte[] rentalId, BigInteger used) {}

  /**
   * A settlement signed by the operator key, not yet sent: {@code rawTx} is what {@link #broadcast}
   * sends, {@code txHash} its hash, known before sending.
   */
  record SignedTx(String txHash, long nonce, String rawTx) {}

  /** The operator's address (from its key). */
  String operatorAddress();

  /**
   * Signs {@code settleBatch(renters, ids, used)} on {@code escrow} with the operator key and {@code nonce}
   * (gas limit from an estimate with a margin, or a fixed safe bound when the estimate fails; fee
   * fields from the node). Does not send it.
   */
  SignedTx signSettleBatch(String escrow, List<SettleItem> items, long nonce);

  /**
   * If {@code stuck}'s fee cap is below the base fee of the newest block (it cannot be included while
   * the fee stays there), the same transaction (same nonce, gas, call) signed again with both
   * {@code maxFeePerGas} and {@code maxPriorityFeePerGas} raised by at least 10 % (what nodes require
   * of a replacement) and enough for that base fee; else empty. Not sent.
   */
  Optional<SignedTx> replaceUnderpriced(SignedTx stuck);

  /**
   * Sends a signed transaction ({@code eth_sendRawTransaction}). Sending the same one again is
   * harmless: "already known" and "nonce too low" answers return normally (the caller looks at the
   * receipt and the rental's state to learn what happened).
   */
  void broadcast(SignedTx tx);

  /** The operator's next nonce: {@code eth_getTransactionCount(operator, pending ? "pending" : "latest")}. */
  long operatorNonce(boolean pending);

  /** A mined transaction: its status, block and the escrow events it logged. */
  record Receipt(String txHash, boolean success, long blockNumber, List<Log> logs) {}

  /** The receipt of {@code txHash}, empty while it is not mined (or unknown to the node). */
  Optional<Receipt> receipt(String txHash);

  @Override
  void close();

  /** The node could not be reached, or failed in a way that says nothing about the request. */
  final class ChainUnavailable extends RuntimeException {
    public ChainUnavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}

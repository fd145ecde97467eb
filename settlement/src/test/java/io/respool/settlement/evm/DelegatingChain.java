package io.respool.settlement.evm;

import io.respool.settlement.EscrowChain;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/** An {@link EscrowChain} passing every call on to a real one, for a test to override one call (make it wait, add a log). */
class DelegatingChain implements EscrowChain {
  private final EscrowChain to;

  DelegatingChain(EscrowChain to) { this.to = to; }

  @Override public long chainId() { return to.chainId(); }
  @Override public long headBlock() { return to.headBlock(); }
  @Override public Optional<String> blockHash(long number) { return to.blockHash(number); }
  @Override public Optional<SignedTx> replaceUnderpriced(SignedTx stuck) { return to.replaceUnderpriced(stuck); }
  @Override public Terms terms(String escrow) { return to.terms(escrow); }
  @Override public Rental rental(String escrow, String renter, byte[] rentalId) { return to.rental(escrow, renter, rentalId); }
  @Override public List<Log> logs(String escrow, long fromBlock, long toBlock) { return to.logs(escrow, fromBlock, toBlock); }
  @Override public List<WalletCall> openCalls(String escrow, String token, byte[] rentalId, String host, long expiresAt, BigInteger amount) {
    return to.openCalls(escrow, token, rentalId, host, expiresAt, amount);
  }
  @Override public List<WalletCall> topUpCalls(String escrow, String token, byte[] rentalId, long newExpiresAt, BigInteger amount) {
    return to.topUpCalls(escrow, token, rentalId, newExpiresAt, amount);
  }
  @Override public String operatorAddress() { return to.operatorAddress(); }
  @Override public SignedTx signSettleBatch(String escrow, List<SettleItem> items, long nonce) { return to.signSettleBatch(escrow, items, nonce); }
  @Override public void broadcast(SignedTx tx) { to.broadcast(tx); }
  @Override public long operatorNonce(boolean pending) { return to.operatorNonce(pending); }
  @Override public Optional<Receipt> receipt(String txHash) { return to.receipt(txHash); }
  @Override public void close() { }
}

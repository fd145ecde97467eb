package io.respool.settlement.evm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.settlement.EscrowChain;
import io.respool.settlement.EscrowChain.ChainUnavailable;
import io.respool.settlement.EscrowChain.Log;
import io.respool.settlement.EscrowChain.Receipt;
import io.respool.settlement.EscrowChain.Rental;
import io.respool.settlement.EscrowChain.RentalStatus;
import io.respool.settlement.EscrowChain.SettleItem;
import io.respool.settlement.EscrowChain.SignedTx;
import io.respool.settlement.EscrowChain.WalletCall;
import io.respool.settlement.evm.AnvilDevnet.Account;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.web3j.crypto.Hash;
import org.web3j.crypto.SignedRawTransaction;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.crypto.transaction.type.Transaction1559;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/** {@link Web3jEscrowChain} against the contracts on a private anvil devnet (one for the class). */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Web3jEscrowChainTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ZERO = "0x0000000000000000000000000000000000000000";

  private static AnvilDevnet devnet;
  private static Web3jEscrowChain chain;

  @BeforeAll
  static void startDevnet() {
    devnet = AnvilDevnet.start();
    chain = new Web3jEscrowChain(devnet.rpcUrl(), devnet.chainId(), devnet.operatorKey(), Duration.ofSeconds(10));
  }

  @AfterAll
  static void stopDevnet() {
    if (chain != null) chain.close();
    if (devnet != null) devnet.close();
  }

  // --- reads -------------------------------------------------------------------------------------

  @Test
  void chainIdHeadAndOperatorMatchTheDevnet() {
    assertThat(chain.chainId()).isEqualTo(devnet.chainId()).isEqualTo(31337L);
    assertThat(chain.headBlock()).isEqualTo(devnet.latestBlock()).isGreaterThanOrEqualTo(devnet.deployBlock());
    assertThat(chain.operatorAddress()).isEqualTo(devnet.account(0).address()).isEqualTo(devnet.operatorAddress());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ETH", "tUSD"})
  void termsMatchEthereumJson(String asset) {
    EscrowChain.Terms terms = chain.terms(devnet.escrow(asset));
    assertThat(terms.token()).isEqualTo(devnet.token(asset));
    assertThat(terms.token()).isEqualTo(asset.equals("ETH") ? ZERO : devnet.stablecoin());
    assertThat(terms.treasury()).isEqualTo(devnet.treasury()).isEqualTo(devnet.account(1).address());
    assertThat(terms.operator()).isEqualTo(devnet.operatorAddress());
    assertThat(terms.feeBps()).isEqualTo(devnet.feeBps()).isEqualTo(250);
    assertThat(terms.graceSeconds()).isEqualTo(devnet.graceSeconds()).isEqualTo(3600L);
  }

  @Test
  void unknownRentalIsNone() {
    Rental r = chain.rental(devnet.escrow("ETH"), devnet.account(2).address(), newId());
    assertThat(r.status()).isEqualTo(RentalStatus.NONE);
    assertThat(r.host()).isEqualTo(ZERO);
    assertThat(r.amount()).isZero();
  }

  @Test
  void receiptOfAnUnknownTransactionIsEmpty() {
    assertThat(chain.receipt("0x" + "ab".repeat(32))).isEmpty();
  }

  // --- opening -----------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"ETH", "tUSD"})
  void openedLogAndRentalReadBackEveryField(String asset) {
    String escrow = devnet.escrow(asset);
    String token = devnet.token(asset);
    Account renter = devnet.account(2);
    Account host = devnet.account(3);
    byte[] id = newId();
    BigInteger amount = asset.equals("ETH") ? new BigInteger("1234567890123456") : BigInteger.valueOf(2_500_001);
    long expiresAt = devnet.latestTimestamp() + 7200;
    if (!asset.equals("ETH")) devnet.mint(renter.address(), amount);
    BigInteger escrowBefore = balance(asset, escrow);

    List<WalletCall> calls = chain.openCalls(escrow, token, id, host.address(), expiresAt, amount);
    if (asset.equals("ETH")) {
      assertThat(calls).hasSize(1);
      assertThat(calls.get(0).value()).isEqualTo(amount);
    } else {
      assertThat(calls).hasSize(2);
      assertThat(calls.get(0).to()).isEqualTo(token);
      assertThat(calls.get(0).value()).isZero();
      assertThat(calls.get(0).data()).startsWith("0x095ea7b3"); // approve(address,uint256)
      assertThat(calls.get(1).value()).isZero();
    }
    WalletCall open = calls.get(calls.size() - 1);
    assertThat(open.to()).isEqualTo(escrow);
    assertThat(open.data()).startsWith("0x" + selector("open(bytes32,address,uint40,uint256)"));

    long from = chain.headBlock() + 1;
    TransactionReceipt openReceipt = null;
    for (WalletCall c : calls) openReceipt = devnet.send(renter.privateKey(), c);
    long to = chain.headBlock();

    assertThat(balance(asset, escrow)).isEqualTo(escrowBefore.add(amount));

    List<Log> opened = chain.logs(escrow, from, to).stream().filter(l -> same(l.rentalId(), id)).toList();
    assertThat(opened).hasSize(1);
    Log log = opened.get(0);
    assertThat(log.kind()).isEqualTo("Opened");
    assertThat(log.escrow()).isEqualTo(escrow);
    assertThat(log.rentalId()).isEqualTo(id);
    assertThat(log.renter()).isEqualTo(renter.address());
    assertThat(log.host()).isEqualTo(host.address());
    assertThat(log.token()).isEqualTo(token);
    assertThat(log.amount()).isEqualTo(amount);
    assertThat(log.fee()).isNull();
    assertThat(log.refund()).isNull();
    assertThat(log.expiresAt()).isEqualTo(expiresAt);
    assertThat(log.feeBps()).isEqualTo(devnet.feeBps());
    assertThat(log.blockNumber()).isEqualTo(openReceipt.getBlockNumber().longValueExact());
    assertThat(log.txHash()).isEqualTo(openReceipt.getTransactionHash().toLowerCase(Locale.ROOT));
    var rawLog = openReceipt.getLogs().stream().filter(l -> l.getAddress().equalsIgnoreCase(escrow)).findFirst();
    assertThat(rawLog).isPresent();
    assertThat(log.logIndex()).isEqualTo(rawLog.get().getLogIndex().intValueExact());

    // the receipt of the open: only the escrow's own event (the token's Transfer is left out)
    Receipt receipt = chain.receipt(openReceipt.getTransactionHash()).orElseThrow();
    assertThat(receipt.success()).isTrue();
    assertThat(receipt.blockNumber()).isEqualTo(log.blockNumber());
    assertThat(openReceipt.getLogs()).hasSize(asset.equals("ETH") ? 1 : 2);
    assertThat(receipt.logs()).extracting(this::describe).containsExactly(describe(log));

    Rental rental = chain.rental(escrow, renter.address(), id);
    assertThat(rental.status()).isEqualTo(RentalStatus.OPEN);
    assertThat(rental.renter()).isEqualTo(renter.address());
    assertThat(rental.host()).isEqualTo(host.address());
    assertThat(rental.amount()).isEqualTo(amount);
    assertThat(rental.expiresAt()).isEqualTo(expiresAt);
    assertThat(rental.feeBps()).isEqualTo(devnet.feeBps());
  }

  // --- settling ----------------------------------------------------------------------------------

  @Test
  void settleBatchSettlesTwoRentalsOnceEvenWhenBroadcastTwice() throws Exception {
    String escrow = devnet.escrow("tUSD");
    Account host = devnet.account(5);
    BigInteger deposit1 = BigInteger.valueOf(2_000_000);
    BigInteger deposit2 = BigInteger.valueOf(1_000);
    byte[] id1 = open("tUSD", devnet.account(4), host, deposit1);
    byte[] id2 = open("tUSD", devnet.account(4), host, deposit2);
    BigInteger used1 = BigInteger.valueOf(1_234_567); // fee 30864.175 → 30864
    BigInteger used2 = BigInteger.valueOf(999); // fee 24.975 → 24

    long nonce = chain.operatorNonce(true);
    assertThat(chain.operatorNonce(false)).isEqualTo(nonce);
    SignedTx signed = chain.signSettleBatch(escrow, List.of(new SettleItem(devnet.account(4).address(), id1, used1), new SettleItem(devnet.account(4).address(), id2, used2)),
        nonce);

    assertThat(signed.nonce()).isEqualTo(nonce);
    assertThat(signed.txHash()).isEqualTo(Numeric.toHexString(Hash.sha3(Numeric.hexStringToByteArray(signed.rawTx()))));
    SignedRawTransaction decoded = (SignedRawTransaction) TransactionDecoder.decode(signed.rawTx());
    assertThat(decoded.getTransaction()).isInstanceOf(Transaction1559.class);
    Transaction1559 tx1559 = (Transaction1559) decoded.getTransaction();
    assertThat(tx1559.getChainId()).isEqualTo(devnet.chainId());
    assertThat(decoded.getTo()).isEqualToIgnoringCase(escrow);
    assertThat(decoded.getNonce()).isEqualTo(BigInteger.valueOf(nonce));
    assertThat(decoded.getValue()).isZero();
    assertThat(Numeric.cleanHexPrefix(decoded.getData())).startsWith(selector("settleBatch(address[],bytes32[],uint256[])"));
    assertThat(decoded.getFrom()).isEqualToIgnoringCase(devnet.operatorAddress());
    assertThat(tx1559.getMaxFeePerGas()).isGreaterThan(tx1559.getMaxPriorityFeePerGas());
    // signing sends nothing
    assertThat(chain.receipt(signed.txHash())).isEmpty();
    assertThat(chain.operatorNonce(true)).isEqualTo(nonce);

    chain.broadcast(signed);
    Receipt receipt = awaitReceipt(signed.txHash());
    assertThat(receipt.txHash()).isEqualTo(signed.txHash());
    assertThat(receipt.success()).isTrue();
    assertThat(receipt.logs()).extracting(Log::kind).containsExactly("Settled", "Settled");
    assertSettled(receipt.logs().get(0), escrow, id1, host, deposit1, used1);
    assertSettled(receipt.logs().get(1), escrow, id2, host, deposit2, used2);
    assertThat(receipt.logs()).allSatisfy(l -> {
      assertThat(l.blockNumber()).isEqualTo(receipt.blockNumber());
      assertThat(l.txHash()).isEqualTo(signed.txHash());
    });
    BigInteger gasLimit = decoded.getGasLimit();
    BigInteger gasUsed = gasUsed(signed.txHash());
    assertThat(gasUsed).isLessThanOrEqualTo(gasLimit);
    System.out.printf("settleBatch of 2 (tUSD): gas used %s, gas limit %s%n", gasUsed, gasLimit);

    // the same signed transaction again: accepted as already sent, settles nothing more
    chain.broadcast(signed);
    assertThat(chain.operatorNonce(false)).isEqualTo(nonce + 1);
    assertThat(chain.operatorNonce(true)).isEqualTo(nonce + 1);
    Rental r1 = chain.rental(escrow, devnet.account(4).address(), id1);
    assertThat(r1.status()).isEqualTo(RentalStatus.SETTLED);
    assertThat(r1.amount()).isEqualTo(deposit1.subtract(used1));
    assertThat(chain.rental(escrow, devnet.account(4).address(), id2).status()).isEqualTo(RentalStatus.SETTLED);
    List<Log> all = chain.logs(escrow, devnet.deployBlock(), chain.headBlock());
    assertThat(all.stream().filter(l -> l.kind().equals("Settled") && same(l.rentalId(), id1))).hasSize(1);
    assertThat(all.stream().filter(l -> l.kind().equals("Settled") && same(l.rentalId(), id2))).hasSize(1);
    assertThat(chain.receipt(signed.txHash()).orElseThrow().blockNumber()).isEqualTo(receipt.blockNumber());
  }

  @Test
  void resendWhileStillInThePoolIsHarmless() {
    String escrow = devnet.escrow("ETH");
    BigInteger deposit = BigInteger.valueOf(3_000_000);
    byte[] id = open("ETH", devnet.account(18), devnet.account(9), deposit);
    long nonce = chain.operatorNonce(true);
    SignedTx tx = chain.signSettleBatch(escrow, List.of(new SettleItem(devnet.account(18).address(), id, BigInteger.valueOf(1_000_000))), nonce);
    devnet.rpc("evm_setAutomine", false);
    try {
      chain.broadcast(tx);
      assertThat(chain.operatorNonce(true)).isEqualTo(nonce + 1);
      assertThat(chain.operatorNonce(false)).isEqualTo(nonce);
      assertThat(chain.receipt(tx.txHash())).isEmpty();
      chain.broadcast(tx); // anvil: "transaction already imported"
      devnet.mine(1);
    } finally {
      devnet.rpc("evm_setAutomine", true);
    }
    Receipt r = awaitReceipt(tx.txHash());
    assertThat(r.success()).isTrue();
    assertThat(r.logs()).extracting(Log::kind).containsExactly("Settled");
    assertThat(chain.operatorNonce(false)).isEqualTo(nonce + 1);
  }

  @Test
  void batchWithAnAlreadySettledRentalSkipsIt() {
    String escrow = devnet.escrow("ETH");
    Account host = devnet.account(7);
    BigInteger deposit = new BigInteger("500000000000000");
    byte[] a = open("ETH", devnet.account(6), host, deposit);
    byte[] b = open("ETH", devnet.account(6), host, deposit);

    SignedTx first = chain.signSettleBatch(escrow, List.of(new SettleItem(devnet.account(6).address(), a, deposit)), chain.operatorNonce(true));
    chain.broadcast(first);
    Receipt r1 = awaitReceipt(first.txHash());
    assertThat(r1.logs()).extracting(Log::kind).containsExactly("Settled");
    assertSettled(r1.logs().get(0), escrow, a, host, deposit, deposit);
    System.out.printf("settleBatch of 1 (ETH): gas used %s, gas limit %s%n", gasUsed(first.txHash()),
        TransactionDecoder.decode(first.rawTx()).getGasLimit());

    BigInteger usedB = new BigInteger("123456789");
    SignedTx second = chain.signSettleBatch(escrow, List.of(new SettleItem(devnet.account(6).address(), a, BigInteger.ONE), new SettleItem(devnet.account(6).address(), b, usedB)),
        chain.operatorNonce(true));
    chain.broadcast(second);
    Receipt r2 = awaitReceipt(second.txHash());
    assertThat(r2.success()).isTrue();
    assertThat(r2.logs()).extracting(Log::kind).containsExactly("SettleSkipped", "Settled");
    Log skipped = r2.logs().get(0);
    assertThat(skipped.rentalId()).isEqualTo(a);
    assertThat(skipped.escrow()).isEqualTo(escrow);
    assertThat(skipped.amount()).isNull();
    assertThat(skipped.host()).isNull();
    assertSettled(r2.logs().get(1), escrow, b, host, deposit, usedB);
    System.out.printf("settleBatch of 2, one skipped (ETH): gas used %s%n", gasUsed(second.txHash()));

    // a's first settlement stands
    Rental ra = chain.rental(escrow, devnet.account(6).address(), a);
    assertThat(ra.status()).isEqualTo(RentalStatus.SETTLED);
    assertThat(ra.amount()).isZero();
    // and logs() sees the same events, in chain order
    List<Log> logs = chain.logs(escrow, r1.blockNumber(), r2.blockNumber());
    assertThat(logs).extracting(this::describe).containsSubsequence(
        describe(r1.logs().get(0)), describe(r2.logs().get(0)), describe(r2.logs().get(1)));
    assertThat(logs).isSortedAccordingTo((x, y) -> x.blockNumber() != y.blockNumber()
        ? Long.compare(x.blockNumber(), y.blockNumber()) : Integer.compare(x.logIndex(), y.logIndex()));
  }

  @Test
  void failingEstimateFallsBackToTheFixedGasBound() {
    String escrow = devnet.escrow("ETH");
    BigInteger deposit = BigInteger.valueOf(1_000_000);
    byte[] id = open("ETH", devnet.account(8), devnet.account(9), deposit);
    // used > deposit: the estimate reverts (UsedExceedsDeposit), the signature still comes back
    SignedTx tx = chain.signSettleBatch(escrow, List.of(new SettleItem(devnet.account(8).address(), id, deposit.add(BigInteger.ONE))),
        chain.operatorNonce(true));
    assertThat(TransactionDecoder.decode(tx.rawTx()).getGasLimit()).isEqualTo(BigInteger.valueOf(100_000));
    SignedTx three = chain.signSettleBatch(escrow, List.of(new SettleItem(devnet.account(8).address(), id, deposit.add(BigInteger.ONE)),
        new SettleItem(devnet.account(8).address(), newId(), BigInteger.ONE), new SettleItem(devnet.account(8).address(), newId(), BigInteger.ONE)), chain.operatorNonce(true));
    assertThat(TransactionDecoder.decode(three.rawTx()).getGasLimit()).isEqualTo(BigInteger.valueOf(180_000));
    // sent anyway it reverts on chain, and the receipt says so
    chain.broadcast(tx);
    Receipt r = awaitReceipt(tx.txHash());
    assertThat(r.success()).isFalse();
    assertThat(r.logs()).isEmpty();
    assertThat(chain.rental(escrow, devnet.account(8).address(), id).status()).isEqualTo(RentalStatus.OPEN);
  }

  @Test
  void logsOfAnotherEscrowDeploymentAreNotReturned() {
    String escrow = devnet.escrow("ETH");
    Account deployer = devnet.account(10);
    Account otherOperator = devnet.account(11);
    String other = devnet.deployEscrow(deployer.privateKey(), ZERO, otherOperator.address(), devnet.treasury(), 100, 60);
    assertThat(other).isNotEqualTo(escrow);
    EscrowChain.Terms otherTerms = chain.terms(other);
    assertThat(otherTerms.operator()).isEqualTo(otherOperator.address());
    assertThat(otherTerms.feeBps()).isEqualTo(100);
    assertThat(otherTerms.graceSeconds()).isEqualTo(60);

    Account renter = devnet.account(12);
    Account host = devnet.account(13);
    BigInteger amount = BigInteger.valueOf(777_777);
    long expiresAt = devnet.latestTimestamp() + 3600;
    byte[] both = newId();
    byte[] onlyOther = newId();
    long from = chain.headBlock() + 1;
    TransactionReceipt ours = openOn(escrow, ZERO, renter, host, both, expiresAt, amount);
    TransactionReceipt theirs = openOn(other, ZERO, renter, host, both, expiresAt, amount);
    openOn(other, ZERO, renter, host, onlyOther, expiresAt, amount);
    long to = chain.headBlock();

    List<Log> mine = chain.logs(escrow, from, to);
    assertThat(mine).hasSize(1);
    assertThat(mine.get(0).escrow()).isEqualTo(escrow);
    assertThat(mine.get(0).rentalId()).isEqualTo(both);
    assertThat(mine.get(0).feeBps()).isEqualTo(devnet.feeBps());
    assertThat(mine.get(0).txHash()).isEqualToIgnoringCase(ours.getTransactionHash());

    List<Log> otherLogs = chain.logs(other, from, to);
    assertThat(otherLogs).hasSize(2);
    assertThat(otherLogs).allSatisfy(l -> {
      assertThat(l.escrow()).isEqualTo(other);
      assertThat(l.feeBps()).isEqualTo(100);
    });
    assertThat(otherLogs.get(0).txHash()).isEqualToIgnoringCase(theirs.getTransactionHash());
    assertThat(otherLogs.get(1).rentalId()).isEqualTo(onlyOther);
    assertThat(chain.receipt(theirs.getTransactionHash()).orElseThrow().logs())
        .extracting(Log::escrow).containsExactly(other);
    // the other deployment has another operator: our settlement there reverts (NotOperator)
    SignedTx notOurs = chain.signSettleBatch(other, List.of(new SettleItem(renter.address(), both, amount)), chain.operatorNonce(true));
    chain.broadcast(notOurs);
    assertThat(awaitReceipt(notOurs.txHash()).success()).isFalse();
    assertThat(chain.rental(other, renter.address(), both).status()).isEqualTo(RentalStatus.OPEN);
    assertThat(chain.rental(escrow, renter.address(), both).status()).isEqualTo(RentalStatus.OPEN);
  }

  // --- failures ----------------------------------------------------------------------------------

  @Test
  void closedPortIsChainUnavailable() {
    int port = AnvilDevnet.freePort();
    try (var down = new Web3jEscrowChain("http://127.0.0.1:" + port, devnet.chainId(), devnet.operatorKey(),
        Duration.ofSeconds(2))) {
      String escrow = devnet.escrow("ETH");
      byte[] id = newId();
      assertThatThrownBy(down::chainId).isInstanceOf(ChainUnavailable.class);
      assertThatThrownBy(down::headBlock).isInstanceOf(ChainUnavailable.class);
      assertThatThrownBy(() -> down.terms(escrow)).isInstanceOf(ChainUnavailable.class);
      assertThatThrownBy(() -> down.rental(escrow, devnet.account(3).address(), id)).isInstanceOf(ChainUnavailable.class);
      assertThatThrownBy(() -> down.logs(escrow, 0, 10)).isInstanceOf(ChainUnavailable.class);
      assertThatThrownBy(() -> down.operatorNonce(true)).isInstanceOf(ChainUnavailable.class);
      assertThatThrownBy(() -> down.signSettleBatch(escrow, List.of(new SettleItem(devnet.account(3).address(), id, BigInteger.ONE)), 0))
          .isInstanceOf(ChainUnavailable.class);
      assertThatThrownBy(() -> down.broadcast(new SignedTx("0x" + "00".repeat(32), 0, "0x02")))
          .isInstanceOf(ChainUnavailable.class);
      assertThatThrownBy(() -> down.receipt("0x" + "00".repeat(32))).isInstanceOf(ChainUnavailable.class);
      // pure encoding needs no node
      assertThat(down.openCalls(escrow, ZERO, id, devnet.account(3).address(), 2_000_000_000L, BigInteger.TEN))
          .hasSize(1);
    }
  }

  @Test
  void silentNodeTimesOutAsChainUnavailable() throws IOException {
    // accepts connections (the kernel does) but never answers
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        var chainOnSilent = new Web3jEscrowChain("http://127.0.0.1:" + silent.getLocalPort(), devnet.chainId(), null,
            Duration.ofMillis(500))) {
      long t0 = System.nanoTime();
      assertThatThrownBy(chainOnSilent::headBlock).isInstanceOf(ChainUnavailable.class);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void nodeRejectionIsIllegalStateWithTheNodesMessage() {
    // signed for another chain: anvil refuses it, which is about the transaction, not the node
    try (var wrongChain = new Web3jEscrowChain(devnet.rpcUrl(), 1, devnet.operatorKey(), Duration.ofSeconds(10))) {
      byte[] id = open("ETH", devnet.account(14), devnet.account(15), BigInteger.valueOf(1000));
      long nonce = chain.operatorNonce(true);
      SignedTx tx = wrongChain.signSettleBatch(devnet.escrow("ETH"), List.of(new SettleItem(devnet.account(14).address(), id, BigInteger.ONE)), nonce);
      assertThatThrownBy(() -> wrongChain.broadcast(tx))
          .isInstanceOf(IllegalStateException.class)
          .isNotInstanceOf(ChainUnavailable.class)
          .hasMessageContaining(tx.txHash())
          .hasMessageContaining("rejected: ")
          .hasMessageContaining("invalid chain id"); // anvil: "invalid chain id for signer"
      assertThat(chain.operatorNonce(true)).isEqualTo(nonce);
      assertThat(chain.rental(devnet.escrow("ETH"), devnet.account(14).address(), id).status()).isEqualTo(RentalStatus.OPEN);
    }
  }

  @Test
  void readOnlyInstanceHasNoOperator() {
    try (var readOnly = new Web3jEscrowChain(devnet.rpcUrl(), devnet.chainId(), null, Duration.ofSeconds(10))) {
      assertThat(readOnly.headBlock()).isPositive();
      assertThatThrownBy(readOnly::operatorAddress).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> readOnly.signSettleBatch(devnet.escrow("ETH"),
          List.of(new SettleItem(devnet.account(2).address(), newId(), BigInteger.ONE)), 0)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void thePrivateKeyNeverShows() {
    String key = devnet.operatorKey();
    String bare = key.replaceFirst("^0x", "");
    assertThat(chain.toString()).doesNotContainIgnoringCase(bare).contains(devnet.operatorAddress());
    String badKey = bare.substring(0, 60) + "zzzz";
    assertThatThrownBy(() -> new Web3jEscrowChain(devnet.rpcUrl(), 1, badKey, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(String.valueOf(e.getMessage())).doesNotContain(bare.substring(0, 60)))
        .hasNoCause();
    String shortKey = bare.substring(0, 62);
    assertThatThrownBy(() -> new Web3jEscrowChain(devnet.rpcUrl(), 1, shortKey, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(String.valueOf(e.getMessage())).doesNotContain(shortKey))
        .hasNoCause();
  }

  // --- the node goes away and comes back ---------------------------------------------------------

  @Test
  @Order(Integer.MAX_VALUE) // last: the node goes down for a moment
  void chainSurvivesANodeRestart() throws IOException {
    String escrow = devnet.escrow("ETH");
    Account host = devnet.account(17);
    BigInteger deposit = BigInteger.valueOf(5_000_000);
    byte[] id = open("ETH", devnet.account(16), host, deposit);
    SignedTx settled = chain.signSettleBatch(escrow, List.of(new SettleItem(devnet.account(16).address(), id, BigInteger.valueOf(4_000_000))),
        chain.operatorNonce(true));
    chain.broadcast(settled);
    Receipt before = awaitReceipt(settled.txHash());
    devnet.increaseTime(86_400);
    devnet.mine(1);
    long nonce = chain.operatorNonce(false);
    byte[] id2 = open("ETH", devnet.account(16), host, deposit);
    SignedTx afterRestart = chain.signSettleBatch(escrow, List.of(new SettleItem(devnet.account(16).address(), id2, deposit)), nonce);
    long head = chain.headBlock();
    long timestamp = devnet.latestTimestamp();
    String headHash = blockHash(head);
    List<String> logsBefore = chain.logs(escrow, devnet.deployBlock(), head).stream().map(this::describe).toList();

    devnet.stopNode();
    assertThatThrownBy(chain::headBlock).isInstanceOf(ChainUnavailable.class);
    assertThatThrownBy(() -> chain.broadcast(afterRestart)).isInstanceOf(ChainUnavailable.class);
    assertThatThrownBy(() -> chain.receipt(settled.txHash())).isInstanceOf(ChainUnavailable.class);

    devnet.restartNode();
    assertThat(chain.headBlock()).isEqualTo(head);
    assertThat(blockHash(head)).isEqualTo(headHash);
    Receipt again = chain.receipt(settled.txHash()).orElseThrow();
    assertThat(again.blockNumber()).isEqualTo(before.blockNumber());
    assertThat(again.logs()).extracting(this::describe).isEqualTo(before.logs().stream().map(this::describe).toList());
    assertThat(chain.operatorNonce(false)).isEqualTo(nonce);
    assertThat(chain.logs(escrow, devnet.deployBlock(), head)).extracting(this::describe).isEqualTo(logsBefore);
    assertThat(chain.rental(escrow, devnet.account(16).address(), id).status()).isEqualTo(RentalStatus.SETTLED);
    assertThat(chain.rental(escrow, devnet.account(16).address(), id2).status()).isEqualTo(RentalStatus.OPEN);

    // the settlement signed while the node was down goes through now, once
    chain.broadcast(afterRestart);
    Receipt late = awaitReceipt(afterRestart.txHash());
    assertThat(late.success()).isTrue();
    assertThat(late.blockNumber()).isEqualTo(head + 1);
    chain.broadcast(settled); // already mined before the restart: nonce too low, harmless
    assertThat(chain.operatorNonce(false)).isEqualTo(nonce + 1);
    assertThat(chain.rental(escrow, devnet.account(16).address(), id2).status()).isEqualTo(RentalStatus.SETTLED);
    // time did not run backwards
    assertThat(devnet.latestTimestamp()).isGreaterThan(timestamp);
  }

  // --- helpers -----------------------------------------------------------------------------------

  private static byte[] newId() {
    byte[] id = new byte[32];
    RANDOM.nextBytes(id);
    return id;
  }

  /** Opens a rental on {@code asset}'s escrow for {@code amount} (minting tUSD first), expiring in 2 hours. */
  private static byte[] open(String asset, Account renter, Account host, BigInteger amount) {
    byte[] id = newId();
    if (!asset.equals("ETH")) devnet.mint(renter.address(), amount);
    openOn(devnet.escrow(asset), devnet.token(asset), renter, host, id, devnet.latestTimestamp() + 7200, amount);
    assertThat(chain.rental(devnet.escrow(asset), renter.address(), id).status()).isEqualTo(RentalStatus.OPEN);
    return id;
  }

  private static TransactionReceipt openOn(String escrow, String token, Account renter, Account host, byte[] id,
      long expiresAt, BigInteger amount) {
    TransactionReceipt last = null;
    for (WalletCall c : chain.openCalls(escrow, token, id, host.address(), expiresAt, amount)) {
      last = devnet.send(renter.privateKey(), c);
    }
    return last;
  }

  private static Receipt awaitReceipt(String txHash) {
    return AnvilDevnet.poll("receipt of " + txHash, WAIT, () -> chain.receipt(txHash));
  }

  private static BigInteger gasUsed(String txHash) {
    return devnet.awaitReceipt(txHash, WAIT).getGasUsed();
  }

  private static void assertSettled(Log log, String escrow, byte[] id, Account host, BigInteger deposit,
      BigInteger used) {
    BigInteger fee = used.multiply(BigInteger.valueOf(devnet.feeBps())).divide(BigInteger.valueOf(10_000));
    assertThat(log.kind()).isEqualTo("Settled");
    assertThat(log.escrow()).isEqualTo(escrow);
    assertThat(log.rentalId()).isEqualTo(id);
    assertThat(log.host()).isEqualTo(host.address());
    assertThat(log.renter()).as("the rental's renter").matches("0x[0-9a-f]{40}");
    assertThat(log.token()).isNull();
    assertThat(log.amount()).as("hostAmount").isEqualTo(used.subtract(fee));
    assertThat(log.fee()).isEqualTo(fee);
    assertThat(log.refund()).isEqualTo(deposit.subtract(used));
    assertThat(log.expiresAt()).isZero();
    assertThat(log.feeBps()).isZero();
  }

  private static BigInteger balance(String asset, String address) {
    return asset.equals("ETH") ? devnet.ethBalance(address) : devnet.tokenBalance(devnet.token(asset), address);
  }

  private static boolean same(byte[] a, byte[] b) {
    return java.util.Arrays.equals(a, b);
  }

  private static String selector(String signature) {
    return Hash.sha3String(signature).substring(2, 10);
  }

  private String describe(Log l) {
    return String.join("|", l.escrow(), l.kind(), HexFormat.of().formatHex(l.rentalId()), String.valueOf(l.renter()),
        String.valueOf(l.host()), String.valueOf(l.token()), String.valueOf(l.amount()), String.valueOf(l.fee()),
        String.valueOf(l.refund()), Long.toString(l.expiresAt()), Integer.toString(l.feeBps()),
        Long.toString(l.blockNumber()), l.txHash(), Integer.toString(l.logIndex()));
  }

  private static String blockHash(long number) throws IOException {
    return devnet.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false).send()
        .getBlock().getHash();
  }
}

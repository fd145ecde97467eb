package io.respool.settlement.evm;

import io.respool.settlement.EscrowChain;
import io.respool.settlement.evm.generated.RentalEscrow;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint16;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint40;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.crypto.transaction.type.Transaction1559;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * {@link EscrowChain} over JSON-RPC with web3j: calldata and event decoding come from the generated
 * {@link RentalEscrow} wrapper, settlements are EIP-1559 transactions signed locally with the operator
 * key. The key never leaves this object: it is not logged and not part of any message or {@code toString}.
 */
@SuppressWarnings("rawtypes") // web3j's ABI types are raw in its own API (List<Type>)
public final class Web3jEscrowChain implements EscrowChain {

  private static final Logger log = LoggerFactory.getLogger(Web3jEscrowChain.class);

  private static final String ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  private static final Pattern PRIVATE_KEY = Pattern.compile("(0x)?[0-9a-fA-F]{64}");
  private static final BigInteger ONE_GWEI = BigInteger.valueOf(1_000_000_000L);
  private static final long FALLBACK_GAS_BASE = 60_000;
  private static final long FALLBACK_GAS_PER_ITEM = 40_000;

  /** topic0 → event kind, for the six events {@link Log} describes. */
  private static final Map<String, String> KINDS = Map.of(
      topic(RentalEscrow.OPENED_EVENT), "Opened",
      topic(RentalEscrow.TOPPEDUP_EVENT), "ToppedUp",
      topic(RentalEscrow.SETTLED_EVENT), "Settled",
      topic(RentalEscrow.SETTLESKIPPED_EVENT), "SettleSkipped",
      topic(RentalEscrow.RECLAIMED_EVENT), "Reclaimed",
      topic(RentalEscrow.REFUNDED_EVENT), "Refunded");

  private static final Function TOKEN = viewAddress(RentalEscrow.FUNC_TOKEN);
  private static final Function TREASURY = viewAddress(RentalEscrow.FUNC_TREASURY);
  private static final Function OPERATOR = viewAddress(RentalEscrow.FUNC_OPERATOR);
  private static final Function FEE_BPS =
      new Function(RentalEscrow.FUNC_FEEBPS, List.of(), List.<TypeReference<?>>of(new TypeReference<Uint16>() {}));
  private static final Function GRACE =
      new Function(RentalEscrow.FUNC_GRACE, List.of(), List.<TypeReference<?>>of(new TypeReference<Uint256>() {}));
  private static final List<TypeReference<Type>> GET_RENTAL_OUTPUTS = outputs(List.<TypeReference<?>>of(
      new TypeReference<Address>() {}, new TypeReference<Uint256>() {},
      new TypeReference<Uint40>() {}, new TypeReference<Uint16>() {}, new TypeReference<Uint8>() {}));

  private final long chainId;
  private final Credentials operator; // null: read-only
  private final OkHttpClient http;
  private final ScheduledExecutorService web3jExecutor;
  private final Web3j web3j;

  /**
   * @param rpcUrl the node's HTTP JSON-RPC endpoint
   * @param chainId the chain the settlements are signed for (EIP-155/1559)
   * @param operatorPrivateKeyHex the operator's key (32 bytes hex, 0x optional); null for a read-only
   *     instance whose {@link #signSettleBatch} and {@link #operatorAddress} throw IllegalStateException
   * @param rpcTimeout bound on connecting to the node and on each call
   */
  public Web3jEscrowChain(String rpcUrl, long chainId, String operatorPrivateKeyHex, Duration rpcTimeout) {
    Objects.requireNonNull(rpcUrl, "rpcUrl");
    Objects.requireNonNull(rpcTimeout, "rpcTimeout");
    this.chainId = chainId;
    this.operator = operatorPrivateKeyHex == null ? null : credentials(operatorPrivateKeyHex);
    this.http = new OkHttpClient.Builder()
        .connectTimeout(rpcTimeout)
        .readTimeout(rpcTimeout)
        .writeTimeout(rpcTimeout)
        .callTimeout(rpcTimeout)
        .build();
    // web3j's default pool has one thread per core and a shutdown hook per instance; nothing here polls
    this.web3jExecutor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "web3j-escrow");
      t.setDaemon(true);
      return t;
    });
    this.web3j = Web3j.build(new HttpService(rpcUrl, http), 1_000, web3jExecutor);
  }

  /** The key is checked here so that a malformed one never reaches web3j's exceptions (which quote it). */
  private static Credentials credentials(String keyHex) {
    String k = keyHex.strip();
    if (!PRIVATE_KEY.matcher(k).matches()) {
      throw new IllegalArgumentException("operator private key is not 32 bytes of hex");
    }
    BigInteger d = Numeric.toBigInt(k);
    if (d.signum() == 0) throw new IllegalArgumentException("operator private key is zero");
    return Credentials.create(ECKeyPair.create(d));
  }

  // --- reads -------------------------------------------------------------------------------------

  @Override
  public long chainId() {
    return call(web3j.ethChainId(), "eth_chainId").getChainId().longValueExact();
  }

  @Override
  public long headBlock() {
    return call(web3j.ethBlockNumber(), "eth_blockNumber").getBlockNumber().longValueExact();
  }

  @Override
  public Optional<String> blockHash(long number) {
    if (number < 0) throw new IllegalArgumentException("negative block number");
    EthBlock.Block b = call(web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false),
        "eth_getBlockByNumber").getBlock();
    return b == null || b.getHash() == null ? Optional.empty() : Optional.of(lower(b.getHash()));
  }

  @Override
  public Terms terms(String escrow) {
    String to = address(escrow, "escrow");
    String token = ((Address) viewCall(to, TOKEN).get(0)).getValue();
    String treasury = ((Address) viewCall(to, TREASURY).get(0)).getValue();
    String op = ((Address) viewCall(to, OPERATOR).get(0)).getValue();
    BigInteger feeBps = ((Uint16) viewCall(to, FEE_BPS).get(0)).getValue();
    BigInteger grace = ((Uint256) viewCall(to, GRACE).get(0)).getValue();
    return new Terms(lower(token), lower(treasury), lower(op), feeBps.intValueExact(), grace.longValueExact());
  }

  @Override
  public Rental rental(String escrow, String renter, byte[] rentalId) {
    String to = address(escrow, "escrow");
    String owner = address(renter, "renter");
    String data = RentalEscrow.getABI_getRental(owner, rentalId32(rentalId));
    List<Type> r = decodeCall(to, data, GET_RENTAL_OUTPUTS, RentalEscrow.FUNC_GETRENTAL);
    int status = ((Uint8) r.get(4)).getValue().intValueExact();
    RentalStatus[] all = RentalStatus.values();
    if (status >= all.length) throw new IllegalStateException("getRental: unknown status " + status);
    return new Rental(
        owner,
        lower(((Address) r.get(0)).getValue()),
        ((Uint256) r.get(1)).getValue(),
        ((Uint40) r.get(2)).getValue().longValueExact(),
        ((Uint16) r.get(3)).getValue().intValueExact(),
        all[status]);
  }

  @Override
  public List<Log> logs(String escrow, long fromBlock, long toBlock) {
    String address = address(escrow, "escrow");
    if (fromBlock < 0 || toBlock < fromBlock) {
      throw new IllegalArgumentException("bad block range [" + fromBlock + ", " + toBlock + "]");
    }
    EthFilter filter = new EthFilter(
        DefaultBlockParameter.valueOf(BigInteger.valueOf(fromBlock)),
        DefaultBlockParameter.valueOf(BigInteger.valueOf(toBlock)),
        address);
    filter.addOptionalTopics(KINDS.keySet().stream().sorted().toArray(String[]::new));
    EthLog answer = call(web3j.ethGetLogs(filter), "eth_getLogs");
    List<Log> out = new ArrayList<>();
    if (answer.getLogs() != null) {
      for (EthLog.LogResult<?> result : answer.getLogs()) {
        if (!(result instanceof EthLog.LogObject lo)) {
          throw new IllegalStateException("eth_getLogs answered hashes instead of log objects");
        }
        org.web3j.protocol.core.methods.response.Log l = lo.get();
        // the node filtered on the address already; checking again costs nothing
        if (l.isRemoved() || !address.equals(lower(l.getAddress()))) continue;
        Log decoded = decode(l);
        if (decoded != null) out.add(decoded);
      }
    }
    out.sort(Comparator.comparingLong(Log::blockNumber).thenComparingInt(Log::logIndex));
    return out;
  }

  /** One of the six events, decoded with the generated wrapper; null for any other log. */
  private static Log decode(org.web3j.protocol.core.methods.response.Log l) {
    if (l.getTopics() == null || l.getTopics().isEmpty()) return null;
    String kind = KINDS.get(l.getTopics().get(0).toLowerCase(Locale.ROOT));
    if (kind == null) return null;
    String escrow = lower(l.getAddress());
    long block = l.getBlockNumber().longValueExact();
    String tx = lower(l.getTransactionHash());
    int index = l.getLogIndex().intValueExact();
    return switch (kind) {
      case "Opened" -> {
        var e = RentalEscrow.getOpenedEventFromLog(l);
        yield new Log(escrow, kind, e.rentalId, lower(e.renter), lower(e.host), lower(e.token), e.amount,
            null, null, e.expiresAt.longValueExact(), e.feeBps.intValueExact(), block, tx, index);
      }
      case "ToppedUp" -> {
        var e = RentalEscrow.getToppedUpEventFromLog(l);
        yield new Log(escrow, kind, e.rentalId, lower(e.renter), null, null, e.deposit,
            null, null, e.expiresAt.longValueExact(), 0, block, tx, index);
      }
      case "Settled" -> {
        var e = RentalEscrow.getSettledEventFromLog(l);
        yield new Log(escrow, kind, e.rentalId, lower(e.renter), lower(e.host), null, e.hostAmount,
            e.fee, e.refund, 0, 0, block, tx, index);
      }
      case "SettleSkipped" -> {
        var e = RentalEscrow.getSettleSkippedEventFromLog(l);
        yield new Log(escrow, kind, e.rentalId, lower(e.renter), null, null, null, null, null, 0, 0, block, tx, index);
      }
      case "Reclaimed" -> {
        var e = RentalEscrow.getReclaimedEventFromLog(l);
        yield new Log(escrow, kind, e.rentalId, lower(e.renter), null, null, e.amount,
            null, null, 0, 0, block, tx, index);
      }
      case "Refunded" -> {
        var e = RentalEscrow.getRefundedEventFromLog(l);
        yield new Log(escrow, kind, e.rentalId, lower(e.renter), null, null, e.amount,
            null, null, 0, 0, block, tx, index);
      }
      default -> null;
    };
  }

  // --- the renter's wallet -----------------------------------------------------------------------

  @Override
  public List<WalletCall> openCalls(String escrow, String token, byte[] rentalId, String host, long expiresAt,
      BigInteger amount) {
    String to = address(escrow, "escrow");
    String tokenAddress = address(token, "token");
    String hostAddress = address(host, "host");
    byte[] id = rentalId32(rentalId);
    if (amount == null || amount.signum() <= 0) throw new IllegalArgumentException("amount must be positive");
    if (expiresAt <= 0) throw new IllegalArgumentException("expiresAt must be positive");
    // the wrapper takes the payable value too but does not encode it (it is not calldata)
    String open = RentalEscrow.getABI_open(id, hostAddress, BigInteger.valueOf(expiresAt), amount, BigInteger.ZERO);
    String openWhat = "open rental " + Numeric.toHexString(id) + " for host " + hostAddress + " on escrow " + to;
    return paying(to, tokenAddress, amount, openWhat, open);
  }

  @Override
  public List<WalletCall> topUpCalls(String escrow, String token, byte[] rentalId, long newExpiresAt, BigInteger amount) {
    String to = address(escrow, "escrow");
    String tokenAddress = address(token, "token");
    byte[] id = rentalId32(rentalId);
    if (amount == null || amount.signum() <= 0) throw new IllegalArgumentException("amount must be positive");
    if (newExpiresAt <= 0) throw new IllegalArgumentException("newExpiresAt must be positive");
    String topUp = RentalEscrow.getABI_topUp(id, amount, BigInteger.valueOf(newExpiresAt), BigInteger.ZERO);
    return paying(to, tokenAddress, amount, "top up rental " + Numeric.toHexString(id) + " on escrow " + to + " until " + newExpiresAt, topUp);
  }

  /** {@code call} on the escrow carrying {@code amount}: as value for ETH, after an {@code approve} for a token. */
  private static List<WalletCall> paying(String escrow, String token, BigInteger amount, String what, String call) {
    if (ZERO_ADDRESS.equals(token)) return List.of(new WalletCall(what + ", paying " + amount + " wei", escrow, amount, call));
    String approve = FunctionEncoder.encode(new Function("approve", List.<Type>of(new Address(escrow), new Uint256(amount)), List.of()));
    return List.of(
        new WalletCall("approve escrow " + escrow + " to take " + amount + " of token " + token, token, BigInteger.ZERO, approve),
        new WalletCall(what, escrow, BigInteger.ZERO, call));
  }

  // --- the operator's settlements ----------------------------------------------------------------

  @Override
  public String operatorAddress() {
    return lower(requireOperator().getAddress());
  }

  @Override
  public SignedTx signSettleBatch(String escrow, List<SettleItem> items, long nonce) {
    Credentials key = requireOperator();
    String to = address(escrow, "escrow");
    if (items == null || items.isEmpty()) throw new IllegalArgumentException("no rentals to settle");
    if (nonce < 0) throw new IllegalArgumentException("negative nonce");
    List<String> renters = new ArrayList<>(items.size());
    List<byte[]> ids = new ArrayList<>(items.size());
    List<BigInteger> used = new ArrayList<>(items.size());
    for (SettleItem item : items) {
      renters.add(address(item.renter(), "renter"));
      ids.add(rentalId32(item.rentalId()));
      if (item.used() == null || item.used().signum() < 0) throw new IllegalArgumentException("used must be ≥ 0");
      used.add(item.used());
    }
    String data = RentalEscrow.getABI_settleBatch(renters, ids, used);
    String from = lower(key.getAddress());

    BigInteger gasLimit;
    var estimate = call(web3j.ethEstimateGas(
        Transaction.createFunctionCallTransaction(from, null, null, null, to, BigInteger.ZERO, data)),
        "eth_estimateGas", true);
    if (estimate.hasError() || estimate.getResult() == null) {
      gasLimit = BigInteger.valueOf(FALLBACK_GAS_BASE + FALLBACK_GAS_PER_ITEM * items.size());
      log.warn("eth_estimateGas for settleBatch of {} on {} failed ({}); using {} gas", items.size(), to,
          estimate.hasError() ? estimate.getError().getMessage() : "no result", gasLimit);
    } else {
      // × 1.3, rounded up
      gasLimit = estimate.getAmountUsed().multiply(BigInteger.valueOf(13)).add(BigInteger.valueOf(9))
          .divide(BigInteger.TEN);
    }

    BigInteger priority = suggestedTip();
    BigInteger maxFee = baseFee().shiftLeft(1).add(priority);

    RawTransaction raw = RawTransaction.createTransaction(chainId, BigInteger.valueOf(nonce), gasLimit, to,
        BigInteger.ZERO, data, priority, maxFee);
    byte[] signed = TransactionEncoder.signMessage(raw, key);
    String txHash = Numeric.toHexString(Hash.sha3(signed));
    log.debug("signed settleBatch of {} on {}: tx {} nonce {} gas {} maxFee {} tip {}", items.size(), to, txHash,
        nonce, gasLimit, maxFee, priority);
    return new SignedTx(txHash, nonce, Numeric.toHexString(signed));
  }

  /** The node's suggested priority fee (1 gwei if it has none). */
  private BigInteger suggestedTip() {
    var tip = call(web3j.ethMaxPriorityFeePerGas(), "eth_maxPriorityFeePerGas", true);
    return tip.hasError() || tip.getResult() == null ? ONE_GWEI : tip.getMaxPriorityFeePerGas();
  }

  /** The newest block's base fee (the gas price on a chain without EIP-1559 fees). */
  private BigInteger baseFee() {
    EthBlock.Block head = call(web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false),
        "eth_getBlockByNumber").getBlock();
    if (head == null) throw new ChainUnavailable("eth_getBlockByNumber(latest) answered no block", null);
    BigInteger baseFee = head.getBaseFeePerGasRaw() == null ? null : head.getBaseFeePerGas();
    return baseFee != null ? baseFee : call(web3j.ethGasPrice(), "eth_gasPrice").getGasPrice();
  }

  @Override
  public Optional<SignedTx> replaceUnderpriced(SignedTx stuck) {
    Credentials key = requireOperator();
    Objects.requireNonNull(stuck, "stuck");
    RawTransaction old;
    try {
      old = TransactionDecoder.decode(stuck.rawTx());
    } catch (RuntimeException e) { // not a transaction this gateway signed: the node judges it when it is resent
      log.warn("stored transaction {} cannot be decoded ({}); resent as it is", stuck.txHash(), e.toString());
      return Optional.empty();
    }
    if (!(old.getTransaction() instanceof Transaction1559 t)) return Optional.empty(); // no fee caps to raise
    BigInteger baseFee = baseFee();
    if (t.getMaxFeePerGas().compareTo(baseFee) >= 0) return Optional.empty();
    // a replacement must raise both caps by 10 % at least (geth, anvil: "replacement transaction underpriced")
    BigInteger priority = raised(t.getMaxPriorityFeePerGas()).max(suggestedTip());
    BigInteger maxFee = raised(t.getMaxFeePerGas()).max(baseFee.shiftLeft(1).add(priority));
    RawTransaction raw = RawTransaction.createTransaction(chainId, t.getNonce(), t.getGasLimit(), t.getTo(), t.getValue(),
        t.getData(), priority, maxFee);
    byte[] signed = TransactionEncoder.signMessage(raw, key);
    String txHash = Numeric.toHexString(Hash.sha3(signed));
    log.info("settlement tx {} (nonce {}) is below the base fee {} (max fee {}): replaced by {} with max fee {}, tip {}", stuck.txHash(),
        stuck.nonce(), baseFee, t.getMaxFeePerGas(), txHash, maxFee, priority);
    return Optional.of(new SignedTx(txHash, stuck.nonce(), Numeric.toHexString(signed)));
  }

  /** {@code fee} × 1.125 rounded up, and at least one more (a fee of 0 or 1 wei still rises). */
  private static BigInteger raised(BigInteger fee) {
    return fee.multiply(BigInteger.valueOf(9)).add(BigInteger.valueOf(7)).shiftRight(3).max(fee.add(BigInteger.ONE));
  }

  @Override
  public void broadcast(SignedTx tx) {
    Objects.requireNonNull(tx, "tx");
    var answer = call(web3j.ethSendRawTransaction(tx.rawTx()), "eth_sendRawTransaction", true);
    if (answer.hasError()) {
      String message = String.valueOf(answer.getError().getMessage());
      String m = message.toLowerCase(Locale.ROOT);
      if (m.contains("already known") || m.contains("known transaction") || m.contains("nonce too low")
          || m.contains("already imported")) { // anvil: "transaction already imported"
        log.info("broadcast of {} (nonce {}): node says \"{}\"; treated as sent", tx.txHash(), tx.nonce(), message);
        return;
      }
      throw new IllegalStateException("eth_sendRawTransaction of " + tx.txHash() + " (nonce " + tx.nonce()
          + ") rejected: " + message);
    }
    String hash = answer.getTransactionHash();
    if (hash != null && !hash.equalsIgnoreCase(tx.txHash())) {
      log.warn("node answered hash {} for transaction {}", hash, tx.txHash());
    }
  }

  @Override
  public long operatorNonce(boolean pending) {
    String from = operatorAddress();
    return call(web3j.ethGetTransactionCount(from,
        pending ? DefaultBlockParameterName.PENDING : DefaultBlockParameterName.LATEST),
        "eth_getTransactionCount").getTransactionCount().longValueExact();
  }

  @Override
  public Optional<Receipt> receipt(String txHash) {
    Objects.requireNonNull(txHash, "txHash");
    Optional<TransactionReceipt> answer =
        call(web3j.ethGetTransactionReceipt(txHash), "eth_getTransactionReceipt").getTransactionReceipt();
    if (answer.isEmpty() || answer.get().getBlockNumberRaw() == null) return Optional.empty();
    TransactionReceipt r = answer.get();
    String escrow = r.getTo() == null ? null : lower(r.getTo());
    List<Log> logs = new ArrayList<>();
    if (escrow != null && r.getLogs() != null) {
      for (var l : r.getLogs()) {
        if (!escrow.equals(lower(l.getAddress()))) continue;
        Log decoded = decode(l);
        if (decoded != null) logs.add(decoded);
      }
    }
    logs.sort(Comparator.comparingInt(Log::logIndex));
    return Optional.of(new Receipt(lower(r.getTransactionHash()), r.isStatusOK(),
        r.getBlockNumber().longValueExact(), List.copyOf(logs)));
  }

  @Override
  public void close() {
    try {
      web3j.shutdown();
    } catch (RuntimeException e) {
      log.debug("closing web3j: {}", e.toString());
    }
    web3jExecutor.shutdownNow();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return "Web3jEscrowChain[chainId=" + chainId + ", operator="
        + (operator == null ? "none" : lower(operator.getAddress())) + "]";
  }

  // --- helpers ----------------------------------------------------------------------------------

  private Credentials requireOperator() {
    if (operator == null) throw new IllegalStateException("no operator key configured: read-only escrow chain");
    return operator;
  }

  private <T extends Response<?>> T call(Request<?, T> request, String method) {
    return call(request, method, false);
  }

  /**
   * Sends one request; an IO failure (refused, reset, timed out, not JSON) is ChainUnavailable, and so is
   * a JSON-RPC error unless {@code errorIsAnswer}, when the caller looks at it.
   */
  private static <T extends Response<?>> T call(Request<?, T> request, String method, boolean errorIsAnswer) {
    T response;
    try {
      response = request.send();
    } catch (IOException e) {
      throw new ChainUnavailable(method + ": " + e, e);
    } catch (RuntimeException e) {
      if (e.getCause() instanceof IOException io) throw new ChainUnavailable(method + ": " + io, e);
      throw e;
    }
    if (response == null) throw new ChainUnavailable(method + ": no answer", null);
    if (response.hasError() && !errorIsAnswer) {
      throw new ChainUnavailable(method + " failed: " + response.getError().getCode() + " "
          + response.getError().getMessage(), null);
    }
    return response;
  }

  private List<Type> viewCall(String to, Function function) {
    return decodeCall(to, FunctionEncoder.encode(function), function.getOutputParameters(), function.getName());
  }

  private List<Type> decodeCall(String to, String data, List<TypeReference<Type>> outputs, String name) {
    var answer = call(web3j.ethCall(Transaction.createEthCallTransaction(null, to, data),
        DefaultBlockParameterName.LATEST), "eth_call " + name, true);
    if (answer.hasError()) {
      String message = answer.getError().getMessage();
      if (answer.getError().getCode() == 3 || String.valueOf(message).toLowerCase(Locale.ROOT).contains("revert")) {
        throw new IllegalStateException(name + "() on " + to + " reverted: " + message);
      }
      throw new ChainUnavailable("eth_call " + name + " failed: " + answer.getError().getCode() + " " + message, null);
    }
    List<Type> values = FunctionReturnDecoder.decode(answer.getValue(), outputs);
    if (values.size() != outputs.size()) {
      throw new IllegalStateException(name + "() on " + to + " answered nothing: not a RentalEscrow");
    }
    return values;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<TypeReference<Type>> outputs(List<? extends TypeReference<?>> refs) {
    return (List) List.copyOf(refs);
  }

  private static Function viewAddress(String name) {
    return new Function(name, List.of(), List.<TypeReference<?>>of(new TypeReference<Address>() {}));
  }

  private static String topic(Event event) {
    return EventEncoder.encode(event).toLowerCase(Locale.ROOT);
  }

  private static String address(String value, String what) {
    if (value == null || !ADDRESS.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " is not a 0x-prefixed 20-byte address: " + value);
    }
    return value.toLowerCase(Locale.ROOT);
  }

  private static byte[] rentalId32(byte[] id) {
    if (id == null || id.length != 32) {
      throw new IllegalArgumentException("rental id must be 32 bytes, got " + (id == null ? "null" : id.length));
    }
    return id;
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }
}

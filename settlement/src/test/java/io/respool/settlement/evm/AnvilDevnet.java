package io.respool.settlement.evm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.respool.settlement.EscrowChain.WalletCall;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint16;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * A private Ethereum devnet for tests: {@code ops/ethereum/devnet.sh start} on a free port with its own state
 * directory (anvil with TestStablecoin, the ETH and tUSD RentalEscrow and HostStake deployed, described in
 * {@code <state>/ethereum.json}). The first start installs forge/anvil/cast with npm (a minute or two).
 *
 * <p>Anvil mines a block per transaction (unless started with {@code RESPOOL_ETH_BLOCK_TIME}); {@link #send}
 * waits for the receipt. Test accounts come from anvil's public mnemonic: 0 is the deployer, owner and
 * operator, 1 the treasury, 2..18 are free for renters and hosts, 19 is the faucet {@link #mint} sends from.
 *
 * <p>{@link #stopNode()} / {@link #restartNode()} take anvil down and bring the same chain back on the same
 * port: the state is dumped with {@code anvil_dumpState} (historical states included) and reloaded with
 * {@code --load-state}. What survives: every block (same hashes and numbers), transaction and receipt,
 * logs, nonces, balances and contract storage, and historical state for calls at old blocks. What does not:
 * transactions waiting in the pool (pending or queued), and the clock offset of {@link #increaseTime}
 * (restartNode sets the clock back to just after the last block so that time never runs backwards).
 */
@SuppressWarnings("rawtypes") // web3j's ABI types are raw in its own API (List<Type>)
public final class AnvilDevnet implements AutoCloseable {

  /** An anvil test account (the keys are public, from the test mnemonic). */
  public record Account(String address, String privateKey) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START_DEADLINE = Duration.ofMinutes(10); // npm install on the first run
  private static final Duration RECEIPT_DEADLINE = Duration.ofSeconds(60);
  /** The account {@link #mint} sends from, so that the operator's and the renters' nonces stay untouched. */
  public static final int FAUCET_ACCOUNT = 19;

  private final Path root;
  private final Path stateDir;
  private final boolean ownsStateDir;
  private final Map<String, String> env;
  private final int port;
  private final JsonNode json;
  private final List<Account> accounts;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Web3j web3j;
  private final Thread shutdownHook;
  private List<String> anvilCommand; // set by stopNode, for restartNode
  private Long stoppedAtTimestamp;
  private boolean closed;

  private AnvilDevnet(Path root, Path stateDir, boolean ownsStateDir, Map<String, String> env, int port)
      throws IOException {
    this.root = root;
    this.stateDir = stateDir;
    this.ownsStateDir = ownsStateDir;
    this.env = env;
    this.port = port;
    this.json = JSON.readTree(stateDir.resolve("ethereum.json").toFile());
    JsonNode acc = JSON.readTree(new File(json.path("testAccountsFile").asText()));
    List<Account> list = new ArrayList<>();
    for (int i = 0; i < acc.path("available_accounts").size(); i++) {
      list.add(new Account(acc.path("available_accounts").get(i).asText().toLowerCase(Locale.ROOT),
          acc.path("private_keys").get(i).asText()));
    }
    this.accounts = List.copyOf(list);
    this.web3j = Web3j.build(new HttpService(rpcUrl()));
    this.shutdownHook = new Thread(this::stopQuietly, "anvil-devnet-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** A devnet on a free port with a fresh temporary state directory (removed by {@link #close()}). */
  public static AnvilDevnet start() {
    return start(Map.of());
  }

  /**
   * As {@link #start()}, with extra environment for devnet.sh (e.g. {@code RESPOOL_ETH_FEE_BPS},
   * {@code RESPOOL_ETH_GRACE}, {@code RESPOOL_ETH_BLOCK_TIME}).
   */
  public static AnvilDevnet start(Map<String, String> extraEnv) {
    try {
      Path dir = Files.createTempDirectory("respool-anvil-");
      return start(dir, freePort(), extraEnv, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A devnet with its state in {@code stateDir} (kept by {@link #close()}) on {@code port}. */
  public static AnvilDevnet start(Path stateDir, int port, Map<String, String> extraEnv) {
    return start(stateDir, port, extraEnv, false);
  }

  private static AnvilDevnet start(Path stateDir, int port, Map<String, String> extraEnv, boolean owns) {
    Path root = repoRoot();
    Map<String, String> env = new HashMap<>();
    env.put("RESPOOL_ETH_KEEP_CHAIN", "0"); // stopNode/restartNode keep the chain themselves (historical states included)
    env.putAll(extraEnv);
    env.put("RESPOOL_ETH_STATE", stateDir.toString());
    try {
      Files.createDirectories(stateDir);
      run(root, env, START_DEADLINE, stateDir.resolve("devnet-start.log"), "start", "--port", Integer.toString(port));
      return new AnvilDevnet(root, stateDir, owns, Map.copyOf(env), port);
    } catch (IOException | RuntimeException e) {
      try {
        run(root, env, Duration.ofSeconds(60), stateDir.resolve("devnet-stop.log"), "stop");
      } catch (RuntimeException ignored) {
        // already failing
      }
      if (e instanceof IOException io) throw new UncheckedIOException(io);
      throw (RuntimeException) e;
    }
  }

  /** The repository root: the first directory up from the working directory holding ops/ethereum/devnet.sh. */
  public static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("ops/ethereum/devnet.sh"))) return p;
    }
    throw new IllegalStateException("no ops/ethereum/devnet.sh above " + Path.of("").toAbsolutePath());
  }

  /** A TCP port on 127.0.0.1 that was free a moment ago. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void run(Path root, Map<String, String> env, Duration deadline, Path log, String... args) {
    List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("ops/ethereum/devnet.sh").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("devnet.sh " + String.join(" ", args) + " took more than " + deadline
            + "; its output:\n" + tail(log));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("devnet.sh " + String.join(" ", args) + " exited with " + p.exitValue()
            + "; its output:\n" + tail(log));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(" + e + ")";
    }
  }

  // --- what ethereum.json says -------------------------------------------------------------------

  public String rpcUrl() {
    return json.path("rpcUrl").asText();
  }

  public int port() {
    return port;
  }

  public long chainId() {
    return json.path("chainId").asLong();
  }

  /** The operator's private key (hex, 0x-prefixed), read from operatorKeyFile. */
  public String operatorKey() {
    try {
      return Files.readString(Path.of(json.path("operatorKeyFile").asText())).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String operatorAddress() {
    return lower(json.path("operator").asText());
  }

  public String owner() {
    return lower(json.path("owner").asText());
  }

  public String treasury() {
    return lower(json.path("treasury").asText());
  }

  public int feeBps() {
    return json.path("feeBps").asInt();
  }

  public long graceSeconds() {
    return json.path("graceSeconds").asLong();
  }

  /** The first block holding a deployment. */
  public long deployBlock() {
    return json.path("deployBlock").asLong();
  }

  /** The escrow address for {@code asset} ("ETH" or "tUSD"). */
  public String escrow(String asset) {
    return lower(escrowEntry(asset).path("address").asText());
  }

  /** The token of {@code asset}'s escrow (the zero address for ETH). */
  public String token(String asset) {
    return lower(escrowEntry(asset).path("token").asText());
  }

  public int decimals(String asset) {
    return escrowEntry(asset).path("decimals").asInt();
  }

  /** The TestStablecoin (tUSD) address. */
  public String stablecoin() {
    return lower(json.path("stablecoin").path("address").asText());
  }

  public String hostStake() {
    return lower(json.path("hostStake").path("address").asText());
  }

  private JsonNode escrowEntry(String asset) {
    for (JsonNode e : json.path("escrows")) {
      if (e.path("asset").asText().equalsIgnoreCase(asset)) return e;
    }
    throw new IllegalArgumentException("no escrow for " + asset + " in ethereum.json");
  }

  /** Anvil test account {@code i} (0 operator/owner, 1 treasury, 2..18 free, 19 the faucet). */
  public Account account(int i) {
    return accounts.get(i);
  }

  public int accountCount() {
    return accounts.size();
  }

  public Path stateDir() {
    return stateDir;
  }

  /** The parsed ethereum.json. */
  public JsonNode ethereumJson() {
    return json;
  }

  /** A web3j client on the devnet (closed by {@link #close()}). */
  public Web3j web3j() {
    return web3j;
  }

  // --- transactions ------------------------------------------------------------------------------

  /** Signs {@code call} with {@code privateKey}, sends it and waits for its receipt; fails if it reverts. */
  public TransactionReceipt send(String privateKey, WalletCall call) {
    TransactionReceipt r = sendAllowingRevert(privateKey, call);
    if (!r.isStatusOK()) {
      throw new AssertionError(call.description() + ": transaction " + r.getTransactionHash() + " reverted");
    }
    return r;
  }

  /**
   * As {@link #send}, but returns the receipt of a reverted transaction too (it is sent with a fixed 1M gas
   * limit when the estimate fails).
   */
  public synchronized TransactionReceipt sendAllowingRevert(String privateKey, WalletCall call) {
    Credentials key = Credentials.create(privateKey);
    String from = lower(key.getAddress());
    BigInteger value = call.value() == null ? BigInteger.ZERO : call.value();
    var estimate = rpcSend(() -> web3j.ethEstimateGas(new Transaction(from, null, null, null, call.to(), value,
        call.data())).send());
    BigInteger gas = estimate.hasError() ? BigInteger.valueOf(1_000_000)
        : estimate.getAmountUsed().multiply(BigInteger.valueOf(3)).divide(BigInteger.TWO);
    BigInteger nonce = rpcSend(() -> web3j.ethGetTransactionCount(from, DefaultBlockParameterName.PENDING).send())
        .getTransactionCount();
    BigInteger baseFee = rpcSend(() -> web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send())
        .getBlock().getBaseFeePerGas();
    BigInteger tip = BigInteger.valueOf(1_000_000_000L);
    RawTransaction raw = RawTransaction.createTransaction(chainId(), nonce, gas, call.to(), value, call.data(), tip,
        baseFee.shiftLeft(1).add(tip));
    return sendRaw(raw, key, call.description());
  }

  /** Deploys {@code creationCode} (hex, with the encoded constructor arguments appended) from {@code privateKey}. */
  public synchronized String deploy(String privateKey, String creationCode) {
    Credentials key = Credentials.create(privateKey);
    String from = lower(key.getAddress());
    String data = creationCode.startsWith("0x") ? creationCode : "0x" + creationCode;
    var estimate = rpcSend(() -> web3j.ethEstimateGas(
        Transaction.createContractTransaction(from, null, null, data)).send());
    if (estimate.hasError()) throw new AssertionError("deployment would fail: " + estimate.getError().getMessage());
    BigInteger gas = estimate.getAmountUsed().multiply(BigInteger.valueOf(3)).divide(BigInteger.TWO);
    BigInteger nonce = rpcSend(() -> web3j.ethGetTransactionCount(from, DefaultBlockParameterName.PENDING).send())
        .getTransactionCount();
    BigInteger baseFee = rpcSend(() -> web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send())
        .getBlock().getBaseFeePerGas();
    BigInteger tip = BigInteger.valueOf(1_000_000_000L);
    RawTransaction raw = RawTransaction.createTransaction(chainId(), nonce, gas, null, BigInteger.ZERO, data, tip,
        baseFee.shiftLeft(1).add(tip));
    TransactionReceipt r = sendRaw(raw, key, "deploy");
    if (!r.isStatusOK() || r.getContractAddress() == null) throw new AssertionError("deployment reverted");
    return lower(r.getContractAddress());
  }

  /**
   * Deploys another RentalEscrow from contracts/ethereum/abi/RentalEscrow.bin, sent by {@code deployerKey}
   * (whose address becomes its owner).
   */
  public String deployEscrow(String deployerKey, String token, String operator, String treasury, int feeBps,
      long graceSeconds) {
    try {
      String bin = Files.readString(root.resolve("contracts/ethereum/abi/RentalEscrow.bin")).strip();
      String owner = Credentials.create(deployerKey).getAddress();
      String args = FunctionEncoder.encodeConstructor(List.<Type>of(new Address(token), new Address(owner),
          new Address(operator), new Address(treasury), new Uint16(feeBps), new Uint256(graceSeconds)));
      return deploy(deployerKey, bin + args);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private TransactionReceipt sendRaw(RawTransaction raw, Credentials key, String what) {
    byte[] signed = TransactionEncoder.signMessage(raw, key);
    String hash = Numeric.toHexString(Hash.sha3(signed));
    var sent = rpcSend(() -> web3j.ethSendRawTransaction(Numeric.toHexString(signed)).send());
    if (sent.hasError()) throw new AssertionError(what + ": eth_sendRawTransaction: " + sent.getError().getMessage());
    return awaitReceipt(hash, RECEIPT_DEADLINE);
  }

  /** Polls for the receipt of {@code txHash} until {@code deadline} passes. */
  public TransactionReceipt awaitReceipt(String txHash, Duration deadline) {
    return poll("receipt of " + txHash, deadline, () -> rpcSend(() -> web3j.ethGetTransactionReceipt(txHash).send())
        .getTransactionReceipt());
  }

  /** Mints {@code amount} (base units, 6 decimals) of tUSD to {@code to}, sent by the faucet account. */
  public TransactionReceipt mint(String to, BigInteger amount) {
    String data = FunctionEncoder.encode(new Function("mint", List.<Type>of(new Address(to), new Uint256(amount)),
        List.of()));
    return send(account(FAUCET_ACCOUNT).privateKey(),
        new WalletCall("mint " + amount + " tUSD to " + to, stablecoin(), BigInteger.ZERO, data));
  }

  public BigInteger ethBalance(String address) {
    return rpcSend(() -> web3j.ethGetBalance(address, DefaultBlockParameterName.LATEST).send()).getBalance();
  }

  public BigInteger tokenBalance(String token, String address) {
    String data = FunctionEncoder.encode(new Function("balanceOf", List.<Type>of(new Address(address)), List.of()));
    String out = rpcSend(() -> web3j.ethCall(Transaction.createEthCallTransaction(null, token, data),
        DefaultBlockParameterName.LATEST).send()).getValue();
    return Numeric.toBigInt(out);
  }

  // --- time and blocks ---------------------------------------------------------------------------

  /** Moves the clock {@code seconds} forward ({@code evm_increaseTime}); the next block carries it. */
  public void increaseTime(long seconds) {
    rpc("evm_increaseTime", seconds);
  }

  /** Mines {@code blocks} empty blocks ({@code anvil_mine}). */
  public void mine(long blocks) {
    rpc("anvil_mine", "0x" + Long.toHexString(blocks));
  }

  public long latestBlock() {
    return Numeric.toBigInt(rpc("eth_blockNumber").asText()).longValueExact();
  }

  public long latestTimestamp() {
    return Numeric.toBigInt(rpc("eth_getBlockByNumber", "latest", false).path("timestamp").asText()).longValueExact();
  }

  /** One raw JSON-RPC call; returns {@code result}, throws IllegalStateException on an error answer. */
  public JsonNode rpc(String method, Object... params) {
    ObjectNode req = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", 1).put("method", method);
    ArrayNode p = req.putArray("params");
    for (Object o : params) p.add(JSON.valueToTree(o));
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(rpcUrl()))
              .timeout(Duration.ofSeconds(30))
              .header("content-type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(req))).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode answer = JSON.readTree(r.body());
      if (answer.hasNonNull("error")) throw new IllegalStateException(method + ": " + answer.get("error"));
      return answer.path("result");
    } catch (IOException e) {
      throw new UncheckedIOException(method + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** True when the node answers {@code eth_chainId}. */
  public boolean nodeUp() {
    try {
      rpc("eth_chainId");
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  // --- node restart ------------------------------------------------------------------------------

  /**
   * Takes anvil down (the devnet's state directory and ethereum.json stay): dumps its state (historical
   * states included) to {@code <state>/anvil-state.json}, stops the process, waits until the port refuses
   * connections.
   */
  public synchronized void stopNode() {
    if (anvilCommand != null) throw new IllegalStateException("node already stopped");
    long pid = anvilPid();
    ProcessHandle anvil = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("anvil " + pid + " is gone"));
    List<String> command = commandLine(pid);
    long lastTimestamp = latestTimestamp();
    String dump = rpc("anvil_dumpState", true).asText();
    try (var in = new GZIPInputStream(new ByteArrayInputStream(HexFormat.of().parseHex(dump.substring(2))))) {
      Files.write(stateDir.resolve("anvil-state.json"), in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    anvil.destroy();
    try {
      anvil.onExit().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      anvil.destroyForcibly();
    }
    try {
      Files.deleteIfExists(stateDir.resolve("anvil.pid"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    poll("port " + port + " to close", Duration.ofSeconds(10), () -> nodeUp() ? Optional.empty() : Optional.of(true));
    anvilCommand = command;
    stoppedAtTimestamp = lastTimestamp;
  }

  /**
   * Starts anvil again on the same port with the same arguments, loading the state {@link #stopNode()} dumped,
   * and waits for it to answer. If the chain's clock was ahead of the wall clock ({@link #increaseTime}), sets
   * it to just after the last block.
   */
  public synchronized void restartNode() {
    if (anvilCommand == null) throw new IllegalStateException("node not stopped");
    List<String> cmd = new ArrayList<>();
    for (int i = 0; i < anvilCommand.size(); i++) {
      String a = anvilCommand.get(i);
      if (a.equals("--config-out") || a.equals("--load-state") || a.equals("--state") || a.equals("--dump-state")) {
        i++; // and its value
        continue;
      }
      cmd.add(a);
    }
    cmd.add("--load-state");
    cmd.add(stateDir.resolve("anvil-state.json").toString());
    Path log = stateDir.resolve("anvil.log");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
      Files.writeString(stateDir.resolve("anvil.pid"), p.pid() + "\n");
      poll("anvil to answer again on port " + port, Duration.ofSeconds(20), () -> {
        if (!p.isAlive()) throw new IllegalStateException("anvil exited on restart; its log:\n" + tail(log));
        return nodeUp() ? Optional.of(true) : Optional.empty();
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long now = Instant.now().getEpochSecond();
    if (stoppedAtTimestamp != null && stoppedAtTimestamp >= now) rpc("evm_setTime", stoppedAtTimestamp + 1);
    anvilCommand = null;
    stoppedAtTimestamp = null;
  }

  private long anvilPid() {
    try {
      return Long.parseLong(Files.readString(stateDir.resolve("anvil.pid")).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> commandLine(long pid) {
    try {
      String raw = Files.readString(Path.of("/proc/" + pid + "/cmdline"), StandardCharsets.UTF_8);
      List<String> args = new ArrayList<>(List.of(raw.split("\0")));
      if (args.isEmpty() || !args.get(0).endsWith("anvil")) {
        throw new IllegalStateException("process " + pid + " is not anvil: " + args);
      }
      return args;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // --- stopping ----------------------------------------------------------------------------------

  /** {@code devnet.sh stop}: anvil down, ethereum.json removed. */
  public synchronized void stop() {
    run(root, env, Duration.ofSeconds(60), stateDir.resolve("devnet-stop.log"), "stop");
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (RuntimeException ignored) {
      // best effort at JVM exit
    }
  }

  /** Stops the devnet and, if {@link #start()} made the state directory, deletes it. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    try {
      web3j.shutdown();
    } catch (RuntimeException ignored) {
      // closing anyway
    }
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException ignored) {
      // already shutting down
    }
    if (ownsStateDir) {
      try (Stream<Path> files = Files.walk(stateDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException ignored) {
        // a temp dir left behind
      }
    }
  }

  // --- helpers -----------------------------------------------------------------------------------

  /** Calls {@code get} until it yields a value or {@code deadline} passes. */
  public static <T> T poll(String what, Duration deadline, Supplier<Optional<T>> get) {
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      Optional<T> v = get.get();
      if (v.isPresent()) return v.get();
      if (System.nanoTime() > end) throw new AssertionError("timed out after " + deadline + " waiting for " + what);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
  }

  private interface IoCall<T> {
    T call() throws IOException;
  }

  private static <T> T rpcSend(IoCall<T> call) {
    try {
      return call.call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "AnvilDevnet[" + rpcUrl() + ", state " + stateDir + "]";
  }
}

package io.respool.settlement.solana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.respool.protocol.crypto.Base58;
import io.respool.protocol.crypto.Ed25519;
import io.respool.settlement.evm.AnvilDevnet;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private Solana devnet for tests: {@code ops/solana/devnet.sh start} on a free port with its own
 * state directory (the JSON-RPC server over litesvm, the respool_escrow program deployed and
 * initialized, described in {@code <state>/solana.json}). Wallets are fresh ed25519 keys funded by
 * airdrop; {@link #signAndSend} signs a wire transaction as a wallet does and waits until it is
 * confirmed. {@link #stopNode()} / {@link #restartNode()} take the server down and bring the same
 * chain back on the same port (the ledger is saved on stop).
 */
public final class SolanaDevnet implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final long SOL = 1_000_000_000L;

  private final Path root;
  private final Path stateDir;
  private final Map<String, String> env;
  private final int port;
  private final JsonNode json;
  private final SolanaRpc rpc;
  private final Thread hook;

  private SolanaDevnet(Path root, Path stateDir, Map<String, String> env, int port) throws IOException {
    this.root = root;
    this.stateDir = stateDir;
    this.env = env;
    this.port = port;
    this.json = JSON.readTree(stateDir.resolve("solana.json").toFile());
    this.rpc = new SolanaRpc(rpcUrl(), Duration.ofSeconds(10));
    this.hook = new Thread(() -> run("stop"), "solana-devnet-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** A devnet on a free port, slots of {@code RESPOOL_SOL_SLOT_MS} (default here 100 ms), plus {@code extraEnv} for devnet.sh. */
  public static SolanaDevnet start(Map<String, String> extraEnv) {
    try {
      Path dir = Files.createTempDirectory("respool-solana-");
      Map<String, String> env = new HashMap<>(Map.of("RESPOOL_SOL_SLOT_MS", "100"));
      env.putAll(extraEnv);
      env.put("RESPOOL_SOL_STATE", dir.toString());
      int port = AnvilDevnet.freePort();
      Path root = repoRoot();
      run(root, env, Duration.ofMinutes(5), dir.resolve("devnet-start.log"), "start", "--port", Integer.toString(port));
      return new SolanaDevnet(root, dir, Map.copyOf(env), port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static SolanaDevnet start() {
    return start(Map.of());
  }

  public static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("ops/solana/devnet.sh"))) return p;
    }
    throw new IllegalStateException("no ops/solana/devnet.sh above " + Path.of("").toAbsolutePath());
  }

  public String rpcUrl() { return json.path("rpcUrl").asText(); }

  public Path jsonFile() { return stateDir.resolve("solana.json"); }

  public String programId() { return json.path("programId").asText(); }

  public String operator() { return json.path("operator").asText(); }

  public String operatorKeyFile() { return json.path("operatorKeyFile").asText(); }

  public String treasury() { return json.path("treasury").asText(); }

  public int feeBps() { return json.path("feeBasisPoints").asInt(); }

  public long graceSeconds() { return json.path("graceSeconds").asLong(); }

  public SolanaRpc rpc() { return rpc; }

  /** The devnet's test stablecoin (tUSD, 6 decimals): its SPL Token mint. */
  public String mint() { return json.path("mint").asText(); }

  /** The token balance (base units) of {@code owner}'s associated token account of the test stablecoin; 0 if it has none. */
  public long tokenBalance(String owner) {
    return rpc.account(EscrowProgram.associatedTokenAccount(owner, mint()), "confirmed").map(a -> EscrowProgram.tokenAmount(a.data())).orElse(0L);
  }

  /**
   * Mints {@code amount} base units of the test stablecoin into {@code owner}'s associated token account
   * (created if missing), signed by the mint authority whose key file solana.json names.
   */
  public void mintTokens(String owner, long amount) {
    Ed25519.Keys authority = keyFile(json.path("mintAuthorityKeyFile").asText());
    if (balance(authority.publicKeyBase58()) < SOL / 10) airdrop(authority.publicKeyBase58(), SOL);
    byte[] data = java.nio.ByteBuffer.allocate(9).order(java.nio.ByteOrder.LITTLE_ENDIAN).put((byte) 7).putLong(amount).array(); // MintTo
    var mintTo = new SolanaTransactions.Instruction(EscrowProgram.TOKEN_PROGRAM, List.of(SolanaTransactions.AccountMeta.writable(mint()),
        SolanaTransactions.AccountMeta.writable(EscrowProgram.associatedTokenAccount(owner, mint())),
        SolanaTransactions.AccountMeta.signer(authority.publicKeyBase58())), data);
    send(authority, List.of(EscrowProgram.createAssociatedTokenAccount(authority.publicKeyBase58(), owner, mint()), mintTo));
  }

  /** A solana-keygen key file: a JSON array of the 32-byte seed and the 32-byte public key. */
  public static Ed25519.Keys keyFile(String path) {
    try {
      JsonNode bytes = JSON.readTree(new File(path));
      byte[] seed = new byte[32];
      for (int i = 0; i < 32; i++) seed[i] = (byte) bytes.get(i).asInt();
      return Ed25519.fromSeed(seed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh wallet holding {@code lamports}. */
  public Ed25519.Keys wallet(long lamports) {
    Ed25519.Keys k = Ed25519.generate();
    if (lamports > 0) airdrop(k.publicKeyBase58(), lamports);
    return k;
  }

  /** Sends {@code lamports} from the faucet and waits until it is confirmed. */
  public void airdrop(String address, long lamports) {
    awaitConfirmed(rpc.requestAirdrop(address, lamports));
  }

  public long balance(String address) {
    return rpc.balance(address, "confirmed");
  }

  /** Signs a wire transaction (e.g. from GET /payment) with {@code signer}, sends it and waits until it is confirmed; its signature. */
  public String signAndSend(String base64Wire, Ed25519.Keys signer) {
    byte[] wire = Base64.getDecoder().decode(base64Wire);
    SolanaTransactions.Decoded d = SolanaTransactions.decode(wire);
    byte[] signed = SolanaTransactions.withSignature(wire, signer.publicKeyBase58(), signer.sign(d.message()));
    String sig = rpc.sendTransaction(signed, false);
    awaitConfirmed(sig);
    return sig;
  }

  /** Compiles, signs (fee payer {@code signer}), sends and confirms {@code ix}; its signature. Failures are {@link SolanaRpc.Refused}. */
  public String send(Ed25519.Keys signer, SolanaTransactions.Instruction ix) {
    return send(signer, List.of(ix));
  }

  /** As {@link #send(Ed25519.Keys, SolanaTransactions.Instruction)}, several instructions in one transaction. */
  public String send(Ed25519.Keys signer, List<SolanaTransactions.Instruction> ixs) {
    SolanaTransactions.Message m = SolanaTransactions.compile(signer.publicKeyBase58(), rpc.latestBlockhash("confirmed").blockhash(), ixs);
    String sig = rpc.sendTransaction(SolanaTransactions.wire(List.of(signer.sign(m.bytes())), m.bytes()), false);
    awaitConfirmed(sig);
    return sig;
  }

  public void awaitConfirmed(String signature) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<SolanaRpc.Status> s = rpc.signatureStatuses(List.of(signature)).get(0);
      if (s.isPresent() && s.get().reached("confirmed")) {
        if (s.get().err() != null) throw new IllegalStateException("transaction " + signature + " failed: " + s.get().err());
        return;
      }
      try {
        Thread.sleep(50); // polling the node's status, as a wallet does
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("transaction " + signature + " not confirmed within 30 s");
  }

  /** The rental events of the program in every successful transaction naming {@code address}, oldest first. */
  public List<EscrowProgram.Event> events(String address) {
    EscrowProgram program = new EscrowProgram(programId());
    List<SolanaRpc.SignatureInfo> sigs = new ArrayList<>(rpc.signaturesForAddress(address, null, null, 1000, "confirmed"));
    java.util.Collections.reverse(sigs);
    List<EscrowProgram.Event> out = new ArrayList<>();
    for (SolanaRpc.SignatureInfo s : sigs) {
      if (s.failed()) continue;
      rpc.transaction(s.signature(), "confirmed").ifPresent(t -> out.addAll(program.parseEvents(t.logs())));
    }
    return out;
  }

  /** The server goes away (a clean stop: the ledger is saved). */
  public void stopNode() {
    run("stop");
  }

  /** The same chain back on the same port. */
  public void restartNode() {
    run(root, env, Duration.ofMinutes(2), stateDir.resolve("devnet-restart.log"), "start", "--port", Integer.toString(port));
  }

  private void run(String cmd) {
    run(root, env, Duration.ofMinutes(1), stateDir.resolve("devnet-" + cmd + ".log"), cmd);
  }

  @Override
  public void close() {
    run("stop");
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException ignored) {
      // shutting down
    }
    try (Stream<Path> files = Files.walk(stateDir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException ignored) {
      // a temp dir
    }
  }

  private static void run(Path root, Map<String, String> env, Duration deadline, Path log, String... args) {
    List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("ops/solana/devnet.sh").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("devnet.sh " + String.join(" ", args) + " took more than " + deadline + ":\n" + Files.readString(log));
      }
      if (p.exitValue() != 0) throw new IllegalStateException("devnet.sh " + String.join(" ", args) + " exited " + p.exitValue() + ":\n" + Files.readString(log));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The base58 signature of a signed wire transaction (its first signature). */
  public static String signatureOf(byte[] wire) {
    return Base58.encode(SolanaTransactions.decode(wire).signatures().get(0));
  }
}

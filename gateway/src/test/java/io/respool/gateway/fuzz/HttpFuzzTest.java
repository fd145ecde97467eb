package io.respool.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.fuzz.ContractCases.Case;
import io.respool.gateway.fuzz.ContractCases.Operation;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.TestHost;
import io.respool.gateway.testing.Wallets;
import io.respool.protocol.crypto.Base58;
import io.respool.protocol.crypto.Ed25519;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, part 2: hostile input against every operation of the contract, generated from
 * {@code openapi.yaml} at test time ({@link ContractCases}), plus credentials that must not work
 * (none, garbage, expired, signed with another key, unsigned, another account's) and sign-in
 * signatures forged or replayed. Every answer must be a 4xx problem that names what is wrong in
 * plain words ({@link Refusals}), and the node's database (a fresh one of its own) must be exactly
 * as it was after the whole refused batch. Seeded: {@code -Drespool.fuzz.seed=N} replays a run.
 */
class HttpFuzzTest {
  static final long SEED = Long.getLong("respool.fuzz.seed", System.nanoTime());
  /** Upper bound on the generated corpus, so the suite stays quick. */
  static final int MAX_CASES = 3000;

  static DatabaseState db;
  static Gateway node;
  static Http http;
  static RawHttp raw;
  static TestHost host;
  static Wallets.Session owner;
  static Wallets.Session stranger;
  static String bookingId;
  static String teamId;
  static final String REGION = "fuzz-" + Long.toString(System.nanoTime(), 36);

  @BeforeAll
  static void start() throws Exception {
    System.out.println("HttpFuzzTest seed = " + SEED + " (replay with -Drespool.fuzz.seed=" + SEED + ")");
    db = DatabaseState.fresh("fuzz_http");
    // nothing of the node's own moves during the batch: no sweep, reconcile or metering round is due
    node = GatewayNodes.start(Map.of("pgUrl", db.pgUrl, "heartbeatTimeoutMs", "3600000", "reconcileIntervalMs", "600000",
        "meterIntervalMs", "60000", "challengesPerMinute", "1000000", "rateLimitPerAccount", "1000000", "rateLimitPerClient", "1000000"));
    http = new Http(node.port());
    raw = new RawHttp(node.port(), RateLimitTest.freshLoopback()); // its own rate-limit counters: the suite's 127.0.0.1 budget stays whole
    host = connect(node.port());
    assertThat(host.register(TestHost.info(REGION, List.of("docker", "process"))).path("type").asText()).isEqualTo("registered");
    owner = Wallets.signIn(http);
    stranger = Wallets.signIn(http);
    Http.Response b = http.post("/v1/bookings", Http.json(Map.of("cpu", 1, "memoryMb", 256, "durationSeconds", 3600, "region", REGION,
        "command", List.of("sleep", "1"))), owner.token());
    assertThat(b.status()).as(b.toString()).isEqualTo(201);
    bookingId = b.json().path("id").asText();
    Http.Response t = http.post("/v1/teams", "{\"name\":\"fuzzers\"}", owner.token());
    assertThat(t.status()).as(t.toString()).isEqualTo(201);
    teamId = t.json().path("id").asText();
  }

  /** A registering host; the handshake is retried, as a worker would, when a loaded machine answers it late. */
  static TestHost connect(int port) {
    for (int attempt = 1; ; attempt++) {
      try {
        return new TestHost(port);
      } catch (RuntimeException | AssertionError e) {
        if (attempt == 3) throw e;
        System.out.println("control channel handshake failed (" + e + "); retrying");
      }
    }
  }

  @AfterAll
  static void stop() {
    if (host != null) host.close();
    if (node != null) node.close();
  }

  /** Valid ids for each path parameter: the owner's booking and team, the registered host, the stranger's account. */
  static String path(Operation op, String param, String value) {
    String p = op.path();
    p = p.replace("{id}", param != null && param.equals("id") ? value
        : op.path().startsWith("/v1/bookings") ? bookingId : op.path().startsWith("/v1/teams") ? teamId : host.id);
    p = p.replace("{accountId}", param != null && param.equals("accountId") ? value : stranger.accountId());
    // parameters of operations added later: the fuzzed one gets its value, the others a plain one
    if (param != null) p = p.replace("{" + param + "}", value);
    return p.replaceAll("\\{[^}/]+\\}", "x");
  }

  static Map<String, String> auth(String token) {
    Map<String, String> h = new LinkedHashMap<>();
    if (token != null) h.put("Authorization", "Bearer " + token);
    return h;
  }

  /** A body the contract accepts, for the operations whose valid request would still be refused or is harmless. */
  static ObjectNode base(ContractCases cases, Operation op) {
    Map<String, Object> o = new LinkedHashMap<>();
    switch (op.id()) {
      case "authChallenge", "authVerify" -> {
        o.put("chain", "solana");
        o.put("address", owner.address());
        if (op.id().equals("authVerify")) {
          o.put("message", "x");
          o.put("signature", "x");
        }
      }
      case "createQuote", "createBooking" -> {
        // a region no host is in: valid, and still refused (409) or priced (200) with nothing stored
        o.put("cpu", 1);
        o.put("memoryMb", 128);
        o.put("durationSeconds", 60);
        o.put("region", "nowhere-" + REGION);
        if (op.id().equals("createBooking")) o.put("command", List.of("sleep", "1"));
      }
      case "resizeBooking" -> o.put("cpu", 1);
      default -> { }
    }
    return cases.validBody(op, o);
  }

  @Test
  void everyHostileRequestIsRefusedInPlainWordsAndChangesNothing() throws Exception {
    ContractCases cases = new ContractCases(SEED);
    List<Case> corpus = new ArrayList<>();
    for (Operation op : cases.operations) {
      Map<String, String> who = op.secured() ? auth(owner.token()) : auth(null);
      String path = path(op, null, null);
      if (op.hasBody()) corpus.addAll(cases.bodyCases(op, path, who, base(cases, op)));
      corpus.addAll(cases.queryCases(op, path, who));
      corpus.addAll(cases.pathCases(op, who, (param, value) -> path(op, param, value)));
      corpus.addAll(credentialCases(op, path));
    }
    corpus.addAll(signatureCases());
    corpus.addAll(otherRequestCases());
    Collections.shuffle(corpus, new Random(SEED));
    if (corpus.size() > MAX_CASES) corpus = corpus.subList(0, MAX_CASES);

    Map<String, String> before = db.fingerprint();
    List<String> failures = new ArrayList<>();
    Map<Integer, Integer> statuses = new java.util.TreeMap<>();
    long started = System.nanoTime();
    for (Case c : corpus) {
      RawHttp.Answer a = raw.send(c.method(), c.path(), c.headers(), c.body());
      // a pooled connection the server closed after a previous refusal: the request never arrived, send it again
      if (a.status() == -1) a = raw.send(c.method(), c.path(), c.headers(), c.body());
      statuses.merge(a.status(), 1, Integer::sum);
      String wrong = Refusals.check(c, a);
      if (wrong != null) failures.add(c + ": " + wrong + "\n      got " + a);
    }
    Map<String, String> after = db.fingerprint();
    System.out.printf("HttpFuzzTest: %d cases over %d operations in %.1f s, statuses %s, %d failures (seed %d)%n", corpus.size(),
        cases.operations.size(), (System.nanoTime() - started) / 1e9, statuses, failures.size(), SEED);
    failures.stream().limit(40).forEach(f -> System.out.println("  FAIL " + f));
    java.nio.file.Files.write(java.nio.file.Path.of("target", "fuzz-http-failures.txt"), failures);

    assertThat(after).as("the database after %d refused requests", corpus.size()).isEqualTo(before);
    assertThat(failures).as("refusals that are not plain 4xx problems naming what is wrong (seed " + SEED + ")").isEmpty();
    assertThat(corpus.size()).as("corpus size").isGreaterThan(500);
  }

  /** For a secured operation: no, garbage, expired, foreign-signed, unsigned credentials, and another account's. */
  List<Case> credentialCases(Operation op, String path) {
    List<Case> out = new ArrayList<>();
    if (!op.secured()) return out;
    long now = System.currentTimeMillis() / 1000;
    byte[] body = null;
    Map<String, String> json = new LinkedHashMap<>();
    if (op.hasBody()) {
      body = ContractCases.bytes(base(new ContractCases(SEED), op).toString());
      json.put("Content-Type", "application/json");
    }
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("no credential", null);
    tokens.put("garbage token", "not-a-token");
    tokens.put("expired token", Tokens.hs256(GatewayNodes.JWT_SECRET, owner.accountId(), now - 7200, now - 3600));
    tokens.put("token signed with another key", Tokens.hs256("another-secret-another-secret-another-secret", owner.accountId(), now, now + 3600));
    tokens.put("unsigned token", Tokens.unsigned(owner.accountId()));
    tokens.put("unknown API key", "rp_" + Base58.encode(new byte[9]) + "." + Base58.encode(new byte[32]));
    tokens.put("malformed API key", "rp_nodot");
    for (Map.Entry<String, String> t : tokens.entrySet()) {
      Map<String, String> h = new LinkedHashMap<>(json);
      h.putAll(auth(t.getValue()));
      out.add(new Case(op.id(), t.getKey(), op.method(), path, h, body, null, 401));
    }
    Map<String, String> basic = new LinkedHashMap<>(json);
    basic.put("Authorization", "Basic dXNlcjpwYXNz");
    out.add(new Case(op.id(), "basic credentials", op.method(), path, basic, body, null, 401));
    // another account's token on the owner's booking or team: as if it did not exist (or forbidden)
    if (path.contains(bookingId) || path.contains(teamId)) {
      Map<String, String> h = new LinkedHashMap<>(json);
      h.putAll(auth(stranger.token()));
      if (op.id().equals("deleteTeamMember")) return out; // a member may remove themself: not a refusal
      out.add(new Case(op.id(), "another account's token", op.method(), path, h, body, null, ContractCases.ANY_4XX));
    }
    return out;
  }

  /** Sign-in with signatures that are forged, of another key, of another message, or replayed. */
  List<Case> signatureCases() {
    List<Case> out = new ArrayList<>();
    Map<String, String> json = Map.of("Content-Type", "application/json");
    Ed25519.Keys wallet = Ed25519.generate();
    String address = wallet.publicKeyBase58();
    // a sign-in that succeeded: its message and signature replayed must not sign in again
    String message = challenge(address);
    String signature = Base58.encode(wallet.sign(message.getBytes(StandardCharsets.UTF_8)));
    Http.Response first = http.post("/v1/auth/verify", verify("solana", address, message, signature));
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    out.add(new Case("authVerify", "replayed signature", "POST", "/v1/auth/verify", json, ContractCases.bytes(verify("solana", address, message, signature)), null, 401));
    String fresh = challenge(address);
    Ed25519.Keys other = Ed25519.generate();
    out.add(new Case("authVerify", "signed by another key", "POST", "/v1/auth/verify", json,
        ContractCases.bytes(verify("solana", address, fresh, Base58.encode(other.sign(fresh.getBytes(StandardCharsets.UTF_8))))), null, 401));
    out.add(new Case("authVerify", "signature of another message", "POST", "/v1/auth/verify", json,
        ContractCases.bytes(verify("solana", address, fresh, Base58.encode(wallet.sign("something else".getBytes(StandardCharsets.UTF_8))))), null, 401));
    out.add(new Case("authVerify", "signature not base58", "POST", "/v1/auth/verify", json,
        ContractCases.bytes(verify("solana", address, fresh, "0OIl+/=")), null, 401));
    out.add(new Case("authVerify", "message altered", "POST", "/v1/auth/verify", json,
        ContractCases.bytes(verify("solana", address, fresh.replace("Sign in", "Sign over"), Base58.encode(wallet.sign(fresh.getBytes(StandardCharsets.UTF_8))))), null, 401));
    out.add(new Case("authVerify", "no nonce in the message", "POST", "/v1/auth/verify", json,
        ContractCases.bytes(verify("solana", address, "hello", "x")), null, 401));
    String eth = "0x" + "ab".repeat(20);
    String ethMessage = challengeFor("ethereum", eth);
    for (String sig : List.of("0x" + "00".repeat(65), "0x" + "ff".repeat(65), "0x" + "1b".repeat(65), "0x12", "zz")) {
      out.add(new Case("authVerify", "forged Ethereum signature " + ContractCases.abbreviate(sig, 12), "POST", "/v1/auth/verify", json,
          ContractCases.bytes(verify("ethereum", eth, ethMessage, sig)), null, 401));
    }
    out.add(new Case("authChallenge", "address not base58", "POST", "/v1/auth/challenge", json,
        ContractCases.bytes("{\"chain\":\"solana\",\"address\":\"0OIl\"}"), "address", 400));
    out.add(new Case("authChallenge", "address not hex", "POST", "/v1/auth/challenge", json,
        ContractCases.bytes("{\"chain\":\"ethereum\",\"address\":\"0xzz\"}"), "address", 400));
    return out;
  }

  /** Methods and paths the contract does not have. */
  List<Case> otherRequestCases() {
    List<Case> out = new ArrayList<>();
    out.add(new Case("-", "unknown path", "GET", "/v1/nothing-here", Map.of(), null, null, 404));
    out.add(new Case("-", "unknown method", "DELETE", "/v1/hosts", Map.of(), null, null, ContractCases.ANY_4XX));
    out.add(new Case("-", "path of 6000 characters", "GET", "/v1/" + "a".repeat(6000), Map.of(), null, null, ContractCases.ANY_4XX));
    out.add(new Case("-", "header of 20000 characters", "GET", "/v1/hosts", Map.of("X-Fuzz", "a".repeat(20_000)), null, null, ContractCases.ANY_4XX));
    return out;
  }

  static String challenge(String address) {
    return challengeFor("solana", address);
  }

  static String challengeFor(String chain, String address) {
    Http.Response c = http.post("/v1/auth/challenge", Http.json(Map.of("chain", chain, "address", address)));
    assertThat(c.status()).as(c.toString()).isEqualTo(200);
    return c.json().path("message").asText();
  }

  static String verify(String chain, String address, String message, String signature) {
    return Http.json(Map.of("chain", chain, "address", address, "message", message, "signature", signature));
  }

  @Test
  void theCredentialsTheFuzzerForgesWouldWorkIfTheyWereValid() {
    // the control for "expired" and "another key": the same hand-made token, valid and signed with the node's key, is accepted
    long now = System.currentTimeMillis() / 1000;
    String good = Tokens.hs256(GatewayNodes.JWT_SECRET, owner.accountId(), now, now + 600);
    JsonNode account = http.get("/v1/account", good).json();
    assertThat(account.path("accountId").asText()).isEqualTo(owner.accountId());
  }
}

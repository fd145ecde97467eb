package io.respool.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.TestHost;
import io.respool.gateway.testing.Wallets;
import io.respool.gateway.testing.Ws;
import io.respool.protocol.crypto.Base58;
import io.respool.protocol.crypto.Ed25519;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.host.HostFrames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, part 2, the two WebSocket protocols: hostile frames on the host control channel (before
 * and after registration: garbage, wrong versions and types, forged and replayed registration
 * signatures, frames for another host, oversized and binary frames) and on the events socket (bad
 * commands, unknown topics, credentials that must not work). Each is answered with an error that says
 * what is wrong and/or a clean close with a reason — never an abnormal close — and the node's own
 * database is unchanged afterwards. Seeded like {@link HttpFuzzTest}.
 */
class WebSocketFuzzTest {
  static final long SEED = Long.getLong("respool.fuzz.seed", System.nanoTime());
  static DatabaseState db;
  static Gateway node;
  static Http http;
  static TestHost held; // a registered host whose session receives garbage
  static Wallets.Session owner;

  @BeforeAll
  static void start() throws Exception {
    System.out.println("WebSocketFuzzTest seed = " + SEED + " (replay with -Drespool.fuzz.seed=" + SEED + ")");
    db = DatabaseState.fresh("fuzz_ws");
    node = GatewayNodes.start(Map.of("pgUrl", db.pgUrl, "heartbeatTimeoutMs", "3600000", "reconcileIntervalMs", "600000",
        "meterIntervalMs", "60000", "challengesPerMinute", "1000000"));
    http = new Http(node.port());
    held = HttpFuzzTest.connect(node.port());
    assertThat(held.register("fuzz-ws").path("type").asText()).isEqualTo("registered");
    owner = Wallets.signIn(http);
  }

  @AfterAll
  static void stop() {
    if (held != null) held.close();
    if (node != null) node.close();
  }

  /** One frame to send on a fresh connection; {@code binary} frames are sent as bytes. */
  record Frame(String what, String text, boolean binary) {
    static Frame text(String what, String text) { return new Frame(what, text, false); }
  }

  @Test
  void hostileFramesAreAnsweredWithAReasonAndChangeNothing() throws Exception {
    Random random = new Random(SEED);
    List<String> failures = new ArrayList<>();
    int cases = 0;
    Map<String, String> before = db.fingerprint();

    // the control channel before registration: every refusal is an error frame and a close with a reason
    for (Function<String, Frame> c : controlCases(random)) {
      try (TestHost h = HttpFuzzTest.connect(node.port())) {
        Frame f = c.apply(h.nonce);
        cases++;
        send(h.ws, f);
        String wrong = refusedAndClosed(h.ws, true);
        if (wrong != null) failures.add("control channel [" + f.what() + "]: " + wrong);
      }
    }

    // the registered session: each bad frame gets an error naming the problem, and the session stays
    for (Frame f : registeredCases(random)) {
      cases++;
      send(held.ws, f);
      String wrong = null;
      try {
        JsonNode answer = held.ws.until(n -> !"ping".equals(n.path("type").asText()), 10);
        if (!"error".equals(answer.path("type").asText())) wrong = "answered " + answer;
        else wrong = Refusals.plain(answer.path("message").asText());
      } catch (AssertionError e) {
        wrong = "no answer: " + e.getMessage();
      }
      if (held.ws.closed.isDone()) wrong = "the registered session was closed: " + held.ws.closed.join();
      if (wrong != null) failures.add("registered session [" + f.what() + "]: " + wrong);
    }

    // the events socket: an error message with the reason, or (oversized) a close with one
    for (Frame f : eventsCases(random)) {
      cases++;
      try (Ws ws = Ws.connect(node.port(), "/v1/events")) {
        send(ws, f);
        String wrong = errorMessageOrClose(ws);
        if (wrong != null) failures.add("events [" + f.what() + "]: " + wrong);
      }
    }
    Map<String, String> after = db.fingerprint();
    System.out.printf("WebSocketFuzzTest: %d cases, %d failures (seed %d)%n", cases, failures.size(), SEED);
    failures.forEach(f -> System.out.println("  FAIL " + f));
    assertThat(after).as("the database after the refused frames").isEqualTo(before);
    assertThat(failures).as("seed " + SEED).isEmpty();
    // the registered session survived it all
    JsonNode ack = held.heartbeat(held.id, 1);
    assertThat(ack.path("type").asText()).as(ack.toString()).isEqualTo("ack");
  }

  static void send(Ws ws, Frame f) {
    if (f.binary()) ws.sendBytes(f.text().getBytes(StandardCharsets.UTF_8));
    else ws.send(f.text());
  }

  /** Null if the unregistered connection was refused: an optional error frame with a plain reason, then a close with a reason. */
  static String refusedAndClosed(Ws ws, boolean errorFrameExpected) {
    Ws.Closed closed;
    try {
      closed = ws.awaitClose(15);
    } catch (AssertionError e) {
      return "not closed";
    }
    if (closed.code() != 1008 && closed.code() != 1009 && closed.code() != 1003) return "closed with " + closed;
    if (closed.reason() == null || closed.reason().isBlank()) return "closed without a reason";
    String plain = Refusals.plain(closed.reason());
    return plain == null ? null : "close reason: " + plain;
  }

  static String errorMessageOrClose(Ws ws) {
    try {
      JsonNode n = ws.next(10);
      if (!"error".equals(n.path("type").asText())) return "answered " + n;
      return Refusals.plain(n.path("message").asText());
    } catch (AssertionError | RuntimeException e) {
      if (ws.closed.isDone()) return refusedAndClosed(ws, false);
      return "no answer and no close: " + e.getMessage();
    }
  }

  static String oversized(Random random) {
    return "{\"v\":1,\"type\":\"heartbeat\",\"id\":\"" + "x".repeat(HostFrames.MAX_FRAME_BYTES + 1 + random.nextInt(10_000)) + "\"}";
  }

  /** Frames a fresh, unregistered connection sends; built from its challenge's nonce. */
  static List<Function<String, Frame>> controlCases(Random random) {
    Ed25519.Keys key = Ed25519.generate();
    Ed25519.Keys other = Ed25519.generate();
    String id = key.publicKeyBase58();
    Function<Map<String, Object>, String> json = m -> Http.json(m);
    List<Function<String, Frame>> out = new ArrayList<>();
    for (String garbage : List.of("", "hello", "null", "[]", "42", "{\"v\":1", "{\"v\":1,\"type\":\"register\"} x",
        "{\"v\":1,\"v\":1,\"type\":\"heartbeat\",\"id\":\"h\",\"hostId\":\"x\",\"seq\":1}", "{\"type\":\"heartbeat\"}",
        "{\"v\":2,\"type\":\"heartbeat\"}", "{\"v\":\"1\",\"type\":\"heartbeat\"}", "{\"v\":1,\"type\":\"nonsense\"}", "{\"v\":1,\"type\":7}",
        "{\"v\":1,\"type\":\"heartbeat\",\"id\":\"h\",\"hostId\":\"x\",\"seq\":99999999999999999999}",
        "{\"v\":1,\"type\":\"heartbeat\",\"id\":\"h\\u0000\",\"hostId\":\"x\",\"seq\":1}",
        "{\"v\":1,\"type\":\"heartbeat\",\"id\":\"h\",\"hostId\":\"\\ud800\",\"seq\":1}",
        "{\"v\":1,\"a\":" + "[".repeat(3000 + random.nextInt(3000)) + "]".repeat(3000) + "}")) {
      out.add(nonce -> Frame.text("garbage " + ContractCases.abbreviate(garbage, 30), garbage));
    }
    out.add(nonce -> new Frame("binary frame", "{\"v\":1}", true));
    out.add(nonce -> Frame.text("oversized frame", oversized(random)));
    out.add(nonce -> Frame.text("heartbeat before registering", HostFrames.encode(new HostFrame.Heartbeat("h1", id, 1))));
    out.add(nonce -> Frame.text("usage before registering", "{\"v\":1,\"type\":\"task.usage\",\"id\":\"u1\",\"samples\":[]}"));
    out.add(nonce -> Frame.text("registration signed by another key", HostFrames.encode(new HostFrame.Register("r1", id, nonce,
        Base58.encode(other.sign(HostFrame.Register.signingText(id, nonce).getBytes(StandardCharsets.UTF_8))), TestHost.info("fuzz-ws")))));
    String stale = "stale-nonce-" + random.nextInt(1000);
    out.add(nonce -> Frame.text("registration replayed from another connection", HostFrames.encode(new HostFrame.Register("r1", id, stale,
        Base58.encode(key.sign(HostFrame.Register.signingText(id, stale).getBytes(StandardCharsets.UTF_8))), TestHost.info("fuzz-ws")))));
    out.add(nonce -> Frame.text("registration answering the right nonce with the old signature", HostFrames.encode(new HostFrame.Register("r1", id,
        nonce, Base58.encode(key.sign(HostFrame.Register.signingText(id, stale).getBytes(StandardCharsets.UTF_8))), TestHost.info("fuzz-ws")))));
    out.add(nonce -> Frame.text("signature not base58", HostFrames.encode(new HostFrame.Register("r1", id, nonce, "0OIl", TestHost.info("fuzz-ws")))));
    out.add(nonce -> Frame.text("host id not base58", HostFrames.encode(new HostFrame.Register("r1", "0OIl", nonce, "abc", TestHost.info("fuzz-ws")))));
    out.add(nonce -> Frame.text("registration without host info", json.apply(Map.of("v", 1, "type", "register", "id", "r1", "hostId", id,
        "nonce", nonce, "signature", Base58.encode(key.sign(HostFrame.Register.signingText(id, nonce).getBytes(StandardCharsets.UTF_8)))))));
    return out;
  }

  /** Frames the registered session sends; none may change anything. */
  static List<Frame> registeredCases(Random random) {
    List<Frame> out = new ArrayList<>();
    out.add(Frame.text("not JSON", "garbage " + random.nextInt(1000)));
    out.add(Frame.text("wrong version", "{\"v\":9,\"type\":\"heartbeat\"}"));
    out.add(Frame.text("unknown type", "{\"v\":1,\"type\":\"self-destruct\"}"));
    out.add(Frame.text("duplicate key", "{\"v\":1,\"type\":\"heartbeat\",\"id\":\"h\",\"id\":\"h\",\"hostId\":\"x\",\"seq\":1}"));
    out.add(Frame.text("heartbeat for another host", HostFrames.encode(new HostFrame.Heartbeat("h2", Ed25519.generate().publicKeyBase58(), 2))));
    out.add(Frame.text("a gateway's frame", HostFrames.encode(new HostFrame.Challenge("n", "node"))));
    out.add(Frame.text("register again", HostFrames.encode(new HostFrame.Register("r2", held.id, held.nonce,
        held.signature(held.keys, held.id, held.nonce), TestHost.info("fuzz-ws")))));
    out.add(Frame.text("NUL in a field", "{\"v\":1,\"type\":\"heartbeat\",\"id\":\"h\\u0000\",\"hostId\":\"x\",\"seq\":1}"));
    out.add(Frame.text("huge sequence number", "{\"v\":1,\"type\":\"heartbeat\",\"id\":\"h\",\"hostId\":\"" + held.id + "\",\"seq\":1" + "0".repeat(30) + "}"));
    out.add(new Frame("binary frame", "{}", true));
    return out;
  }

  static List<Frame> eventsCases(Random random) {
    long now = System.currentTimeMillis() / 1000;
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("garbage token", "not-a-token");
    tokens.put("expired token", Tokens.hs256(GatewayNodes.JWT_SECRET, owner.accountId(), now - 7200, now - 3600));
    tokens.put("token signed with another key", Tokens.hs256("another-secret-another-secret-another-secret", owner.accountId(), now, now + 3600));
    tokens.put("unsigned token", Tokens.unsigned(owner.accountId()));
    List<Frame> out = new ArrayList<>();
    for (String garbage : List.of("hello", "", "null", "[]", "{\"type\":\"subscribe\"}", "{\"type\":\"subscribe\",\"topic\":\"secrets\"}",
        "{\"type\":\"dance\",\"topic\":\"hosts\"}", "{\"type\":\"subscribe\",\"topic\":\"hosts\",\"lastEventId\":-1}",
        "{\"type\":\"subscribe\",\"topic\":\"hosts\",\"lastEventId\":\"x\"}", "{\"type\":\"subscribe\",\"topic\":\"hosts\",\"lastEventId\":99999999999999999999}",
        "{\"type\":\"subscribe\",\"topic\":\"hosts\",\"topic\":\"bookings\"}", "{\"type\":\"subscribe\",\"topic\":\"hosts\\u0000\"}",
        "{\"type\":\"subscribe\",\"topic\":\"hosts\",\"bogus\":1}", "{\"type\":\"subscribe\",\"topic\":\"bookings\"}",
        "{\"a\":" + "[".repeat(3000 + random.nextInt(3000)) + "]".repeat(3000) + "}")) {
      out.add(Frame.text(ContractCases.abbreviate(garbage, 40), garbage));
    }
    tokens.forEach((what, token) -> out.add(Frame.text("bookings with " + what,
        "{\"type\":\"subscribe\",\"topic\":\"bookings\",\"token\":\"" + token + "\"}")));
    out.add(new Frame("binary frame", "{}", true));
    out.add(Frame.text("oversized frame", oversized(random)));
    return out;
  }
}

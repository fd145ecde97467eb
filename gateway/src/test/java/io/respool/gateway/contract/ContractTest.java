package io.respool.gateway.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.ContractSchemas;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Poll;
import io.respool.gateway.testing.ScriptedHost;
import io.respool.gateway.testing.TestHost;
import io.respool.gateway.testing.Ws;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.crypto.Base58;
import io.respool.protocol.crypto.Ed25519;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, the typed contract: every operation of {@code openapi.yaml} is driven to real answers
 * (its success and its main refusals) on a real node (PostgreSQL, Redis, a host on the control
 * channel), and every answer is checked against the schema its operation declares for that status
 * and media type ({@link ContractSchemas}); the {@code /v1/events} messages against
 * {@code EventsMessage}. A status the contract does not declare, a body that drifted from its
 * schema, or a declared answer no call here produced (unless listed in {@link #NOT_DRIVEN} with why)
 * fails the test. The routes the node serves and the contract's operations are the same set.
 */
class ContractTest {
  /** Declared answers this test cannot produce on one healthy node, and why. */
  static final Map<String, String> NOT_DRIVEN = Map.of(
      "ready 503", "needs PostgreSQL or Redis down (GatewayCrashIT stops them; /ready is checked there)");

  static final ContractSchemas CONTRACT = ContractSchemas.get();
  static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  static Gateway node;
  static Http http;
  static ScriptedHost host;
  static TestHost deaf; // registered, never answers a ping
  static Ws events;
  static final List<String> messages = new CopyOnWriteArrayList<>();
  static final String REGION = "contract-" + Long.toString(System.nanoTime(), 36);
  static final Ed25519.Keys ADMIN = Ed25519.generate();

  /** (operation status) pairs answered, and the mismatches found. */
  static final Set<String> seen = new TreeSet<>();
  static final List<String> failures = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    node = GatewayNodes.start(Map.of("allowUnpaidBookings", "true", "meterIntervalMs", "500", "reconcileIntervalMs", "500",
        "heartbeatIntervalMs", "30000", "heartbeatTimeoutMs", "120000", "optimizerIntervalMs", "500", "admins", ADMIN.publicKeyBase58()));
    http = new Http(node.port());
  }

  @AfterAll
  static void stop() {
    if (events != null) events.close();
    if (host != null) host.close();
    if (deaf != null) deaf.close();
    if (node != null) node.close();
  }

  /** One call: the answer is recorded and checked against the contract; returns it for the next step. */
  static Http.Response call(String operationId, String method, String path, String body, String token) {
    return call(operationId, method, path, body, token, null);
  }

  static Http.Response call(String operationId, String method, String path, String body, String token, String accept) {
    Http.Response r = http.send(method, path, body, token, "application/json", accept);
    record(operationId, r.status(), r.contentType(), r.text());
    return r;
  }

  static void record(String operationId, int status, String contentType, String body) {
    seen.add(operationId + " " + status);
    String wrong = CONTRACT.check(operationId, status, contentType, body);
    if (wrong != null) {
      System.out.println("ContractTest: " + wrong);
      failures.add(wrong);
    }
  }

  /** The answer should have {@code status}; a different one is reported with the rest at the end (the steps after it go on). */
  static Http.Response expect(int status, Http.Response r) {
    if (r.status() != status) {
      String wrong = "expected " + status + ", got " + r;
      System.out.println("ContractTest: " + wrong);
      failures.add(wrong);
    }
    return r;
  }

  record Session(String token, String accountId) {}

  /** Signs in through the two operations, both checked. */
  static Session signIn() {
    return signIn(Ed25519.generate());
  }

  static Session signIn(Ed25519.Keys keys) {
    String address = keys.publicKeyBase58();
    Http.Response c = expect(200, call("authChallenge", "POST", "/v1/auth/challenge", json(Map.of("chain", "solana", "address", address)), null));
    String message = c.json().path("message").asText();
    String signature = Base58.encode(keys.sign(message.getBytes(StandardCharsets.UTF_8)));
    Http.Response v = expect(200, call("authVerify", "POST", "/v1/auth/verify",
        json(Map.of("chain", "solana", "address", address, "message", message, "signature", signature)), null));
    return new Session(v.json().path("token").asText(), v.json().path("accountId").asText());
  }

  @Test
  void everyOperationAnswersWhatTheContractSays() throws Exception {
    // the events socket first, so it sees what follows
    events = Ws.connect(node.port(), "/v1/events");
    seen.add("events 101");
    Thread.ofVirtual().start(() -> {
      while (!events.closed.isDone()) {
        try {
          messages.add(events.next(1).toString());
        } catch (AssertionError quiet) {
          // nothing this second
        }
      }
    });

    // --- operational ---------------------------------------------------------------------------
    expect(200, call("health", "GET", "/health", null, null));
    expect(200, call("ready", "GET", "/ready", null, null));
    expect(200, call("metrics", "GET", "/metrics", null, null));
    expect(200, call("contract", "GET", "/openapi.yaml", null, null));

    // --- sign-in, account ----------------------------------------------------------------------
    Session owner = signIn();
    Session stranger = signIn();
    events.send("{\"type\":\"subscribe\",\"topic\":\"hosts\"}");
    events.send("{\"type\":\"subscribe\",\"topic\":\"bookings\",\"token\":\"" + owner.token() + "\"}");
    events.send("{\"type\":\"subscribe\",\"topic\":\"nothing\"}");
    expect(400, call("authChallenge", "POST", "/v1/auth/challenge", json(Map.of("chain", "bitcoin", "address", "x")), null));
    expect(400, call("authVerify", "POST", "/v1/auth/verify", json(Map.of("chain", "solana", "address", "x")), null));
    expect(401, call("authVerify", "POST", "/v1/auth/verify",
        json(Map.of("chain", "solana", "address", Ed25519.generate().publicKeyBase58(), "message", "hello", "signature", "1111")), null));
    expect(200, call("getAccount", "GET", "/v1/account", null, owner.token()));
    expect(201, call("createApiKey", "POST", "/v1/account/api-keys", json(Map.of("name", "ci")), owner.token()));
    expect(400, call("createApiKey", "POST", "/v1/account/api-keys", json(Map.of("name", "")), owner.token()));
    expect(200, call("getSshKeys", "GET", "/v1/account/ssh-keys", null, owner.token()));
    expect(200, call("putSshKeys", "PUT", "/v1/account/ssh-keys", json(Map.of("keys", List.of(
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKvaPbn7fo/K3JMazaEwqS8CJsbwuaLb+XT3hWo7k7LB alice@laptop"))), owner.token()));
    expect(200, call("getSshKeys", "GET", "/v1/account/ssh-keys", null, owner.token()));
    expect(400, call("putSshKeys", "PUT", "/v1/account/ssh-keys", json(Map.of("keys", List.of("ssh-dss AAAA nope"))), owner.token()));

    // --- hosts ---------------------------------------------------------------------------------
    host = new ScriptedHost(node.port(), TestHost.info(REGION, List.of("process")));
    seen.add("hostConnect 101");
    expect(400, call("hostConnect", "GET", "/v1/hosts/connect", null, null));
    expect(400, call("events", "GET", "/v1/events", null, null));
    expect(200, call("listHosts", "GET", "/v1/hosts?region=" + REGION, null, null));
    expect(200, call("listHosts", "GET", "/v1/hosts?limit=1", null, null));
    expect(400, call("listHosts", "GET", "/v1/hosts?limit=0", null, null));
    expect(200, call("getHost", "GET", "/v1/hosts/" + host.id(), null, null));
    expect(404, call("getHost", "GET", "/v1/hosts/nohost", null, null));
    expect(200, call("pingHost", "POST", "/v1/hosts/" + host.id() + "/ping", null, owner.token()));
    expect(409, call("pingHost", "POST", "/v1/hosts/nohost/ping", null, owner.token()));
    // the host's own account: its payout is nobody's here, so an admin-less caller is refused as if it did not exist
    expect(404, call("getHostEarnings", "GET", "/v1/hosts/" + host.id() + "/earnings", null, stranger.token()));
    expect(404, call("getHostSuggestions", "GET", "/v1/hosts/" + host.id() + "/suggestions", null, stranger.token()));

    // --- quotes --------------------------------------------------------------------------------
    Map<String, Object> demand = Map.of("cpu", 2, "memoryMb", 2048, "durationSeconds", 3600, "region", REGION);
    Http.Response quote = expect(200, call("createQuote", "POST", "/v1/quotes", json(demand), null));
    assertThat(quote.json().path("plans").size()).as(quote.toString()).isPositive();
    Http.Response none = expect(200, call("createQuote", "POST", "/v1/quotes", json(Map.of("cpu", 1, "durationSeconds", 60, "region", "nowhere")), null));
    assertThat(none.json().has("refusal")).as(none.toString()).isTrue();
    expect(400, call("createQuote", "POST", "/v1/quotes", json(Map.of("cpu", 1)), null));

    // --- teams ---------------------------------------------------------------------------------
    String teamId = expect(201, call("createTeam", "POST", "/v1/teams", json(Map.of("name", "contract")), owner.token())).json().path("id").asText();
    expect(400, call("createTeam", "POST", "/v1/teams", json(Map.of("name", "")), owner.token()));
    expect(200, call("listTeams", "GET", "/v1/teams", null, owner.token()));
    expect(200, call("getTeam", "GET", "/v1/teams/" + teamId, null, owner.token()));
    expect(404, call("getTeam", "GET", "/v1/teams/" + teamId, null, stranger.token()));
    String member = "/v1/teams/" + teamId + "/members/" + stranger.accountId();
    expect(200, call("putTeamMember", "PUT", member, json(Map.of("role", "member")), owner.token()));
    expect(403, call("putTeamMember", "PUT", "/v1/teams/" + teamId + "/members/" + owner.accountId(), json(Map.of("role", "member")), stranger.token()));
    expect(400, call("putTeamMember", "PUT", member, json(Map.of("role", "boss")), owner.token()));
    expect(404, call("putTeamMember", "PUT", "/v1/teams/noteam/members/" + stranger.accountId(), json(Map.of("role", "member")), owner.token()));
    expect(409, call("putTeamMember", "PUT", "/v1/teams/" + teamId + "/members/" + owner.accountId(), json(Map.of("role", "member")), owner.token()));
    expect(200, call("putTeamQuota", "PUT", "/v1/teams/" + teamId + "/quota", json(Map.of("cpu", 8)), owner.token()));
    expect(403, call("putTeamQuota", "PUT", "/v1/teams/" + teamId + "/quota", json(Map.of("cpu", 8)), stranger.token()));
    expect(404, call("putTeamQuota", "PUT", "/v1/teams/noteam/quota", json(Map.of("cpu", 8)), owner.token()));
    expect(400, call("putTeamQuota", "PUT", "/v1/teams/" + teamId + "/quota", json(Map.of("cpu", -1)), owner.token()));
    expect(403, call("deleteTeamMember", "DELETE", "/v1/teams/" + teamId + "/members/" + owner.accountId(), null, stranger.token()));
    expect(409, call("deleteTeamMember", "DELETE", "/v1/teams/" + teamId + "/members/" + owner.accountId(), null, owner.token()));
    expect(404, call("deleteTeamMember", "DELETE", "/v1/teams/noteam/members/" + owner.accountId(), null, owner.token()));
    expect(204, call("deleteTeamMember", "DELETE", member, null, owner.token()));

    // --- bookings ------------------------------------------------------------------------------
    Map<String, Object> booking = new LinkedHashMap<>(demand);
    booking.put("command", List.of("sleep", "3600"));
    booking.put("teamId", teamId);
    Http.Response created = expect(201, call("createBooking", "POST", "/v1/bookings", json(booking), owner.token()));
    String id = created.json().path("id").asText();
    host.await("task.start", 10);
    JsonNode running = Poll.booking(http, id, owner.token(), b -> b.path("state").asText().equals("RUNNING"), "running");
    String taskId = running.path("tasks").get(0).path("taskId").asText();
    expect(409, call("putTeamQuota", "PUT", "/v1/teams/" + teamId + "/quota", json(Map.of("cpu", 1)), owner.token()));
    // the terminal: a real upgrade (v5.channel.k8s.io) into the running booking
    int terminal = upgrade("/v1/bookings/" + id + "/terminal?command=true", owner.token(), "v5.channel.k8s.io");
    if (terminal == 101) seen.add("bookingTerminal 101");
    else failures.add("the terminal upgrade was refused with " + terminal);
    expect(400, call("createBooking", "POST", "/v1/bookings", json(Map.of("cpu", 1, "durationSeconds", 60, "paymentChain", "bitcoin")), owner.token()));
    expect(404, call("createBooking", "POST", "/v1/bookings", json(Map.of("cpu", 1, "memoryMb", 64, "durationSeconds", 60, "command", List.of("true"),
        "teamId", "noteam")), owner.token()));
    expect(409, call("createBooking", "POST", "/v1/bookings", json(Map.of("cpu", 1, "memoryMb", 64, "durationSeconds", 60, "command", List.of("true"),
        "region", "nowhere")), owner.token()));
    expect(200, call("listBookings", "GET", "/v1/bookings", null, owner.token()));
    expect(200, call("listBookings", "GET", "/v1/bookings?teamId=" + teamId + "&state=RUNNING&limit=5", null, owner.token()));
    expect(400, call("listBookings", "GET", "/v1/bookings?state=LOST", null, owner.token()));
    expect(200, call("getBooking", "GET", "/v1/bookings/" + id, null, owner.token()));
    expect(404, call("getBooking", "GET", "/v1/bookings/" + id, null, stranger.token()));

    host.report(taskId, 150, 0.1, 200); // 0.1 cores and 200 MiB of the 2 and 2048 reserved: a DOWNSIZE to apply
    expect(200, call("getBookingUsage", "GET", "/v1/bookings/" + id + "/usage?step=30", null, owner.token()));
    expect(400, call("getBookingUsage", "GET", "/v1/bookings/" + id + "/usage?from=2020-01-02T00:00:00Z&to=2020-01-01T00:00:00Z",
        null, owner.token()));
    expect(404, call("getBookingUsage", "GET", "/v1/bookings/nobooking/usage", null, owner.token()));
    Http.Response logs = expect(200, call("getBookingLogs", "GET", "/v1/bookings/" + id + "/logs", null, owner.token()));
    assertThat(logs.json().path("tasks").get(0).path("stdout").asText()).isEqualTo("scripted output\n");
    expect(400, call("getBookingLogs", "GET", "/v1/bookings/" + id + "/logs?maxBytes=0", null, owner.token()));
    expect(404, call("getBookingLogs", "GET", "/v1/bookings/nobooking/logs", null, owner.token()));
    expect(200, call("getBookingPayment", "GET", "/v1/bookings/" + id + "/payment", null, owner.token()));
    expect(404, call("getBookingPayment", "GET", "/v1/bookings/nobooking/payment", null, owner.token()));
    expect(200, call("getBookingInvoice", "GET", "/v1/bookings/" + id + "/invoice", null, owner.token()));
    Http.Response csv = expect(200, call("getBookingInvoice", "GET", "/v1/bookings/" + id + "/invoice", null, owner.token(), "text/csv"));
    assertThat(csv.contentType()).startsWith("text/csv");
    expect(404, call("getBookingInvoice", "GET", "/v1/bookings/nobooking/invoice", null, owner.token()));
    expect(200, call("listBookingSessions", "GET", "/v1/bookings/" + id + "/sessions", null, owner.token()));
    expect(404, call("listBookingSessions", "GET", "/v1/bookings/nobooking/sessions", null, owner.token()));
    expect(400, call("bookingTerminal", "GET", "/v1/bookings/" + id + "/terminal", null, owner.token()));

    // suggestions: the DOWNSIZE the samples call for, applied once
    Http.Response view = expect(200, call("getBookingSuggestions", "GET", "/v1/bookings/" + id + "/suggestions", null, owner.token()));
    String suggestionId = null;
    for (JsonNode s : view.json().path("suggestions")) if (s.path("actionable").asBoolean()) suggestionId = s.path("id").asText();
    assertThat(suggestionId).as("an actionable suggestion: " + view).isNotNull();
    expect(404, call("getBookingSuggestions", "GET", "/v1/bookings/nobooking/suggestions", null, owner.token()));
    expect(200, call("applySuggestion", "POST", "/v1/suggestions/" + suggestionId + "/apply", null, owner.token()));
    expect(409, call("applySuggestion", "POST", "/v1/suggestions/" + suggestionId + "/apply", null, owner.token()));
    expect(404, call("applySuggestion", "POST", "/v1/suggestions/sg_00000000000000000000/apply", null, owner.token()));

    expect(200, call("resizeBooking", "PATCH", "/v1/bookings/" + id, json(Map.of("memoryMb", 1024)), owner.token()));
    expect(409, call("resizeBooking", "PATCH", "/v1/bookings/" + id, json(Map.of("cpu", 64)), owner.token()));
    expect(400, call("resizeBooking", "PATCH", "/v1/bookings/" + id, json(Map.of("cpu", -1)), owner.token()));
    expect(404, call("resizeBooking", "PATCH", "/v1/bookings/nobooking", json(Map.of("cpu", 1)), owner.token()));
    expect(200, call("extendBooking", "POST", "/v1/bookings/" + id + "/extend", json(Map.of("seconds", 600)), owner.token()));
    expect(400, call("extendBooking", "POST", "/v1/bookings/" + id + "/extend", json(Map.of("seconds", 0)), owner.token()));
    expect(404, call("extendBooking", "POST", "/v1/bookings/nobooking/extend", json(Map.of("seconds", 60)), owner.token()));
    // a running booking's cost is metered every 500 ms: the socket sees one before the stop ends the running
    Poll.until(() -> null, x -> messages.stream().anyMatch(m -> m.contains("\"booking.cost\"")), Duration.ofSeconds(30),
        "a booking.cost event while the booking runs");
    expect(200, call("stopBooking", "POST", "/v1/bookings/" + id + "/stop", null, owner.token()));
    expect(404, call("stopBooking", "POST", "/v1/bookings/nobooking/stop", null, owner.token()));
    Poll.booking(http, id, owner.token(), b -> Set.of("STOPPED", "SETTLED").contains(b.path("state").asText()), "stopped");
    expect(409, call("stopBooking", "POST", "/v1/bookings/" + id + "/stop", null, owner.token()));
    expect(409, call("extendBooking", "POST", "/v1/bookings/" + id + "/extend", json(Map.of("seconds", 60)), owner.token()));
    expect(200, call("getBookingInvoice", "GET", "/v1/bookings/" + id + "/invoice", null, owner.token()));
    expect(200, call("getBookingSuggestions", "GET", "/v1/bookings/" + id + "/suggestions", null, owner.token()));

    // the host's side, for the account it pays out to: an admin sees any host
    Session admin = signIn(ADMIN);
    expect(200, call("getHostEarnings", "GET", "/v1/hosts/" + host.id() + "/earnings", null, admin.token()));
    expect(200, call("getHostSuggestions", "GET", "/v1/hosts/" + host.id() + "/suggestions", null, admin.token()));

    // a registered host that never answers: the ping times out
    deaf = new TestHost(node.port());
    assertThat(deaf.register(TestHost.info(REGION)).path("type").asText()).isEqualTo("registered");
    expect(504, call("pingHost", "POST", "/v1/hosts/" + deaf.id + "/ping", null, owner.token()));

    // --- every secured operation without a credential: 401 ---------------------------------------
    for (ContractSchemas.Operation op : CONTRACT.operations()) {
      if (!op.secured()) continue;
      String path = op.path().replace("{id}", "x").replace("{accountId}", "y");
      String body = validBody(op.id());
      call(op.id(), op.method(), path, body, null);
    }

    // --- the events seen meanwhile ----------------------------------------------------------------
    events.send("{\"type\":\"unsubscribe\",\"topic\":\"hosts\"}");
    Poll.until(() -> null, x -> messages.stream().anyMatch(m -> m.contains("\"unsubscribed\"")), Duration.ofSeconds(10), "unsubscribed");
    Poll.until(() -> null, x -> messages.stream().anyMatch(m -> m.contains("\"suggestion.created\"")), Duration.ofSeconds(30),
        "a suggestion.created event");
    Set<String> types = new LinkedHashSet<>();
    for (String m : messages) {
      JsonNode n = JSON.readTree(m);
      types.add(n.path("type").asText() + (n.has("event") ? " " + n.path("event").path("type").asText() : ""));
      String wrong = CONTRACT.checkSchema("EventsMessage", m);
      if (wrong != null) failures.add("/v1/events: " + wrong);
    }
    System.out.println("ContractTest: answers " + seen + "; event messages " + types);
    assertThat(types).contains("subscribed", "unsubscribed", "error", "event host.joined", "event booking.running", "event booking.task",
        "event booking.cost", "event booking.stopped", "event booking.extended", "event suggestion.created");

    assertThat(failures).as("answers that do not match the contract").isEmpty();
    Set<String> declared = new TreeSet<>();
    for (ContractSchemas.Operation op : CONTRACT.operations()) {
      for (String status : op.spec().getJsonObject("responses").fieldNames()) declared.add(op.id() + " " + status);
    }
    Set<String> missing = new TreeSet<>(declared);
    missing.removeAll(seen);
    missing.removeAll(NOT_DRIVEN.keySet());
    assertThat(missing).as("declared answers no call produced").isEmpty();
  }

  /** A body the contract accepts, for the operations that take one. */
  static String validBody(String operationId) {
    return switch (operationId) {
      case "createApiKey", "createTeam" -> json(Map.of("name", "x"));
      case "putSshKeys" -> json(Map.of("keys", List.of()));
      case "putTeamMember" -> json(Map.of("role", "member"));
      case "putTeamQuota" -> "{}";
      case "createBooking" -> json(Map.of("cpu", 1, "memoryMb", 64, "durationSeconds", 60, "command", List.of("true")));
      case "resizeBooking" -> json(Map.of("cpu", 1));
      case "extendBooking" -> json(Map.of("seconds", 60));
      default -> null;
    };
  }

  static String json(Object o) { return Http.json(o); }

  @Test
  void everyResponseWithContentHasASchemaAndEveryJsonSchemaIsTyped() {
    List<String> untyped = new ArrayList<>();
    for (ContractSchemas.Operation op : CONTRACT.operations()) {
      for (String status : op.spec().getJsonObject("responses").fieldNames()) {
        JsonObject r = CONTRACT.response(op.id(), Integer.parseInt(status));
        JsonObject content = r.getJsonObject("content");
        if (status.equals("101") || status.equals("204")) {
          if (content != null) untyped.add(op.id() + " " + status + " has content");
          continue;
        }
        if (content == null || content.isEmpty()) {
          untyped.add(op.id() + " " + status + " has no content");
          continue;
        }
        for (String type : content.fieldNames()) {
          JsonObject schema = content.getJsonObject(type).getJsonObject("schema");
          if (schema == null) untyped.add(op.id() + " " + status + " " + type + " has no schema");
          else if (type.endsWith("json") && !schema.containsKey("$ref")) {
            untyped.add(op.id() + " " + status + " " + type + " is not a named schema of components/schemas: " + schema.encode());
          }
        }
      }
    }
    assertThat(untyped).isEmpty();
  }

  @Test
  void theProblemTypesAreTheErrorCodes() {
    List<String> inContract = CONTRACT.document().getJsonObject("components").getJsonObject("schemas").getJsonObject("Problem")
        .getJsonObject("properties").getJsonObject("type").getJsonArray("enum").stream().map(Object::toString).toList();
    assertThat(inContract).containsExactlyInAnyOrderElementsOf(Arrays.stream(ErrorCode.values()).map(ErrorCode::type).toList());
  }

  @Test
  void theNodeServesExactlyTheContractsOperations() {
    Set<String> served = new TreeSet<>(node.routes());
    Set<String> contract = new TreeSet<>();
    for (ContractSchemas.Operation op : CONTRACT.operations()) contract.add(op.method() + " " + op.path().replaceAll("\\{([^}]+)}", ":$1"));
    assertThat(served).as("routes of the node").isEqualTo(contract);
    // the WebSocket endpoints: the node upgrades exactly the contract's operations with a 101
    List<String> upgraded = new ArrayList<>();
    for (ContractSchemas.Operation op : CONTRACT.operations()) {
      if (op.spec().getJsonObject("responses").containsKey("101")) upgraded.add(op.path());
    }
    assertThat(upgraded).containsExactlyInAnyOrder("/v1/events", "/v1/hosts/connect", "/v1/bookings/{id}/terminal");
    try (Ws ws = Ws.connect(node.port(), "/v1/events")) {
      ws.send("{\"type\":\"subscribe\",\"topic\":\"hosts\"}");
      assertThat(ws.next().path("type").asText()).isEqualTo("subscribed");
    }
    assertThat(upgrade("/v1/nothing", null, null)).as("an upgrade anywhere else").isEqualTo(404);
  }

  /** 101 when the WebSocket upgrade of {@code path} is accepted (the socket is closed at once), else the status it is refused with. */
  static int upgrade(String path, String token, String protocol) {
    try {
      java.net.http.WebSocket.Builder b = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder();
      if (token != null) b.header("Authorization", "Bearer " + token);
      if (protocol != null) b.subprotocols(protocol);
      b.buildAsync(java.net.URI.create("ws://127.0.0.1:" + node.port() + path), new java.net.http.WebSocket.Listener() {})
          .get(15, java.util.concurrent.TimeUnit.SECONDS).abort();
      return 101;
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof java.net.http.WebSocketHandshakeException h) return h.getResponse().statusCode();
      throw new AssertionError(e);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}

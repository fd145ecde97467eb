package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.ContractSchemas;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Poll;
import io.respool.infra.Databases;
import io.respool.testing.TestServices;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongUnaryOperator;
import java.util.function.Predicate;

/**
 * What the settlement ITs of both chains share: a gateway node paid on a devnet, reaching the chain's
 * node through an {@link RpcProxy} (so a test can take the node away), one host-worker in the test's
 * region, and the test database; booking, following a booking and its one deposit, and a settlement
 * carried through an RPC outage. The chain's own settings, wallets and checks stay in each IT.
 */
final class PaidGateway implements AutoCloseable {
  /** The node's pace in these tests: rounds of 200 ms, a stop within a second, short heartbeats, ten minutes to pay. */
  static final Map<String, String> PACE = Map.of("reconcileIntervalMs", "200", "stopGraceSeconds", "1", "resendAfterSeconds", "2",
      "heartbeatIntervalMs", "500", "heartbeatTimeoutMs", "2000", "meterIntervalMs", "200", "paymentWindowSeconds", "600");

  /** Starts the host-worker, given the node's port. */
  interface HostStart {
    Worker start(int port) throws Exception;
  }

  final String region;
  final RpcProxy rpc;
  final Gateway node;
  final Http http;
  final Worker host;
  final Pool db;

  private PaidGateway(String region, RpcProxy rpc, Gateway node, Worker host) {
    this.region = region;
    this.rpc = rpc;
    this.node = node;
    this.http = new Http(node.port());
    this.host = host;
    this.db = Databases.pool(node.vertx(), TestServices.get().pgUrl, 2);
  }

  /** A node with {@link #PACE} and the chain's settings (given the proxy's URL, to reach the chain at {@code chainRpcUrl}), then its host. */
  static PaidGateway start(String region, String chainRpcUrl, Function<String, Map<String, String>> chainSettings, HostStart host) throws Exception {
    RpcProxy rpc = RpcProxy.start(chainRpcUrl);
    Gateway node = null;
    try {
      Map<String, String> settings = new HashMap<>(chainSettings.apply(rpc.url()));
      settings.putAll(PACE);
      node = GatewayNodes.start(settings);
      return new PaidGateway(region, rpc, node, host.start(node.port()));
    } catch (Exception | Error e) {
      if (node != null) node.close();
      rpc.close();
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    host.close();
    node.close();
    rpc.close();
  }

  /** Books 0.5 core and 64 MB in the region for {@code seconds}, running a sleep, with the chain's {@code terms} (currency, paymentChain, …). */
  JsonNode book(String token, long seconds, Map<String, Object> terms) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("cpu", 0.5);
    b.put("memoryMb", 64);
    b.put("durationSeconds", seconds);
    b.put("region", region);
    b.putAll(terms);
    b.put("command", List.of("/bin/sh", "-c", "exec sleep 600"));
    Http.Response r = http.post("/v1/bookings", Http.json(b), token);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().path("state").asText()).isEqualTo("PENDING_PAYMENT");
    return r.json();
  }

  JsonNode payment(String token, String id) {
    Http.Response r = http.get("/v1/bookings/" + id + "/payment", token);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    // every state of the deposit a test passes through, as the contract's PaymentInstructions (issue 16)
    assertThat(ContractSchemas.get().check("getBookingPayment", 200, r.contentType(), r.text())).isNull();
    return r.json();
  }

  JsonNode deposit(String token, String id) {
    JsonNode deposits = payment(token, id).path("deposits");
    assertThat(deposits.size()).as("one host, one deposit").isEqualTo(1);
    return deposits.get(0);
  }

  JsonNode awaitDeposit(String token, String id, Predicate<JsonNode> done, String what) {
    return Poll.until(() -> deposit(token, id), done, Duration.ofSeconds(60), "deposit of " + id + " " + what);
  }

  JsonNode await(String token, String id, String state) {
    return Poll.booking(http, id, token, b -> b.path("state").asText().equals(state), state);
  }

  /** Runs a booking until the host has billed at least {@code billed}, stops it; returns the stopped booking. */
  JsonNode runAndStop(String token, String id, long billed) {
    await(token, id, "RUNNING");
    Poll.until(() -> http.get("/v1/bookings/" + id + "/invoice", token).json(), i -> i.path("total").asLong() >= billed,
        Duration.ofSeconds(60), "a few seconds billed");
    Http.Response stop = http.post("/v1/bookings/" + id + "/stop", "", token);
    assertThat(stop.status()).as(stop.toString()).isEqualTo(200);
    return await(token, id, "STOPPED");
  }

  /**
   * Stops a running booking while the chain's node takes its settlement but the answer never reaches
   * the gateway, and then the node is gone: the gateway keeps trying (and is refused), the booking
   * stays STOPPED and its deposit SETTLING. Then the node restarts ({@code restartNode}, its chain
   * kept), the gateway reaches it again and the booking is SETTLED; returns the settled deposit.
   */
  JsonNode settleThroughAnRpcOutage(String token, String id, long billed, Runnable restartNode) {
    rpc.mode(RpcProxy.Mode.SWALLOW_NEXT_SEND);
    runAndStop(token, id, billed);
    Poll.until(() -> IntNode.valueOf(rpc.swallowed()), n -> n.asInt() == 1, Duration.ofSeconds(60), "the settlement sent to the node");
    int refusedBefore = rpc.refused();
    Poll.until(() -> IntNode.valueOf(rpc.refused()), n -> n.asInt() > refusedBefore + 5, Duration.ofSeconds(60), "the gateway retrying");
    assertThat(http.get("/v1/bookings/" + id, token).json().path("state").asText()).isEqualTo("STOPPED");
    assertThat(deposit(token, id).path("state").asText()).isEqualTo("SETTLING");
    restartNode.run();
    rpc.mode(RpcProxy.Mode.PASS);
    await(token, id, "SETTLED");
    return deposit(token, id);
  }

  /**
   * The deposit of a settled booking that cost {@code cost}, checked against its invoice: it used what
   * was billed (at least {@code atLeast}, less than the cost), the fee ({@code fee} of it, positive), the
   * host's share and the refund are the invoice's.
   */
  JsonNode settledAsInvoiced(String token, String id, long cost, long atLeast, LongUnaryOperator fee) {
    JsonNode settled = deposit(token, id);
    JsonNode invoice = http.get("/v1/bookings/" + id + "/invoice", token).json();
    long used = settled.path("used").asLong();
    assertThat(used).as("what was metered, and nothing more").isEqualTo(invoice.path("billed").asLong()).isEqualTo(invoice.path("total").asLong())
        .isGreaterThanOrEqualTo(atLeast).isLessThan(cost);
    assertThat(settled.path("fee").asLong()).isEqualTo(fee.applyAsLong(used)).isEqualTo(invoice.path("fee").asLong()).isPositive();
    assertThat(settled.path("hostAmount").asLong()).isEqualTo(used - fee.applyAsLong(used));
    assertThat(settled.path("refund").asLong()).isEqualTo(cost - used).isEqualTo(invoice.path("refund").asLong());
    return settled;
  }

  List<Row> rows(String sql, Object... params) throws Exception {
    List<Row> out = new ArrayList<>();
    db.preparedQuery(sql).execute(Tuple.from(params)).await(10, TimeUnit.SECONDS).forEach(out::add);
    return out;
  }

  /** A node started while its chain's RPC is down: {@code /ready} is 503 and its detail says each of {@code says}; the node serves the rest. */
  static void notReady(Http http, String... says) {
    Http.Response r = http.get("/ready", null);
    assertThat(r.status()).as(r.toString()).isEqualTo(503);
    assertThat(r.json().path("detail").asText()).contains(says);
    assertThat(http.get("/v1/hosts", null).status()).as("the node serves the rest").isEqualTo(200);
  }

  /**
   * A booking paid on {@code chain} made while payments on it wait for the node: placed (201), its
   * deposit with nothing to sign yet and a note saying why. Returns its id.
   */
  static String bookWhilePaymentsWait(Http http, String token, String region, String currency, String chain) {
    Map<String, Object> b = new LinkedHashMap<>(Map.of("cpu", 0.5, "memoryMb", 64, "durationSeconds", 600, "region", region,
        "currency", currency, "paymentChain", chain, "command", List.of("/bin/sh", "-c", "exec sleep 600")));
    Http.Response r = http.post("/v1/bookings", Http.json(b), token);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    String id = r.json().path("id").asText();
    JsonNode waiting = http.get("/v1/bookings/" + id + "/payment", token).json().path("deposits").get(0);
    assertThat(waiting.path("calls")).isEmpty();
    assertThat(waiting.path("note").asText()).contains("has not answered");
    return id;
  }

  /** Waits (bounded) until the node is ready again, payments on every chain included. */
  static void readyAgain(Http http) {
    Poll.until(() -> http.get("/ready", null).json(), x -> "READY".equals(x.path("status").asText()) && x.path("payments").isEmpty(),
        Duration.ofSeconds(60), "ready again, payments included");
  }
}

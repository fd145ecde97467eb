package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Poll;
import io.respool.gateway.testing.Views;
import io.respool.gateway.testing.Wallets.Session;
import io.respool.settlement.EscrowChain.WalletCall;
import io.respool.settlement.evm.AnvilDevnet;
import io.respool.settlement.evm.generated.RentalEscrow;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.web3j.crypto.Credentials;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * What happens when the gateway does not settle: the renter takes the whole deposit back after
 * the rental's expiry + grace, and the gateway records it; and a gateway node that stops with a
 * settlement in flight leaves it to the next node, which finishes it from the stored transaction.
 * And a gateway started while its chain node is unreachable starts anyway, says payments on
 * ethereum are not ready, and takes and settles them once the node answers.
 * Its own devnet (chain 31338, grace 60 s), because the first test moves the chain's clock.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EthereumRecoveryIT {
  static final String REGION = "eth-recovery-" + Long.toString(System.nanoTime(), 36);

  static AnvilDevnet chain;
  static RpcProxy rpc;
  static Gateway node;
  static Http http;
  static Worker host;

  @BeforeAll
  static void start() throws Exception {
    chain = AnvilDevnet.start(Map.of("RESPOOL_ETH_BLOCK_TIME", "1", "RESPOOL_ETH_CHAIN_ID", "31338", "RESPOOL_ETH_GRACE", "60"));
    rpc = RpcProxy.start(chain.rpcUrl());
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) host.close();
    if (node != null) node.close();
    if (rpc != null) rpc.close();
    if (chain != null) chain.close();
  }

  /** A node on this devnet, with the operator key or without; a worker (plain processes) follows it. */
  static void startNode(boolean withKey, long expiryMarginSeconds) throws Exception {
    closeNode();
    Map<String, String> settings = new HashMap<>(Map.of("ethRpcUrl", rpc.url(), "ethChainId", Long.toString(chain.chainId()),
        "ethEscrows", "TUSD=" + chain.escrow("tUSD"), "ethConfirmations", "2", "ethPollIntervalMs", "200", "ethResendAfterSeconds", "1",
        "ethStartBlock", Long.toString(chain.deployBlock()), "ethExpiryMarginSeconds", Long.toString(expiryMarginSeconds),
        "paymentWindowSeconds", "60"));
    if (withKey) settings.put("ethOperatorKey", chain.operatorKey());
    settings.putAll(Map.of("reconcileIntervalMs", "200", "stopGraceSeconds", "1", "heartbeatIntervalMs", "500", "heartbeatTimeoutMs", "2000",
        "meterIntervalMs", "200"));
    node = GatewayNodes.start(settings);
    http = new Http(node.port());
    host = Worker.start(List.of(node.port()), REGION, null, Duration.ofSeconds(1), Eth.PRICES, chain.account(3).address());
  }

  static void closeNode() throws Exception {
    if (host != null) host.close();
    if (node != null) node.close();
    host = null;
    node = null;
  }

  static Session renter(int i) {
    return Eth.renter(chain, http, i);
  }

  /** Books a plain process for {@code seconds}, pays it from account {@code i}, waits until it runs. */
  static JsonNode bookPaidAndRunning(Session renter, int i, long seconds) {
    Map<String, Object> b = new LinkedHashMap<>(Map.of("cpu", 0.5, "memoryMb", 64, "durationSeconds", seconds, "region", REGION,
        "currency", "TUSD", "paymentChain", "ethereum", "command", List.of("/bin/sh", "-c", "exec sleep 600")));
    Http.Response r = http.post("/v1/bookings", Http.json(b), renter.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    String id = r.json().path("id").asText();
    JsonNode due = http.get("/v1/bookings/" + id + "/payment", renter.token()).json().path("deposits").get(0);
    Eth.send(chain, due.path("calls"), chain.account(i).privateKey());
    Poll.booking(http, id, renter.token(), x -> x.path("state").asText().equals("RUNNING"), "RUNNING");
    return r.json();
  }

  static JsonNode stopped(Session renter, String id) {
    Poll.until(() -> http.get("/v1/bookings/" + id + "/invoice", renter.token()).json(), x -> x.path("total").asLong() > 0,
        Duration.ofSeconds(60), "something billed");
    assertThat(http.post("/v1/bookings/" + id + "/stop", "", renter.token()).status()).isEqualTo(200);
    return Poll.booking(http, id, renter.token(), x -> x.path("state").asText().equals("STOPPED"), "STOPPED");
  }

  static JsonNode deposit(Session renter, String id) {
    return http.get("/v1/bookings/" + id + "/payment", renter.token()).json().path("deposits").get(0);
  }

  @Test
  @Order(1)
  void theRenterReclaimsEverythingAfterExpiryWhenTheGatewayNeverSettles() throws Exception {
    startNode(false, 60); // no operator key: this gateway watches but never settles
    Session renter = renter(2);
    String address = chain.account(2).address();
    BigInteger before = chain.tokenBalance(chain.stablecoin(), address);
    JsonNode booking = bookPaidAndRunning(renter, 2, 120);
    String id = booking.path("id").asText();
    long cost = booking.path("cost").asLong();
    assertThat(chain.tokenBalance(chain.stablecoin(), address)).isEqualTo(before.subtract(BigInteger.valueOf(cost)));
    stopped(renter, id);
    JsonNode pending = deposit(renter, id);
    assertThat(pending.path("state").asText()).as("the intent is written, nobody submits it").isEqualTo("SETTLING");
    byte[] rentalId = Numeric.hexStringToByteArray(pending.path("rentalId").asText());

    RentalEscrow asRenter = RentalEscrow.load(chain.escrow("tUSD"), chain.web3j(), Credentials.create(chain.account(2).privateKey()),
        new DefaultGasProvider());
    long reclaimableAt = asRenter.reclaimableAt(address, rentalId).send().longValueExact();
    assertThat(reclaimableAt).isEqualTo(pending.path("expiresAt").isTextual()
        ? java.time.Instant.parse(pending.path("expiresAt").asText()).getEpochSecond() + chain.graceSeconds() : -1);
    // too early: the contract refuses
    String reclaim = RentalEscrow.getABI_reclaim(rentalId);
    assertThat(chain.sendAllowingRevert(chain.account(2).privateKey(), new WalletCall("reclaim", chain.escrow("tUSD"), BigInteger.ZERO, reclaim))
        .isStatusOK()).isFalse();
    // another account may never reclaim, even late
    chain.increaseTime(reclaimableAt - chain.latestTimestamp() + 1);
    chain.mine(1);
    assertThat(chain.sendAllowingRevert(chain.account(5).privateKey(), new WalletCall("reclaim", chain.escrow("tUSD"), BigInteger.ZERO, reclaim))
        .isStatusOK()).isFalse();
    chain.send(chain.account(2).privateKey(), new WalletCall("reclaim", chain.escrow("tUSD"), BigInteger.ZERO, reclaim));
    assertThat(chain.tokenBalance(chain.stablecoin(), address)).as("everything back").isEqualTo(before);

    JsonNode reclaimed = Poll.until(() -> deposit(renter, id), d -> d.path("state").asText().equals("RECLAIMED"), Duration.ofSeconds(60),
        "the gateway sees the reclaim");
    assertThat(reclaimed.path("note").asText()).contains("reclaimed by the renter");
    JsonNode settled = Poll.booking(http, id, renter.token(), x -> x.path("state").asText().equals("SETTLED"), "SETTLED");
    assertThat(settled.path("reason").asText()).contains("reclaimed by the renter");
  }

  @Test
  @Order(2)
  void aSettlementInFlightWhenTheNodeStopsIsFinishedByTheNextNode() throws Exception {
    startNode(true, 3_600);
    Session renter = renter(4);
    JsonNode booking = bookPaidAndRunning(renter, 4, 600);
    String id = booking.path("id").asText();
    long cost = booking.path("cost").asLong();

    long nonceBefore = Eth.operatorNonce(chain);
    rpc.mode(RpcProxy.Mode.SWALLOW_NEXT_SEND); // the node gets the settlement, the gateway never hears back
    stopped(renter, id);
    Poll.until(() -> IntNode.valueOf(rpc.swallowed()), n -> n.asInt() == 1, Duration.ofSeconds(60), "the settlement sent");
    String stored = deposit(renter, id).path("rentalId").asText();
    assertThat(deposit(renter, id).path("state").asText()).isEqualTo("SETTLING");

    closeNode(); // the node stops with its transaction unconfirmed; another one starts and reaches the RPC node
    rpc.mode(RpcProxy.Mode.PASS);
    startNode(true, 3_600);
    JsonNode settled = Poll.booking(http, id, renter.token(), x -> x.path("state").asText().equals("SETTLED"), "SETTLED");
    assertThat(Views.transitions(settled)).endsWith("STOPPED", "SETTLED");
    JsonNode d = deposit(renter, id);
    assertThat(d.path("rentalId").asText()).isEqualTo(stored);
    long used = d.path("used").asLong();
    assertThat(used).isPositive();
    assertThat(d.path("refund").asLong()).isEqualTo(cost - used);
    assertThat(d.path("fee").asLong()).isEqualTo(used * chain.feeBps() / 10_000);
    assertThat(Eth.operatorNonce(chain) - nonceBefore).as("the next node sent no second settlement").isEqualTo(1);
  }

  @Test
  @Order(3)
  void aGatewayStartedWhileItsNodeIsUnreachableStartsReportsNotReadyAndCatchesUp() throws Exception {
    rpc.mode(RpcProxy.Mode.DOWN); // the chain's RPC does not answer while the gateway starts
    startNode(true, 3_600);
    // the node started and serves the rest; /ready says it is not ready while its chain's RPC is down,
    // naming the RPC and why payments on it wait
    PaidGateway.notReady(http, "ethereum rpc", "ethereum payments", "does not answer");
    // a paid booking can be made; its payment says why there is nothing to sign yet
    Session renter = renter(6);
    String id = PaidGateway.bookWhilePaymentsWait(http, renter.token(), REGION, "TUSD", "ethereum");

    // the RPC comes back: the gateway notices by itself, the renter pays, the booking runs and is settled
    rpc.mode(RpcProxy.Mode.PASS);
    PaidGateway.readyAgain(http);
    JsonNode due = deposit(renter, id);
    assertThat(due.path("calls")).isNotEmpty();
    Eth.send(chain, due.path("calls"), chain.account(6).privateKey());
    Poll.booking(http, id, renter.token(), x -> x.path("state").asText().equals("RUNNING"), "RUNNING");
    stopped(renter, id);
    JsonNode settled = Poll.booking(http, id, renter.token(), x -> x.path("state").asText().equals("SETTLED"), "SETTLED");
    assertThat(Views.transitions(settled)).endsWith("STOPPED", "SETTLED");
  }
}

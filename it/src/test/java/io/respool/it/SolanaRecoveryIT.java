package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Poll;
import io.respool.gateway.testing.Views;
import io.respool.protocol.crypto.Ed25519;
import io.respool.protocol.host.Payout;
import io.respool.settlement.solana.EscrowProgram;
import io.respool.settlement.solana.SolanaDevnet;
import io.respool.settlement.solana.SolanaRpc;
import java.time.Duration;
import java.time.Instant;
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

/**
 * When the gateway does not settle on Solana: the renter reclaims the whole deposit from the escrow
 * after expiry + grace (refused earlier, and to anyone else) and the gateway records it; and a node
 * stopped with its settlement in flight leaves it to the next node, which finishes it from the stored
 * transaction. Its own devnet (grace 2 s; the devnet's clock is the wall clock).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SolanaRecoveryIT {
  static final String REGION = "sol-recovery-" + Long.toString(System.nanoTime(), 36);

  static SolanaDevnet chain;
  static RpcProxy rpc;
  static EscrowProgram program;
  static String payout;
  static Gateway node;
  static Http http;
  static Worker host;

  @BeforeAll
  static void start() throws Exception {
    chain = SolanaDevnet.start(Map.of("RESPOOL_SOL_GRACE", "2"));
    program = new EscrowProgram(chain.programId());
    rpc = RpcProxy.start(chain.rpcUrl());
    payout = chain.wallet(SolanaDevnet.SOL).publicKeyBase58();
  }

  @AfterAll
  static void stop() throws Exception {
    closeNode();
    if (rpc != null) rpc.close();
    if (chain != null) chain.close();
  }

  static void startNode(boolean withKey, long expiryMarginSeconds, long paymentWindowSeconds) throws Exception {
    closeNode();
    Map<String, String> settings = new HashMap<>(Map.of("solanaRpcUrl", rpc.url(), "solanaProgramId", chain.programId(),
        "solanaPollIntervalMs", "200", "solanaResendAfterSeconds", "1", "solanaExpiryMarginSeconds", Long.toString(expiryMarginSeconds),
        "paymentWindowSeconds", Long.toString(paymentWindowSeconds)));
    if (withKey) settings.put("solanaOperatorKeyFile", chain.operatorKeyFile());
    settings.putAll(Map.of("reconcileIntervalMs", "200", "stopGraceSeconds", "1", "heartbeatIntervalMs", "500", "heartbeatTimeoutMs", "2000",
        "meterIntervalMs", "200"));
    node = GatewayNodes.start(settings);
    http = new Http(node.port());
    host = Worker.start(List.of(node.port()), REGION, null, Duration.ofSeconds(1), Sol.PRICES, new Payout(null, payout));
  }

  static void closeNode() throws Exception {
    if (host != null) host.close();
    if (node != null) node.close();
    host = null;
    node = null;
  }

  static JsonNode bookPaidAndRunning(Sol.Renter renter, long seconds) {
    Map<String, Object> b = new LinkedHashMap<>(Map.of("cpu", 0.5, "memoryMb", 64, "durationSeconds", seconds, "region", REGION,
        "currency", "SOL", "paymentChain", "solana", "command", List.of("/bin/sh", "-c", "exec sleep 600")));
    Http.Response r = http.post("/v1/bookings", Http.json(b), renter.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    String id = r.json().path("id").asText();
    Sol.pay(chain, http.get("/v1/bookings/" + id + "/payment", renter.token()).json().path("deposits").get(0).path("calls"), renter.wallet());
    Poll.booking(http, id, renter.token(), x -> x.path("state").asText().equals("RUNNING"), "RUNNING");
    return r.json();
  }

  static void stopped(Sol.Renter renter, String id) {
    Poll.until(() -> http.get("/v1/bookings/" + id + "/invoice", renter.token()).json(), x -> x.path("total").asLong() > 0,
        Duration.ofSeconds(60), "something billed");
    assertThat(http.post("/v1/bookings/" + id + "/stop", "", renter.token()).status()).isEqualTo(200);
    Poll.booking(http, id, renter.token(), x -> x.path("state").asText().equals("STOPPED"), "STOPPED");
  }

  static JsonNode deposit(Sol.Renter renter, String id) {
    return http.get("/v1/bookings/" + id + "/payment", renter.token()).json().path("deposits").get(0);
  }

  @Test
  @Order(1)
  void theRenterReclaimsEverythingAfterExpiryWhenTheGatewayNeverSettles() throws Exception {
    startNode(false, 1, 5); // no operator key: this gateway watches but never settles; rentals expire 1 s after deadline + duration
    Sol.Renter renter = Sol.renter(chain, http, 100 * SolanaDevnet.SOL);
    long before = chain.balance(renter.address());
    JsonNode booking = bookPaidAndRunning(renter, 10);
    String id = booking.path("id").asText();
    long cost = booking.path("cost").asLong();
    long rent = chain.rpc().minimumBalanceForRentExemption(EscrowProgram.ESCROW_SIZE);
    assertThat(chain.balance(renter.address())).isEqualTo(before - cost - rent - 5_000);
    stopped(renter, id);
    JsonNode pending = deposit(renter, id);
    assertThat(pending.path("state").asText()).as("the intent is written, nobody submits it").isEqualTo("SETTLING");
    String escrow = pending.path("escrow").asText();
    long reclaimableAt = Instant.parse(pending.path("expiresAt").asText()).getEpochSecond() + chain.graceSeconds();

    // too early: the program refuses (the node's preflight says why)
    if (Instant.now().getEpochSecond() < reclaimableAt - 1) {
      assertThatThrownBy(() -> chain.send(renter.wallet(), program.reclaim(renter.address(), escrow)))
          .isInstanceOfSatisfying(SolanaRpc.Refused.class, r -> assertThat(r.err()).contains("\"Custom\":19"));
    }
    // anyone else, ever: refused
    Ed25519.Keys other = chain.wallet(SolanaDevnet.SOL);
    assertThatThrownBy(() -> chain.send(other, program.reclaim(other.publicKeyBase58(), escrow))).isInstanceOf(SolanaRpc.Refused.class);
    // from expiry + grace on the chain's clock (the wall clock), the renter takes it all back
    String sig = Poll.until(() -> {
      try {
        return TextNode.valueOf(chain.send(renter.wallet(), program.reclaim(renter.address(), escrow)));
      } catch (SolanaRpc.Refused tooEarly) {
        assertThat(tooEarly.err()).contains("\"Custom\":19");
        return null;
      }
    }, x -> x != null, Duration.ofSeconds(60), "reclaimable").asText();
    assertThat(sig).isNotBlank();
    assertThat(chain.balance(renter.address())).as("everything back but two fees").isEqualTo(before - 10_000);

    JsonNode reclaimed = Poll.until(() -> deposit(renter, id), d -> d.path("state").asText().equals("RECLAIMED"), Duration.ofSeconds(60),
        "the gateway sees the reclaim");
    assertThat(reclaimed.path("note").asText()).contains("reclaimed by the renter");
    assertThat(reclaimed.path("settleTx").asText()).isEqualTo(sig);
    JsonNode settled = Poll.booking(http, id, renter.token(), x -> x.path("state").asText().equals("SETTLED"), "SETTLED");
    assertThat(settled.path("reason").asText()).contains("reclaimed by the renter");
    assertThat(cost).isPositive();
  }

  @Test
  @Order(2)
  void aSettlementInFlightWhenTheNodeStopsIsFinishedByTheNextNode() throws Exception {
    startNode(true, 3_600, 600);
    Sol.Renter renter = Sol.renter(chain, http, 100 * SolanaDevnet.SOL);
    JsonNode booking = bookPaidAndRunning(renter, 600);
    String id = booking.path("id").asText();
    long cost = booking.path("cost").asLong();
    long operatorTxs = Sol.transactionsOf(chain, chain.operator());

    rpc.mode(RpcProxy.Mode.SWALLOW_NEXT_SEND); // the node gets the settlement, the gateway never hears back
    stopped(renter, id);
    Poll.until(() -> IntNode.valueOf(rpc.swallowed()), n -> n.asInt() == 1, Duration.ofSeconds(60), "the settlement sent");
    assertThat(deposit(renter, id).path("state").asText()).isEqualTo("SETTLING");

    closeNode(); // this node stops with its transaction unconfirmed; the next one reaches the RPC server
    rpc.mode(RpcProxy.Mode.PASS);
    startNode(true, 3_600, 600);
    JsonNode settled = Poll.booking(http, id, renter.token(), x -> x.path("state").asText().equals("SETTLED"), "SETTLED");
    assertThat(Views.transitions(settled)).endsWith("STOPPED", "SETTLED");
    JsonNode d = deposit(renter, id);
    long used = d.path("used").asLong();
    assertThat(used).isPositive();
    assertThat(d.path("refund").asLong()).isEqualTo(cost - used);
    assertThat(d.path("fee").asLong()).isEqualTo(used * chain.feeBps() / 10_000);
    assertThat(Sol.transactionsOf(chain, chain.operator()) - operatorTxs).as("the next node sent no second settlement").isEqualTo(1);
  }

  @Test
  @Order(3)
  void aGatewayStartedWhileItsSolanaNodeIsUnreachableStartsReportsNotReadyAndCatchesUp() throws Exception {
    rpc.mode(RpcProxy.Mode.DOWN); // the Solana RPC does not answer while the gateway starts
    startNode(true, 3_600, 600);
    PaidGateway.notReady(http, "solana payments", "does not answer");
    // a booking paid on Solana can be made; its payment says why there is nothing to sign yet
    Sol.Renter renter = Sol.renter(chain, http, 100 * SolanaDevnet.SOL);
    String id = PaidGateway.bookWhilePaymentsWait(http, renter.token(), REGION, "SOL", "solana");

    // the RPC comes back: the gateway notices by itself, the renter pays, the booking runs and is settled
    rpc.mode(RpcProxy.Mode.PASS);
    PaidGateway.readyAgain(http);
    JsonNode due = deposit(renter, id);
    assertThat(due.path("calls")).isNotEmpty();
    Sol.pay(chain, due.path("calls"), renter.wallet());
    Poll.booking(http, id, renter.token(), x -> x.path("state").asText().equals("RUNNING"), "RUNNING");
    stopped(renter, id);
    JsonNode settled = Poll.booking(http, id, renter.token(), x -> x.path("state").asText().equals("SETTLED"), "SETTLED");
    assertThat(Views.transitions(settled)).endsWith("STOPPED", "SETTLED");
  }
}

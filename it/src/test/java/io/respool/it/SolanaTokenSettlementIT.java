package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Poll;
import io.respool.gateway.testing.Views;
import io.respool.protocol.crypto.Ed25519;
import io.respool.protocol.host.Payout;
import io.respool.protocol.host.Prices;
import io.respool.settlement.solana.EscrowProgram;
import io.respool.settlement.solana.SolanaDevnet;
import io.respool.settlement.solana.SolanaRpc;
import io.respool.settlement.solana.SolanaTransactions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
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
 * Bookings priced in the devnet's test stablecoin (TUSD, an SPL token of 6 decimals) and paid on
 * Solana, end to end: the gateway reads the mint from the devnet's {@code solana.json}
 * ({@code solanaDevnet}), {@code GET /payment} gives the unsigned {@code open_token} the renter's
 * wallet signs (tokens from its associated token account into the escrow's vault), the booking runs
 * on a real host-worker, and after the stop the operator's {@code settle_token} pays, in token base
 * units and exactly, the host (whose token account the settlement creates: the host holds no SOL and
 * no token account), the treasury and the renter; the escrow's and vault's rent return to the renter.
 * On the way the booking is extended: the wallet signs the {@code top_up_token} it is given.
 * Then, with a gateway that has no operator key, the renter reclaims a token escrow after expiry +
 * grace and the gateway records it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SolanaTokenSettlementIT {
  static final String REGION = "sol-tusd-" + Long.toString(System.nanoTime(), 36);
  /** 36,000 TUSD per core-hour in base units: 0.5 core costs 5 TUSD (5,000,000 units) a second. */
  static final Prices PRICES = new Prices("TUSD", 36_000_000_000L, 0, 0, Map.of());
  static final long MINTED = 10_000_000_000L; // 10,000 TUSD

  static SolanaDevnet chain;
  static EscrowProgram program;
  static String payout;
  static Gateway node;
  static Http http;
  static Worker host;

  @BeforeAll
  static void start() {
    chain = SolanaDevnet.start(Map.of("RESPOOL_SOL_GRACE", "2"));
    program = new EscrowProgram(chain.programId());
    payout = Ed25519.generate().publicKeyBase58(); // no lamports, no token account
  }

  @AfterAll
  static void stop() throws Exception {
    closeNode();
    if (chain != null) chain.close();
  }

  static void startNode(boolean withKey, long expiryMarginSeconds, long paymentWindowSeconds) throws Exception {
    closeNode();
    Map<String, String> settings = new HashMap<>(Map.of("solanaPollIntervalMs", "200", "solanaResendAfterSeconds", "1",
        "solanaExpiryMarginSeconds", Long.toString(expiryMarginSeconds), "paymentWindowSeconds", Long.toString(paymentWindowSeconds)));
    if (withKey) {
      // everything from solana.json: RPC URL, program, operator key, treasury and the test stablecoin's mint as TUSD
      settings.put("solanaDevnet", chain.jsonFile().toString());
    } else {
      // named one by one, without a key: this node watches and never settles
      settings.putAll(Map.of("solanaRpcUrl", chain.rpcUrl(), "solanaProgramId", chain.programId(), "solanaTreasury", chain.treasury(),
          "solanaMints", "TUSD=" + chain.mint()));
    }
    settings.putAll(Map.of("reconcileIntervalMs", "200", "stopGraceSeconds", "1", "heartbeatIntervalMs", "500", "heartbeatTimeoutMs", "2000",
        "meterIntervalMs", "200"));
    node = GatewayNodes.start(settings);
    http = new Http(node.port());
    host = Worker.start(List.of(node.port()), REGION, null, Duration.ofSeconds(1), PRICES, new Payout(null, payout));
  }

  static void closeNode() throws Exception {
    if (host != null) host.close();
    if (node != null) node.close();
    host = null;
    node = null;
  }

  /** A renter signed in with a fresh Solana wallet holding 10 SOL (fees and rent) and 10,000 TUSD. */
  static Sol.Renter renter() {
    Sol.Renter r = Sol.renter(chain, http, 10 * SolanaDevnet.SOL);
    chain.mintTokens(r.address(), MINTED);
    return r;
  }

  static JsonNode book(Sol.Renter renter, long seconds) {
    Map<String, Object> b = new LinkedHashMap<>(Map.of("cpu", 0.5, "memoryMb", 64, "durationSeconds", seconds, "region", REGION,
        "currency", "TUSD", "paymentChain", "solana", "command", List.of("/bin/sh", "-c", "exec sleep 600")));
    Http.Response r = http.post("/v1/bookings", Http.json(b), renter.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  static JsonNode deposit(Sol.Renter renter, String id) {
    Http.Response r = http.get("/v1/bookings/" + id + "/payment", renter.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().path("deposits")).hasSize(1);
    return r.json().path("deposits").get(0);
  }

  static JsonNode await(Sol.Renter renter, String id, String state) {
    return Poll.booking(http, id, renter.token(), b -> b.path("state").asText().equals(state), state);
  }

  static void stopAfterSomeUse(Sol.Renter renter, String id) {
    Poll.until(() -> http.get("/v1/bookings/" + id + "/invoice", renter.token()).json(), i -> i.path("total").asLong() >= 10_000_000,
        Duration.ofSeconds(60), "a few seconds billed");
    Http.Response stop = http.post("/v1/bookings/" + id + "/stop", "", renter.token());
    assertThat(stop.status()).as(stop.toString()).isEqualTo(200);
    await(renter, id, "STOPPED");
  }

  @Test
  @Order(1)
  void aBookingPaidInTusdOnSolanaRunsAndSettlesExactTokenAmounts() throws Exception {
    startNode(true, 172_800, 600);
    Sol.Renter renter = renter();
    JsonNode booking = book(renter, 600);
    String id = booking.path("id").asText();
    long cost = booking.path("cost").asLong();
    assertThat(booking.path("currency").asText()).isEqualTo("TUSD");

    JsonNode due = deposit(renter, id);
    assertThat(due.path("state").asText()).isEqualTo("AWAITING");
    assertThat(due.path("payee").asText()).isEqualTo(payout);
    assertThat(due.path("amount").asLong()).isEqualTo(cost);
    assertThat(due.path("calls")).hasSize(1);
    JsonNode call = due.path("calls").get(0);
    assertThat(call.path("to").asText()).isEqualTo(chain.programId());
    assertThat(call.path("value").asLong()).as("no lamports beyond fees and rent").isZero();
    assertThat(call.path("description").asText()).contains("TUSD").contains(chain.mint());
    SolanaTransactions.Decoded tx = SolanaTransactions.decode(Base64.getDecoder().decode(call.path("transaction").asText()));
    assertThat(tx.accountKeys().get(0)).as("the renter pays the fee").isEqualTo(renter.address());
    assertThat(tx.accountKeys()).contains(chain.mint(), EscrowProgram.TOKEN_PROGRAM, EscrowProgram.associatedTokenAccount(renter.address(), chain.mint()),
        program.vault(due.path("escrow").asText()).address());

    long lamportsBefore = chain.balance(renter.address());
    long treasuryBefore = chain.tokenBalance(chain.treasury());
    long fundedFrom = System.nanoTime();
    Sol.pay(chain, due.path("calls"), renter.wallet());
    assertThat(chain.tokenBalance(renter.address())).isEqualTo(MINTED - cost);
    Poll.booking(http, id, renter.token(), b -> !b.path("state").asText().equals("PENDING_PAYMENT"), "funded");
    System.out.printf("TUSD on solana: funded %d ms after the open was confirmed%n", (System.nanoTime() - fundedFrom) / 1_000_000);
    JsonNode running = await(renter, id, "RUNNING");
    assertThat(Views.transitions(running)).startsWith("PENDING_PAYMENT", "FUNDED");
    JsonNode open = deposit(renter, id);
    assertThat(open.path("state").asText()).isEqualTo("OPEN");
    assertThat(open.path("deposited").asLong()).isEqualTo(cost);

    // an extension: the wallet signs the top_up_token GET /payment gives; the booking gets the time once it is read
    Http.Response asked = http.post("/v1/bookings/" + id + "/extend", "{\"seconds\":300}", renter.token());
    assertThat(asked.status()).as(asked.toString()).isEqualTo(200);
    JsonNode topUp = deposit(renter, id).path("calls");
    assertThat(topUp).hasSize(1);
    assertThat(topUp.get(0).path("description").asText()).startsWith("top up rental").contains("TUSD");
    Sol.pay(chain, topUp, renter.wallet());
    long newCost = Poll.booking(http, id, renter.token(), b -> b.path("durationSeconds").asLong() == 900, "extended to 900 s").path("cost").asLong();
    assertThat(newCost).isGreaterThan(cost);
    assertThat(deposit(renter, id).path("deposited").asLong()).isEqualTo(newCost);
    assertThat(EscrowProgram.tokenAmount(chain.rpc().account(program.vault(due.path("escrow").asText()).address(), "confirmed").orElseThrow().data()))
        .as("the vault holds the new deposit").isEqualTo(newCost);

    stopAfterSomeUse(renter, id);
    long stoppedAt = System.nanoTime();
    await(renter, id, "SETTLED");
    System.out.printf("TUSD on solana: settled %d ms after the stop (100 ms slots, confirmed)%n", (System.nanoTime() - stoppedAt) / 1_000_000);

    JsonNode settled = deposit(renter, id);
    JsonNode invoice = http.get("/v1/bookings/" + id + "/invoice", renter.token()).json();
    long used = settled.path("used").asLong();
    long fee = used * chain.feeBps() / 10_000;
    assertThat(used).isEqualTo(invoice.path("total").asLong()).isGreaterThanOrEqualTo(10_000_000).isLessThan(newCost);
    assertThat(settled.path("fee").asLong()).isEqualTo(fee).isPositive();
    assertThat(settled.path("hostAmount").asLong()).isEqualTo(used - fee);
    assertThat(settled.path("refund").asLong()).isEqualTo(newCost - used);
    // the chain agrees, to the base unit; the renter paid two signatures in SOL, both rents came back
    assertThat(chain.tokenBalance(payout)).isEqualTo(used - fee);
    assertThat(chain.tokenBalance(chain.treasury()) - treasuryBefore).isEqualTo(fee);
    assertThat(chain.tokenBalance(renter.address())).isEqualTo(MINTED - used);
    assertThat(lamportsBefore - chain.balance(renter.address())).as("two signatures: the open and the top-up").isEqualTo(10_000);
    assertThat(chain.balance(payout)).as("the host needs no SOL: its token account was created by the settlement").isZero();
    assertThat(chain.rpc().account(settled.path("escrow").asText(), "confirmed")).isEmpty();
    assertThat(chain.rpc().account(program.vault(settled.path("escrow").asText()).address(), "confirmed")).isEmpty();

    // a booking in a currency the gateway has no mint for is refused at booking time, in plain words
    Map<String, Object> b = new LinkedHashMap<>(Map.of("cpu", 0.5, "memoryMb", 64, "durationSeconds", 60, "region", REGION,
        "currency", "EURT", "paymentChain", "solana", "command", List.of("sleep", "1")));
    Http.Response refused = http.post("/v1/bookings", Http.json(b), renter.token());
    assertThat(refused.status()).as(refused.toString()).isBetween(400, 499);
  }

  @Test
  @Order(2)
  void theRenterReclaimsATokenEscrowAfterExpiryAndTheGatewayRecordsIt() throws Exception {
    startNode(false, 1, 5); // no operator key: nothing is settled; rentals expire 1 s after deadline + duration
    Sol.Renter renter = renter();
    JsonNode booking = book(renter, 10);
    String id = booking.path("id").asText();
    long cost = booking.path("cost").asLong();
    Sol.pay(chain, deposit(renter, id).path("calls"), renter.wallet());
    await(renter, id, "RUNNING");
    Poll.until(() -> http.get("/v1/bookings/" + id + "/invoice", renter.token()).json(), x -> x.path("total").asLong() > 0,
        Duration.ofSeconds(60), "something billed");
    assertThat(http.post("/v1/bookings/" + id + "/stop", "", renter.token()).status()).isEqualTo(200);
    await(renter, id, "STOPPED");
    JsonNode pending = deposit(renter, id);
    assertThat(pending.path("state").asText()).as("the intent is written, nobody submits it").isEqualTo("SETTLING");
    String escrow = pending.path("escrow").asText();
    assertThat(chain.tokenBalance(renter.address())).isEqualTo(MINTED - cost);

    // someone else cannot reclaim, ever
    Ed25519.Keys other = chain.wallet(SolanaDevnet.SOL);
    chain.mintTokens(other.publicKeyBase58(), 1);
    assertThatThrownBy(() -> chain.send(other, program.reclaimToken(other.publicKeyBase58(), escrow, chain.mint())))
        .isInstanceOf(SolanaRpc.Refused.class);
    // from expiry + grace on the chain's clock the renter takes every token back
    Poll.until(() -> {
      try {
        return TextNode.valueOf(chain.send(renter.wallet(), program.reclaimToken(renter.address(), escrow, chain.mint())));
      } catch (SolanaRpc.Refused tooEarly) {
        assertThat(tooEarly.err()).contains("\"Custom\":19");
        return null;
      }
    }, x -> x != null, Duration.ofSeconds(60), "reclaimable");
    assertThat(Instant.now().getEpochSecond()).isGreaterThanOrEqualTo(Instant.parse(pending.path("expiresAt").asText()).getEpochSecond());
    assertThat(chain.tokenBalance(renter.address())).isEqualTo(MINTED);
    JsonNode reclaimed = Poll.until(() -> deposit(renter, id), d -> d.path("state").asText().equals("RECLAIMED"), Duration.ofSeconds(30),
        "the gateway records the reclaim");
    assertThat(reclaimed.path("settleTx").asText()).isNotEmpty();
    await(renter, id, "SETTLED");
  }
}

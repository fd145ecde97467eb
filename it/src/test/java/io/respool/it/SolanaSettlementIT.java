package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Poll;
import io.respool.gateway.testing.Views;
import io.respool.protocol.crypto.Ed25519;
import io.respool.protocol.host.Payout;
import io.respool.settlement.solana.EscrowProgram;
import io.respool.settlement.solana.SolanaDevnet;
import io.respool.settlement.solana.SolanaTransactions;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Solana payment and settlement end to end, on the devnet (the real program on litesvm, 100 ms
 * slots, read at {@code confirmed}): a renter signed in with a Solana wallet signs, with its own
 * ed25519 key, the transaction {@code GET /payment} returns; the booking is FUNDED once the escrow is
 * open, a process runs on a real host-worker paid in SOL, and after the stop the operator's
 * {@code settle_many} moves exactly what was metered, in lamports, to the host, the treasury and back
 * to the renter — once, even when the RPC server restarts with the settlement in flight. Rentals
 * opened on other terms, short, or by a stranger never fund a booking. The gateway reaches the
 * devnet through {@link RpcProxy}.
 */
class SolanaSettlementIT {
  static final String REGION = "sol-" + Long.toString(System.nanoTime(), 36);

  static SolanaDevnet chain;
  static PaidGateway gw;
  static RpcProxy rpc;
  static Gateway node;
  static Http http;
  static String payout;
  static EscrowProgram program;

  @BeforeAll
  static void start() throws Exception {
    chain = SolanaDevnet.start();
    program = new EscrowProgram(chain.programId());
    payout = chain.wallet(SolanaDevnet.SOL).publicKeyBase58(); // a payee must exist (or receive the rent-exempt minimum)
    gw = PaidGateway.start(REGION, chain.rpcUrl(), proxy -> Map.of("solanaRpcUrl", proxy, "solanaProgramId", chain.programId(),
        "solanaOperatorKeyFile", chain.operatorKeyFile(), "solanaTreasury", chain.treasury(), "solanaPollIntervalMs", "200",
        "solanaResendAfterSeconds", "1"),
        port -> Worker.start(List.of(port), REGION, null, Duration.ofSeconds(1), Sol.PRICES, new Payout(null, payout)));
    rpc = gw.rpc;
    node = gw.node;
    http = gw.http;
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) gw.close();
    if (chain != null) chain.close();
  }

  // --- helpers --------------------------------------------------------------------------------

  static Sol.Renter renter() {
    return Sol.renter(chain, http, 100 * SolanaDevnet.SOL);
  }

  static JsonNode book(Sol.Renter who, long seconds) {
    return gw.book(who.token(), seconds, Map.of("currency", "SOL", "paymentChain", "solana"));
  }

  static JsonNode deposit(Sol.Renter who, String id) {
    return gw.deposit(who.token(), id);
  }

  static JsonNode awaitDeposit(Sol.Renter who, String id, Predicate<JsonNode> done, String what) {
    return gw.awaitDeposit(who.token(), id, done, what);
  }

  static JsonNode await(Sol.Renter who, String id, String state) {
    return gw.await(who.token(), id, state);
  }

  static long fee(long used) {
    return used * chain.feeBps() / 10_000;
  }

  static JsonNode runAndStop(Sol.Renter renter, String id) {
    return gw.runAndStop(renter.token(), id, 10_000_000);
  }

  /** Opens the deposit's rental from {@code wallet} on the given terms (what a wallet could send instead of what it was given). */
  static String open(Ed25519.Keys wallet, JsonNode due, String host, long amount, long expiresAt) {
    byte[] rentalId = HexFormat.of().parseHex(due.path("rentalId").asText().substring(2));
    return chain.send(wallet, program.open(wallet.publicKeyBase58(), rentalId, host, amount, expiresAt));
  }

  static List<Row> rows(String sql, Object... params) throws Exception {
    return gw.rows(sql, params);
  }

  /** Settled events of this rental (a settle_many names other escrows too). */
  interface Query<T> {
    T get() throws Exception;
  }

  static <T> T unchecked(Query<T> q) {
    try {
      return q.get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static long settledEvents(JsonNode deposit) {
    byte[] rentalId = HexFormat.of().parseHex(deposit.path("rentalId").asText().substring(2));
    return chain.events(deposit.path("escrow").asText()).stream()
        .filter(e -> e instanceof EscrowProgram.Settled s && java.util.Arrays.equals(s.rentalId(), rentalId)).count();
  }

  // --- tests ----------------------------------------------------------------------------------

  @Test
  void aBookingPaidInSolRunsAndSettlesExactLamports() throws Exception {
    Sol.Renter renter = renter();
    JsonNode booking = book(renter, 600);
    String id = booking.path("id").asText();
    long cost = booking.path("cost").asLong();

    JsonNode due = deposit(renter, id);
    assertThat(due.path("state").asText()).isEqualTo("AWAITING");
    assertThat(due.path("payee").asText()).isEqualTo(payout);
    assertThat(due.path("amount").asLong()).isEqualTo(cost);
    byte[] rentalId = HexFormat.of().parseHex(due.path("rentalId").asText().substring(2));
    assertThat(due.path("escrow").asText()).as("the PDA of (renter, rental id)").isEqualTo(program.escrow(renter.address(), rentalId).address());
    JsonNode call = due.path("calls").get(0);
    assertThat(due.path("calls")).hasSize(1);
    assertThat(call.path("to").asText()).isEqualTo(chain.programId());
    assertThat(call.path("value").asLong()).isEqualTo(cost);
    SolanaTransactions.Decoded tx = SolanaTransactions.decode(Base64.getDecoder().decode(call.path("transaction").asText()));
    assertThat(tx.accountKeys().get(0)).as("the renter pays the fee").isEqualTo(renter.address());
    assertThat(tx.requiredSignatures()).isEqualTo(1);
    assertThat(tx.signatures().get(0)).as("unsigned").containsOnly(0);
    assertThat(tx.recentBlockhash()).isEqualTo(call.path("recentBlockhash").asText());
    assertThat(chain.rpc().blockHeight("confirmed")).isLessThanOrEqualTo(call.path("lastValidBlockHeight").asLong());

    long renterBefore = chain.balance(renter.address());
    long hostBefore = chain.balance(payout);
    long treasuryBefore = chain.balance(chain.treasury());
    Sol.pay(chain, due.path("calls"), renter.wallet());
    JsonNode running = await(renter, id, "RUNNING");
    assertThat(Views.transitions(running)).startsWith("PENDING_PAYMENT", "FUNDED", "STARTING", "RUNNING");
    JsonNode open = deposit(renter, id);
    assertThat(open.path("state").asText()).isEqualTo("OPEN");
    assertThat(open.path("renter").asText()).isEqualTo(renter.address());
    assertThat(open.path("deposited").asLong()).isEqualTo(cost);
    assertThat(open.path("calls")).isEmpty();

    runAndStop(renter, id);
    long stoppedAt = System.nanoTime();
    JsonNode settledBooking = await(renter, id, "SETTLED");
    System.out.printf("settlement latency after stop on the solana devnet (100 ms slots, confirmed): %d ms%n", (System.nanoTime() - stoppedAt) / 1_000_000);
    assertThat(Views.transitions(settledBooking)).endsWith("STOPPED", "SETTLED");

    JsonNode settled = gw.settledAsInvoiced(renter.token(), id, cost, 10_000_000, SolanaSettlementIT::fee);
    long used = settled.path("used").asLong();

    // the chain agrees, to the lamport: the host and the treasury got their shares; the renter paid what was used and one signature
    assertThat(chain.balance(payout) - hostBefore).isEqualTo(used - fee(used));
    assertThat(chain.balance(chain.treasury()) - treasuryBefore).isEqualTo(fee(used));
    assertThat(renterBefore - chain.balance(renter.address())).as("used + the open's fee; the escrow's rent came back").isEqualTo(used + 5_000);
    assertThat(chain.rpc().account(settled.path("escrow").asText(), "confirmed")).as("the escrow is closed").isEmpty();
    assertThat(settledEvents(settled)).isEqualTo(1);
    Poll.until(() -> IntNode.valueOf(unchecked(() -> rows("SELECT 1 FROM chain_txs WHERE $1 = ANY(rental_ids) AND state = 'SENT'",
        settled.path("rentalId").asText()).size())), n -> n.asInt() == 0, Duration.ofSeconds(30), "the outbox sees its transaction confirmed");
    List<Row> txs = rows("SELECT tx_hash, state FROM chain_txs WHERE $1 = ANY(rental_ids)", settled.path("rentalId").asText());
    assertThat(txs).singleElement().satisfies(t -> {
      assertThat(t.getString("state")).isEqualTo("MINED");
      assertThat(t.getString("tx_hash")).isEqualTo(settled.path("settleTx").asText());
    });
  }

  @Test
  void rentalsOnOtherTermsShortOrByAStrangerNeverFundABooking() throws Exception {
    Sol.Renter renter = renter();
    Ed25519.Keys stranger = chain.wallet(100 * SolanaDevnet.SOL);
    Ed25519.Keys attacker = chain.wallet(SolanaDevnet.SOL);

    // 1. a stranger opens the same rental id on the right terms: its escrow is another address (the renter is in the seeds)
    String strangerId = book(renter, 600).path("id").asText();
    JsonNode strangerDue = deposit(renter, strangerId);
    long expiry = Instant.parse(strangerDue.path("expiresAt").asText()).getEpochSecond();
    open(stranger, strangerDue, payout, strangerDue.path("amount").asLong(), expiry);

    // 2. the renter's own open, short by one lamport: seen, not funded; a top-up mends it
    JsonNode shortBooking = book(renter, 600);
    String shortId = shortBooking.path("id").asText();
    JsonNode shortDue = deposit(renter, shortId);
    long amount = shortDue.path("amount").asLong();
    open(renter.wallet(), shortDue, payout, amount - 1, Instant.parse(shortDue.path("expiresAt").asText()).getEpochSecond());
    JsonNode under = awaitDeposit(renter, shortId, d -> d.path("state").asText().equals("UNDERFUNDED"), "UNDERFUNDED");
    assertThat(under.path("deposited").asLong()).isEqualTo(amount - 1);
    assertThat(under.path("note").asText()).contains("holds " + (amount - 1) + " of the " + amount);

    // 3. the renter's own open paying someone else than the booked host: rejected, with the reason
    String wrongId = book(renter, 600).path("id").asText();
    JsonNode wrongDue = deposit(renter, wrongId);
    open(renter.wallet(), wrongDue, attacker.publicKeyBase58(), wrongDue.path("amount").asLong(),
        Instant.parse(wrongDue.path("expiresAt").asText()).getEpochSecond());
    JsonNode rejected = awaitDeposit(renter, wrongId, d -> d.path("state").asText().equals("REJECTED"), "REJECTED");
    assertThat(rejected.path("note").asText()).contains("pays " + attacker.publicKeyBase58() + " instead of the host's payout address " + payout);

    // 4. an expiry earlier than asked: rejected too
    String earlyId = book(renter, 600).path("id").asText();
    JsonNode earlyDue = deposit(renter, earlyId);
    long asked = Instant.parse(earlyDue.path("expiresAt").asText()).getEpochSecond();
    open(renter.wallet(), earlyDue, payout, earlyDue.path("amount").asLong(), asked - 1);
    assertThat(awaitDeposit(renter, earlyId, d -> d.path("state").asText().equals("REJECTED"), "REJECTED").path("note").asText())
        .contains("expires at " + (asked - 1) + ", before the required " + asked);

    // none of them is funded; the stranger's escrow is not the deposit's
    for (String id : List.of(strangerId, shortId, wrongId, earlyId)) {
      assertThat(http.get("/v1/bookings/" + id, renter.token()).json().path("state").asText()).isEqualTo("PENDING_PAYMENT");
    }
    assertThat(deposit(renter, strangerId).path("state").asText()).as("a stranger's escrow is ignored").isEqualTo("AWAITING");

    // the missing lamport, topped up: now it funds and runs
    chain.send(renter.wallet(), program.topUp(renter.address(), under.path("escrow").asText(), 1, 0));
    await(renter, shortId, "RUNNING");

    // stopping the others gives back what the rejected rental holds, at once and in full (its escrow closed on 0)
    for (String id : List.of(strangerId, wrongId, shortId, earlyId)) {
      assertThat(http.post("/v1/bookings/" + id + "/stop", "", renter.token()).status()).isEqualTo(200);
    }
    JsonNode returned = awaitDeposit(renter, wrongId, d -> d.path("state").asText().equals("SETTLED"), "settled on 0");
    assertThat(returned.path("used").asLong()).isZero();
    assertThat(returned.path("refund").asLong()).isEqualTo(wrongDue.path("amount").asLong());
    await(renter, wrongId, "SETTLED");
    await(renter, earlyId, "SETTLED");
    assertThat(chain.balance(attacker.publicKeyBase58())).as("the attacker got nothing").isEqualTo(SolanaDevnet.SOL);
    assertThat(deposit(renter, strangerId).path("state").asText()).isEqualTo("AWAITING");
    assertThat(http.get("/v1/bookings/" + strangerId, renter.token()).json().path("state").asText()).as("nothing to settle").isEqualTo("STOPPED");
    await(renter, shortId, "SETTLED");
  }

  @Test
  void aTransactionWhoseBlockhashExpiredIsRefusedAndANewGetGivesAFreshOne() throws Exception {
    Sol.Renter renter = renter();
    String id = book(renter, 600).path("id").asText();
    JsonNode first = deposit(renter, id).path("calls").get(0);
    long lastValid = first.path("lastValidBlockHeight").asLong();
    Poll.until(() -> com.fasterxml.jackson.databind.node.LongNode.valueOf(chain.rpc().blockHeight("confirmed")), h -> h.asLong() > lastValid,
        Duration.ofSeconds(60), "the first transaction's blockhash expired");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> chain.signAndSend(first.path("transaction").asText(), renter.wallet()))
        .isInstanceOfSatisfying(io.respool.settlement.solana.SolanaRpc.Refused.class, r -> assertThat(r.blockhashNotFound()).isTrue());
    JsonNode fresh = deposit(renter, id).path("calls").get(0);
    assertThat(fresh.path("recentBlockhash").asText()).isNotEqualTo(first.path("recentBlockhash").asText());
    assertThat(fresh.path("lastValidBlockHeight").asLong()).isGreaterThan(chain.rpc().blockHeight("confirmed"));
    Sol.pay(chain, deposit(renter, id).path("calls"), renter.wallet());
    await(renter, id, "RUNNING");
    assertThat(http.post("/v1/bookings/" + id + "/stop", "", renter.token()).status()).isEqualTo(200);
    await(renter, id, "SETTLED");
  }

  @Test
  void anExtensionWaitsForTheTopUpOnChain() throws Exception {
    Sol.Renter renter = renter();
    JsonNode booking = book(renter, 600);
    String id = booking.path("id").asText();
    long cost = booking.path("cost").asLong();
    Sol.pay(chain, deposit(renter, id).path("calls"), renter.wallet());
    await(renter, id, "RUNNING");

    Http.Response asked = http.post("/v1/bookings/" + id + "/extend", "{\"seconds\":300}", renter.token());
    assertThat(asked.status()).as(asked.toString()).isEqualTo(200);
    assertThat(asked.json().path("durationSeconds").asLong()).as("nothing changes before the lamports are there").isEqualTo(600);
    assertThat(http.post("/v1/bookings/" + id + "/extend", "{\"seconds\":60}", renter.token()).isProblem(409)).isTrue();
    JsonNode due = deposit(renter, id);
    assertThat(due.path("calls")).hasSize(1);
    assertThat(due.path("calls").get(0).path("description").asText()).startsWith("top up rental");

    Sol.pay(chain, due.path("calls"), renter.wallet());
    JsonNode extended = Poll.booking(http, id, renter.token(), b -> b.path("durationSeconds").asLong() == 900, "extended to 900 s");
    long newCost = extended.path("cost").asLong();
    assertThat(newCost).isGreaterThan(cost);
    JsonNode topped = deposit(renter, id);
    assertThat(topped.path("amount").asLong()).isEqualTo(newCost);
    assertThat(topped.path("deposited").asLong()).isEqualTo(newCost);
    EscrowProgram.Escrow onChain = EscrowProgram.decodeEscrow(chain.rpc().account(topped.path("escrow").asText(), "confirmed").orElseThrow().data());
    assertThat(onChain.deposit()).isEqualTo(newCost);
    assertThat(onChain.expiresAt()).isEqualTo(Instant.parse(topped.path("expiresAt").asText()).getEpochSecond());

    runAndStop(renter, id);
    await(renter, id, "SETTLED");
    JsonNode settled = deposit(renter, id);
    assertThat(settled.path("refund").asLong()).isEqualTo(newCost - settled.path("used").asLong());
  }

  @Test
  void theRpcServerRestartingDuringSettlementStillSettlesExactlyOnce() throws Exception {
    Sol.Renter renter = renter();
    JsonNode booking = book(renter, 600);
    String id = booking.path("id").asText();
    long cost = booking.path("cost").asLong();
    Sol.pay(chain, deposit(renter, id).path("calls"), renter.wallet());
    await(renter, id, "RUNNING");
    long operatorTxsBefore = Sol.transactionsOf(chain, chain.operator());

    // the server takes the settlement, its answer never reaches the gateway, then the gateway cannot reach it; then it restarts with its ledger
    JsonNode settled = gw.settleThroughAnRpcOutage(renter.token(), id, 10_000_000, () -> {
      chain.stopNode();
      chain.restartNode();
    });
    long used = settled.path("used").asLong();
    assertThat(settled.path("hostAmount").asLong()).isEqualTo(used - fee(used));
    assertThat(settled.path("refund").asLong()).isEqualTo(cost - used);
    assertThat(settledEvents(settled)).as("settled once on chain").isEqualTo(1);
    // the watcher may read the Settled before the submitter's next round sees its transaction confirmed
    Poll.until(() -> IntNode.valueOf(unchecked(() -> rows("SELECT 1 FROM chain_txs WHERE $1 = ANY(rental_ids) AND state = 'SENT'",
        settled.path("rentalId").asText()).size())), n -> n.asInt() == 0, Duration.ofSeconds(30), "the outbox sees its transaction confirmed");
    List<Row> txs = rows("SELECT tx_hash, state, broadcasts FROM chain_txs WHERE $1 = ANY(rental_ids)", settled.path("rentalId").asText());
    assertThat(txs).as("one transaction, sent again rather than signed again").singleElement().satisfies(t -> {
      assertThat(t.getString("state")).isEqualTo("MINED");
      assertThat(t.getString("tx_hash")).isEqualTo(settled.path("settleTx").asText());
    });
    assertThat(Sol.transactionsOf(chain, chain.operator()) - operatorTxsBefore).as("the operator's transactions on chain").isEqualTo(1);
    assertThat(Views.transitions(http.get("/v1/bookings/" + id, renter.token()).json()).stream().filter("SETTLED"::equals)).hasSize(1);
  }
}

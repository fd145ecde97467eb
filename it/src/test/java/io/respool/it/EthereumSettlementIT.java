package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Poll;
import io.respool.gateway.testing.Views;
import io.respool.gateway.testing.Wallets.Session;
import io.respool.settlement.EscrowChain.WalletCall;
import io.respool.settlement.evm.AnvilDevnet;
import io.respool.settlement.evm.generated.RentalEscrow;
import io.vertx.sqlclient.Row;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * Ethereum payment and settlement end to end, on a real anvil (a block a second, as a chain mines)
 * with the real escrow: the renter's wallet signs what the API returns, the booking is FUNDED once
 * the rental has its confirmations, a container runs on a real host-worker, and after the stop the
 * operator's settlement moves exactly what was metered — host, fee, refund — once, even when the
 * RPC node goes away in the middle. Forged, underfunded and misdirected rentals never fund a booking.
 * The gateway reaches the node through {@link RpcProxy}, so the test can take the node away from it.
 */
class EthereumSettlementIT {
  static final String IMAGE = "respool/busybox:test";
  static final String REGION = "eth-" + Long.toString(System.nanoTime(), 36);

  static AnvilDevnet chain;
  static PaidGateway gw;
  static RpcProxy rpc;
  static Gateway node;
  static Http http;
  static String payout;

  @BeforeAll
  static void start() throws Exception {
    String dockerHost = System.getenv("DOCKER_HOST");
    assertThat(dockerHost).as("DOCKER_HOST must point at the test dockerd: run ops/docker/test-dockerd.sh (ops/respool test does)").isNotBlank();
    chain = AnvilDevnet.start(Map.of("RESPOOL_ETH_BLOCK_TIME", "1"));
    payout = chain.account(3).address();
    gw = PaidGateway.start(REGION, chain.rpcUrl(), proxy -> Map.of("ethRpcUrl", proxy, "ethChainId", Long.toString(chain.chainId()),
        "ethEscrows", "TUSD=" + chain.escrow("tUSD") + ",ETH=" + chain.escrow("ETH"), "ethOperatorKey", chain.operatorKey(),
        "ethConfirmations", "2", "ethPollIntervalMs", "200", "ethResendAfterSeconds", "1", "ethStartBlock", Long.toString(chain.deployBlock())),
        port -> Worker.start(List.of(port), REGION, dockerHost, Duration.ofSeconds(1), Eth.PRICES, payout));
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

  static Session renter(int i) {
    return Eth.renter(chain, http, i);
  }

  static JsonNode book(Session who, long seconds) {
    return gw.book(who.token(), seconds, Map.of("currency", "TUSD", "paymentChain", "ethereum", "image", IMAGE));
  }

  static JsonNode payment(Session who, String id) {
    return gw.payment(who.token(), id);
  }

  static JsonNode deposit(Session who, String id) {
    return gw.deposit(who.token(), id);
  }

  static JsonNode awaitDeposit(Session who, String id, Predicate<JsonNode> done, String what) {
    return gw.awaitDeposit(who.token(), id, done, what);
  }

  static JsonNode await(Session who, String id, String state) {
    return gw.await(who.token(), id, state);
  }

  static void sign(JsonNode calls, String key) {
    Eth.send(chain, calls, key);
  }

  static RentalEscrow escrow() {
    return RentalEscrow.load(chain.escrow("tUSD"), chain.web3j(), Credentials.create(chain.account(9).privateKey()), new DefaultGasProvider());
  }

  static BigInteger credit(String account) throws Exception {
    return escrow().creditOf(account).send();
  }

  static long fee(long used) {
    return used * chain.feeBps() / 10_000;
  }

  /** Every Settled event the escrow ever logged for {@code rentalId}. */
  static List<EthLog.LogResult> settledLogs(String rentalId) throws Exception {
    EthFilter filter = new EthFilter(DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST, chain.escrow("tUSD"));
    filter.addSingleTopic(org.web3j.abi.EventEncoder.encode(RentalEscrow.SETTLED_EVENT));
    filter.addOptionalTopics(rentalId);
    return new ArrayList<>(chain.web3j().ethGetLogs(filter).send().getLogs());
  }

  static List<Row> rows(String sql, Object... params) throws Exception {
    return gw.rows(sql, params);
  }

  /** Runs a booking until the host has billed something, stops it; returns the stopped booking. */
  static JsonNode runAndStop(Session renter, String id) {
    return gw.runAndStop(renter.token(), id, 20_000);
  }

  // --- tests ----------------------------------------------------------------------------------

  @Test
  void aPaidBookingRunsAndSettlesExactlyAsMetered() throws Exception {
    Session renter = renter(2);
    String renterAddress = chain.account(2).address();
    JsonNode booking = book(renter, 600);
    String id = booking.path("id").asText();
    long cost = booking.path("cost").asLong();

    JsonNode due = deposit(renter, id);
    assertThat(due.path("state").asText()).isEqualTo("AWAITING");
    assertThat(due.path("payee").asText()).isEqualTo(payout);
    assertThat(due.path("amount").asLong()).isEqualTo(cost);
    assertThat(due.path("escrow").asText()).isEqualTo(chain.escrow("tUSD").toLowerCase());
    assertThat(due.path("calls")).extracting(c -> c.path("description").asText()).hasSize(2);
    assertThat(due.path("calls").get(0).path("to").asText()).as("approve on the token first").isEqualToIgnoringCase(chain.stablecoin());
    BigInteger treasuryBefore = credit(chain.treasury());
    BigInteger hostBefore = credit(payout); // the other tests pay the same host
    BigInteger renterBefore = chain.tokenBalance(chain.stablecoin(), renterAddress);

    sign(due.path("calls"), chain.account(2).privateKey());
    JsonNode running = await(renter, id, "RUNNING");
    assertThat(Views.transitions(running)).startsWith("PENDING_PAYMENT", "FUNDED", "STARTING", "RUNNING");
    JsonNode open = deposit(renter, id);
    assertThat(open.path("state").asText()).isEqualTo("OPEN");
    assertThat(open.path("renter").asText()).isEqualTo(renterAddress);
    assertThat(open.path("deposited").asLong()).isEqualTo(cost);

    runAndStop(renter, id);
    long stoppedAt = System.nanoTime();
    JsonNode settledBooking = await(renter, id, "SETTLED");
    long latencyMs = (System.nanoTime() - stoppedAt) / 1_000_000;
    System.out.printf("settlement latency after stop on anvil (1 s blocks, 2 confirmations): %d ms%n", latencyMs);
    assertThat(Views.transitions(settledBooking)).endsWith("STOPPED", "SETTLED");

    JsonNode settled = gw.settledAsInvoiced(renter.token(), id, cost, 20_000, EthereumSettlementIT::fee);
    long used = settled.path("used").asLong();
    assertThat(settled.path("settleTx").asText()).startsWith("0x");

    // the chain agrees: credited to the host and the treasury, the rest kept for the renter
    assertThat(credit(payout).subtract(hostBefore)).isEqualTo(BigInteger.valueOf(used - fee(used)));
    assertThat(credit(chain.treasury()).subtract(treasuryBefore)).isEqualTo(BigInteger.valueOf(fee(used)));
    String rentalId = settled.path("rentalId").asText();
    assertThat(settledLogs(rentalId)).hasSize(1);
    escrow().refund(renterAddress, Numeric.hexStringToByteArray(rentalId)).send(); // anyone may: it pays the renter only
    assertThat(chain.tokenBalance(chain.stablecoin(), renterAddress)).isEqualTo(renterBefore.subtract(BigInteger.valueOf(used)));
    RentalEscrow asHost = RentalEscrow.load(chain.escrow("tUSD"), chain.web3j(), Credentials.create(chain.account(3).privateKey()),
        new DefaultGasProvider());
    BigInteger hostCredit = credit(payout);
    BigInteger hostWallet = chain.tokenBalance(chain.stablecoin(), payout);
    asHost.withdraw().send();
    assertThat(chain.tokenBalance(chain.stablecoin(), payout).subtract(hostWallet)).isEqualTo(hostCredit);
    assertThat(credit(payout)).isZero();
  }

  /**
   * Amounts beyond 2⁶³ base units end to end (issue 15): 1 ETH per core-hour for one core over ten
   * hours costs 10 ETH = 10¹⁹ wei, more than a long holds. It is quoted, booked, paid into the ETH
   * escrow, metered, invoiced and settled on anvil to the wei: the API gives every amount as a
   * decimal string, the contract and the gateway agree, and host + fee + refund is the deposit.
   */
  @Test
  void aBookingCostingMoreThanALongInWeiIsPaidMeteredAndSettledExactly() throws Exception {
    String region = "wei-" + Long.toString(System.nanoTime(), 36);
    BigInteger wei = BigInteger.TEN.pow(18);
    BigInteger cost = wei.multiply(BigInteger.TEN);
    assertThat(cost).isGreaterThan(BigInteger.valueOf(Long.MAX_VALUE));
    String hostPayout = chain.account(13).address();
    Session renter = renter(12);
    String renterAddress = chain.account(12).address();
    RentalEscrow ethEscrow = RentalEscrow.load(chain.escrow("ETH"), chain.web3j(), Credentials.create(chain.account(9).privateKey()),
        new DefaultGasProvider());
    try (Worker dear = Worker.start(List.of(node.port()), region, null, Duration.ofSeconds(1),
        new io.respool.protocol.host.Prices("ETH", wei.longValueExact(), 0, 0, Map.of()), hostPayout)) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("cpu", 1.0);
      b.put("memoryMb", 16);
      b.put("durationSeconds", 36_000);
      b.put("region", region);
      b.put("currency", "ETH");
      b.put("paymentChain", "ethereum");
      b.put("command", List.of("/bin/sh", "-c", "exec sleep 600"));

      Map<String, Object> q = new LinkedHashMap<>(b);
      q.remove("paymentChain"); // a quote prices; it is not paid
      q.remove("command");
      Http.Response quote = http.post("/v1/quotes", Http.json(q), renter.token());
      assertThat(quote.status()).as(quote.toString()).isEqualTo(200);
      JsonNode plan = quote.json().path("plans").get(0);
      assertThat(plan.path("cost").isTextual()).as("amounts are decimal strings: %s", plan).isTrue();
      assertThat(new BigInteger(plan.path("cost").asText())).isEqualTo(cost);

      Http.Response created = http.post("/v1/bookings", Http.json(b), renter.token());
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      String id = created.json().path("id").asText();
      assertThat(created.json().path("cost").asText()).isEqualTo(cost.toString());
      JsonNode due = deposit(renter, id);
      assertThat(due.path("amount").asText()).isEqualTo(cost.toString());
      assertThat(due.path("payee").asText()).isEqualTo(hostPayout);
      assertThat(new BigInteger(due.path("calls").get(0).path("value").asText())).as("the ETH sent with open").isEqualTo(cost);
      BigInteger hostBefore = ethEscrow.creditOf(hostPayout).send();
      BigInteger treasuryBefore = ethEscrow.creditOf(chain.treasury()).send();

      sign(due.path("calls"), chain.account(12).privateKey());
      await(renter, id, "RUNNING");
      JsonNode open = deposit(renter, id);
      assertThat(open.path("state").asText()).isEqualTo("OPEN");
      assertThat(open.path("deposited").asText()).isEqualTo(cost.toString());

      runAndStop(renter, id);
      await(renter, id, "SETTLED");
      JsonNode settled = deposit(renter, id);
      JsonNode invoice = http.get("/v1/bookings/" + id + "/invoice", renter.token()).json();
      BigInteger used = new BigInteger(settled.path("used").asText());
      BigInteger fee = used.multiply(BigInteger.valueOf(chain.feeBps())).divide(BigInteger.valueOf(10_000));
      BigInteger refund = cost.subtract(used);
      assertThat(used).as("what was metered").isEqualTo(new BigInteger(invoice.path("billed").asText()))
          .isEqualTo(new BigInteger(invoice.path("total").asText())).isPositive().isLessThan(cost);
      assertThat(invoice.path("deposit").asText()).isEqualTo(cost.toString());
      assertThat(new BigInteger(settled.path("fee").asText())).isEqualTo(fee).isEqualTo(new BigInteger(invoice.path("fee").asText()));
      assertThat(new BigInteger(settled.path("hostAmount").asText())).isEqualTo(used.subtract(fee));
      assertThat(new BigInteger(settled.path("refund").asText())).isEqualTo(refund).isEqualTo(new BigInteger(invoice.path("refund").asText()));
      assertThat(refund).as("the refund alone leaves a long").isGreaterThan(BigInteger.valueOf(Long.MAX_VALUE));

      // the chain agrees to the wei: host and treasury credited, the renter refunded the rest
      assertThat(ethEscrow.creditOf(hostPayout).send().subtract(hostBefore)).isEqualTo(used.subtract(fee));
      assertThat(ethEscrow.creditOf(chain.treasury()).send().subtract(treasuryBefore)).isEqualTo(fee);
      BigInteger renterBefore = chain.ethBalance(renterAddress);
      ethEscrow.refund(renterAddress, Numeric.hexStringToByteArray(settled.path("rentalId").asText())).send(); // sent by another account: no gas from the renter
      assertThat(chain.ethBalance(renterAddress).subtract(renterBefore)).isEqualTo(refund);
    }
  }

  /**
   * The matcher skips a host that has no payout address on the booking's chain: the cheaper host
   * without one is passed over for the one with one (it used to be chosen, then the booking was
   * refused with a 409 at payment time), and a region with only the former refuses saying why.
   */
  @Test
  void aHostWithoutAPayoutAddressOnTheChainIsSkippedByTheMatcher() throws Exception {
    String region = "nopay-" + Long.toString(System.nanoTime(), 36);
    Session renter = renter(10);
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("cpu", 0.1);
    b.put("memoryMb", 16);
    b.put("durationSeconds", 60);
    b.put("region", region);
    b.put("currency", "TUSD");
    b.put("paymentChain", "ethereum");
    b.put("command", List.of("/bin/sh", "-c", "exec sleep 60"));
    String paid = chain.account(11).address();
    try (Worker unpaid = Worker.start(List.of(node.port()), region, null, Duration.ofSeconds(1),
        new io.respool.protocol.host.Prices("TUSD", 1_000_000, 0, 0, Map.of()), new io.respool.protocol.host.Payout(null, null))) {
      Http.Response alone = http.post("/v1/bookings", Http.json(b), renter.token());
      assertThat(alone.status()).as(alone.toString()).isEqualTo(409);
      assertThat(alone.json().path("detail").asText()).contains("without a payout address on the booking's payment chain");
      try (Worker payable = Worker.start(List.of(node.port()), region, null, Duration.ofSeconds(1), Eth.PRICES, paid)) {
        Http.Response r = http.post("/v1/bookings", Http.json(b), renter.token());
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        String id = r.json().path("id").asText();
        assertThat(r.json().path("tasks").get(0).path("hostId").asText()).isEqualTo(payable.hostId).isNotEqualTo(unpaid.hostId);
        assertThat(deposit(renter, id).path("payee").asText()).isEqualTo(paid);
        assertThat(http.post("/v1/bookings/" + id + "/stop", "", renter.token()).status()).isEqualTo(200);
      }
    }
  }

  @Test
  void anEscrowPaidBookingIsExtendedOnceItsDepositIsToppedUp() throws Exception {
    Session renter = renter(7);
    String key = chain.account(7).privateKey();
    JsonNode booking = book(renter, 600);
    String id = booking.path("id").asText();
    long cost = booking.path("cost").asLong();
    sign(deposit(renter, id).path("calls"), key);
    await(renter, id, "RUNNING");

    Http.Response asked = http.post("/v1/bookings/" + id + "/extend", "{\"seconds\":300}", renter.token());
    assertThat(asked.status()).as(asked.toString()).isEqualTo(200);
    assertThat(asked.json().path("durationSeconds").asLong()).as("nothing changes before the money is there").isEqualTo(600);
    Http.Response again = http.post("/v1/bookings/" + id + "/extend", "{\"seconds\":60}", renter.token());
    assertThat(again.isProblem(409)).as(again.toString()).isTrue();
    JsonNode due = deposit(renter, id);
    assertThat(due.path("calls")).hasSize(2);
    assertThat(due.path("calls").get(1).path("description").asText()).startsWith("top up rental");

    sign(due.path("calls"), key);
    JsonNode extended = Poll.booking(http, id, renter.token(), b -> b.path("durationSeconds").asLong() == 900, "extended to 900 s");
    long newCost = extended.path("cost").asLong();
    assertThat(newCost).isGreaterThan(cost);
    JsonNode topped = deposit(renter, id);
    assertThat(topped.path("amount").asLong()).isEqualTo(newCost);
    assertThat(topped.path("deposited").asLong()).isEqualTo(newCost);
    assertThat(topped.path("calls")).isEmpty();

    runAndStop(renter, id);
    await(renter, id, "SETTLED");
    JsonNode settled = deposit(renter, id);
    assertThat(settled.path("refund").asLong()).isEqualTo(newCost - settled.path("used").asLong());
  }

  @Test
  void forgedMisdirectedAndUnderfundedRentalsNeverFundABooking() throws Exception {
    Session renter = renter(4);
    String key = chain.account(4).privateKey();

    // 1. a copy of the escrow deployed by an attacker, operated by the attacker: its Opened names the same rental
    JsonNode forgedBooking = book(renter, 600);
    String forgedId = forgedBooking.path("id").asText();
    JsonNode due = deposit(renter, forgedId);
    String attacker = chain.account(5).address();
    String fake = chain.deployEscrow(chain.account(5).privateKey(), chain.stablecoin(), attacker, attacker, chain.feeBps(), chain.graceSeconds());
    List<JsonNode> calls = new ArrayList<>();
    due.path("calls").forEach(calls::add);
    for (JsonNode c : calls) {
      String to = c.path("to").asText().equalsIgnoreCase(chain.stablecoin()) ? chain.stablecoin() : fake;
      String data = c.path("data").asText();
      if (to.equals(chain.stablecoin())) { // approve the fake escrow instead: same selector, spender replaced
        data = data.substring(0, 10) + "000000000000000000000000" + fake.substring(2).toLowerCase() + data.substring(74);
      }
      chain.send(key, new WalletCall(c.path("description").asText(), to, new BigInteger(c.path("value").asText()), data));
    }

    // 2. the real escrow, underfunded by one unit: seen, not funded; a top-up mends it
    JsonNode shortBooking = book(renter, 600);
    String shortId = shortBooking.path("id").asText();
    JsonNode shortDue = deposit(renter, shortId);
    long amount = shortDue.path("amount").asLong();
    JsonNode open = shortDue.path("calls").get(1);
    String shortData = open.path("data").asText();
    String amountWord = String.format("%064x", amount);
    assertThat(shortData).endsWith(amountWord);
    chain.send(key, new WalletCall("approve", chain.stablecoin(), BigInteger.ZERO, shortDue.path("calls").get(0).path("data").asText()));
    chain.send(key, new WalletCall("open underfunded", open.path("to").asText(), BigInteger.ZERO,
        shortData.substring(0, shortData.length() - 64) + String.format("%064x", amount - 1)));
    JsonNode under = awaitDeposit(renter, shortId, d -> d.path("state").asText().equals("UNDERFUNDED"), "UNDERFUNDED");
    assertThat(under.path("deposited").asLong()).isEqualTo(amount - 1);
    assertThat(under.path("note").asText()).contains("holds " + (amount - 1) + " of the " + amount);

    // 3. the real escrow, opened by the renter but paying someone else than the booked host
    JsonNode wrongBooking = book(renter, 600);
    String wrongId = wrongBooking.path("id").asText();
    JsonNode wrongDue = deposit(renter, wrongId);
    String wrongOpen = wrongDue.path("calls").get(1).path("data").asText();
    String payeeWord = "000000000000000000000000" + payout.substring(2);
    assertThat(wrongOpen).contains(payeeWord);
    chain.send(key, new WalletCall("approve", chain.stablecoin(), BigInteger.ZERO, wrongDue.path("calls").get(0).path("data").asText()));
    chain.send(key, new WalletCall("open for another payee", wrongDue.path("calls").get(1).path("to").asText(), BigInteger.ZERO,
        wrongOpen.replace(payeeWord, "000000000000000000000000" + attacker.substring(2))));
    JsonNode rejected = awaitDeposit(renter, wrongId, d -> d.path("state").asText().equals("REJECTED"), "REJECTED");
    assertThat(rejected.path("note").asText()).contains("pays " + attacker);

    // the watcher has read past all three (the cursor only moves forward): none of them was funded
    assertThat(http.get("/v1/bookings/" + forgedId, renter.token()).json().path("state").asText()).isEqualTo("PENDING_PAYMENT");
    assertThat(deposit(renter, forgedId).path("state").asText()).as("a log of another contract is not read").isEqualTo("AWAITING");
    assertThat(http.get("/v1/bookings/" + shortId, renter.token()).json().path("state").asText()).isEqualTo("PENDING_PAYMENT");
    assertThat(http.get("/v1/bookings/" + wrongId, renter.token()).json().path("state").asText()).isEqualTo("PENDING_PAYMENT");

    // the top-up of the missing unit makes the underfunded rental whole: now it funds
    chain.send(key, new WalletCall("approve 1", chain.stablecoin(), BigInteger.ZERO,
        shortDue.path("calls").get(0).path("data").asText().substring(0, 74) + String.format("%064x", 1)));
    chain.send(key, new WalletCall("top up 1", chain.escrow("tUSD"), BigInteger.ZERO,
        RentalEscrow.getABI_topUp(Numeric.hexStringToByteArray(shortDue.path("rentalId").asText()), BigInteger.ONE, BigInteger.ZERO, BigInteger.ZERO)));
    await(renter, shortId, "RUNNING");

    // stopping the unfunded ones gives back what the rejected rental holds, at once and in full
    for (String id : List.of(forgedId, wrongId, shortId)) assertThat(http.post("/v1/bookings/" + id + "/stop", "", renter.token()).status()).isEqualTo(200);
    JsonNode returned = awaitDeposit(renter, wrongId, d -> d.path("state").asText().equals("SETTLED"), "settled on 0");
    assertThat(returned.path("used").asLong()).isZero();
    assertThat(returned.path("refund").asLong()).isEqualTo(wrongDue.path("amount").asLong());
    await(renter, wrongId, "SETTLED");
    assertThat(deposit(renter, forgedId).path("state").asText()).isEqualTo("AWAITING");
    assertThat(http.get("/v1/bookings/" + forgedId, renter.token()).json().path("state").asText()).as("nothing to settle").isEqualTo("STOPPED");
  }

  @Test
  void theRpcNodeGoingAwayDuringSettlementStillSettlesExactlyOnce() throws Exception {
    Session renter = renter(6);
    JsonNode booking = book(renter, 600);
    String id = booking.path("id").asText();
    long cost = booking.path("cost").asLong();
    JsonNode due = deposit(renter, id);
    sign(due.path("calls"), chain.account(6).privateKey());
    await(renter, id, "RUNNING");
    long nonceBefore = Eth.operatorNonce(chain);

    // the node takes the settlement, its answer never reaches the gateway, then it is gone; then it restarts (its chain kept)
    JsonNode settled = gw.settleThroughAnRpcOutage(renter.token(), id, 20_000, () -> {
      chain.stopNode();
      chain.restartNode();
    });
    long used = settled.path("used").asLong();
    assertThat(settled.path("hostAmount").asLong()).isEqualTo(used - fee(used));
    assertThat(settled.path("refund").asLong()).isEqualTo(cost - used);
    assertThat(settledLogs(settled.path("rentalId").asText())).as("settled once on chain").hasSize(1);
    // the watcher settles the deposit from the chain's log; the submitter records the receipt on its own round
    String rental = settled.path("rentalId").asText();
    Poll.until(() -> {
      try {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(
            rows("SELECT state FROM chain_txs WHERE $1 = ANY(rental_ids)", rental).stream().map(r -> r.getString("state")).toList().toString());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, s -> s.asText().equals("[MINED]"), Duration.ofSeconds(30), "the settlement's receipt recorded");
    List<Row> txs = rows("SELECT tx_hash, state, broadcasts FROM chain_txs WHERE $1 = ANY(rental_ids)", rental);
    assertThat(txs).as("one transaction, sent again rather than signed again").hasSize(1);
    assertThat(txs.get(0).getString("state")).isEqualTo("MINED");
    assertThat(txs.get(0).getString("tx_hash")).isEqualTo(settled.path("settleTx").asText());
    assertThat(Eth.operatorNonce(chain) - nonceBefore).as("the operator sent one transaction for it").isEqualTo(1);
    List<String> history = Views.transitions(http.get("/v1/bookings/" + id, renter.token()).json());
    assertThat(history.stream().filter("SETTLED"::equals)).hasSize(1);
  }
}

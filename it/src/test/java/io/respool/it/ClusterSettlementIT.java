package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Poll;
import io.respool.gateway.testing.Wallets.Session;
import io.respool.infra.Databases;
import io.respool.settlement.evm.AnvilDevnet;
import io.respool.settlement.evm.generated.RentalEscrow;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;

/**
 * Two clustered gateway nodes (ports 5817/5818) both watch the escrow and both hold the operator
 * key: bookings paid and stopped through either node are funded and settled once each — one node
 * reads an escrow's logs at a time and one node submits for the key at a time, so no rental is in
 * two transactions and the operator sends no transaction the outbox does not know of.
 */
class ClusterSettlementIT {
  static final int BOOKINGS = 8;

  static Gateway node(AnvilDevnet chain, String id, int clusterPort) throws Exception {
    Map<String, String> settings = new HashMap<>(Map.of("cluster", "true", "nodeId", id, "clusterPort", Integer.toString(clusterPort),
        "clusterMembers", "127.0.0.1:5817,127.0.0.1:5818", "reconcileIntervalMs", "300", "stopGraceSeconds", "1", "meterIntervalMs", "300"));
    settings.putAll(Map.of("ethRpcUrl", chain.rpcUrl(), "ethChainId", Long.toString(chain.chainId()), "ethEscrows", "TUSD=" + chain.escrow("tUSD"),
        "ethOperatorKey", chain.operatorKey(), "ethConfirmations", "1", "ethPollIntervalMs", "200", "ethBatchSize", "3",
        "ethStartBlock", Long.toString(chain.deployBlock())));
    return GatewayNodes.start(settings);
  }

  @Test
  void twoNodesFundAndSettleEveryBookingOnce() throws Exception {
    String region = "cluster-eth-" + Long.toString(System.nanoTime(), 36);
    try (AnvilDevnet chain = AnvilDevnet.start(Map.of("RESPOOL_ETH_CHAIN_ID", "31340"))) {
      Gateway a = node(chain, "eth-a", 5817);
      Gateway b = node(chain, "eth-b", 5818);
      Worker host = null;
      try {
        host = Worker.start(List.of(a.port(), b.port()), region, null, Duration.ofSeconds(1), Eth.PRICES, chain.account(3).address());
        Http[] nodes = {new Http(a.port()), new Http(b.port())};
        long nonceBefore = Eth.operatorNonce(chain);

        List<String[]> booked = new ArrayList<>(); // {id, token, node}
        for (int i = 0; i < BOOKINGS; i++) {
          Http http = nodes[i % 2];
          Session renter = Eth.renter(chain, http, 4 + i);
          Map<String, Object> body = new LinkedHashMap<>(Map.of("cpu", 0.1, "memoryMb", 16, "durationSeconds", 600, "region", region,
              "currency", "TUSD", "command", List.of("sleep", "600")));
          Http.Response r = http.post("/v1/bookings", Http.json(body), renter.token());
          assertThat(r.status()).as(r.toString()).isEqualTo(201);
          String id = r.json().path("id").asText();
          // paid as the other node describes it
          Eth.send(chain, nodes[(i + 1) % 2].get("/v1/bookings/" + id + "/payment", renter.token()).json().path("deposits").get(0).path("calls"),
              chain.account(4 + i).privateKey());
          booked.add(new String[] {id, renter.token(), Integer.toString(i % 2)});
        }
        for (String[] k : booked) {
          Poll.booking(nodes[Integer.parseInt(k[2])], k[0], k[1], x -> x.path("state").asText().equals("RUNNING"), "RUNNING");
        }
        for (String[] k : booked) {
          Poll.until(() -> nodes[0].get("/v1/bookings/" + k[0] + "/invoice", k[1]).json(), x -> x.path("total").asLong() > 0,
              Duration.ofSeconds(60), "something billed");
        }
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (int i = 0; i < booked.size(); i++) {
          String[] k = booked.get(i);
          Http http = nodes[(i + 1) % 2];
          stops.add(CompletableFuture.runAsync(() -> assertThat(http.post("/v1/bookings/" + k[0] + "/stop", "", k[1]).status()).isEqualTo(200)));
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        List<String> rentals = new ArrayList<>();
        for (String[] k : booked) {
          JsonNode settled = Poll.booking(nodes[0], k[0], k[1], x -> x.path("state").asText().equals("SETTLED"), "SETTLED");
          assertThat(settled.path("transitions").findValuesAsText("to").stream().filter("SETTLED"::equals)).hasSize(1);
          JsonNode d = nodes[1].get("/v1/bookings/" + k[0] + "/payment", k[1]).json().path("deposits").get(0);
          assertThat(d.path("used").asLong() + d.path("refund").asLong()).isEqualTo(d.path("deposited").asLong());
          rentals.add(d.path("rentalId").asText());
        }

        // on chain: one Settled log per rental
        EthFilter filter = new EthFilter(DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST, chain.escrow("tUSD"));
        filter.addSingleTopic(EventEncoder.encode(RentalEscrow.SETTLED_EVENT));
        List<String> settledIds = new ArrayList<>();
        chain.web3j().ethGetLogs(filter).send().getLogs()
            .forEach(l -> settledIds.add(((org.web3j.protocol.core.methods.response.Log) l.get()).getTopics().get(1)));
        for (String id : rentals) assertThat(settledIds.stream().filter(id::equalsIgnoreCase)).as("settled once: " + id).hasSize(1);

        // the outbox: every rental in exactly one mined transaction, and the operator sent nothing else
        Pool db = Databases.pool(a.vertx(), TestServices.get().pgUrl, 1);
        List<Row> txs = new ArrayList<>();
        // the watcher marks a deposit SETTLED from the confirmed log; the submitter marks its transaction MINED when it
        // next follows the receipt — a separate round, so wait (bounded) until no transaction is still in flight
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        do {
          txs.clear();
          db.preparedQuery("SELECT tx_hash, state, rental_ids FROM chain_txs WHERE chain = $1").execute(Tuple.of("ethereum:" + chain.chainId()))
              .await(10, TimeUnit.SECONDS).forEach(txs::add);
          if (txs.stream().noneMatch(t -> "SENT".equals(t.getString("state")) || "SIGNED".equals(t.getString("state")))) break;
          Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        for (String id : rentals) {
          assertThat(txs.stream().filter(t -> List.of(t.getArrayOfStrings("rental_ids")).contains(id)))
              .as("transactions holding " + id).singleElement().satisfies(t -> assertThat(t.getString("state")).isEqualTo("MINED"));
        }
        assertThat(Eth.operatorNonce(chain) - nonceBefore).as("operator transactions").isEqualTo(txs.size());
        assertThat(txs.size()).as("batched (at most 3 per transaction)").isGreaterThanOrEqualTo((BOOKINGS + 2) / 3).isLessThanOrEqualTo(BOOKINGS);
      } finally {
        if (host != null) host.close();
        b.close();
        a.close();
      }
    }
  }
}

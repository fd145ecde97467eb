package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Poll;
import io.respool.infra.Databases;
import io.respool.protocol.host.Payout;
import io.respool.settlement.solana.EscrowProgram;
import io.respool.settlement.solana.SolanaDevnet;
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

/**
 * Two clustered gateway nodes (ports 5821/5822) both watch the Solana program and both hold the
 * operator key: bookings paid and stopped through either node are funded and settled once each —
 * one node applies the program's transactions at a time (cursor by compare-and-set) and one node
 * submits for the key at a time (the lease), so no rental is in two transactions and the operator
 * signs nothing the outbox does not know of.
 */
class ClusterSolanaSettlementIT {
  static final int BOOKINGS = 8;

  static Gateway node(SolanaDevnet chain, String id, int clusterPort) throws Exception {
    Map<String, String> settings = new HashMap<>(Map.of("cluster", "true", "nodeId", id, "clusterPort", Integer.toString(clusterPort),
        "clusterMembers", "127.0.0.1:5821,127.0.0.1:5822", "reconcileIntervalMs", "300", "stopGraceSeconds", "1", "meterIntervalMs", "300"));
    settings.putAll(Map.of("solanaDevnet", chain.jsonFile().toString(), "solanaPollIntervalMs", "200", "solanaBatchSize", "3"));
    return GatewayNodes.start(settings);
  }

  @Test
  void twoNodesFundAndSettleEveryBookingOnce() throws Exception {
    String region = "cluster-sol-" + Long.toString(System.nanoTime(), 36);
    try (SolanaDevnet chain = SolanaDevnet.start()) {
      Gateway a = node(chain, "sol-a", 5821);
      Gateway b = node(chain, "sol-b", 5822);
      Worker host = null;
      try {
        String payout = chain.wallet(SolanaDevnet.SOL).publicKeyBase58();
        host = Worker.start(List.of(a.port(), b.port()), region, null, Duration.ofSeconds(1), Sol.PRICES, new Payout(null, payout));
        Http[] nodes = {new Http(a.port()), new Http(b.port())};
        long operatorTxsBefore = Sol.transactionsOf(chain, chain.operator());

        List<Object[]> booked = new ArrayList<>(); // {id, renter, node}
        for (int i = 0; i < BOOKINGS; i++) {
          Http http = nodes[i % 2];
          Sol.Renter renter = Sol.renter(chain, http, 10 * SolanaDevnet.SOL);
          Map<String, Object> body = new LinkedHashMap<>(Map.of("cpu", 0.1, "memoryMb", 16, "durationSeconds", 600, "region", region,
              "currency", "SOL", "paymentChain", "solana", "command", List.of("sleep", "600")));
          Http.Response r = http.post("/v1/bookings", Http.json(body), renter.token());
          assertThat(r.status()).as(r.toString()).isEqualTo(201);
          String id = r.json().path("id").asText();
          // paid as the other node describes it
          Sol.pay(chain, nodes[(i + 1) % 2].get("/v1/bookings/" + id + "/payment", renter.token()).json().path("deposits").get(0).path("calls"),
              renter.wallet());
          booked.add(new Object[] {id, renter, i % 2});
        }
        for (Object[] k : booked) {
          Poll.booking(nodes[(int) k[2]], (String) k[0], ((Sol.Renter) k[1]).token(), x -> x.path("state").asText().equals("RUNNING"), "RUNNING");
        }
        for (Object[] k : booked) {
          Poll.until(() -> nodes[0].get("/v1/bookings/" + k[0] + "/invoice", ((Sol.Renter) k[1]).token()).json(), x -> x.path("total").asLong() > 0,
              Duration.ofSeconds(60), "something billed");
        }
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (int i = 0; i < booked.size(); i++) {
          Object[] k = booked.get(i);
          Http http = nodes[(i + 1) % 2];
          stops.add(CompletableFuture.runAsync(() -> assertThat(http.post("/v1/bookings/" + k[0] + "/stop", "", ((Sol.Renter) k[1]).token()).status())
              .isEqualTo(200)));
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        List<String> rentals = new ArrayList<>();
        for (Object[] k : booked) {
          String token = ((Sol.Renter) k[1]).token();
          JsonNode settled = Poll.booking(nodes[0], (String) k[0], token, x -> x.path("state").asText().equals("SETTLED"), "SETTLED");
          assertThat(settled.path("transitions").findValuesAsText("to").stream().filter("SETTLED"::equals)).hasSize(1);
          JsonNode d = nodes[1].get("/v1/bookings/" + k[0] + "/payment", token).json().path("deposits").get(0);
          assertThat(d.path("used").asLong() + d.path("refund").asLong()).isEqualTo(d.path("deposited").asLong());
          // on chain: one Settled for its escrow, and the escrow closed
          byte[] rentalId = java.util.HexFormat.of().parseHex(d.path("rentalId").asText().substring(2));
          assertThat(chain.events(d.path("escrow").asText()).stream()
              .filter(e -> e instanceof EscrowProgram.Settled s && java.util.Arrays.equals(s.rentalId(), rentalId))).as("settled once").hasSize(1);
          assertThat(chain.rpc().account(d.path("escrow").asText(), "confirmed")).isEmpty();
          rentals.add(d.path("rentalId").asText());
        }

        // the outbox: every rental in exactly one landed transaction, and the operator signed nothing else
        Pool db = Databases.pool(a.vertx(), TestServices.get().pgUrl, 1);
        // the watchers may read the Settled events before the submitting node's next round sees its transactions confirmed
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (db.preparedQuery("SELECT count(*) AS n FROM chain_txs WHERE chain = $1 AND state = 'SENT'").execute(Tuple.of("solana:" + chain.programId()))
            .await(10, TimeUnit.SECONDS).iterator().next().getLong("n") > 0) {
          assertThat(System.nanoTime()).as("no transaction in flight within 30 s").isLessThan(deadline);
          Thread.sleep(100);
        }
        List<Row> txs = new ArrayList<>();
        db.preparedQuery("SELECT tx_hash, state, rental_ids FROM chain_txs WHERE chain = $1").execute(Tuple.of("solana:" + chain.programId()))
            .await(10, TimeUnit.SECONDS).forEach(txs::add);
        for (String id : rentals) {
          assertThat(txs.stream().filter(t -> List.of(t.getArrayOfStrings("rental_ids")).contains(id) && !"DROPPED".equals(t.getString("state"))))
              .as("transactions holding " + id).singleElement().satisfies(t -> assertThat(t.getString("state")).isEqualTo("MINED"));
        }
        long mined = txs.stream().filter(t -> "MINED".equals(t.getString("state"))).count();
        assertThat(Sol.transactionsOf(chain, chain.operator()) - operatorTxsBefore).as("operator transactions on chain").isEqualTo(mined);
        assertThat(mined).as("batched (at most 3 per transaction)").isGreaterThanOrEqualTo((BOOKINGS + 2) / 3).isLessThanOrEqualTo(BOOKINGS);
      } finally {
        if (host != null) host.close();
        b.close();
        a.close();
      }
    }
  }
}

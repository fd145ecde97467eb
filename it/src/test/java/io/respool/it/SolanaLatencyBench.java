package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.infra.Databases;
import io.respool.protocol.host.Payout;
import io.respool.settlement.solana.SolanaDevnet;
import io.respool.testing.TestServices;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Funding and settlement latency on the Solana devnet (run by {@code bench/solana-settlement.sh}; not
 * an IT, failsafe skips it otherwise). One gateway node (the test PostgreSQL and Redis), one real
 * host-worker running plain processes, renters with their own wallets. funding = the renter's open
 * confirmed (its status polled as a wallet does) → the booking FUNDED; settlement = {@code POST /stop}
 * answered → SETTLED, one booking at a time; burst = K running bookings stopped at once → the last
 * SETTLED, with the operator's transactions. Bookings are read every {@code POLL_API_MS} (20 ms), the
 * resolution of the figures. Every settled deposit is checked: used + refund = deposited, and the chain
 * holds exactly the lamports the API says (host + treasury gains over the whole run).
 * System properties: bench.bookings (10), bench.burst (20), bench.slotMs (400), bench.pollMs (1000),
 * bench.batch (10), bench.out (a markdown file to append the row to).
 */
class SolanaLatencyBench {
  static final long POLL_API_MS = 20;

  static long prop(String k, long d) {
    return Long.parseLong(System.getProperty("bench." + k, Long.toString(d)));
  }

  record Booked(String id, Sol.Renter renter) {}

  @Test
  void fundingAndSettlementLatency() throws Exception {
    int bookings = (int) prop("bookings", 10);
    int burst = (int) prop("burst", 20);
    long slotMs = prop("slotMs", 400);
    long pollMs = prop("pollMs", 1000);
    long batch = prop("batch", 10);
    String region = "sol-bench-" + Long.toString(System.nanoTime(), 36);
    try (SolanaDevnet chain = SolanaDevnet.start(Map.of("RESPOOL_SOL_SLOT_MS", Long.toString(slotMs)))) {
      Gateway node = GatewayNodes.start(Map.of("solanaDevnet", chain.jsonFile().toString(), "solanaPollIntervalMs", Long.toString(pollMs),
          "solanaBatchSize", Long.toString(batch), "reconcileIntervalMs", "200", "stopGraceSeconds", "1", "meterIntervalMs", "500",
          "heartbeatIntervalMs", "1000", "heartbeatTimeoutMs", "3000"));
      Worker host = null;
      try {
        Http http = new Http(node.port());
        String payout = chain.wallet(SolanaDevnet.SOL).publicKeyBase58();
        host = Worker.start(List.of(node.port()), region, null, Duration.ofSeconds(1), Sol.PRICES, new Payout(null, payout));
        long hostBefore = chain.balance(payout);
        long treasuryBefore = chain.balance(chain.treasury());

        // funding, then settlement one at a time
        List<Long> funding = new ArrayList<>();
        List<Long> settlement = new ArrayList<>();
        List<Booked> all = new ArrayList<>();
        for (int i = 0; i < bookings; i++) {
          Booked b = book(chain, http, region);
          all.add(b);
          JsonNode calls = http.get("/v1/bookings/" + b.id() + "/payment", b.renter().token()).json().path("deposits").get(0).path("calls");
          Sol.pay(chain, calls, b.renter().wallet()); // returns once the open is confirmed
          long confirmed = System.nanoTime();
          awaitState(http, b, "FUNDED", "STARTING", "RUNNING");
          funding.add((System.nanoTime() - confirmed) / 1_000_000);
          awaitState(http, b, "RUNNING");
          Thread.sleep(2_000 + (long) (Math.random() * pollMs)); // it runs and bills; the stop then falls at a random phase of the poll
          assertThat(http.post("/v1/bookings/" + b.id() + "/stop", "", b.renter().token()).status()).isEqualTo(200);
          long answered = System.nanoTime();
          awaitState(http, b, "SETTLED");
          settlement.add((System.nanoTime() - answered) / 1_000_000);
        }

        // burst: K running bookings stopped at once
        List<Booked> wave = new ArrayList<>();
        for (int i = 0; i < burst; i++) {
          Booked b = book(chain, http, region);
          Sol.pay(chain, http.get("/v1/bookings/" + b.id() + "/payment", b.renter().token()).json().path("deposits").get(0).path("calls"),
              b.renter().wallet());
          wave.add(b);
        }
        for (Booked b : wave) awaitState(http, b, "RUNNING");
        Thread.sleep(2_000);
        long operatorBefore = Sol.transactionsOf(chain, chain.operator());
        long start = System.nanoTime();
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (Booked b : wave) {
          stops.add(CompletableFuture.runAsync(() -> assertThat(http.post("/v1/bookings/" + b.id() + "/stop", "", b.renter().token()).status()).isEqualTo(200)));
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        for (Booked b : wave) awaitState(http, b, "SETTLED");
        long burstMs = (System.nanoTime() - start) / 1_000_000;
        long burstTxs = Sol.transactionsOf(chain, chain.operator()) - operatorBefore;
        all.addAll(wave);

        // the check: every deposit settled with used + refund = deposited; the chain's gains are the API's sums
        long hostSum = 0;
        long feeSum = 0;
        for (Booked b : all) {
          JsonNode d = http.get("/v1/bookings/" + b.id() + "/payment", b.renter().token()).json().path("deposits").get(0);
          assertThat(d.path("state").asText()).isEqualTo("SETTLED");
          assertThat(d.path("used").asLong() + d.path("refund").asLong()).isEqualTo(d.path("deposited").asLong());
          hostSum += d.path("hostAmount").asLong();
          feeSum += d.path("fee").asLong();
        }
        assertThat(chain.balance(payout) - hostBefore).isEqualTo(hostSum);
        assertThat(chain.balance(chain.treasury()) - treasuryBefore).isEqualTo(feeSum);
        Pool db = Databases.pool(node.vertx(), TestServices.get().pgUrl, 1);
        long dropped = db.preparedQuery("SELECT count(*) AS n FROM chain_txs WHERE chain = $1 AND state <> 'MINED'")
            .execute(Tuple.of("solana:" + chain.programId())).await(10, TimeUnit.SECONDS).iterator().next().getLong("n");

        String row = String.format("| %d ms | %d ms | %d | %s (%d) | %s (%d) | %.2f (%d) | %d | %d/%d · %d | %s |%n", slotMs, pollMs, batch,
            three(funding), funding.size(), three(settlement), settlement.size(), burstMs / 1000.0, burst, burstTxs, all.size(), all.size(),
            dropped, "ok: host and treasury gains = the API's sums to the lamport");
        System.out.print("SOLANA-BENCH " + row);
        String out = System.getProperty("bench.out");
        if (out != null) Files.writeString(Path.of(out), row, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      } finally {
        if (host != null) host.close();
        node.close();
      }
    }
  }

  static Booked book(SolanaDevnet chain, Http http, String region) {
    Sol.Renter renter = Sol.renter(chain, http, 10 * SolanaDevnet.SOL);
    Map<String, Object> body = new LinkedHashMap<>(Map.of("cpu", 0.05, "memoryMb", 16, "durationSeconds", 900, "region", region,
        "currency", "SOL", "paymentChain", "solana", "command", List.of("sleep", "900")));
    Http.Response r = http.post("/v1/bookings", Http.json(body), renter.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return new Booked(r.json().path("id").asText(), renter);
  }

  /** Polls the booking every {@link #POLL_API_MS} until it is in one of {@code states}. */
  static void awaitState(Http http, Booked b, String... states) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      String s = http.get("/v1/bookings/" + b.id(), b.renter().token()).json().path("state").asText();
      for (String want : states) if (want.equals(s)) return;
      Thread.sleep(POLL_API_MS);
    }
    throw new AssertionError("booking " + b.id() + " not " + String.join("|", states) + " within 120 s");
  }

  static String three(List<Long> ms) {
    List<Long> s = new ArrayList<>(ms);
    s.sort(null);
    return String.format("%.2f / %.2f / %.2f", pct(s, 50) / 1000.0, pct(s, 95) / 1000.0, s.get(s.size() - 1) / 1000.0);
  }

  static long pct(List<Long> sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}

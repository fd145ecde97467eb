package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Poll;
import io.respool.gateway.testing.Wallets.Session;
import io.respool.infra.Databases;
import io.respool.settlement.evm.AnvilDevnet;
import io.respool.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A slow chain node — every JSON-RPC answer {@value #DELAY_MS} ms late — does not hold the
 * PostgreSQL connections the bookings need: while the watcher and the settlement outbox wait on
 * it, no transaction of the gateway stays open (sampled from {@code pg_stat_activity}), and
 * bookings made meanwhile on a gateway with a pool of two connections answer promptly. The
 * settlement still goes through, once.
 */
class SlowChainIT {
  static final long DELAY_MS = 3_000;
  /** Longer than any booking's transaction, well under the delay a transaction held across a call would last. */
  static final Duration LONGEST_TX = Duration.ofMillis(1_000);
  static final Duration PROMPT = Duration.ofMillis(2_000);
  static final Set<String> WATCHER_CALLS = Set.of("eth_getLogs");
  static final Set<String> SUBMITTER_CALLS = Set.of("eth_getTransactionCount", "eth_estimateGas", "eth_maxPriorityFeePerGas", "eth_sendRawTransaction",
      "eth_getTransactionReceipt");

  /** One look at the gateway's backends while calls to the node were in flight. */
  record Sample(Set<String> waitingOn, double oldestTxSeconds, String oldestTx) {}

  @Test
  void aSlowNodeHoldsNoConnectionWhileBookingsAreMade() throws Exception {
    String region = "slow-eth-" + Long.toString(System.nanoTime(), 36);
    try (AnvilDevnet chain = AnvilDevnet.start(Map.of("RESPOOL_ETH_CHAIN_ID", "31341", "RESPOOL_ETH_BLOCK_TIME", "1"));
        SlowRpc rpc = SlowRpc.start(chain.rpcUrl())) {
      Map<String, String> settings = new HashMap<>(Map.of("ethRpcUrl", rpc.url(), "ethChainId", Long.toString(chain.chainId()),
          "ethEscrows", "TUSD=" + chain.escrow("tUSD"), "ethOperatorKey", chain.operatorKey(), "ethConfirmations", "1", "ethPollIntervalMs", "200",
          "ethStartBlock", Long.toString(chain.deployBlock()), "dbPoolSize", "2"));
      settings.putAll(Map.of("reconcileIntervalMs", "300", "stopGraceSeconds", "1", "meterIntervalMs", "300", "paymentWindowSeconds", "600"));
      Gateway node = GatewayNodes.start(settings);
      Worker host = null;
      Vertx sampling = Vertx.vertx();
      try {
        host = Worker.start(List.of(node.port()), region, null, Duration.ofSeconds(1), Eth.PRICES, chain.account(3).address());
        Http http = new Http(node.port());
        Session renter = Eth.renter(chain, http, 4);

        // a booking paid and running while the node is fast; its settlement will go out through the slow node
        String paid = book(http, renter, region);
        Eth.send(chain, http.get("/v1/bookings/" + paid + "/payment", renter.token()).json().path("deposits").get(0).path("calls"),
            chain.account(4).privateKey());
        Poll.booking(http, paid, renter.token(), x -> x.path("state").asText().equals("RUNNING"), "RUNNING");
        Poll.until(() -> http.get("/v1/bookings/" + paid + "/invoice", renter.token()).json(), x -> x.path("total").asLong() > 0,
            Duration.ofSeconds(60), "something billed");
        long nonceBefore = Eth.operatorNonce(chain);

        rpc.delay(DELAY_MS);
        Pool db = Databases.pool(sampling, TestServices.get().pgUrl, 1);
        List<Sample> samples = new CopyOnWriteArrayList<>();
        long timer = sampling.setPeriodic(50, t -> {
          Set<String> waiting = rpc.inFlight();
          if (waiting.isEmpty()) return;
          // every client backend but this one is the gateway's (the worker has no database; no other gateway runs now)
          db.query("""
                  SELECT coalesce(extract(epoch FROM clock_timestamp() - xact_start), 0) AS age, coalesce(state, '?') || ': ' || left(query, 120) AS what
                    FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
                   ORDER BY xact_start NULLS LAST LIMIT 1""").execute()
              .onSuccess(rows -> {
                Row r = rows.size() == 0 ? null : rows.iterator().next();
                samples.add(new Sample(waiting, r == null ? 0 : r.getDouble("age"), r == null ? "none" : r.getString("what")));
              });
        });

        // the stop writes the settlement intent: the outbox now calls the slow node; the watcher does all along
        assertThat(http.post("/v1/bookings/" + paid + "/stop", "", renter.token()).status()).isEqualTo(200);
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          Thread.sleep(1_500);
          long t0 = System.nanoTime();
          String id = book(http, renter, region);
          assertThat(http.get("/v1/bookings/" + id + "/payment", renter.token()).status()).isEqualTo(200);
          millis.add((System.nanoTime() - t0) / 1_000_000);
        }
        JsonNode settled = Poll.until(() -> http.get("/v1/bookings/" + paid, renter.token()).json(), x -> x.path("state").asText().equals("SETTLED"),
            Duration.ofSeconds(180), "the settlement through the slow node");
        sampling.cancelTimer(timer);

        List<Sample> whileWatching = samples.stream().filter(s -> s.waitingOn().stream().anyMatch(WATCHER_CALLS::contains)).toList();
        List<Sample> whileSubmitting = samples.stream().filter(s -> s.waitingOn().stream().anyMatch(SUBMITTER_CALLS::contains)).toList();
        Sample oldest = samples.stream().max((a, b) -> Double.compare(a.oldestTxSeconds(), b.oldestTxSeconds())).orElseThrow();
        System.out.printf("SlowChainIT: %d samples (%d during the watcher's calls, %d during the outbox's); oldest transaction %.3f s (%s); "
            + "bookings took %s ms; slow calls %s%n", samples.size(), whileWatching.size(), whileSubmitting.size(), oldest.oldestTxSeconds(),
            oldest.oldestTx(), millis, rpc.delayed());
        assertThat(whileWatching).as("samples while the watcher waited on the node").hasSizeGreaterThan(10);
        assertThat(whileSubmitting).as("samples while the outbox waited on the node").hasSizeGreaterThan(10);
        assertThat(oldest.oldestTxSeconds()).as("the longest open transaction while calls to the node were in flight: " + oldest)
            .isLessThan(LONGEST_TX.toMillis() / 1000.0);
        assertThat(millis).as("booking + payment request times (ms) with a pool of 2").allSatisfy(ms -> assertThat(ms).isLessThan(PROMPT.toMillis()));

        // and the slow node settled it, once
        assertThat(settled.path("transitions").findValuesAsText("to").stream().filter("SETTLED"::equals)).hasSize(1);
        String rental = http.get("/v1/bookings/" + paid + "/payment", renter.token()).json().path("deposits").get(0).path("rentalId").asText();
        // the outbox learns of the receipt through the slow node too, maybe after the watcher saw the Settled log
        Poll.until(() -> IntNode.valueOf(outbox(db, chain, rental, "MINED").size()), n -> n.asInt() == 1, Duration.ofSeconds(60), "the outbox's tx MINED");
        assertThat(outbox(db, chain, rental, null)).as("transactions holding the rental").hasSize(1);
        assertThat(Eth.operatorNonce(chain) - nonceBefore).as("operator transactions").isEqualTo(1);
      } finally {
        rpc.delay(0);
        if (host != null) host.close();
        node.close();
        sampling.close().await(10, TimeUnit.SECONDS);
      }
    }
  }

  /** The outbox's transactions holding {@code rental} (in {@code state}, if not null). */
  static List<Row> outbox(Pool db, AnvilDevnet chain, String rental, String state) {
    try {
      List<Row> txs = new ArrayList<>();
      db.preparedQuery("SELECT state FROM chain_txs WHERE chain = $1 AND $2 = ANY(rental_ids) AND ($3::text IS NULL OR state = $3)")
          .execute(Tuple.of("ethereum:" + chain.chainId(), rental, state)).await(10, TimeUnit.SECONDS).forEach(txs::add);
      return txs;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String book(Http http, Session renter, String region) {
    Map<String, Object> body = new LinkedHashMap<>(Map.of("cpu", 0.1, "memoryMb", 16, "durationSeconds", 600, "region", region, "currency", "TUSD",
        "paymentChain", "ethereum", "command", List.of("sleep", "600")));
    Http.Response r = http.post("/v1/bookings", Http.json(body), renter.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().path("id").asText();
  }

  /** An HTTP JSON-RPC relay in front of a real node that answers every request {@code delay} ms late, knowing which calls are waiting. */
  static final class SlowRpc implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private volatile long delayMs;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> delayed = new ConcurrentHashMap<>();

    private SlowRpc(URI target) throws Exception {
      HttpClient client = vertx.createHttpClient();
      server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
        String method = method(body);
        long delay = delayMs;
        if (delay > 0) delayed.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
        AtomicInteger waiting = inFlight.computeIfAbsent(method, k -> new AtomicInteger());
        waiting.incrementAndGet();
        Runnable relay = () -> client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(target.getHost()).setPort(target.getPort())
                .setURI("/").putHeader("content-type", "application/json"))
            .compose(r -> r.send(body))
            .compose(resp -> resp.body().map(b -> new Object[] {resp.statusCode(), b}))
            .onComplete(ar -> {
              waiting.decrementAndGet();
              if (ar.failed()) {
                req.connection().close();
              } else {
                req.response().setStatusCode((int) ar.result()[0]).putHeader("content-type", "application/json").end((Buffer) ar.result()[1]);
              }
            });
        if (delay > 0) vertx.setTimer(delay, t -> relay.run());
        else relay.run();
      })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    static SlowRpc start(String targetUrl) throws Exception {
      return new SlowRpc(URI.create(targetUrl));
    }

    private static String method(Buffer body) {
      try {
        JsonNode n = JSON.readTree(body.getBytes());
        return n.isArray() ? "batch" : n.path("method").asText("?");
      } catch (Exception e) {
        return "?";
      }
    }

    String url() { return "http://127.0.0.1:" + server.actualPort(); }

    void delay(long ms) { delayMs = ms; }

    /** The methods of the requests waiting for an answer now. */
    Set<String> inFlight() {
      Set<String> now = new TreeSet<>();
      inFlight.forEach((m, n) -> { if (n.get() > 0) now.add(m); });
      return now;
    }

    /** How many requests of each method were delayed. */
    Map<String, Integer> delayed() {
      Map<String, Integer> out = new TreeMap<>();
      delayed.forEach((m, n) -> out.put(m, n.get()));
      return out;
    }

    @Override
    public void close() throws Exception {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}

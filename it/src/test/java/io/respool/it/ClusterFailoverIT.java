package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Ws;
import io.respool.hostworker.Backoff;
import io.respool.hostworker.ControlConnection;
import io.respool.hostworker.HostKeyStore;
import io.respool.hostworker.HostWorkerConfig;
import io.respool.hostworker.InventoryWatcher;
import io.respool.hostworker.NvidiaSmiProbe;
import io.respool.hostworker.OshiInventoryProbe;
import io.respool.hostworker.Registration;
import io.respool.protocol.crypto.Base58;
import io.respool.protocol.crypto.Ed25519;
import io.respool.protocol.host.Payout;
import io.respool.protocol.host.Prices;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import oshi.SystemInfo;

/**
 * Two clustered gateway nodes (Hazelcast on loopback, one PostgreSQL and Redis) and a real
 * host-worker control connection that knows both. The host connects to A; B lists it, reaches it
 * over the event bus, and streams its events. A stops: the host moves to B, and a subscriber that
 * reconnects to B with its lastEventId gets every event it missed, in order, without gaps.
 */
class ClusterFailoverIT {

  static Gateway node(String id, int clusterPort, String members) throws Exception {
    return GatewayNodes.start(Map.of("cluster", "true", "nodeId", id, "clusterPort", Integer.toString(clusterPort),
        "clusterMembers", members, "heartbeatIntervalMs", "500", "heartbeatTimeoutMs", "3000"));
  }

  @Test
  void hostOnAIsServedByBAndFailsOverToBWithoutLosingEvents() throws Exception {
    String members = "127.0.0.1:5811,127.0.0.1:5812";
    Gateway a = node("node-a", 5811, members);
    Gateway b = node("node-b", 5812, members);
    Vertx workerVertx = Vertx.vertx();
    try {
      Http httpB = new Http(b.port());
      String token = signIn(httpB);

      var home = Files.createTempDirectory("respool-worker-");
      HostWorkerConfig config = new HostWorkerConfig(
          List.of(URI.create("ws://127.0.0.1:" + a.port()), URI.create("ws://127.0.0.1:" + b.port())),
          home, "cluster-test", new Prices("USDC", 20_000, 5_000, 100, Map.of()), new Payout(null, null), Duration.ofSeconds(60))
          .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
      ControlConnection worker = new ControlConnection(config, new HostKeyStore(home).loadOrCreate(),
          new InventoryWatcher(workerVertx, new OshiInventoryProbe(new SystemInfo(), new NvidiaSmiProbe(System.getenv("PATH"), Duration.ofSeconds(5)), home),
              config.resourcesInterval()),
          new Backoff(config.backoffBase(), config.backoffCap(), new SplittableRandom(1)), "it",
          new io.respool.hostworker.task.TaskRunner(workerVertx, Map.of(), s -> { }));
      String hostId = worker.hostId();

      long lastEventId;
      try (Ws events = Ws.connect(b.port(), "/v1/events")) {
        events.send("{\"type\":\"subscribe\",\"topic\":\"hosts\"}");
        events.until(n -> "subscribed".equals(n.path("type").asText()), 10);

        workerVertx.deployVerticle(worker).await(30, TimeUnit.SECONDS);
        Registration first = worker.registration(1).await(30, TimeUnit.SECONDS);
        assertThat(first.url().getPort()).as("the worker dials A first").isEqualTo(a.port());

        JsonNode joined = events.until(n -> isAbout(n, hostId), 15).path("event");
        assertThat(joined.path("type").asText()).as("an event of node A reaches a subscriber on B").isEqualTo("host.joined");
        lastEventId = joined.path("id").asLong();

        JsonNode listedByB = httpB.get("/v1/hosts/" + hostId).json();
        assertThat(listedByB.path("online").asBoolean()).isTrue();
        Http.Response ping = httpB.post("/v1/hosts/" + hostId + "/ping", null, token);
        assertThat(ping.status()).as(ping.toString()).isEqualTo(200);
        assertThat(ping.json().path("node").asText()).as("B reached the host through A").isEqualTo("node-a");
      }

      a.close();
      a = null;
      Registration second = worker.registration(2).await(30, TimeUnit.SECONDS);
      assertThat(second.url().getPort()).isEqualTo(b.port());
      assertThat(second.hostId()).isEqualTo(hostId);
      awaitOnlineVia(httpB, hostId);
      Http.Response ping = httpB.post("/v1/hosts/" + hostId + "/ping", null, token);
      assertThat(ping.json().path("node").asText()).isEqualTo("node-b");

      try (Ws events = Ws.connect(b.port(), "/v1/events")) {
        events.send("{\"type\":\"subscribe\",\"topic\":\"hosts\",\"lastEventId\":" + lastEventId + "}");
        long head = events.until(n -> "subscribed".equals(n.path("type").asText()), 10).path("lastEventId").asLong();
        assertThat(head).isGreaterThan(lastEventId);
        List<JsonNode> missed = new ArrayList<>();
        while (missed.isEmpty() || missed.get(missed.size() - 1).path("id").asLong() < head) {
          missed.add(events.until(n -> "event".equals(n.path("type").asText()), 10).path("event"));
        }
        for (int i = 0; i < missed.size(); i++) {
          assertThat(missed.get(i).path("id").asLong()).as("no gap, no duplicate").isEqualTo(lastEventId + 1 + i);
        }
        List<String> aboutHost = missed.stream().filter(e -> hostId.equals(e.path("data").path("id").asText()))
            .map(e -> e.path("type").asText()).toList();
        assertThat(aboutHost).as("the host left with A and came back through B").containsSubsequence("host.left", "host.joined");
      }
      workerVertx.close().await(10, TimeUnit.SECONDS);
    } finally {
      if (a != null) a.close();
      b.close();
    }
  }

  private static boolean isAbout(JsonNode n, String hostId) {
    return "event".equals(n.path("type").asText()) && hostId.equals(n.path("event").path("data").path("id").asText());
  }

  private static void awaitOnlineVia(Http http, String hostId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!http.get("/v1/hosts/" + hostId).json().path("online").asBoolean()) {
      assertThat(System.nanoTime()).as("host back online").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  static String signIn(Http http) {
    Ed25519.Keys keys = Ed25519.generate();
    String address = keys.publicKeyBase58();
    String message = http.post("/v1/auth/challenge", Http.json(Map.of("chain", "solana", "address", address))).json().path("message").asText();
    String sig = Base58.encode(keys.sign(message.getBytes(StandardCharsets.UTF_8)));
    return http.post("/v1/auth/verify", Http.json(Map.of("chain", "solana", "address", address, "message", message, "signature", sig)))
        .json().path("token").asText();
  }
}

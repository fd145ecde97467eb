package io.respool.gateway.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.TestHost;
import io.respool.gateway.testing.Ws;
import io.respool.protocol.crypto.Ed25519;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.host.HostFrames;
import io.respool.protocol.host.Inventory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The control channel on one real node: registration, heartbeats, updates, and every refusal. */
class HostChannelTest {
  static Gateway node;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    node = GatewayNodes.start(Map.of("heartbeatIntervalMs", "200", "heartbeatTimeoutMs", "1500"));
    http = new Http(node.port());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static JsonNode host(String id) {
    Http.Response r = http.get("/v1/hosts/" + id);
    return r.status() == 200 ? r.json() : null;
  }

  @Test
  void registeredHostIsListedOnlineAndGoesOfflineWhenItsSocketCloses() {
    String region = "reg-" + System.nanoTime();
    try (TestHost h = new TestHost(node.port())) {
      JsonNode reply = h.register(region);
      assertThat(reply.path("type").asText()).as(reply.toString()).isEqualTo("registered");
      assertThat(reply.path("heartbeatIntervalMs").asLong()).isEqualTo(200);
      JsonNode listed = http.get("/v1/hosts?online=true&region=" + region).json().path("items");
      assertThat(listed).hasSize(1);
      assertThat(listed.get(0).path("id").asText()).isEqualTo(h.id);
      assertThat(listed.get(0).path("total").path("cpu").asDouble()).isEqualTo(4.0);
      assertThat(listed.get(0).path("free").path("memoryMb").asLong()).isEqualTo(8192);

      assertThat(h.heartbeat(h.id, 1).path("type").asText()).isEqualTo("ack");
      h.close();
      awaitOnline(h.id, false);
    }
  }

  @Test
  void aHostThatStopsHeartbeatingIsClosedAndMarkedOffline() {
    try (TestHost h = new TestHost(node.port())) {
      h.register("quiet");
      Ws.Closed closed = h.ws.awaitClose(10);
      assertThat(closed.code()).isEqualTo(1001);
      awaitOnline(h.id, false);
    }
  }

  @Test
  void forgedRegistrationsAreRefusedAndStoreNothing() {
    Ed25519.Keys stranger = Ed25519.generate();
    try (TestHost h = new TestHost(node.port())) {
      // signed by another key than the claimed host id
      h.send(new HostFrame.Register("r1", h.id, h.nonce, h.signature(stranger, h.id, h.nonce), TestHost.info("x")));
      JsonNode err = h.ws.next();
      assertThat(err.path("type").asText()).isEqualTo("error");
      assertThat(err.path("code").asText()).isEqualTo("unauthorized");
      assertThat(h.ws.awaitClose(5).code()).isEqualTo(1008);
      assertThat(host(h.id)).isNull();
    }
    try (TestHost h = new TestHost(node.port())) {
      // a valid signature, but over another nonce (a replayed registration)
      h.send(new HostFrame.Register("r1", h.id, "old-nonce", h.signature(h.keys, h.id, "old-nonce"), TestHost.info("x")));
      assertThat(h.ws.next().path("code").asText()).isEqualTo("unauthorized");
      assertThat(host(h.id)).isNull();
    }
    try (TestHost h = new TestHost(node.port())) {
      // unsigned
      h.ws.send("{\"v\":1,\"type\":\"register\",\"id\":\"r1\",\"hostId\":\"" + h.id + "\",\"nonce\":\"" + h.nonce + "\"}");
      assertThat(h.ws.next().path("code").asText()).isEqualTo("invalid-request");
      assertThat(h.ws.awaitClose(5).code()).isEqualTo(1008);
      assertThat(host(h.id)).isNull();
    }
    try (TestHost h = new TestHost(node.port())) {
      // heartbeats before registering
      assertThat(h.heartbeat(h.id, 1).path("code").asText()).isEqualTo("unauthorized");
      assertThat(host(h.id)).isNull();
    }
  }

  @Test
  void heartbeatsAndUpdatesNamingAnotherHostChangeNothing() {
    try (TestHost victim = new TestHost(node.port()); TestHost attacker = new TestHost(node.port())) {
      victim.register("victims");
      attacker.register("attackers");
      String victimSeen = host(victim.id).path("lastSeen").asText();
      String attackerSeen = host(attacker.id).path("lastSeen").asText();
      JsonNode refused = attacker.heartbeat(victim.id, 1);
      assertThat(refused.path("type").asText()).isEqualTo("error");
      assertThat(refused.path("code").asText()).isEqualTo("forbidden");
      // the attacker's own heartbeat is written by the next batch; once it shows, the batch has run
      assertThat(attacker.heartbeat(attacker.id, 2).path("type").asText()).isEqualTo("ack");
      awaitTrue(() -> !host(attacker.id).path("lastSeen").asText().equals(attackerSeen));
      assertThat(host(victim.id).path("lastSeen").asText()).as("the victim was not heartbeated").isEqualTo(victimSeen);

      Inventory huge = new Inventory(512, 1024, "Fake", 1 << 22, 1 << 20, List.of(), List.of(), "Linux", "x86_64");
      attacker.send(new HostFrame.Resources("u1", victim.id, huge));
      assertThat(attacker.ws.next().path("code").asText()).isEqualTo("forbidden");
      assertThat(host(victim.id).path("total").path("cpu").asDouble()).isEqualTo(4.0);
      assertThat(host(attacker.id).path("online").asBoolean()).as("the attacker's own session stays").isTrue();
    }
  }

  @Test
  void resourceUpdatesFromTheHostItselfAreApplied() {
    try (TestHost h = new TestHost(node.port())) {
      h.register("upd");
      Inventory bigger = new Inventory(16, 32, "Test CPU", 65536, 500, List.of(), List.of(new Inventory.Gpu(0, "RTX 4090", 24564, null)), "Linux", "x86_64");
      h.send(new HostFrame.Resources("u1", h.id, bigger));
      assertThat(h.ws.until(n -> "u1".equals(n.path("re").asText()), 10).path("type").asText()).isEqualTo("ack");
      JsonNode v = host(h.id);
      assertThat(v.path("total").path("cpu").asDouble()).isEqualTo(16.0);
      assertThat(v.path("gpus").get(0).path("model").asText()).isEqualTo("RTX 4090");
      assertThat(http.get("/v1/hosts?gpuModel=rtx%204090&minGpus=1&region=upd").json().path("items")).hasSize(1);
    }
  }

  @Test
  void malformedAndOversizedFramesAreRefused() {
    try (TestHost h = new TestHost(node.port())) {
      h.ws.send("{not json");
      JsonNode err = h.ws.next();
      assertThat(err.path("code").asText()).isEqualTo("invalid-request");
      assertThat(h.ws.awaitClose(5).code()).isEqualTo(1008);
    }
    try (TestHost h = new TestHost(node.port())) {
      h.register("big");
      h.ws.send("{\"v\":1,\"type\":\"heartbeat\",\"id\":\"" + "x".repeat(70_000) + "\"}");
      Ws.Closed closed = h.ws.awaitClose(10);
      assertThat(closed.code()).as(closed.toString()).isEqualTo(1009);
      awaitOnline(h.id, false);
    }
    try (TestHost h = new TestHost(node.port())) {
      h.register("typed");
      h.ws.send("{\"v\":1,\"type\":\"heartbeat\",\"id\":\"h\",\"hostId\":\"" + h.id + "\",\"seq\":\"one\"}");
      assertThat(h.ws.next().path("code").asText()).isEqualTo("invalid-request");
      assertThat(h.heartbeat(h.id, 2).path("type").asText()).as("a registered session survives a bad frame").isEqualTo("ack");
    }
  }

  @Test
  void anyoneSignedInCanPingAConnectedHostAndOthersAreAClearError() {
    String token = apiToken();
    try (TestHost h = new TestHost(node.port())) {
      h.register("ping");
      Thread answerer = new Thread(() -> {
        JsonNode ping = h.ws.until(n -> "ping".equals(n.path("type").asText()), 10);
        h.send(new HostFrame.Pong(ping.path("id").asText()));
      });
      answerer.start();
      Http.Response pong = http.post("/v1/hosts/" + h.id + "/ping", null, token);
      assertThat(pong.status()).as(pong.toString()).isEqualTo(200);
      assertThat(pong.json().path("hostId").asText()).isEqualTo(h.id);
    }
    assertThat(http.post("/v1/hosts/unknown/ping", null, token).isProblem(409)).isTrue();
    assertThat(http.post("/v1/hosts/unknown/ping", null, null).isProblem(401)).isTrue();
  }

  @Test
  void aBurstOfRegistrationsEachEitherRegistersOrIsRefusedWithNothingHalfWritten() {
    List<TestHost> hosts = new java.util.ArrayList<>();
    try {
      // each registers as soon as it is connected (connecting all first can outlast the gateway's 10 s registration
      // timeout on a loaded machine); the answers are read only once all were sent, so the registrations overlap
      for (int i = 0; i < 3 * HostConnections.MAX_REGISTRATIONS_IN_FLIGHT; i++) {
        TestHost h = new TestHost(node.port());
        hosts.add(h);
        h.send(new HostFrame.Register("r1", h.id, h.nonce, h.signature(h.keys, h.id, h.nonce), TestHost.info("burst")));
      }
      int registered = 0;
      for (TestHost h : hosts) {
        JsonNode answer = h.ws.next(30);
        if ("registered".equals(answer.path("type").asText())) {
          registered++;
          // stored whole. (Not "online now": these hosts send no heartbeat, so with this class's 1.5 s timeout any
          // node's sweeper takes them offline soon after they registered; on a loaded machine, before they are read.)
          JsonNode stored = host(h.id);
          assertThat(stored).as("a registered host is stored").isNotNull();
          assertThat(stored.path("region").asText()).isEqualTo("burst");
          assertThat(stored.path("total").path("cpu").asDouble()).isEqualTo(4.0);
          assertThat(stored.path("total").path("memoryMb").asLong()).isEqualTo(8192);
        } else {
          assertThat(answer.path("code").asText()).as(answer.toString()).isEqualTo("unavailable");
          assertThat(h.ws.awaitClose(5).code()).isEqualTo(1008);
          assertThat(host(h.id)).as("a refused registration stores nothing").isNull();
        }
      }
      assertThat(registered).isGreaterThan(0);
    } finally {
      hosts.forEach(TestHost::close);
    }
  }

  @Test
  void taskRequestsReachTheHostThroughTheBusAndItsAnswersAndReportsComeBack() throws Exception {
    var commands = new io.respool.hosts.HostCommands(node.vertx().eventBus());
    var reported = new java.util.concurrent.CompletableFuture<String>();
    node.vertx().eventBus().<String>consumer(io.respool.infra.Addresses.TASK_STATUS, m -> reported.complete(m.body()));
    try (TestHost h = new TestHost(node.port())) {
      h.register("tasks");
      var status = new io.respool.protocol.task.TaskStatus("t1", "b1", io.respool.protocol.task.TaskState.RUNNING, null, false, null,
          Map.of(), java.time.Instant.now(), null);
      Thread answerer = new Thread(() -> {
        JsonNode inspect = h.ws.until(n -> "task.inspect".equals(n.path("type").asText()), 10);
        h.send(new HostFrame.TaskUpdate(null, inspect.path("id").asText(), status));
        JsonNode stop = h.ws.until(n -> "task.stop".equals(n.path("type").asText()), 10);
        h.send(new HostFrame.Error(stop.path("id").asText(), "not-found", "no task t2 on this host"));
      });
      answerer.start();
      var answer = commands.send(h.id, new HostFrame.TaskInspect(null, "t1"), java.time.Duration.ofSeconds(10))
          .await(15, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(answer.frame()).isInstanceOfSatisfying(HostFrame.TaskUpdate.class, u -> assertThat(u.status()).isEqualTo(status));
      assertThat(answer.node()).isEqualTo(node.config().nodeId());
      Throwable refused = null;
      try {
        commands.send(h.id, new HostFrame.TaskStop(null, "t2", 1000), java.time.Duration.ofSeconds(10)).await(15, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        refused = e;
      }
      assertThat(refused).isInstanceOfSatisfying(io.vertx.core.eventbus.ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(404));
      answerer.join(10_000);

      // a report of the host's own is acked and published for the rest of the gateway
      h.send(new HostFrame.TaskUpdate("s1", null, status));
      assertThat(h.ws.until(n -> "s1".equals(n.path("re").asText()), 10).path("type").asText()).isEqualTo("ack");
      assertThat(HostFrames.decode(reported.get(10, java.util.concurrent.TimeUnit.SECONDS)))
          .isInstanceOfSatisfying(HostFrame.TaskUpdate.class, u -> assertThat(u.status().taskId()).isEqualTo("t1"));
    }
  }

  @Test
  void hostListingRejectsBadFilters() {
    assertThat(http.get("/v1/hosts?limit=0").isProblem(400)).isTrue();
    assertThat(http.get("/v1/hosts?limit=100000").isProblem(400)).isTrue();
    assertThat(http.get("/v1/hosts?minCpu=-1").isProblem(400)).isTrue();
    assertThat(http.get("/v1/hosts?online=maybe").isProblem(400)).isTrue();
    assertThat(http.get("/v1/hosts/nope").isProblem(404)).isTrue();
    assertThat(http.get("/v1/nothing").isProblem(404)).isTrue();
  }

  static String apiToken() {
    Ed25519.Keys keys = Ed25519.generate();
    String address = keys.publicKeyBase58();
    String message = http.post("/v1/auth/challenge", Http.json(Map.of("chain", "solana", "address", address))).json().path("message").asText();
    String sig = io.respool.protocol.crypto.Base58.encode(keys.sign(message.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return http.post("/v1/auth/verify", Http.json(Map.of("chain", "solana", "address", address, "message", message, "signature", sig)))
        .json().path("token").asText();
  }

  static void awaitTrue(java.util.function.BooleanSupplier check) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!check.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("condition not reached within 10 s");
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  static void awaitOnline(String id, boolean online) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      JsonNode h = host(id);
      if (h != null && h.path("online").asBoolean() == online) return;
      if (System.nanoTime() > deadline) throw new AssertionError("host " + id + " never became " + (online ? "online" : "offline") + ": " + h);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }
}

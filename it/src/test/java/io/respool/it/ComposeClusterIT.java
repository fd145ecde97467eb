package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Poll;
import io.respool.gateway.testing.ScriptedHost;
import io.respool.gateway.testing.TestHost;
import io.respool.gateway.testing.Wallets;
import io.respool.gateway.testing.Wallets.Session;
import io.respool.gateway.testing.Ws;
import io.respool.it.OpsFilesIT.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The three-node cluster of ops/compose/docker-compose.yml started for real on the test dockerd: the images are built
 * here with no registry (ops/docker/local-images.sh: PostgreSQL and Redis from Debian's packages, a jlink'ed Java
 * runtime; ops/compose/local-images.yml points the compose file at them and builds the gateway image from
 * ops/docker/gateway.Dockerfile), then docker-compose starts PostgreSQL, Redis and three gateways that join one
 * Hazelcast cluster by name. A scripted host registers on node 2, a renter signs in and books through node 1, and node
 * 3 serves the booking, its event on /v1/events and a ping of the host (which only node 2 can reach, over the event
 * bus). The one override beyond local-images.yml is the test's: unpaid bookings (no chain runs in the containers) and
 * free ports. Everything is removed after (containers, network, volume).
 */
class ComposeClusterIT {
  static final Path ROOT = JarProcessesIT.ROOT;
  static final Path LOG = ROOT.resolve("it/target/compose-cluster.log");

  @Test
  void threeComposeNodesServeABookingMadeThroughNodeOneOnNodeThree() throws Exception {
    assertThat(System.getenv("DOCKER_HOST")).as("DOCKER_HOST must point at the test dockerd: run ops/docker/test-dockerd.sh (ops/respool test does)")
        .isNotBlank();
    Result images = OpsFilesIT.sh("bash", "ops/docker/local-images.sh");
    assertThat(images.exit()).as(images.out()).isZero();
    Map<String, String> env = new HashMap<>();
    for (String line : images.out().lines().toList()) {
      if (line.matches("RESPOOL_[A-Z_]+=respool/[a-z]+:local-[0-9a-f]+")) env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
    }
    assertThat(env).containsOnlyKeys("RESPOOL_JAVA_BASE", "RESPOOL_POSTGRES_IMAGE", "RESPOOL_REDIS_IMAGE");
    SecureRandom random = new SecureRandom();
    env.put("RESPOOL_PG_PASSWORD", HexFormat.of().formatHex(random.generateSeed(16))); // made here, never written down
    env.put("RESPOOL_JWT_SECRET", HexFormat.of().formatHex(random.generateSeed(24)));
    int[] ports = new int[3];
    for (int i = 0; i < 3; i++) {
      ports[i] = JarProcessesIT.freePort();
      env.put("RESPOOL_GATEWAY" + (i + 1) + "_PORT", Integer.toString(ports[i]));
      env.put("RESPOOL_GATEWAY" + (i + 1) + "_SSH_PORT", Integer.toString(JarProcessesIT.freePort()));
    }
    Path override = Files.createTempFile("respool-compose-it-", ".yml");
    Files.writeString(override, """
        version: "3.8"
        services:
          gateway1: {environment: {RESPOOL_ALLOW_UNPAID_BOOKINGS: "true"}}
          gateway2: {environment: {RESPOOL_ALLOW_UNPAID_BOOKINGS: "true"}}
          gateway3: {environment: {RESPOOL_ALLOW_UNPAID_BOOKINGS: "true"}}
        """);
    List<String> compose = List.of("docker-compose", "-p", "respool-it-" + Long.toString(System.nanoTime(), 36),
        "-f", "ops/compose/docker-compose.yml", "-f", "ops/compose/local-images.yml", "-f", override.toString());
    try {
      Result built = compose(env, compose, "build", "gateway1"); // one image, tagged as the file names it, for all three nodes
      assertThat(built.exit()).as(built.out()).isZero();
      Result up = compose(env, compose, "up", "-d", "--no-build");
      assertThat(up.exit()).as(up.out()).isZero();

      Http[] nodes = {new Http(ports[0]), new Http(ports[1]), new Http(ports[2])};
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240); // ~70 s idle: three JVMs on 2 cores
      for (int i = 0; i < 3; i++) {
        while (!ready(nodes[i])) {
          assertThat(System.nanoTime()).as("gateway%d ready within 240 s; logs in %s", i + 1, saveLogs(compose, env)).isLessThan(deadline);
          Thread.sleep(500);
        }
      }

      String region = "compose-" + Long.toString(System.nanoTime(), 36);
      try (ScriptedHost host = new ScriptedHost(ports[1], TestHost.info(region, List.of("process")));
          Ws events = Ws.connect(ports[2], "/v1/events")) {
        Session renter = Wallets.signIn(nodes[0]);
        events.send("{\"type\":\"subscribe\",\"topic\":\"bookings\",\"token\":\"" + renter.token() + "\"}");
        assertThat(events.until(n -> "subscribed".equals(n.path("type").asText()), 30).path("type").asText()).isEqualTo("subscribed");

        Http.Response booked = nodes[0].post("/v1/bookings", Http.json(Map.of("cpu", 0.5, "memoryMb", 64, "durationSeconds", 600,
            "region", region, "command", List.of("sleep", "300"))), renter.token());
        assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
        String id = booked.json().path("id").asText();

        JsonNode running = Poll.booking(nodes[2], id, renter.token(), b -> "RUNNING".equals(b.path("state").asText()), "RUNNING on node 3");
        assertThat(running.path("tasks").get(0).path("hostId").asText()).isEqualTo(host.id());
        JsonNode event = events.until(n -> "booking.running".equals(n.path("event").path("type").asText())
            && id.equals(n.path("event").path("data").path("bookingId").asText()), 60);
        assertThat(event.path("event").path("id").asLong()).as("a stream event id").isPositive();

        // node 3 reaches the host, which only node 2 holds, over the cluster's event bus
        Http.Response ping = nodes[2].post("/v1/hosts/" + host.id() + "/ping", null, renter.token());
        assertThat(ping.status()).as(ping.toString()).isEqualTo(200);
        assertThat(ping.json().path("node").asText()).isEqualTo("gateway2");

        Http.Response stopped = nodes[2].post("/v1/bookings/" + id + "/stop", "", renter.token());
        assertThat(stopped.status()).as(stopped.toString()).isEqualTo(200);
        Poll.booking(nodes[0], id, renter.token(), b -> "STOPPED".equals(b.path("state").asText()), "STOPPED seen on node 1");
      }
    } finally {
      saveLogs(compose, env);
      Result down = compose(env, compose, "down", "-v", "--remove-orphans", "--timeout", "20");
      Files.deleteIfExists(override);
      assertThat(down.exit()).as("torn down: " + down.out()).isZero();
    }
  }

  static boolean ready(Http node) {
    try {
      return node.get("/ready").status() == 200;
    } catch (AssertionError notYet) { // Http's "GET failed": docker's port proxy closes the connection while the node starts
      return false;
    }
  }

  static Result compose(Map<String, String> env, List<String> base, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(base);
    cmd.addAll(List.of(args));
    return OpsFilesIT.sh(env, List.of(), cmd.toArray(String[]::new));
  }

  static Path saveLogs(List<String> compose, Map<String, String> env) throws Exception {
    Files.createDirectories(LOG.getParent());
    Files.writeString(LOG, compose(env, compose, "logs", "--no-color", "--tail", "300").out());
    return LOG;
  }
}

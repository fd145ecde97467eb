package io.respool.it;

import static io.respool.it.JarProcessesIT.awaitTrue;
import static io.respool.it.JarProcessesIT.freePort;
import static io.respool.it.JarProcessesIT.healthy;
import static io.respool.it.JarProcessesIT.jar;
import static io.respool.it.JarProcessesIT.online;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.respool.gateway.testing.Http;
import io.respool.settlement.evm.AnvilDevnet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * The gateway jar as operators run it, with JSON logs, mDNS on loopback, an external Redis and a chain RPC behind a
 * proxy the test can take down: every log line is one JSON object and none says "already registered"; every metric
 * the Grafana dashboard queries is in /metrics; a host-worker jar started without --gateway finds the node over mDNS
 * and registers; /ready is 503 with a problem naming Redis while Redis is stopped, and naming the Ethereum RPC while
 * the RPC is unreachable (ready again when it is back), with the request id in the JSON log line; SIGTERM logs
 * "stopped".
 */
class OpsGatewayIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void jsonLogsDashboardMetricsMdnsAndReadiness() throws Exception {
    Path home = Files.createTempDirectory("respool-ops-gw-");
    Path workerHome = Files.createTempDirectory("respool-ops-worker-");
    Path gwLog = home.resolve("gateway.log");
    Path workerLog = workerHome.resolve("worker.log");
    List<Process> started = new ArrayList<>();
    // an external Redis the test can stop and start again on the same port
    int redisPort = freePort();
    RedisServer redis = RedisServer.newRedisServer().bind("127.0.0.1").port(redisPort).setting("save \"\"").build();
    redis.start();
    try (AnvilDevnet chain = AnvilDevnet.start(Map.of()); RpcProxy rpc = RpcProxy.start(chain.rpcUrl())) {
      int port = freePort();
      Process gateway = JarProcessesIT.start(started, gwLog, "-Drespool.heartbeatIntervalMs=1000", "-Drespool.heartbeatTimeoutMs=20000", // a busy machine: no flapping
          "-Drespool.mdnsAddress=127.0.0.1", "-Drespool.redisUrl=redis://127.0.0.1:" + redisPort,
          "-Drespool.ethRpcUrl=" + rpc.url(), "-Drespool.ethChainId=" + chain.chainId(),
          "-Drespool.ethEscrows=TUSD=" + chain.escrow("tUSD"), "-Drespool.ethStartBlock=" + chain.deployBlock(),
          "-jar", jar("gateway/target/respool-gateway.jar"), "--port", Integer.toString(port), "--ssh-port", "0",
          "--home", home.toString(), "--log-format", "json", "--mdns");
      Http http = new Http(port);
      awaitTrue(() -> healthy(http), 300, "gateway health", gwLog); // bounded generously: a start takes 20 s here idle, minutes at load 28
      assertThat(http.get("/ready").status()).isEqualTo(200);

      // every metric the dashboard charts is exported, with the labels the panels group by
      String metrics = http.get("/metrics").text();
      JsonNode dashboard = JSON.readTree(JarProcessesIT.ROOT.resolve("ops/grafana/respool-gateway.json").toFile());
      Set<String> queried = new TreeSet<>();
      for (JsonNode panel : dashboard.path("panels")) {
        for (JsonNode target : panel.path("targets")) {
          String expr = target.path("expr").asText();
          Matcher m = Pattern.compile("\\b((?:respool|vertx|jvm)_[a-z_]+)(\\{[^}]*\\})?").matcher(expr);
          while (m.find()) {
            queried.add(m.group(1));
            assertThat(metrics).as("panel '%s' queries %s", panel.path("title").asText(), m.group(1)).containsPattern("(?m)^" + m.group(1) + "[{ ]");
            if (m.group(2) != null) { // each selected label value, e.g. state="SETTLED", is a series of its own
              for (String selector : m.group(2).replaceAll("[{}]", "").split(",")) {
                assertThat(metrics).as("panel '%s' selects %s{%s}", panel.path("title").asText(), m.group(1), selector.trim())
                    .containsPattern("(?m)^" + m.group(1) + "\\{[^}]*" + Pattern.quote(selector.trim()));
              }
            }
          }
          Matcher by = Pattern.compile("by \\(([^)]*)\\) \\((?:rate\\()?([a-z_]+)").matcher(expr);
          while (by.find()) {
            for (String label : by.group(1).split(",")) {
              if (label.trim().equals("instance")) continue; // added by Prometheus at scrape time
              assertThat(metrics).as("panel '%s' groups %s by %s", panel.path("title").asText(), by.group(2), label.trim())
                  .containsPattern("(?m)^" + by.group(2) + "\\{[^}]*\\b" + label.trim() + "=");
            }
          }
        }
      }
      assertThat(queried).contains("respool_placements_total", "respool_bookings", "respool_escrow_deposits", "respool_fleet_hosts",
          "respool_fleet_capacity", "respool_usage_samples_total", "respool_terminal_sessions_open", "respool_hosts_connected");

      // a worker with no --gateway finds this node over mDNS (on loopback) and registers
      String hostId = JarProcessesIT.run("-jar", jar("host-worker/target/respool-host-worker.jar"), "id", "--home", workerHome.toString()).trim();
      ProcessBuilder wb = new ProcessBuilder(JarProcessesIT.JAVA, "-jar", jar("host-worker/target/respool-host-worker.jar"),
          "--home", workerHome.toString(), "--region", "it", "--docker-host", "none", "--mdns-address", "127.0.0.1", "--discover-seconds", "30",
          "--log-format", "json").redirectErrorStream(true).redirectOutput(workerLog.toFile());
      wb.environment().remove("RESPOOL_GATEWAY");
      started.add(wb.start());
      awaitTrue(() -> online(http, hostId), 90, "host found the gateway over mDNS and registered", workerLog);
      assertThat(Files.readString(workerLog)).contains("found gateway(s) over mDNS: [ws://127.0.0.1:" + port + "/v1/hosts/connect]");
      // the fleet gauges read PostgreSQL (every 10 s): the registered host is counted, online or not (on a busy machine
      // its heartbeats may lapse between two reads, so the test checks the sum, not which side it is on)
      awaitTrue(() -> fleetHosts(http) == 1.0, 60, "the fleet gauges counting the one registered host", gwLog);

      // Redis stopped: not ready, and the problem says so; the JSON log line carries the request id
      redis.stop();
      HttpResponse<String> notReady = awaitReady(port, "ops-it-redis-down", 503, "redis");
      assertThat(notReady.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(notReady.headers().firstValue("X-Request-Id")).hasValue("ops-it-redis-down");
      assertThat(JSON.readTree(notReady.body()).path("detail").asText()).contains("redis").doesNotContain("postgresql", "ethereum");
      awaitTrue(() -> Files.readString(gwLog).contains("\"requestId\":\"ops-it-redis-down\""), 10, "the request id in the log", gwLog);

      // Redis back (same data dir and port), then the chain RPC unreachable: not ready naming the RPC, then ready again
      redis.start();
      awaitReady(port, "ops-it-redis-back", 200, null);
      rpc.mode(RpcProxy.Mode.DOWN);
      HttpResponse<String> rpcDown = awaitReady(port, "ops-it-rpc-down", 503, "ethereum rpc");
      assertThat(JSON.readTree(rpcDown.body()).path("detail").asText()).contains("ethereum rpc").doesNotContain("redis");
      rpc.mode(RpcProxy.Mode.PASS);
      awaitReady(port, "ops-it-rpc-back", 200, null);

      // SIGTERM: a clean stop, said in the log
      gateway.destroy();
      assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String log = Files.readString(gwLog);
      List<String> lines = log.lines().filter(l -> !l.isBlank()).toList();
      assertThat(lines).isNotEmpty();
      for (String line : lines) {
        JsonNode event = JSON.readTree(line);
        assertThat(event.isObject()).as(line).isTrue();
        assertThat(event.path("level").asText()).as(line).isNotEmpty();
        assertThat(event.path("logger").asText()).as(line).isNotEmpty();
        assertThat(event.has("message")).as(line).isTrue();
      }
      assertThat(log).doesNotContain("already registered");
      assertThat(lines).anyMatch(l -> l.contains("serving on port " + port));
      assertThat(lines).anyMatch(l -> l.contains("\"message\":\"gateway ") && l.contains(" stopped\""));
      assertThat(lines).anyMatch(l -> l.contains("\"requestId\":\"ops-it-rpc-down\"") && l.contains("ethereum rpc"));
    } finally {
      for (Process p : started) {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
      }
      if (redis.isActive()) redis.stop();
    }
  }

  /** respool_fleet_hosts{online="true"} + {online="false"}. */
  private static double fleetHosts(Http http) {
    return http.get("/metrics").text().lines().filter(l -> l.startsWith("respool_fleet_hosts{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** Asks /ready (with a request id) until it answers {@code status} (and names {@code naming}), within 30 s. */
  private static HttpResponse<String> awaitReady(int port, String requestId, int status, String naming) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    HttpResponse<String> last = null;
    while (System.nanoTime() < deadline) {
      last = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).header("X-Request-Id", requestId)
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      if (last.statusCode() == status && (naming == null || last.body().contains(naming))) return last;
      Thread.sleep(200);
    }
    throw new AssertionError("/ready never answered " + status + (naming == null ? "" : " naming " + naming) + "; last: "
        + (last == null ? "none" : last.statusCode() + " " + last.body()));
  }
}

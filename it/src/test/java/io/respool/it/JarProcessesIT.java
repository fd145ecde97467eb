package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.testing.Http;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The two built jars as separate processes, as an operator runs them: the gateway with its
 * embedded PostgreSQL and Redis, and a host-worker. Killing the worker takes the host offline;
 * restarting it with the same home brings the same host id back online.
 */
class JarProcessesIT {
  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  static final String JAVA = ProcessHandle.current().info().command().orElse("java");

  @Test
  void hostComesOnlineGoesOfflineWhenKilledAndReturnsAsTheSameId() throws Exception {
    Path gwHome = Files.createTempDirectory("respool-gw-home-");
    Path workerHome = Files.createTempDirectory("respool-worker-home-");
    int port = freePort();
    List<Process> started = new ArrayList<>();
    try {
      Process gateway = start(started, gwHome.resolve("gateway.log"), "-Drespool.heartbeatIntervalMs=500",
          "-Drespool.heartbeatTimeoutMs=2000", "-jar", jar("gateway/target/respool-gateway.jar"),
          "--port", Integer.toString(port), "--ssh-port", Integer.toString(freePort()), "--home", gwHome.toString());
      Http http = new Http(port);
      awaitTrue(() -> healthy(http), 90, "gateway health", gwHome.resolve("gateway.log"));

      String hostId = run("-jar", jar("host-worker/target/respool-host-worker.jar"), "id", "--home", workerHome.toString()).trim();
      assertThat(hostId).matches("[1-9A-HJ-NP-Za-km-z]{32,44}");

      Process worker = startWorker(started, workerHome, port);
      awaitTrue(() -> online(http, hostId), 60, "host online", workerHome.resolve("worker.log"));
      JsonNode host = http.get("/v1/hosts/" + hostId).json();
      // what the worker measured of this machine, as OSHI sees it from here
      var hw = new oshi.SystemInfo().getHardware();
      assertThat(host.path("total").path("cpu").asDouble()).isEqualTo(hw.getProcessor().getPhysicalProcessorCount());
      assertThat(host.path("total").path("memoryMb").asLong()).isEqualTo(hw.getMemory().getTotal() / (1024 * 1024));
      assertThat(host.path("region").asText()).isEqualTo("it");

      worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      awaitTrue(() -> !online(http, hostId), 30, "host offline after kill", workerHome.resolve("worker.log"));

      startWorker(started, workerHome, port);
      awaitTrue(() -> online(http, hostId), 60, "host online again", workerHome.resolve("worker.log"));
      assertThat(http.get("/v1/hosts?online=true&region=it").json().path("items"))
          .as("one host, same id, no duplicate").hasSize(1);
      assertThat(gateway.isAlive()).isTrue();
    } finally {
      for (Process p : started) {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
      }
    }
  }

  static Process startWorker(List<Process> started, Path home, int port) throws IOException {
    return start(started, home.resolve("worker.log"), "-jar", jar("host-worker/target/respool-host-worker.jar"),
        "--gateway", "ws://127.0.0.1:" + port, "--home", home.toString(), "--region", "it");
  }

  static String jar(String relative) {
    File f = ROOT.resolve(relative).toFile();
    assertThat(f).as("built by the reactor before this module").exists();
    return f.getAbsolutePath();
  }

  static Process start(List<Process> started, Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(JAVA));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    started.add(p);
    return p;
  }

  static String run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(JAVA));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  static boolean healthy(Http http) {
    try {
      return http.get("/health").status() == 200;
    } catch (AssertionError e) {
      return false;
    }
  }

  static boolean online(Http http, String id) {
    Http.Response r = http.get("/v1/hosts/" + id);
    return r.status() == 200 && r.json().path("online").asBoolean();
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void awaitTrue(Check check, int seconds, String what, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        String tail = Files.exists(log) ? Files.readString(log) : "(no log)";
        throw new AssertionError(what + " not reached within " + seconds + " s; log:\n" + tail.substring(Math.max(0, tail.length() - 4000)));
      }
      Thread.sleep(100);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

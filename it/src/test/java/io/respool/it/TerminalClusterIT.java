package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Poll;
import io.respool.gateway.testing.Wallets;
import io.respool.gateway.testing.Wallets.Session;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two clustered gateway nodes; the host-worker is connected to node B only, the user reaches node
 * A: every byte crosses the event bus both ways. SSH and the WebSocket work the same as on one node;
 * both nodes present the same SSH host key; a slow reader on A holds the command back on the host
 * (nothing buffers the difference on the way); the host going away ends the sessions on A with a
 * reason and no exit status.
 */
class TerminalClusterIT {
  static final String REGION = "term-cl-" + Long.toString(System.nanoTime(), 36);
  static Gateway a;
  static Gateway b;
  static Worker worker;
  static Http http;
  static Session renter;
  static OpenSsh.Key key;
  static String booking;

  static Gateway node(String id, int clusterPort) throws Exception {
    return GatewayNodes.start(Map.of("cluster", "true", "nodeId", id, "clusterPort", Integer.toString(clusterPort),
        "clusterMembers", "127.0.0.1:5821,127.0.0.1:5822", "allowUnpaidBookings", "true", "sshPort", Integer.toString(TerminalIT.freePort()),
        "reconcileIntervalMs", "300", "stopGraceSeconds", "1"));
  }

  @BeforeAll
  static void start() throws Exception {
    OpenSsh.ensureInstalled();
    a = node("term-a", 5821);
    b = node("term-b", 5822);
    worker = Worker.start(b.port(), REGION, null);
    http = new Http(a.port());
    renter = Wallets.signIn(http);
    key = OpenSsh.keygen("ed25519");
    Http.Response r = http.send("PUT", "/v1/account/ssh-keys", Http.json(Map.of("keys", List.of(key.publicLine()))), renter.token(), "application/json");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    booking = book(List.of("sleep", "3600"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (booking != null) { // the worker leaves its tasks running when it goes
      http.post("/v1/bookings/" + booking + "/stop", "", renter.token());
      Poll.booking(http, booking, renter.token(), j -> j.path("state").asText().equals("STOPPED"), "STOPPED");
    }
    if (worker != null) worker.close();
    if (a != null) a.close();
    if (b != null) b.close();
  }

  static String book(List<String> command) {
    Map<String, Object> body = new LinkedHashMap<>(Map.of("cpu", 0.5, "memoryMb", 128, "durationSeconds", 3600, "region", REGION, "command", command));
    Http.Response r = http.post("/v1/bookings", Http.json(body), renter.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    String id = r.json().path("id").asText();
    Poll.booking(http, id, renter.token(), j -> j.path("state").asText().equals("RUNNING"), "RUNNING");
    return id;
  }

  @Test
  void sshAndTheWebSocketOnNodeAReachAHostHeldByNodeB() throws Exception {
    OpenSsh.Result r = OpenSsh.ssh(a.sshPort(), key, booking, "printf out; echo err >&2; exit 5");
    assertThat(r.exit()).as(r.toString()).isEqualTo(5);
    assertThat(r.out()).isEqualTo("out");
    assertThat(r.stderr()).isEqualTo("err\n");
    OpenSsh.Result cat = OpenSsh.ssh(a.sshPort(), key, booking, List.of(), "cat", "data\n".getBytes(StandardCharsets.UTF_8));
    assertThat(cat.out()).isEqualTo("data\n");
    try (K8sTerminal t = K8sTerminal.open(a.port(), booking, TerminalIT.query("/bin/sh", "-c", "printf ws; exit 2"), renter.token())) {
      JsonNode status = t.awaitStatus();
      assertThat(status.path("details").path("causes").get(0).path("message").asText()).isEqualTo("2");
      assertThat(t.stdoutAtStatus).isEqualTo("ws");
    }
    JsonNode sessions = Poll.until(() -> http.get("/v1/bookings/" + booking + "/sessions", renter.token()).json(),
        j -> j.path("items").size() >= 3, Duration.ofSeconds(30), "sessions audited");
    assertThat(sessions.path("items").findValuesAsText("node")).contains("term-a");
  }

  @Test
  void everyNodePresentsTheSameHostKey() throws Exception {
    OpenSsh.Result fromA = OpenSsh.run(List.of("ssh-keyscan", "-p", Integer.toString(a.sshPort()), "127.0.0.1"), null, OpenSsh.TIMEOUT);
    OpenSsh.Result fromB = OpenSsh.run(List.of("ssh-keyscan", "-p", Integer.toString(b.sshPort()), "127.0.0.1"), null, OpenSsh.TIMEOUT);
    String keyA = fromA.out().trim().replaceFirst("^\\S+\\s+", "");
    String keyB = fromB.out().trim().replaceFirst("^\\S+\\s+", "");
    assertThat(keyA).as(fromA.toString()).startsWith("ecdsa-sha2-nistp256 ");
    assertThat(keyB).isEqualTo(keyA);
    // a client that knows node A's key connects to node B with strict checking
    java.nio.file.Path known = java.nio.file.Files.createTempFile("known_hosts", "");
    java.nio.file.Files.writeString(known, "[127.0.0.1]:" + b.sshPort() + " " + keyA + "\n");
    List<String> cmd = new java.util.ArrayList<>(List.of("ssh", "-p", Integer.toString(b.sshPort()), "-n"));
    cmd.addAll(OpenSsh.options(b.sshPort(), key, known));
    cmd.addAll(List.of(booking + "@127.0.0.1", "echo trusted"));
    OpenSsh.Result strict = OpenSsh.run(cmd, null, OpenSsh.TIMEOUT);
    assertThat(strict.out()).as(strict.toString()).isEqualTo("trusted\n");
  }

  @Test
  void aSlowReaderHoldsTheCommandBackAcrossTheClusterAndGetsEveryByte() throws Exception {
    long size = 100L * 1000 * 1000;
    String done = "finished-" + Long.toString(System.nanoTime(), 36);
    List<String> cmd = new java.util.ArrayList<>(List.of("ssh", "-p", Integer.toString(a.sshPort())));
    cmd.addAll(OpenSsh.options(a.sshPort(), key, null));
    cmd.addAll(List.of(booking + "@127.0.0.1", "head -c " + size + " /dev/zero; touch " + done));
    long heapBefore = heapAfterGc();
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      InputStream out = p.getInputStream();
      byte[] buf = new byte[64 * 1024];
      long read = out.readNBytes(buf, 0, buf.length);
      assertThat(read).isPositive();
      // nobody reads now: the pipes and windows fill, credit stops, and the worker stops reading the command
      Thread.sleep(3000);
      OpenSsh.Result check = OpenSsh.ssh(a.sshPort(), key, booking, "test -e " + done + " && echo finished || echo held");
      assertThat(check.out()).as("the command is held back by the reader, not buffered ahead of it").isEqualTo("held\n");
      // both gateways and the worker live in this JVM: whatever they buffer for the held stream is on this heap
      long held = heapAfterGc() - heapBefore;
      System.out.printf("TerminalClusterIT: heap after GC grew by %.1f MiB while 100 MB waited behind a reader reading nothing%n", held / 1048576.0);
      assertThat(held).as("heap grown by %d bytes while 100 MB wait behind a reader that reads nothing", held).isLessThan(32L << 20);
      CompletableFuture<Long> rest = CompletableFuture.supplyAsync(() -> {
        long n = 0;
        try {
          for (int k; (k = out.read(buf)) >= 0; ) n += k;
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
        return n;
      });
      assertThat(read + rest.get(120, TimeUnit.SECONDS)).isEqualTo(size);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      p.destroyForcibly();
    }
  }

  /** The heap in use after a full collection: what is really held, not garbage waiting for a collection. */
  static long heapAfterGc() {
    java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  @Test
  void theHostGoingAwayEndsSessionsOnTheOtherNodeWithAReasonAndNoStatus() throws Exception {
    Worker second = Worker.start(b.port(), REGION + "-x", null);
    Map<String, Object> body = new LinkedHashMap<>(Map.of("cpu", 0.5, "memoryMb", 128, "durationSeconds", 3600, "region", REGION + "-x",
        "command", List.of("sleep", "3600")));
    Http.Response r = http.post("/v1/bookings", Http.json(body), renter.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    String doomed = r.json().path("id").asText();
    Poll.booking(http, doomed, renter.token(), j -> j.path("state").asText().equals("RUNNING"), "RUNNING");

    List<String> cmd = new java.util.ArrayList<>(List.of("ssh", "-p", Integer.toString(a.sshPort())));
    cmd.addAll(OpenSsh.options(a.sshPort(), key, null));
    cmd.addAll(List.of(doomed + "@127.0.0.1", "echo up; exec sleep 600"));
    Process ssh = new ProcessBuilder(cmd).start();
    StringBuffer sshOut = new StringBuffer();
    Thread.ofVirtual().start(() -> {
      byte[] buf = new byte[256];
      try {
        for (int n; (n = ssh.getInputStream().read(buf)) > 0; ) sshOut.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      } catch (java.io.IOException ended) {
        // ssh exited
      }
    });
    CompletableFuture<byte[]> sshErr = OpenSsh.drain(ssh.getErrorStream());
    try (K8sTerminal t = K8sTerminal.open(a.port(), doomed, TerminalIT.query("/bin/sh", "-c", "echo up; exec sleep 600"), renter.token())) {
      t.awaitOutput("up", 30);
      TerminalIT.awaitSeen(sshOut, "up\n", () -> {});
      second.close(); // the host's connection to node B drops
      K8sTerminal.Closed closed = t.awaitClose();
      assertThat(closed.code()).as(closed.toString()).isIn(1011, 1001);
      assertThat(closed.reason()).contains(second.hostId);
      assertThat(t.status).as("no made-up exit status").isNotDone();
      assertThat(ssh.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(ssh.exitValue()).as("ssh's own error code, not one of the command's").isEqualTo(255);
      assertThat(new String(sshErr.get(), StandardCharsets.UTF_8)).contains("respool: host " + second.hostId);
      assertThat(sshOut.toString()).isEqualTo("up\n");
    } finally {
      ssh.destroyForcibly();
      // its worker is gone, its process is not: end it where it runs
      JsonNode tasks = http.get("/v1/bookings/" + doomed, renter.token()).json().path("tasks");
      for (JsonNode t : tasks) second.processes.stop(t.path("taskId").asText(), Duration.ofSeconds(1));
    }
  }
}

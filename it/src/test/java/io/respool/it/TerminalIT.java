package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Poll;
import io.respool.gateway.testing.Wallets;
import io.respool.gateway.testing.Wallets.Session;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The terminal through a real gateway and a real host-worker, with the real OpenSSH client: a
 * container on the test dockerd and a plain process task, each booked over HTTP. Exec output and
 * exit status exact with stderr apart, stdin and its EOF, signal deaths, a PTY with resize, scp and
 * sftp (SFTP subsystem over an {@code sftp} stream), {@code ssh -L} to an HTTP server inside the
 * workload, 200 execs in a row; refusals that execute nothing; the audit of sessions.
 */
class TerminalIT {
  static final String IMAGE = "respool/busybox:test";
  static final String REGION = "term-" + Long.toString(System.nanoTime(), 36);
  static Gateway node;
  static Http http;
  static Worker worker;
  static Session renter;
  static Session stranger;
  static OpenSsh.Key key;
  static OpenSsh.Key strangerKey;
  static OpenSsh.Key unregistered;
  static String container;
  static String process;
  static int processHttpPort;
  static final List<String> BOOKED = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    OpenSsh.ensureInstalled();
    String dockerHost = System.getenv("DOCKER_HOST");
    assertThat(dockerHost).as("DOCKER_HOST must point at the test dockerd: run ops/docker/test-dockerd.sh (ops/respool test does)").isNotBlank();
    node = GatewayNodes.start(Map.of("allowUnpaidBookings", "true", "sshPort", Integer.toString(freePort()), "reconcileIntervalMs", "300",
        "stopGraceSeconds", "1", "resendAfterSeconds", "60"));
    http = new Http(node.port());
    worker = Worker.start(node.port(), REGION, dockerHost);
    renter = Wallets.signIn(http);
    stranger = Wallets.signIn(http);
    key = OpenSsh.keygen("ed25519");
    strangerKey = OpenSsh.keygen("ecdsa");
    unregistered = OpenSsh.keygen("ed25519");
    putKeys(renter, key.publicLine());
    putKeys(stranger, strangerKey.publicLine());
    container = book(renter, Map.of("image", IMAGE, "command", List.of("/bin/sh", "-c",
        "mkdir -p /www && echo hello-from-the-workload > /www/index.html && httpd -p 8080 -h /www && exec sleep 3600")));
    processHttpPort = freePort();
    process = book(renter, Map.of("command", List.of("/bin/sh", "-c",
        "echo hello-from-a-process > index.html && exec /bin/busybox httpd -f -p 127.0.0.1:" + processHttpPort + " -h .")));
  }

  @AfterAll
  static void stop() throws Exception {
    // the worker leaves its tasks running when it goes: stop the bookings so their containers and processes go too
    for (String id : BOOKED) http.post("/v1/bookings/" + id + "/stop", "", renter.token());
    for (String id : BOOKED) Poll.booking(http, id, renter.token(), j -> j.path("state").asText().matches("STOPPED|FAILED"), "STOPPED");
    if (worker != null) worker.close();
    if (node != null) node.close();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static void putKeys(Session who, String... lines) {
    Http.Response r = http.send("PUT", "/v1/account/ssh-keys", Http.json(Map.of("keys", List.of(lines))), who.token(), "application/json");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  static String book(Session who, Map<String, Object> workload) {
    Map<String, Object> b = new LinkedHashMap<>(Map.of("cpu", 0.5, "memoryMb", 128, "durationSeconds", 3600, "region", REGION));
    b.putAll(workload);
    Http.Response r = http.post("/v1/bookings", Http.json(b), who.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    String id = r.json().path("id").asText();
    BOOKED.add(id);
    Poll.booking(http, id, who.token(), j -> j.path("state").asText().equals("RUNNING"), "RUNNING");
    return id;
  }

  static OpenSsh.Result ssh(String booking, String command) throws Exception {
    return OpenSsh.ssh(node.sshPort(), key, booking, command);
  }

  // --- exec -----------------------------------------------------------------------------------------

  @Test
  void execGivesExactOutputStderrApartAndTheExitStatusOnBothDrivers() throws Exception {
    for (String booking : List.of(container, process)) {
      OpenSsh.Result r = ssh(booking, "printf 'out\\nput'; echo err >&2; exit 3");
      assertThat(r.exit()).as(r.toString()).isEqualTo(3);
      assertThat(r.out()).isEqualTo("out\nput");
      assertThat(r.stderr()).isEqualTo("err\n");
      OpenSsh.Result ok = ssh(booking, "true");
      assertThat(ok.exit()).as(ok.toString()).isZero();
      assertThat(ok.out()).isEmpty();
    }
  }

  @Test
  void stdinAndItsEofReachTheCommand() throws Exception {
    for (String booking : List.of(container, process)) {
      OpenSsh.Result r = OpenSsh.ssh(node.sshPort(), key, booking, List.of(), "cat; echo done", "data\n".getBytes(StandardCharsets.UTF_8));
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.out()).isEqualTo("data\ndone\n");
    }
  }

  @Test
  void aSignalDeathIsReportedAsASignalNotAnExitCode() throws Exception {
    OpenSsh.Result r = ssh(container, "kill -KILL $$");
    assertThat(r.exit()).as(r.toString()).isEqualTo(255);
    assertThat(r.stderr()).as(r.toString()).doesNotContain("respool:");
  }

  /** Over one SSH connection (OpenSSH multiplexing): each exec is a channel of its own, hence a stream and a session of its own. */
  @Test
  void twoHundredExecsInARowEachWithItsWholeOutput() throws Exception {
    Path control = Files.createTempDirectory("respool-ssh-mux-").resolve("c");
    List<String> mux = List.of("-n", "-o", "ControlMaster=auto", "-o", "ControlPath=" + control, "-o", "ControlPersist=30");
    for (int i = 0; i < 200; i++) {
      OpenSsh.Result r = OpenSsh.ssh(node.sshPort(), key, process, mux, "seq 1 " + (i % 50 + 1) + "; exit " + (i % 7), null);
      assertThat(r.exit()).as("run " + i + ": " + r).isEqualTo(i % 7);
      StringBuilder expected = new StringBuilder();
      for (int k = 1; k <= i % 50 + 1; k++) expected.append(k).append('\n');
      assertThat(r.out()).as("run " + i).isEqualTo(expected.toString());
    }
    OpenSsh.run(List.of("ssh", "-o", "ControlPath=" + control, "-O", "exit", "x"), null, OpenSsh.TIMEOUT);
  }


  /** The real ssh in a real terminal (pty4j): the remote side gets a TTY of the local size, and follows a resize of the local window. */
  @Test
  void anInteractiveSshSessionHasATerminalThatFollowsResizes() throws Exception {
    List<String> cmd = concat(List.of("ssh", "-tt", "-p", Integer.toString(node.sshPort())), OpenSsh.options(node.sshPort(), key, null),
        List.of(container + "@127.0.0.1", "tty; echo TERM=$TERM; while read x; do stty size; done"));
    Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.put("TERM", "xterm-256color");
    com.pty4j.PtyProcess p = new com.pty4j.PtyProcessBuilder(cmd.toArray(String[]::new)).setEnvironment(env).setInitialColumns(100)
        .setInitialRows(30).setRedirectErrorStream(true).start();
    StringBuffer seen = new StringBuffer();
    Thread.ofVirtual().start(() -> {
      byte[] buf = new byte[4096];
      try {
        for (int n; (n = p.getInputStream().read(buf)) > 0; ) seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      } catch (IOException ended) {
        // the terminal closed
      }
    });
    try {
      var in = p.getOutputStream();
      awaitSeen(seen, "TERM=xterm-256color", () -> {});
      assertThat(seen.toString()).containsPattern("/dev/pts/\\d+");
      awaitSeen(seen, "30 100", () -> write(in, "\n"));
      p.setWinSize(new com.pty4j.WinSize(120, 40)); // SIGWINCH to ssh: a window-change request
      awaitSeen(seen, "40 120", () -> write(in, "\n"));
      write(in, "\u0004"); // ^D: the loop's read fails, the command ends
      assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(seen.toString()).isZero();
    } finally {
      p.destroyForcibly();
    }
  }

  static void write(java.io.OutputStream out, String text) {
    try {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Does {@code nudge} every 200 ms until {@code text} shows, within 30 s (a resize and a line race on the worker). */
  static void awaitSeen(StringBuffer seen, String text, Runnable nudge) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!seen.toString().contains(text)) {
      if (System.nanoTime() > deadline) throw new AssertionError("no [" + text + "] within 30 s; the terminal showed [" + seen + "]");
      nudge.run();
      Thread.sleep(200);
    }
  }

  // --- files ----------------------------------------------------------------------------------------

  @Test
  void scpCopiesTwentyMegabytesInAndOutIntact() throws Exception {
    Path dir = Files.createTempDirectory("respool-scp-");
    Path big = dir.resolve("big.bin");
    byte[] data = new byte[20 * 1024 * 1024];
    new Random(11).nextBytes(data);
    Files.write(big, data);
    for (String booking : List.of(container, process)) {
      String remote = booking.equals(container) ? "/tmp/big.bin" : "big.bin";
      OpenSsh.Result in = OpenSsh.scp(node.sshPort(), key, List.of(big.toString(), booking + "@127.0.0.1:" + remote));
      assertThat(in.exit()).as(in.toString()).isZero();
      OpenSsh.Result sum = ssh(booking, "sha256sum " + remote);
      assertThat(sum.out()).startsWith(sha256(data));
      Path back = dir.resolve("back-" + booking);
      OpenSsh.Result out = OpenSsh.scp(node.sshPort(), key, List.of(booking + "@127.0.0.1:" + remote, back.toString()));
      assertThat(out.exit()).as(out.toString()).isZero();
      assertThat(sha256(Files.readAllBytes(back))).isEqualTo(sha256(data));
    }
  }

  @Test
  void sftpListsMakesRenamesAndRemoves() throws Exception {
    OpenSsh.Result r = OpenSsh.sftp(node.sshPort(), key, process, """
        mkdir made
        rename made renamed
        ls -1
        rmdir renamed
        ls -1
        """);
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("renamed").contains("index.html");
    OpenSsh.Result check = ssh(process, "ls");
    assertThat(check.out()).contains("index.html").doesNotContain("made").doesNotContain("renamed");
  }

  // --- forwarding -----------------------------------------------------------------------------------

  @Test
  void localForwardingReachesAnHttpServerInsideTheWorkload() throws Exception {
    Map<String, Integer> targets = Map.of(container, 8080, process, processHttpPort);
    for (var t : targets.entrySet()) {
      int local = freePort();
      Process tunnel = new ProcessBuilder(concat(List.of("ssh", "-p", Integer.toString(node.sshPort())), OpenSsh.options(node.sshPort(), key, null),
          List.of("-N", "-o", "ExitOnForwardFailure=yes", "-L", "127.0.0.1:" + local + ":localhost:" + t.getValue(), t.getKey() + "@127.0.0.1")))
          .redirectErrorStream(true).start();
      try {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        JsonNode none = null;
        String body = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (body == null && System.nanoTime() < deadline) {
          try {
            HttpResponse<String> resp = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + local + "/index.html"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() == 200) body = resp.body();
          } catch (IOException notYet) {
            Thread.sleep(100);
          }
        }
        assertThat(body).as("the workload's HTTP server answered through the tunnel").isNotNull().startsWith("hello-from-");
        assertThat(none).isNull();
      } finally {
        tunnel.destroy();
      }
    }
  }

  // --- refusals -------------------------------------------------------------------------------------

  @Test
  void refusalsSayPermissionDeniedAndRunNothing() throws Exception {
    String marker = "/tmp/refused-" + Long.toString(System.nanoTime(), 36);
    OpenSsh.Result otherKey = OpenSsh.ssh(node.sshPort(), strangerKey, container, "touch " + marker);
    OpenSsh.Result noKey = OpenSsh.ssh(node.sshPort(), unregistered, container, "touch " + marker);
    OpenSsh.Result password = OpenSsh.ssh(node.sshPort(), null, container, List.of("-n", "-o", "PubkeyAuthentication=no",
        "-o", "PreferredAuthentications=password,keyboard-interactive"), "touch " + marker, null);
    OpenSsh.Result notABooking = OpenSsh.ssh(node.sshPort(), key, "root", "touch " + marker);
    for (OpenSsh.Result r : List.of(otherKey, noKey, password, notABooking)) {
      assertThat(r.exit()).as(r.toString()).isEqualTo(255);
      assertThat(r.stderr()).as(r.toString()).contains("Permission denied");
    }
    assertThat(ssh(container, "test -e " + marker + " && echo present || echo absent").out()).isEqualTo("absent\n");
  }

  @Test
  void aStoppedBookingRefusesAndAStoppingOneEndsItsSessionsWithAMessage() throws Exception {
    String booking = book(renter, Map.of("command", List.of("sleep", "3600")));
    Process shell = new ProcessBuilder(concat(List.of("ssh", "-p", Integer.toString(node.sshPort())), OpenSsh.options(node.sshPort(), key, null),
        List.of(booking + "@127.0.0.1", "echo started; exec sleep 600"))).start();
    var err = OpenSsh.drain(shell.getErrorStream());
    // the shell has run once its first line arrives; the stop comes after that, not merely after the session is recorded
    InputStream stdout = shell.getInputStream();
    assertThat(OpenSsh.line(stdout).get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("started\n");
    var out = OpenSsh.drain(stdout);
    Poll.until(() -> http.get("/v1/bookings/" + booking + "/sessions", renter.token()).json(),
        j -> j.path("items").size() == 1, Duration.ofSeconds(30), "the session is recorded");
    Http.Response stopped = http.post("/v1/bookings/" + booking + "/stop", "", renter.token());
    assertThat(stopped.status()).as(stopped.toString()).isEqualTo(200);
    assertThat(shell.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("the session ended with the booking").isTrue();
    assertThat(new String(err.get(), StandardCharsets.UTF_8)).contains("respool: booking " + booking + " is STOPP");
    assertThat(new String(out.get(), StandardCharsets.UTF_8)).as("nothing after the first line").isEmpty();
    Poll.booking(http, booking, renter.token(), j -> j.path("state").asText().equals("STOPPED"), "STOPPED");

    assertThat(refusal(() -> K8sTerminal.open(node.port(), booking, query("echo", "should-not-run"), renter.token()))).isEqualTo(409);
    OpenSsh.Result after = ssh(booking, "echo should-not-run");
    assertThat(after.exit()).as(after.toString()).isEqualTo(255);
    assertThat(after.stderr()).contains("Permission denied");
    assertThat(after.out()).isEmpty();
  }

  // --- audit ----------------------------------------------------------------------------------------

  @Test
  void everySessionIsAuditedWithoutContentAndOnlyTheOwnerSeesIt() throws Exception {
    String booking = book(renter, Map.of("command", List.of("sleep", "3600")));
    assertThat(ssh(booking, "printf 12345; exit 4").exit()).isEqualTo(4);
    OpenSsh.Result cat = OpenSsh.ssh(node.sshPort(), key, booking, List.of(), "cat >/dev/null", "abc".getBytes(StandardCharsets.UTF_8));
    assertThat(cat.exit()).isZero();
    JsonNode page = Poll.until(() -> http.get("/v1/bookings/" + booking + "/sessions", renter.token()).json(),
        j -> j.path("items").size() == 2 && j.path("items").findValues("endedAt").stream().noneMatch(JsonNode::isNull),
        Duration.ofSeconds(30), "both sessions recorded and ended");
    JsonNode newest = page.path("items").get(0);
    JsonNode first = page.path("items").get(1);
    assertThat(first.path("kind").asText()).isEqualTo("exec");
    assertThat(first.path("transport").asText()).isEqualTo("ssh");
    assertThat(first.path("accountId").asText()).isEqualTo(renter.accountId());
    assertThat(first.path("clientAddress").asText()).isEqualTo("127.0.0.1");
    assertThat(first.path("bytesOut").asLong()).isEqualTo(5);
    assertThat(first.path("exitCode").asInt()).isEqualTo(4);
    assertThat(newest.path("bytesIn").asLong()).isEqualTo(3);
    assertThat(newest.toString()).doesNotContain("12345").doesNotContain("abc");
    assertThat(http.get("/v1/bookings/" + booking + "/sessions", stranger.token()).isProblem(404)).isTrue();
    assertThat(http.get("/metrics").text()).contains("respool_terminal_bytes_total{direction=\"out\",kind=\"exec\"");
  }

  @Test
  void sshKeysAreCheckedAndListedWithFingerprints() throws Exception {
    Session someone = Wallets.signIn(http);
    OpenSsh.Key rsa = OpenSsh.keygen("rsa");
    Http.Response ok = http.send("PUT", "/v1/account/ssh-keys", Http.json(Map.of("keys", List.of(key.publicLine(), rsa.publicLine()))),
        someone.token(), "application/json");
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    OpenSsh.Result fp = OpenSsh.run(List.of("ssh-keygen", "-l", "-E", "sha256", "-f", key.file() + ".pub"), null, OpenSsh.TIMEOUT);
    assertThat(ok.json().path("keys").get(0).path("fingerprint").asText()).isEqualTo(fp.out().split(" ")[1]);
    assertThat(ok.json().path("keys").get(1).path("bits").asInt()).isGreaterThanOrEqualTo(2048);
    assertThat(http.get("/v1/account/ssh-keys", someone.token()).json().path("keys")).hasSize(2);
    Http.Response bad = http.send("PUT", "/v1/account/ssh-keys", Http.json(Map.of("keys", List.of(key.publicLine(), "ssh-ed25519 AAAAnotakey"))),
        someone.token(), "application/json");
    assertThat(bad.isProblem(400)).as(bad.toString()).isTrue();
    assertThat(bad.json().path("detail").asText()).contains("keys[1]");
    assertThat(http.get("/v1/account/ssh-keys", someone.token()).json().path("keys")).as("a refused PUT changes nothing").hasSize(2);
  }


  // --- the browser terminal (v5.channel.k8s.io) -----------------------------------------------------

  static String query(String... argv) {
    StringBuilder q = new StringBuilder();
    for (String a : argv) q.append(q.length() == 0 ? "" : "&").append("command=").append(java.net.URLEncoder.encode(a, StandardCharsets.UTF_8));
    return q.toString();
  }

  @Test
  void theWebSocketGivesOutputPerChannelThenKubernetesStatus() throws Exception {
    for (String booking : List.of(container, process)) {
      try (K8sTerminal t = K8sTerminal.open(node.port(), booking, query("/bin/sh", "-c", "printf out; printf err >&2; exit 3"), renter.token())) {
        JsonNode status = t.awaitStatus();
        assertThat(status.path("status").asText()).isEqualTo("Failure");
        assertThat(status.path("reason").asText()).isEqualTo("NonZeroExitCode");
        assertThat(status.path("details").path("causes").get(0).path("reason").asText()).isEqualTo("ExitCode");
        assertThat(status.path("details").path("causes").get(0).path("message").asText()).isEqualTo("3");
        assertThat(t.stdoutAtStatus).isEqualTo("out");
        assertThat(t.err()).isEqualTo("err");
        assertThat(t.awaitClose().code()).isEqualTo(1000);
        assertThat(t.violation).isNull();
      }
      try (K8sTerminal t = K8sTerminal.open(node.port(), booking, query("true"), renter.token())) {
        assertThat(t.awaitStatus().toString()).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
      }
    }
  }

  @Test
  void theWebSocketCarriesStdinAndItsClose() throws Exception {
    try (K8sTerminal t = K8sTerminal.open(node.port(), container, query("/bin/sh", "-c", "cat; echo end"), renter.token())) {
      t.stdin("hello ");
      t.stdin("world\n");
      t.closeStdin();
      assertThat(t.awaitStatus().path("status").asText()).isEqualTo("Success");
      assertThat(t.stdoutAtStatus).isEqualTo("hello world\nend\n");
    }
  }

  @Test
  void aTokenAsSubprotocolOpensATerminalWithATty() throws Exception {
    String encoded = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(renter.token().getBytes(StandardCharsets.UTF_8));
    try (K8sTerminal t = K8sTerminal.open(node.port(), container, "tty=true&" + query("/bin/sh", "-c", "while read x; do stty size; done"), null,
        K8sTerminal.protocols("base64url.bearer.authorization.k8s.io." + encoded, "v5.channel.k8s.io"))) {
      t.resize(120, 40);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!t.out().contains("40 120") && System.nanoTime() < deadline) {
        t.stdin("\n"); // the resize and the line race on the worker; ask again until the new size shows
        Thread.sleep(200);
      }
      assertThat(t.out()).contains("40 120");
      t.send(0, new byte[] {4}); // ^D on the terminal: read fails, the loop ends
      assertThat(t.awaitStatus().path("status").asText()).isEqualTo("Success");
    }
  }

  @Test
  void aThousandExecsThroughTheWebSocketEachWithItsWholeOutputBeforeItsStatus() throws Exception {
    for (int i = 0; i < 1000; i++) {
      try (K8sTerminal t = K8sTerminal.open(node.port(), process, query("echo", "run-" + i), renter.token())) {
        JsonNode status = t.awaitStatus();
        assertThat(status.path("status").asText()).as("run " + i).isEqualTo("Success");
        assertThat(t.stdoutAtStatus).as("run " + i + ": the whole output before the status").isEqualTo("run-" + i + "\n");
        assertThat(t.violation).isNull();
      }
    }
  }

  @Test
  void theWebSocketRefusesBadTokensStrangersAndStoppedBookingsRunningNothing() throws Exception {
    String marker = "/tmp/ws-refused-" + Long.toString(System.nanoTime(), 36);
    String touch = query("touch", marker);
    io.vertx.core.Vertx v = io.vertx.core.Vertx.vertx();
    try {
      var jwt = io.vertx.ext.auth.jwt.JWTAuth.create(v, new io.vertx.ext.auth.jwt.JWTAuthOptions()
          .addPubSecKey(new io.vertx.ext.auth.PubSecKeyOptions().setAlgorithm("HS256").setBuffer(GatewayNodes.JWT_SECRET)));
      String expired = jwt.generateToken(new io.vertx.core.json.JsonObject().put("sub", renter.accountId()).put("roles", new io.vertx.core.json.JsonArray().add("renter"))
          .put("exp", System.currentTimeMillis() / 1000 - 60).put("iss", "respool"));
      String tampered = renter.token().substring(0, renter.token().length() - 3) + (renter.token().endsWith("AAA") ? "BBB" : "AAA");
      for (String bad : List.of(expired, tampered, "nonsense")) {
        assertThat(refusal(() -> K8sTerminal.open(node.port(), container, touch, bad))).as(bad).isEqualTo(401);
      }
      assertThat(refusal(() -> K8sTerminal.open(node.port(), container, touch, null, List.of("v5.channel.k8s.io")))).isEqualTo(401);
      assertThat(refusal(() -> K8sTerminal.open(node.port(), container, touch, stranger.token()))).isEqualTo(404);
      assertThat(refusal(() -> K8sTerminal.open(node.port(), "bk_nosuchbooking", touch, renter.token()))).isEqualTo(404);
    } finally {
      v.close();
    }
    assertThat(ssh(container, "test -e " + marker + " && echo present || echo absent").out()).isEqualTo("absent\n");
  }

  static int refusal(Runnable open) {
    try {
      open.run();
    } catch (K8sTerminal.Refused r) {
      return r.status;
    }
    throw new AssertionError("the terminal opened");
  }

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  @SafeVarargs
  static List<String> concat(List<String>... parts) {
    List<String> all = new java.util.ArrayList<>();
    for (List<String> p : parts) all.addAll(p);
    return all;
  }
}

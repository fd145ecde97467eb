package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Poll;
import io.respool.gateway.testing.Views;
import io.respool.gateway.testing.Wallets.Session;
import io.respool.gateway.testing.Wallets;
import io.respool.gateway.testing.Ws;
import io.respool.hosts.HostCommands;
import io.respool.protocol.host.HostFrame;
import io.vertx.core.eventbus.ReplyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The life of a booking end to end: a renter signs in with a wallet, books over HTTP, the gateway
 * reserves and dispatches to real host-workers, the workload really runs (a container on the test
 * dockerd, or a plain process), its output and its events reach the renter, it stops, and the
 * capacity comes back. Also: a host that goes away mid-run — its part is rescheduled elsewhere or
 * the booking fails, per the booking's policy.
 */
class BookingsEndToEndIT {
  static final String IMAGE = "respool/busybox:test";
  static Gateway node;
  static Http http;
  static Worker containers;
  static final String DOCKER_REGION = "e2e-docker-" + Long.toString(System.nanoTime(), 36);

  @BeforeAll
  static void start() throws Exception {
    String dockerHost = System.getenv("DOCKER_HOST");
    assertThat(dockerHost).as("DOCKER_HOST must point at the test dockerd: run ops/docker/test-dockerd.sh (ops/respool test does)").isNotBlank();
    node = GatewayNodes.start(Map.of("allowUnpaidBookings", "true", "reconcileIntervalMs", "200", "hostLossGraceSeconds", "1",
        "stopGraceSeconds", "2", "resendAfterSeconds", "2", "heartbeatIntervalMs", "500", "heartbeatTimeoutMs", "2000",
        "meterIntervalMs", "200"));
    http = new Http(node.port());
    containers = Worker.start(node.port(), DOCKER_REGION, dockerHost);
  }

  @AfterAll
  static void stop() throws Exception {
    if (containers != null) containers.close();
    if (node != null) node.close();
  }

  static String body(String region, Map<String, Object> fields) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("cpu", 0.5);
    b.put("memoryMb", 64);
    b.put("durationSeconds", 600);
    b.put("region", region);
    b.putAll(fields);
    return Http.json(b);
  }

  static JsonNode book(Session who, String body) {
    Http.Response r = http.post("/v1/bookings", body, who.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  static JsonNode await(Session who, String id, Predicate<JsonNode> done, String what) {
    return Poll.booking(http, id, who.token(), done, what);
  }

  static Predicate<JsonNode> state(String s) {
    return b -> b.path("state").asText().equals(s);
  }

  static long freeCpu(String hostId) {
    return Views.freeCpuMillis(http, hostId);
  }

  static List<String> transitions(JsonNode booking) {
    return Views.transitions(booking);
  }

  @Test
  void aContainerBookingRunsShowsItsOutputStopsAndGivesItsCapacityBack() throws Exception {
    Session renter = Wallets.signIn(http);
    long freeBefore = freeCpu(containers.hostId);
    try (Ws events = Ws.connect(node.port(), "/v1/events")) {
      events.send("{\"type\":\"subscribe\",\"topic\":\"bookings\",\"token\":\"" + renter.token() + "\"}");
      assertThat(events.next().path("type").asText()).isEqualTo("subscribed");

      JsonNode created = book(renter, body(DOCKER_REGION, Map.of("image", IMAGE,
          "command", List.of("/bin/sh", "-c", "echo \"hello from $WHO\"; exec sleep 300"), "env", Map.of("WHO", "booking"))));
      String id = created.path("id").asText();
      assertThat(created.path("payment").isMissingNode()).as("unpaid bookings are enabled: nothing to pay").isTrue();

      JsonNode running = await(renter, id, state("RUNNING"), "RUNNING");
      assertThat(running.path("tasks").get(0).path("hostId").asText()).isEqualTo(containers.hostId);
      assertThat(running.path("tasks").get(0).path("state").asText()).isEqualTo("RUNNING");
      assertThat(running.path("endsAt").isTextual()).as("the booked time runs from the start").isTrue();
      assertThat(transitions(running)).containsExactly("PENDING_PAYMENT", "FUNDED", "STARTING", "RUNNING");
      assertThat(freeCpu(containers.hostId)).isEqualTo(freeBefore - 500);
      JsonNode runningEvent = events.until(n -> n.path("event").path("type").asText().equals("booking.running"), 30);
      assertThat(runningEvent.path("event").path("data").path("bookingId").asText()).isEqualTo(id);

      JsonNode logs = awaitLogs(renter, id, "hello from booking");
      assertThat(logs.path("tasks").get(0).path("error").isMissingNode()).isTrue();

      Http.Response stopping = http.post("/v1/bookings/" + id + "/stop", "", renter.token());
      assertThat(stopping.status()).as(stopping.toString()).isEqualTo(200);
      assertThat(stopping.json().path("state").asText()).isIn("STOPPING", "STOPPED");
      JsonNode stopped = await(renter, id, state("STOPPED"), "STOPPED");
      assertThat(stopped.path("reason").asText()).isEqualTo("stopped by the renter");
      assertThat(stopped.path("tasks").get(0).path("state").asText()).isEqualTo("EXITED");
      assertThat(transitions(stopped)).endsWith("RUNNING", "STOPPING", "STOPPED");
      assertThat(freeCpu(containers.hostId)).as("capacity restored").isEqualTo(freeBefore);
      events.until(n -> n.path("event").path("type").asText().equals("booking.stopped"), 30);
      awaitRemoved(containers.hostId, stopped.path("tasks").get(0).path("taskId").asText(), "the ended container removed from the host");
    }
  }

  /** Waits (bounded) until the host answers task.inspect of {@code task} with 404: the gateway has removed it there. */
  static void awaitRemoved(String hostId, String task, String what) {
    HostCommands commands = new HostCommands(node.vertx().eventBus());
    Poll.until(() -> {
      try {
        commands.send(hostId, new HostFrame.TaskInspect(null, task), Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        return BooleanNode.FALSE;
      } catch (Exception e) {
        return BooleanNode.valueOf(e instanceof ReplyException re && re.failureCode() == 404);
      }
    }, JsonNode::asBoolean, Duration.ofSeconds(30), what);
  }

  static JsonNode awaitLogs(Session who, String id, String text) {
    return Poll.until(() -> http.get("/v1/bookings/" + id + "/logs", who.token()).json(),
        logs -> logs.path("tasks").path(0).path("stdout").asText().contains(text), java.time.Duration.ofSeconds(30), "output '" + text + "'");
  }

  @Test
  void aWorkloadThatEndsEndsItsBooking() throws Exception {
    Session renter = Wallets.signIn(http);
    String done = book(renter, body(DOCKER_REGION, Map.of("command", List.of("sh", "-c", "echo done")))).path("id").asText();
    String broken = book(renter, body(DOCKER_REGION, Map.of("command", List.of("sh", "-c", "echo bad >&2; exit 3")))).path("id").asText();

    JsonNode completed = await(renter, done, b -> b.path("state").asText().equals("STOPPED"), "STOPPED");
    assertThat(completed.path("reason").asText()).contains("completed");
    JsonNode failed = await(renter, broken, b -> b.path("state").asText().equals("FAILED"), "FAILED");
    assertThat(failed.path("reason").asText()).contains("exited with code 3");
    assertThat(failed.path("tasks").get(0).path("exitCode").asInt()).isEqualTo(3);
    assertThat(http.get("/v1/bookings/" + broken + "/logs", renter.token()).json().path("tasks").get(0).path("stderr").asText())
        .isEqualTo("bad\n");
  }

  /**
   * A plain process's output outlives the task: once its booking ended the gateway removes the task
   * from its host (working directory and all), and the logs are still served, from what the gateway
   * kept just before (they used to answer "no task … on this host").
   */
  @Test
  void aFinishedProcessTasksOutputStaysReadableAfterItIsRemovedFromItsHost() throws Exception {
    String region = "e2e-out-" + Long.toString(System.nanoTime(), 36);
    try (Worker processes = Worker.start(node.port(), region, null)) {
      Session renter = Wallets.signIn(http);
      String id = book(renter, body(region, Map.of("command", List.of("sh", "-c", "echo out-été; echo err-line >&2")))).path("id").asText();
      JsonNode done = await(renter, id, state("STOPPED"), "STOPPED");
      assertThat(done.path("reason").asText()).contains("completed");
      String task = done.path("tasks").get(0).path("taskId").asText();
      awaitRemoved(processes.hostId, task, "the ended process task removed from its host");
      assertThat(java.nio.file.Files.exists(processes.home.resolve("tasks").resolve(task))).as("its directory is gone").isFalse();

      JsonNode logs = http.get("/v1/bookings/" + id + "/logs", renter.token()).json();
      JsonNode only = logs.path("tasks").get(0);
      assertThat(only.path("error").isNull() || only.path("error").isMissingNode()).as(logs.toString()).isTrue();
      assertThat(only.path("stdout").asText()).isEqualTo("out-été\n");
      assertThat(only.path("stderr").asText()).isEqualTo("err-line\n");
      assertThat(only.path("truncated").asBoolean()).isFalse();
      // cut from the front like a host's answer: 8 bytes per stream, whole characters only
      JsonNode cut = http.get("/v1/bookings/" + id + "/logs?maxBytes=16", renter.token()).json().path("tasks").get(0);
      assertThat(cut.path("stdout").asText()).isEqualTo("t-été\n");
      assertThat(cut.path("truncated").asBoolean()).isTrue();
    }
  }

  @Test
  void aHostLostMidRunIsReplacedByAnotherAndTheBookingRunsOn() throws Exception {
    String region = "e2e-loss-" + Long.toString(System.nanoTime(), 36);
    Worker first = Worker.start(node.port(), region, null);
    Session renter = Wallets.signIn(http);
    String id = book(renter, body(region, Map.of("command", List.of("sleep", "30")))).path("id").asText();
    JsonNode running = await(renter, id, state("RUNNING"), "RUNNING");
    assertThat(running.path("tasks").get(0).path("hostId").asText()).isEqualTo(first.hostId);

    try (Worker second = Worker.start(node.port(), region, null)) {
      first.close(); // the host vanishes; its process is left behind, as after a crash
      JsonNode moved = await(renter, id, b -> b.path("state").asText().equals("RUNNING")
          && b.path("tasks").findValuesAsText("hostId").contains(second.hostId)
          && taskOn(b, second.hostId).path("state").asText().equals("RUNNING"), "rescheduled");
      JsonNode old = taskOn(moved, first.hostId);
      assertThat(old.path("current").asBoolean()).isFalse();
      assertThat(old.path("state").asText()).isEqualTo("FAILED");
      assertThat(old.path("reason").asText()).contains("went offline");
      assertThat(taskOn(moved, second.hostId).path("attempt").asInt()).isEqualTo(2);
      assertThat(transitions(moved)).endsWith("RUNNING", "STARTING", "RUNNING");
      assertThat(moved.path("transitions").get(transitions(moved).size() - 2).path("reason").asText())
          .contains("host " + first.hostId + " went offline").contains("rescheduled on host " + second.hostId);
      assertThat(freeCpu(second.hostId)).isEqualTo(Math.round(http.get("/v1/hosts/" + second.hostId).json().path("total").path("cpu").asDouble() * 1000) - 500);

      http.post("/v1/bookings/" + id + "/stop", "", renter.token());
      await(renter, id, state("STOPPED"), "STOPPED");
      assertThat(http.get("/v1/hosts/" + first.hostId).json().path("free").path("cpu").asDouble())
          .as("the lost host holds nothing for the booking").isEqualTo(http.get("/v1/hosts/" + first.hostId).json().path("total").path("cpu").asDouble());
    }
  }

  @Test
  void withTheFailPolicyALostHostFailsTheBookingWithAReason() throws Exception {
    String region = "e2e-fail-" + Long.toString(System.nanoTime(), 36);
    Worker only = Worker.start(node.port(), region, null);
    Session renter = Wallets.signIn(http);
    String id = book(renter, body(region, Map.of("command", List.of("sleep", "30"), "onHostLoss", "fail"))).path("id").asText();
    await(renter, id, state("RUNNING"), "RUNNING");
    only.close();

    JsonNode failed = await(renter, id, state("FAILED"), "FAILED");
    assertThat(failed.path("reason").asText()).contains("went offline");
    assertThat(failed.path("tasks").get(0).path("state").asText()).isEqualTo("FAILED");
  }

  static JsonNode taskOn(JsonNode booking, String hostId) {
    for (JsonNode t : booking.path("tasks")) if (t.path("hostId").asText().equals(hostId)) return t;
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  @Test
  void aShortDepositRunsOutTheBookingPausesAndATopUpResumesTheSameContainerWithItsData() throws Exception {
    Session renter = Wallets.signIn(http);
    String counter = "n=$(cat /state 2>/dev/null || echo 0); while true; do n=$((n+1)); echo $n > /state; echo tick $n; sleep 1; done";
    JsonNode created = book(renter, body(DOCKER_REGION, Map.of("image", IMAGE, "command", List.of("/bin/sh", "-c", counter),
        "durationSeconds", 4)));
    String id = created.path("id").asText();
    long deposit = created.path("cost").asLong();

    JsonNode paused = await(renter, id, state("PAUSED"), "PAUSED");
    assertThat(paused.path("reason").asText()).contains("used up");
    assertThat(freeCpu(containers.hostId)).as("the paused booking keeps its capacity")
        .isEqualTo(Math.round(http.get("/v1/hosts/" + containers.hostId).json().path("total").path("cpu").asDouble() * 1000) - 500);
    int firstRun = lastTick(awaitLogs(renter, id, "tick"));

    Http.Response topUp = http.post("/v1/bookings/" + id + "/extend", "{\"seconds\":4}", renter.token());
    assertThat(topUp.status()).as(topUp.toString()).isEqualTo(200);
    await(renter, id, state("RUNNING"), "RUNNING again");
    JsonNode pausedAgain = await(renter, id, b -> state("PAUSED").test(b) && Views.transitions(b).stream().filter("PAUSED"::equals).count() == 2,
        "PAUSED again");
    String stdout = awaitLogs(renter, id, "tick " + (firstRun + 1)).path("tasks").get(0).path("stdout").asText();
    assertThat(stdout).as("the same container ran again with its file: counting went on, it did not start over")
        .contains("tick " + (firstRun + 1)).containsOnlyOnce("tick 1\n");
    assertThat(pausedAgain.path("tasks")).hasSize(1);

    http.post("/v1/bookings/" + id + "/stop", "", renter.token());
    JsonNode stopped = await(renter, id, state("STOPPED"), "STOPPED");
    JsonNode invoice = http.get("/v1/bookings/" + id + "/invoice", renter.token()).json();
    assertThat(invoice.path("settled").asBoolean()).isTrue();
    assertThat(invoice.path("deposit").asLong()).isEqualTo(2 * deposit);
    assertThat(invoice.path("billed").asLong()).as("both deposits were used up").isEqualTo(2 * deposit);
    long shares = 0;
    for (JsonNode s : invoice.path("hostShares")) shares += s.asLong();
    assertThat(shares + invoice.path("fee").asLong() + invoice.path("refund").asLong()).isEqualTo(invoice.path("deposit").asLong());
    // the invoice matches the timeline: the task ran about 4 s, was paused, ran about 4 s more
    long running = runningSeconds(stopped);
    assertThat(invoice.path("lines").get(0).path("billedSeconds").asLong()).isBetween(running - 2, running + 1).isBetween(7L, 12L);
  }

  static int lastTick(JsonNode logs) {
    String[] lines = logs.path("tasks").get(0).path("stdout").asText().strip().split("\n");
    return Integer.parseInt(lines[lines.length - 1].replace("tick ", "").strip());
  }

  /** Whole seconds the booking spent RUNNING or STOPPING (its tasks run until stopped), by its transitions. */
  static long runningSeconds(JsonNode booking) {
    long total = 0;
    java.time.Instant since = null;
    for (JsonNode t : booking.path("transitions")) {
      java.time.Instant at = java.time.Instant.parse(t.path("at").asText());
      String to = t.path("to").asText();
      if (since != null && !to.equals("STOPPING")) {
        total += java.time.Duration.between(since, at).toMillis();
        since = null;
      }
      if (to.equals("RUNNING")) since = at;
    }
    return Math.round(total / 1000.0);
  }
}

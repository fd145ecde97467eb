package io.respool.gateway.bookings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Poll;
import io.respool.gateway.testing.ScriptedHost;
import io.respool.gateway.testing.TestHost;
import io.respool.gateway.testing.Views;
import io.respool.gateway.testing.Wallets;
import io.respool.gateway.testing.Wallets.Session;
import io.respool.gateway.testing.Ws;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.task.UsageSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Metering over the real control channel and HTTP, with a host whose reports the test scripts:
 * samples stored once (duplicates ignored, gaps recorded and forgotten when filled), live cost
 * events, warnings, a pause at exhaustion that keeps the capacity, a top-up that resumes the same
 * task, and an invoice that settles exactly to the deposit.
 */
class MeteringTest {
  static Gateway node;
  static Http http;
  static final List<ScriptedHost> hosts = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    node = GatewayNodes.start(Map.of("allowUnpaidBookings", "true", "meterIntervalMs", "200", "reconcileIntervalMs", "200",
        "heartbeatIntervalMs", "30000", "heartbeatTimeoutMs", "120000", "feeBasisPoints", "250"));
    http = new Http(node.port());
  }

  @AfterAll
  static void stop() {
    hosts.forEach(ScriptedHost::close);
    node.close();
  }

  static ScriptedHost host(String region) {
    return host(TestHost.info(region, List.of("process")));
  }

  static ScriptedHost host(io.respool.protocol.host.HostInfo info) {
    ScriptedHost h = new ScriptedHost(node.port(), info);
    hosts.add(h);
    return h;
  }

  static String region() {
    return "meter-" + Long.toString(System.nanoTime(), 36);
  }

  /** Books 1 core and 512 MiB (22,500 per hour) for {@code seconds} and waits until it runs; returns its task id. */
  static JsonNode bookRunning(Session who, String region, ScriptedHost h, long seconds) {
    Http.Response r = http.post("/v1/bookings", Http.json(Map.of("cpu", 1, "memoryMb", 512, "durationSeconds", seconds, "region", region,
        "command", List.of("sleep", "600"))), who.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    String id = r.json().path("id").asText();
    h.await("task.start", 10);
    return Poll.booking(http, id, who.token(), b -> b.path("state").asText().equals("RUNNING"), "running");
  }

  static final Instant T0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

  /** Sample {@code seq}, taken {@code seq} seconds after T0 (the host's clock only orders the series). */
  static UsageSample sample(String taskId, long seq, double cpu) {
    return new UsageSample(taskId, seq, T0.plusSeconds(seq), cpu, 1 << 20, null, 100 * seq, 50 * seq, 0, 0);
  }

  @Test
  void samplesAreStoredOnceAndGapsRecordedUntilFilled() {
    String region = region();
    ScriptedHost h = host(region);
    Session renter = Wallets.signIn(http);
    JsonNode b = bookRunning(renter, region, h, 3600);
    String id = b.path("id").asText();
    String task = b.path("tasks").get(0).path("taskId").asText();

    h.send(new HostFrame.Usage("u1", List.of(sample(task, 1, 0.5), sample(task, 2, 1.0))));
    h.ackOf("u1");
    h.send(new HostFrame.Usage("u2", List.of(sample(task, 1, 9.9), sample(task, 5, 2.5), sample("not-a-task-of-this-host", 1, 1))));
    h.ackOf("u2");
    String window = "/v1/bookings/" + id + "/usage?step=1&from=" + T0 + "&to=" + T0.plusSeconds(10);
    JsonNode usage = http.get(window, renter.token()).json();
    assertThat(usage.path("samples").asInt()).as("the duplicate and the stranger's sample are not stored").isEqualTo(3);
    assertThat(usage.path("gaps").findValuesAsText("seq")).containsExactly("3", "4");

    h.send(new HostFrame.Usage("u3", List.of(sample(task, 3, 1.5))));
    h.ackOf("u3");
    usage = http.get(window, renter.token()).json();
    assertThat(usage.path("samples").asInt()).isEqualTo(4);
    assertThat(usage.path("gaps").findValuesAsText("seq")).as("3 came late; 4 is still missing").containsExactly("4");
    double cpuSeconds = 0;
    for (JsonNode p : usage.path("points")) cpuSeconds += p.path("cpuCores").asDouble() * usage.path("stepSeconds").asLong();
    assertThat(cpuSeconds).as("the first stored value (0.5) is kept, not the duplicate's 9.9: 2.5 - 0.5 CPU-seconds used")
        .isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.01));
    // frames in flight together (a worker sending its backlog): none takes the other's samples for gaps
    for (int f = 0; f < 20; f++) {
      List<UsageSample> frame = new ArrayList<>();
      for (int k = 0; k < 5; k++) frame.add(sample(task, 6 + f * 5L + k, 3.0 + f));
      h.send(new HostFrame.Usage("burst" + f, frame));
    }
    java.util.Set<String> unacked = new java.util.HashSet<>();
    for (int f = 0; f < 20; f++) unacked.add("burst" + f);
    while (!unacked.isEmpty()) { // acks may come in any order: frames commit concurrently
      unacked.remove(h.await(x -> "ack".equals(x.path("type").asText()) && unacked.contains(x.path("re").asText()), 10).path("re").asText());
    }
    usage = http.get(window, renter.token()).json();
    assertThat(usage.path("gaps").findValuesAsText("seq")).as("only 4 was ever missing").containsExactly("4");
    assertThat(http.get("/v1/bookings/" + id + "/usage?step=0", renter.token()).isProblem(400)).isTrue();
    assertThat(http.get("/v1/bookings/" + id + "/usage?from=yesterday", renter.token()).isProblem(400)).isTrue();
    assertThat(http.get("/v1/bookings/" + id + "/usage", Wallets.signIn(http).token()).isProblem(404)).as("nobody else's").isTrue();
    http.post("/v1/bookings/" + id + "/stop", "", renter.token());
  }

  @Test
  void theDepositRunsOutTheBookingPausesKeepingItsCapacityAndATopUpResumesIt() {
    String region = region();
    ScriptedHost h = host(region);
    Session renter = Wallets.signIn(http);
    try (Ws events = Ws.connect(node.port(), "/v1/events")) {
      events.send("{\"type\":\"subscribe\",\"topic\":\"bookings\",\"token\":\"" + renter.token() + "\"}");
      assertThat(events.next().path("type").asText()).isEqualTo("subscribed");
      JsonNode b = bookRunning(renter, region, h, 6);
      String id = b.path("id").asText();
      String task = b.path("tasks").get(0).path("taskId").asText();
      assertThat(b.path("cost").asLong()).as("6 s at 22,500 per hour, rounded up").isEqualTo(38);

      long lastBilled = -1;
      JsonNode warned80 = null;
      JsonNode warned95 = null;
      while (warned95 == null) {
        JsonNode e = events.until(n -> n.path("event").path("type").asText().startsWith("booking.cost")
            || n.path("event").path("type").asText().equals("booking.low-balance"), 15).path("event");
        if (e.path("type").asText().equals("booking.cost")) {
          long billed = e.path("data").path("billed").asLong();
          assertThat(billed).as("cost never decreases").isGreaterThanOrEqualTo(lastBilled).isLessThanOrEqualTo(38);
          lastBilled = billed;
        } else if (warned80 == null) {
          warned80 = e;
          assertThat(e.path("data").path("percent").asInt()).isBetween(80, 94);
        } else {
          warned95 = e;
          assertThat(e.path("data").path("percent").asInt()).isGreaterThanOrEqualTo(95);
        }
      }
      JsonNode stop = h.await(f -> f.path("type").asText().equals("task.stop") && f.path("taskId").asText().equals(task), 15);
      assertThat(stop).isNotNull();
      JsonNode paused = Poll.booking(http, id, renter.token(), x -> x.path("state").asText().equals("PAUSED"), "pausing");
      assertThat(paused.path("reason").asText()).contains("used up").contains("top up");
      assertThat(Views.freeCpuMillis(http, h.id())).as("a paused booking keeps its capacity").isEqualTo(3000);

      Http.Response topUp = http.post("/v1/bookings/" + id + "/extend", "{\"seconds\":6}", renter.token());
      assertThat(topUp.status()).as(topUp.toString()).isEqualTo(200);
      assertThat(topUp.json().path("cost").asLong()).isEqualTo(38 + 38);
      JsonNode resume = h.await("task.resume", 10);
      assertThat(resume.path("taskId").asText()).as("the same task runs again, with its data").isEqualTo(task);
      JsonNode resumed = Poll.booking(http, id, renter.token(), x -> x.path("state").asText().equals("RUNNING"), "resuming");
      assertThat(Views.transitions(resumed)).containsSubsequence("RUNNING", "STOPPING", "PAUSED", "STARTING", "RUNNING");

      Http.Response stopped = http.post("/v1/bookings/" + id + "/stop", "", renter.token());
      assertThat(stopped.status()).isEqualTo(200);
      Poll.booking(http, id, renter.token(), x -> x.path("state").asText().equals("STOPPED"), "stopping");
      assertThat(Views.freeCpuMillis(http, h.id())).isEqualTo(4000);

      JsonNode invoice = http.get("/v1/bookings/" + id + "/invoice", renter.token()).json();
      assertThat(invoice.path("settled").asBoolean()).isTrue();
      long deposit = invoice.path("deposit").asLong();
      long shares = 0;
      for (JsonNode s : invoice.path("hostShares")) shares += s.asLong();
      assertThat(deposit).isEqualTo(76);
      assertThat(shares + invoice.path("fee").asLong() + invoice.path("refund").asLong()).as("the money adds up").isEqualTo(deposit);
      assertThat(invoice.path("billed").asLong()).isLessThanOrEqualTo(deposit).isEqualTo(invoice.path("total").asLong() > deposit ? deposit
          : invoice.path("total").asLong());
      assertThat(invoice.path("lines").get(0).path("billedSeconds").asLong()).as("about 6 s before the pause, then until the stop").isBetween(6L, 30L);
      assertThat(invoice.path("fee").asLong()).isEqualTo(invoice.path("billed").asLong() * 250 / 10_000);
      Http.Response csv = http.send("GET", "/v1/bookings/" + id + "/invoice", null, renter.token(), null, "text/csv");
      assertThat(csv.status()).as(csv.toString()).isEqualTo(200);
      assertThat(csv.contentType()).startsWith("text/csv");
      assertThat(csv.text()).startsWith("booking,task,host,billed_seconds,price_per_hour,amount,currency\n" + id + "," + task + ",")
          .contains(id + ",deposit,,,," + deposit + ",USDC");
    }
  }

  @Test
  void aHostsEarningsAreItsSharesAndOnlyItsOwnerSeesThem() {
    String region = region();
    Session owner = Wallets.signIn(http);
    var base = TestHost.info(region, List.of("process"));
    ScriptedHost h = host(new io.respool.protocol.host.HostInfo(region, base.inventory(), base.prices(),
        new io.respool.protocol.host.Payout(null, owner.address()), base.drivers(), base.agentVersion()));
    Session renter = Wallets.signIn(http);
    String id = bookRunning(renter, region, h, 3600).path("id").asText();
    Poll.until(() -> http.get("/v1/bookings/" + id + "/invoice", renter.token()).json(), inv -> inv.path("billed").asLong() > 0,
        java.time.Duration.ofSeconds(10), "something billed");

    JsonNode running = http.get("/v1/hosts/" + h.id() + "/earnings", owner.token()).json();
    assertThat(running.path("accruing").get(0).path("amount").asLong()).isPositive();
    assertThat(running.path("accruing").get(0).path("currency").asText()).isEqualTo("USDC");
    http.post("/v1/bookings/" + id + "/stop", "", renter.token());
    Poll.booking(http, id, renter.token(), x -> x.path("state").asText().equals("STOPPED"), "stopping");

    JsonNode invoice = http.get("/v1/bookings/" + id + "/invoice", renter.token()).json();
    JsonNode earned = http.get("/v1/hosts/" + h.id() + "/earnings", owner.token()).json();
    assertThat(earned.path("settled").get(0).path("amount").asLong()).as("its share of the settled booking")
        .isEqualTo(invoice.path("hostShares").path(h.id()).asLong());
    assertThat(earned.path("accruing")).isEmpty();
    assertThat(http.get("/v1/hosts/" + h.id() + "/earnings", renter.token()).isProblem(404)).as("the renter does not see it").isTrue();
    assertThat(http.get("/v1/hosts/" + h.id() + "/earnings", null).isProblem(401)).isTrue();
  }
}

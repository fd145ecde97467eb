package io.respool.gateway.suggestions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Suggestions on live bookings, over the real control channel and HTTP: a host whose usage reports
 * the test scripts (4 cores, 8 GiB at 20,000 per core-hour and 5,000 per GiB-hour), renters who
 * book on it, the optimizer with the rules alone.
 */
class SuggestionsApiTest {
  static Gateway node;
  static Http http;
  static final List<ScriptedHost> hosts = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    node = GatewayNodes.start(Map.of("allowUnpaidBookings", "true", "meterIntervalMs", "500", "reconcileIntervalMs", "500",
        "heartbeatIntervalMs", "30000", "heartbeatTimeoutMs", "120000", "optimizerIntervalMs", "500"));
    http = new Http(node.port());
  }

  @AfterAll
  static void stop() {
    hosts.forEach(ScriptedHost::close);
    node.close();
  }

  static ScriptedHost host(String region) {
    ScriptedHost h = new ScriptedHost(node.port(), TestHost.info(region, List.of("process")));
    hosts.add(h);
    return h;
  }

  static String region() {
    return "opt-" + Long.toString(System.nanoTime(), 36);
  }

  static JsonNode bookRunning(Session who, String region, ScriptedHost h, double cpu, long memoryMb) {
    Http.Response r = http.post("/v1/bookings", Http.json(Map.of("cpu", cpu, "memoryMb", memoryMb, "durationSeconds", 3600, "region", region,
        "command", List.of("sleep", "3600"))), who.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    h.await("task.start", 10);
    return Poll.booking(http, r.json().path("id").asText(), who.token(), b -> b.path("state").asText().equals("RUNNING"), "running");
  }

  static void report(ScriptedHost h, String taskId, int n, double cores, long mib) {
    h.report(taskId, n, cores, mib);
  }

  static JsonNode suggestion(JsonNode view, String kind) {
    for (JsonNode s : view.path("suggestions")) if (kind.equals(s.path("kind").asText())) return s;
    return null;
  }

  @Test
  void aBookingUsingAFractionOfItsReservationIsDownsizedOnceWithTheEvidenceItRestsOn() {
    String region = region();
    ScriptedHost h = host(region);
    Session renter = Wallets.signIn(http);
    try (Ws events = Ws.connect(node.port(), "/v1/events")) {
      events.send("{\"type\":\"subscribe\",\"topic\":\"bookings\",\"token\":\"" + renter.token() + "\"}");
      assertThat(events.next().path("type").asText()).isEqualTo("subscribed");
      JsonNode b = bookRunning(renter, region, h, 2, 2048);
      String id = b.path("id").asText();
      assertThat(b.path("pricePerHour").asLong()).as("2 × 20,000 + 2 × 5,000").isEqualTo(50_000);
      String task = b.path("tasks").get(0).path("taskId").asText();

      JsonNode early = http.get("/v1/bookings/" + id + "/suggestions", renter.token()).json();
      assertThat(suggestion(early, "DOWNSIZE")).as("no samples yet: " + early).isNull();
      assertThat(early.path("declined").toString()).contains("only 0 samples");

      report(h, task, 150, 0.1, 200); // 0.1 cores and 200 MiB for 12.5 minutes
      Http.Response r = http.get("/v1/bookings/" + id + "/suggestions", renter.token());
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      JsonNode view = r.json();
      JsonNode down = suggestion(view, "DOWNSIZE");
      assertThat(down).as(view.toString()).isNotNull();
      // p90 0.1 × 1.15 → 0.15 cores (50 m steps); 200 MiB × 1.15 → 256 MiB (64 MiB steps)
      assertThat(down.path("action").path("type").asText()).isEqualTo("resize");
      assertThat(down.path("action").path("cpu").asDouble()).isEqualTo(0.15);
      assertThat(down.path("action").path("memoryMb").asLong()).isEqualTo(256);
      JsonNode n = down.path("evidence").path("numbers");
      assertThat(n.path("cpu.p90").asDouble()).as("the measured usage").isCloseTo(0.1, within(1e-6));
      assertThat(n.path("memoryMb.max").asDouble()).isEqualTo(200);
      assertThat(n.path("cpu.reserved").asDouble()).isEqualTo(2.0);
      assertThat(down.path("evidence").path("samples").asLong()).isEqualTo(150);
      assertThat(down.path("saving").path("perHour").asLong()).as("50,000 now; 3,000 + 1,250 after").isEqualTo(50_000 - 4_250);
      assertThat(down.path("saving").path("currency").asText()).isEqualTo("USDC");
      assertThat(down.path("source").asText()).isEqualTo("rules");
      assertThat(view.path("advisor").path("advisor").asText()).isEqualTo("rules");
      assertThat(view.path("booking").path("usage").path("samples").asLong()).isEqualTo(150);
      assertThat(view.path("booking").path("burnRatePerHour").asLong()).isEqualTo(50_000);
      String sid = down.path("id").asText();
      assertThat(http.get("/v1/bookings/" + id + "/suggestions", renter.token()).json().toString()).as("the same id when asked again").contains(sid);

      JsonNode created = events.until(e -> e.path("event").path("type").asText().equals("suggestion.created")
          && e.path("event").path("data").path("suggestionId").asText().equals(sid), 15).path("event");
      assertThat(created.path("data").path("bookingId").asText()).isEqualTo(id);
      assertThat(created.path("data").path("kind").asText()).isEqualTo("DOWNSIZE");

      Session stranger = Wallets.signIn(http);
      assertThat(http.get("/v1/bookings/" + id + "/suggestions", stranger.token()).isProblem(404)).isTrue();
      assertThat(http.post("/v1/suggestions/" + sid + "/apply", null, stranger.token()).isProblem(404)).as("nobody else's").isTrue();
      assertThat(http.post("/v1/suggestions/sg_00000000000000000000/apply", null, renter.token()).isProblem(404)).isTrue();

      Http.Response applied = http.post("/v1/suggestions/" + sid + "/apply", null, renter.token());
      assertThat(applied.status()).as(applied.toString()).isEqualTo(200);
      assertThat(applied.json().path("booking").path("cpu").asDouble()).isEqualTo(0.15);
      assertThat(applied.json().path("booking").path("memoryMb").asLong()).isEqualTo(256);
      assertThat(applied.json().path("booking").path("pricePerHour").asLong()).isEqualTo(4_250);
      assertThat(Views.freeCpuMillis(http, h.id())).as("the reservation shrank").isEqualTo(4000 - 150);
      Poll.booking(http, id, renter.token(), x -> x.path("state").asText().equals("RUNNING"), "running with the new limits");

      Http.Response again = http.post("/v1/suggestions/" + sid + "/apply", null, renter.token());
      assertThat(again.isProblem(409)).as(again.toString()).isTrue();
      JsonNode after = http.get("/v1/bookings/" + id, renter.token()).json();
      assertThat(after.path("cpu").asDouble()).as("nothing changed").isEqualTo(0.15);
      assertThat(after.path("pricePerHour").asLong()).isEqualTo(4_250);
      assertThat(Views.freeCpuMillis(http, h.id())).isEqualTo(4000 - 150);
      http.post("/v1/bookings/" + id + "/stop", "", renter.token());
    }
  }

  @Test
  void aGrowTheHostHasNoRoomForIsRefusedAndChangesNothingUntilThereIsRoom() {
    String region = region();
    ScriptedHost h = host(region);
    Session renter = Wallets.signIn(http);
    JsonNode b = bookRunning(renter, region, h, 1, 512);
    String id = b.path("id").asText();
    report(h, b.path("tasks").get(0).path("taskId").asText(), 20, 0.99, 400); // pinned at its one core
    JsonNode grow = suggestion(http.get("/v1/bookings/" + id + "/suggestions", renter.token()).json(), "GROW");
    assertThat(grow).isNotNull();
    assertThat(grow.path("action").path("cpu").asDouble()).isEqualTo(1.5);
    assertThat(grow.path("saving").path("perHour").asLong()).as("it costs more").isEqualTo(22_500 - 32_500);
    String sid = grow.path("id").asText();

    Session other = Wallets.signIn(http);
    JsonNode filler = bookRunning(other, region, h, 3, 512);
    assertThat(Views.freeCpuMillis(http, h.id())).isZero();
    Http.Response refused = http.post("/v1/suggestions/" + sid + "/apply", null, renter.token());
    assertThat(refused.isProblem(409)).as(refused.toString()).isTrue();
    assertThat(refused.json().path("type").asText()).endsWith("no-capacity");
    JsonNode unchanged = http.get("/v1/bookings/" + id, renter.token()).json();
    assertThat(unchanged.path("cpu").asDouble()).isEqualTo(1.0);
    assertThat(unchanged.path("pricePerHour").asLong()).isEqualTo(22_500);
    assertThat(Views.freeCpuMillis(http, h.id())).isZero();

    http.post("/v1/bookings/" + filler.path("id").asText() + "/stop", "", other.token());
    Poll.until(() -> http.get("/v1/hosts/" + h.id()).json(), x -> Math.round(x.path("free").path("cpu").asDouble() * 1000) == 3000,
        Duration.ofSeconds(30), "the filler's capacity released");
    Http.Response applied = http.post("/v1/suggestions/" + sid + "/apply", null, renter.token());
    assertThat(applied.status()).as("the refused apply gave its claim back: " + applied).isEqualTo(200);
    assertThat(applied.json().path("booking").path("cpu").asDouble()).isEqualTo(1.5);
    assertThat(Views.freeCpuMillis(http, h.id())).isEqualTo(4000 - 1500);
    http.post("/v1/bookings/" + id + "/stop", "", renter.token());
  }

  @Test
  void aHostsSuggestionsAreForItsPayoutAccountOnly() {
    ScriptedHost h = host(region());
    assertThat(http.get("/v1/hosts/" + h.id() + "/suggestions", Wallets.signIn(http).token()).isProblem(404)).isTrue();
    assertThat(http.get("/v1/hosts/" + h.id() + "/suggestions", null).isProblem(401)).isTrue();
  }
}

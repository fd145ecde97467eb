package io.respool.gateway.bookings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Poll;
import io.respool.gateway.testing.Views;
import io.respool.gateway.testing.TestHost;
import io.respool.gateway.testing.Wallets;
import io.respool.gateway.testing.Wallets.Session;
import io.respool.gateway.testing.Ws;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /v1/bookings over real HTTP against hosts registered on the control channel, payment not
 * waived: bookings hold their capacity in PENDING_PAYMENT, which is what reservation, resize,
 * extension, quotas, access and expiry are about. (Dispatch to real host-workers is in it/.)
 */
class BookingsApiTest {
  static Gateway node;
  static Gateway hurried; // same database, a two-second payment window
  static Http http;
  static final List<TestHost> hosts = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    node = GatewayNodes.start(Map.of("reconcileIntervalMs", "200", "challengesPerMinute", "1000"));
    hurried = GatewayNodes.start(Map.of("paymentWindowSeconds", "2", "reconcileIntervalMs", "200"));
    http = new Http(node.port());
  }

  @AfterAll
  static void stop() {
    hosts.forEach(TestHost::close);
    hurried.close();
    node.close();
  }

  /** A fresh region with {@code n} hosts of 4 cores, 8 GiB, 50 GiB each. */
  static List<String> fleet(String region, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      TestHost h = new TestHost(node.port());
      hosts.add(h);
      assertThat(h.register(TestHost.info(region, List.of("docker", "process"))).path("type").asText()).isEqualTo("registered");
      ids.add(h.id);
    }
    return ids;
  }

  static String region() {
    return "bk-" + Long.toString(System.nanoTime(), 36);
  }

  static String booking(String region, double cpu, Map<String, Object> extra) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("cpu", cpu);
    b.put("memoryMb", 512);
    b.put("durationSeconds", 3600);
    b.put("region", region);
    b.put("image", "respool/busybox:test");
    b.put("command", List.of("sleep", "60"));
    b.putAll(extra);
    return Http.json(b);
  }

  static Http.Response book(Session who, String body) {
    return http.post("/v1/bookings", body, who.token());
  }

  static Http.Response patch(String path, String body, Session who) {
    return http.send("PATCH", path, body, who == null ? null : who.token(), "application/json");
  }

  static long freeCpu(String hostId) {
    return Views.freeCpuMillis(http, hostId);
  }

  static List<String> states(JsonNode booking) {
    return Views.transitions(booking);
  }

  @Test
  void aBookingReservesItsCapacityAtOnceAndStoppingGivesItBack() {
    String region = region();
    String hostId = fleet(region, 1).get(0);
    Session renter = Wallets.signIn(http);

    Http.Response r = book(renter, booking(region, 2, Map.of()));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    JsonNode b = r.json();
    assertThat(b.path("state").asText()).isEqualTo("PENDING_PAYMENT");
    assertThat(b.path("accountId").asText()).isEqualTo(renter.accountId());
    // 2 cores × 20000 + 0.5 GiB × 5000 per hour, for one hour
    assertThat(b.path("pricePerHour").asLong()).isEqualTo(42_500);
    assertThat(b.path("cost").asLong()).isEqualTo(42_500);
    assertThat(b.path("payment").path("amount").asLong()).isEqualTo(42_500);
    assertThat(b.path("payment").path("chain").asText()).isEqualTo("ethereum");
    assertThat(b.path("tasks").get(0).path("hostId").asText()).isEqualTo(hostId);
    assertThat(b.path("tasks").get(0).path("state").asText()).isEqualTo("PENDING");
    assertThat(freeCpu(hostId)).isEqualTo(2000);

    String id = b.path("id").asText();
    Http.Response stopped = http.post("/v1/bookings/" + id + "/stop", "", renter.token());
    assertThat(stopped.status()).as(stopped.toString()).isEqualTo(200);
    assertThat(stopped.json().path("state").asText()).isEqualTo("STOPPED");
    assertThat(stopped.json().path("reason").asText()).contains("stopped by the renter");
    assertThat(freeCpu(hostId)).isEqualTo(4000);
    assertThat(states(http.get("/v1/bookings/" + id, renter.token()).json())).containsExactly("PENDING_PAYMENT", "STOPPED");
    assertThat(http.post("/v1/bookings/" + id + "/stop", "", renter.token()).isProblem(409)).as("an ended booking stays ended").isTrue();
    // its task was never sent to the host: its logs say so without asking the host (which would never answer)
    JsonNode logs = http.get("/v1/bookings/" + id + "/logs", renter.token()).json();
    assertThat(logs.path("tasks").get(0).path("error").asText()).isEqualTo("never started");
  }

  @Test
  void badInputIsA4xxAndReservesNothing() {
    String region = region();
    String hostId = fleet(region, 1).get(0);
    Session renter = Wallets.signIn(http);

    assertThat(book(renter, booking(region, -1, Map.of())).isProblem(400)).as("negative cpu").isTrue();
    assertThat(book(renter, booking(region, 1e9, Map.of())).isProblem(400)).as("absurd cpu").isTrue();
    assertThat(book(renter, booking(region, 1, Map.of("memoryMb", -5))).isProblem(400)).isTrue();
    assertThat(book(renter, booking(region, 1, Map.of("durationSeconds", 0))).isProblem(400)).isTrue();
    assertThat(book(renter, booking(region, 1, Map.of("bogus", true))).isProblem(400)).isTrue();
    assertThat(book(renter, booking(region, 1, Map.of("env", Map.of("not a name", "x")))).isProblem(400)).isTrue();
    assertThat(book(renter, booking(region, 1, Map.of("image", "", "command", List.of()))).isProblem(400)).as("nothing to run").isTrue();
    assertThat(book(renter, booking(region, 1, Map.of("paymentChain", "bitcoin"))).isProblem(400)).isTrue();
    Http.Response solana = book(renter, booking(region, 1, Map.of("paymentChain", "solana")));
    assertThat(solana.isProblem(409)).as("no Solana adapter is configured: " + solana).isTrue();
    assertThat(solana.json().path("detail").asText()).contains("solana");
    Http.Response gpu = book(renter, booking(region, 1, Map.of("gpus", 1, "gpuModel", "H100")));
    assertThat(gpu.isProblem(409)).as(gpu.toString()).isTrue();
    assertThat(gpu.json().path("type").asText()).isEqualTo("urn:respool:problem:no-capacity");
    assertThat(gpu.json().path("detail").asText()).containsIgnoringCase("gpu");
    Http.Response cheap = book(renter, booking(region, 1, Map.of("maxPricePerHour", 10)));
    assertThat(cheap.isProblem(409)).isTrue();
    assertThat(cheap.json().path("detail").asText()).contains("cap of 10");
    assertThat(book(renter, booking(region, 5, Map.of())).isProblem(409)).as("more than any host has").isTrue();
    assertThat(http.post("/v1/bookings", booking(region, 1, Map.of()), null).isProblem(401)).isTrue();
    assertThat(http.post("/v1/bookings", booking(region, 1, Map.of()), "not-a-token").isProblem(401)).isTrue();

    assertThat(freeCpu(hostId)).as("nothing was reserved by any of them").isEqualTo(4000);
    assertThat(http.get("/v1/bookings?limit=200", renter.token()).json().path("items")).isEmpty();
  }

  @Test
  void nobodyElseSeesOrControlsABooking() {
    String region = region();
    String hostId = fleet(region, 1).get(0);
    Session owner = Wallets.signIn(http);
    Session stranger = Wallets.signIn(http);
    String id = book(owner, booking(region, 1, Map.of())).json().path("id").asText();

    for (Http.Response r : List.of(http.get("/v1/bookings/" + id, stranger.token()),
        http.post("/v1/bookings/" + id + "/stop", "", stranger.token()),
        http.post("/v1/bookings/" + id + "/extend", "{\"seconds\":60}", stranger.token()),
        patch("/v1/bookings/" + id, "{\"cpu\":2}", stranger),
        http.get("/v1/bookings/" + id + "/logs", stranger.token()),
        http.get("/v1/bookings/" + id + "/payment", stranger.token()))) {
      assertThat(r.isProblem(404)).as(r.toString()).isTrue();
    }
    assertThat(http.get("/v1/bookings", stranger.token()).json().path("items")).isEmpty();
    assertThat(http.get("/v1/bookings/" + id, null).isProblem(401)).isTrue();
    JsonNode mine = http.get("/v1/bookings/" + id, owner.token()).json();
    assertThat(mine.path("state").asText()).as("untouched").isEqualTo("PENDING_PAYMENT");
    assertThat(mine.path("cpu").asDouble()).isEqualTo(1.0);
    assertThat(freeCpu(hostId)).isEqualTo(3000);
    // no escrow on this node: the booking waits for a payment nobody takes, and says so
    JsonNode payment = http.get("/v1/bookings/" + id + "/payment", owner.token()).json();
    assertThat(payment.path("state").asText()).isEqualTo("awaiting-payment");
    assertThat(payment.path("amount").asLong()).isEqualTo(mine.path("cost").asLong());
    assertThat(payment.path("deposits")).isEmpty();
  }

  @Test
  void resizeRechecksCapacityAndRepricesOrChangesNothing() {
    String region = region();
    String hostId = fleet(region, 1).get(0);
    Session renter = Wallets.signIn(http);
    JsonNode b = book(renter, booking(region, 1, Map.of())).json();
    String id = b.path("id").asText();
    assertThat(b.path("pricePerHour").asLong()).isEqualTo(22_500);

    Http.Response grown = patch("/v1/bookings/" + id, "{\"cpu\":3,\"memoryMb\":1024}", renter);
    assertThat(grown.status()).as(grown.toString()).isEqualTo(200);
    assertThat(grown.json().path("pricePerHour").asLong()).isEqualTo(65_000);
    assertThat(grown.json().path("cost").asLong()).isEqualTo(65_000);
    assertThat(grown.json().path("cpu").asDouble()).isEqualTo(3.0);
    assertThat(freeCpu(hostId)).isEqualTo(1000);

    Http.Response tooBig = patch("/v1/bookings/" + id, "{\"cpu\":4.5}", renter);
    assertThat(tooBig.isProblem(409)).as(tooBig.toString()).isTrue();
    assertThat(patch("/v1/bookings/" + id, "{\"cpu\":-1}", renter).isProblem(400)).isTrue();
    assertThat(patch("/v1/bookings/" + id, "{}", renter).isProblem(400)).isTrue();
    JsonNode after = http.get("/v1/bookings/" + id, renter.token()).json();
    assertThat(after.path("cpu").asDouble()).as("a refused resize changes nothing").isEqualTo(3.0);
    assertThat(after.path("pricePerHour").asLong()).isEqualTo(65_000);
    assertThat(freeCpu(hostId)).isEqualTo(1000);

    Http.Response extended = http.post("/v1/bookings/" + id + "/extend", "{\"seconds\":1800}", renter.token());
    assertThat(extended.status()).as(extended.toString()).isEqualTo(200);
    assertThat(extended.json().path("durationSeconds").asLong()).isEqualTo(5400);
    assertThat(extended.json().path("cost").asLong()).isEqualTo(97_500);
    assertThat(http.post("/v1/bookings/" + id + "/extend", "{\"seconds\":0}", renter.token()).isProblem(400)).isTrue();

    http.post("/v1/bookings/" + id + "/stop", "", renter.token());
    assertThat(freeCpu(hostId)).isEqualTo(4000);
  }

  @Test
  void aHostsLongestRentalBoundsBookingsAndExtensions() {
    String region = region();
    TestHost h = new TestHost(node.port());
    hosts.add(h);
    var base = TestHost.info(region, List.of("docker", "process"));
    var p = base.prices();
    var info = new io.respool.protocol.host.HostInfo(base.region(), base.inventory(),
        new io.respool.protocol.host.Prices(p.currency(), p.cpuCoreHour(), p.memoryGbHour(), p.storageGbHour(), p.gpuHour(), null, 7200L),
        base.payout(), base.drivers(), base.agentVersion());
    assertThat(h.register(info).path("type").asText()).isEqualTo("registered");
    Session renter = Wallets.signIn(http);

    Http.Response tooLong = book(renter, booking(region, 1, Map.of("durationSeconds", 7201)));
    assertThat(tooLong.isProblem(409)).as(tooLong.toString()).isTrue();
    assertThat(tooLong.json().path("detail").asText()).contains("do not rent for this long");
    String id = book(renter, booking(region, 1, Map.of())).json().path("id").asText();
    assertThat(http.post("/v1/bookings/" + id + "/extend", "{\"seconds\":3600}", renter.token()).status()).isEqualTo(200);
    Http.Response beyond = http.post("/v1/bookings/" + id + "/extend", "{\"seconds\":1}", renter.token());
    assertThat(beyond.isProblem(409)).as(beyond.toString()).isTrue();
    assertThat(beyond.json().path("detail").asText()).contains("at most 7200 s");
    assertThat(http.get("/v1/bookings/" + id, renter.token()).json().path("durationSeconds").asLong()).isEqualTo(7200);
    http.post("/v1/bookings/" + id + "/stop", "", renter.token());
  }

  @Test
  void anUnpaidBookingExpiresAtItsDeadlineAndReleasesItsCapacity() {
    String region = region();
    String hostId = fleet(region, 1).get(0);
    Http onHurried = new Http(hurried.port());
    Session renter = Wallets.signIn(onHurried);
    JsonNode b = onHurried.post("/v1/bookings", booking(region, 2, Map.of()), renter.token()).json();
    String id = b.path("id").asText();
    assertThat(freeCpu(hostId)).isEqualTo(2000);

    JsonNode after = Poll.booking(http, id, renter.token(), n -> n.path("state").asText().equals("EXPIRED"), "expiring");
    assertThat(after.path("reason").asText()).contains("no payment");
    assertThat(freeCpu(hostId)).isEqualTo(4000);
  }

  @Test
  void teamMembersSeeTeamBookingsAndTheQuotaHolds() {
    String region = region();
    fleet(region, 2);
    Session owner = Wallets.signIn(http);
    Session member = Wallets.signIn(http);
    Session outsider = Wallets.signIn(http);
    String team = http.post("/v1/teams", "{\"name\":\"lab\"}", owner.token()).json().path("id").asText();
    assertThat(http.send("PUT", "/v1/teams/" + team + "/members/" + member.accountId(), "{\"role\":\"member\"}", owner.token(),
        "application/json").status()).isEqualTo(200);
    assertThat(http.send("PUT", "/v1/teams/" + team + "/quota", "{\"cpu\":3}", owner.token(), "application/json").status()).isEqualTo(200);

    Http.Response first = book(member, booking(region, 2, Map.of("teamId", team)));
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    String id = first.json().path("id").asText();
    Http.Response over = book(owner, booking(region, 2, Map.of("teamId", team)));
    assertThat(over.isProblem(409)).as(over.toString()).isTrue();
    assertThat(over.json().path("type").asText()).isEqualTo("urn:respool:problem:quota-exceeded");
    assertThat(book(outsider, booking(region, 1, Map.of("teamId", team))).isProblem(404)).as("not the outsider's team").isTrue();

    assertThat(http.get("/v1/bookings/" + id, owner.token()).status()).as("the team sees it").isEqualTo(200);
    assertThat(http.get("/v1/bookings?teamId=" + team, owner.token()).json().path("items").get(0).path("id").asText()).isEqualTo(id);
    assertThat(http.get("/v1/bookings/" + id, outsider.token()).isProblem(404)).isTrue();
    assertThat(http.get("/v1/teams/" + team, owner.token()).json().path("used").path("cpu").asDouble()).isEqualTo(2.0);

    assertThat(http.post("/v1/bookings/" + id + "/stop", "", owner.token()).json().path("state").asText()).isEqualTo("STOPPED");
    assertThat(http.get("/v1/teams/" + team, owner.token()).json().path("used").path("cpu").asDouble()).as("given back").isEqualTo(0.0);
    assertThat(book(owner, booking(region, 3, Map.of("teamId", team))).status()).isEqualTo(201);
  }

  @Test
  void bookingEventsReachTheOwnerOnly() {
    String region = region();
    fleet(region, 1);
    Session owner = Wallets.signIn(http);
    Session other = Wallets.signIn(http);
    try (Ws mine = Ws.connect(node.port(), "/v1/events"); Ws theirs = Ws.connect(node.port(), "/v1/events");
        Ws anonymous = Ws.connect(node.port(), "/v1/events")) {
      anonymous.send("{\"type\":\"subscribe\",\"topic\":\"bookings\"}");
      assertThat(anonymous.next().path("type").asText()).isEqualTo("error");
      mine.send("{\"type\":\"subscribe\",\"topic\":\"bookings\",\"token\":\"" + owner.token() + "\"}");
      assertThat(mine.next().path("type").asText()).isEqualTo("subscribed");
      theirs.send("{\"type\":\"subscribe\",\"topic\":\"bookings\",\"token\":\"" + other.token() + "\"}");
      assertThat(theirs.next().path("type").asText()).isEqualTo("subscribed");

      String id = book(owner, booking(region, 1, Map.of())).json().path("id").asText();
      http.post("/v1/bookings/" + id + "/stop", "", owner.token());
      JsonNode created = mine.until(n -> n.path("event").path("type").asText().equals("booking.pending-payment"), 10);
      assertThat(created.path("event").path("data").path("bookingId").asText()).isEqualTo(id);
      JsonNode stopped = mine.until(n -> n.path("event").path("type").asText().equals("booking.stopped"), 10);
      assertThat(stopped.path("event").path("id").asLong()).isGreaterThan(created.path("event").path("id").asLong());

      // the other account hears nothing of it: its own booking's event is the first thing it receives
      String theirId = book(other, booking(region, 1, Map.of())).json().path("id").asText();
      JsonNode first = theirs.next();
      assertThat(first.path("event").path("data").path("bookingId").asText()).isEqualTo(theirId);
      http.post("/v1/bookings/" + theirId + "/stop", "", other.token());
    }
  }

  @Test
  void listingPagesNewestFirst() {
    String region = region();
    fleet(region, 1);
    Session renter = Wallets.signIn(http);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) ids.add(book(renter, booking(region, 0.5, Map.of())).json().path("id").asText());
    JsonNode page1 = http.get("/v1/bookings?limit=2", renter.token()).json();
    assertThat(page1.path("items")).hasSize(2);
    JsonNode page2 = http.get("/v1/bookings?limit=2&after=" + page1.path("next").asText(), renter.token()).json();
    assertThat(page2.path("items")).hasSize(1);
    assertThat(page2.path("next").isNull()).isTrue();
    List<String> seen = new ArrayList<>();
    page1.path("items").forEach(n -> seen.add(n.path("id").asText()));
    page2.path("items").forEach(n -> seen.add(n.path("id").asText()));
    assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(http.get("/v1/bookings?state=SLEEPING", renter.token()).isProblem(400)).isTrue();
    ids.forEach(id -> http.post("/v1/bookings/" + id + "/stop", "", renter.token()));
  }
}

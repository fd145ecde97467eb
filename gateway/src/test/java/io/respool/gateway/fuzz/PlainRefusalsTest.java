package io.respool.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.TestHost;
import io.respool.gateway.testing.Wallets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The refusals issue 15 names, each now saying which field and what is wrong with it. */
class PlainRefusalsTest {
  static Gateway node;
  static Http http;
  static TestHost host;
  static final String REGION = "plain-" + Long.toString(System.nanoTime(), 36);

  @BeforeAll
  static void start() throws Exception {
    node = GatewayNodes.start(Map.of("rateLimitPerClient", "100000", "rateLimitPerAccount", "100000"));
    http = new Http(node.port());
    host = HttpFuzzTest.connect(node.port());
    assertThat(host.register(TestHost.info(REGION, List.of("process"))).path("type").asText()).isEqualTo("registered");
  }

  @AfterAll
  static void stop() {
    if (host != null) host.close();
    if (node != null) node.close();
  }

  static String detail(Http.Response r) {
    assertThat(r.isProblem(400)).as(r.toString()).isTrue();
    String d = r.json().path("detail").asText();
    assertThat(Refusals.plain(d)).as(d).isNull();
    return d;
  }

  @Test
  void aTooLargeMemorySizeSaysSoNotMalformedJson() {
    String d = detail(http.post("/v1/quotes", "{\"cpu\":1,\"memoryMb\":99999999999999999999,\"durationSeconds\":60}"));
    assertThat(d).contains("memoryMb").contains("out of range").doesNotContain("malformed");
  }

  @Test
  void aWordWhereANumberBelongsSaysWhatWasExpected() {
    String d = detail(http.post("/v1/quotes", "{\"cpu\":\"lots\",\"durationSeconds\":60}"));
    assertThat(d).isEqualTo("field cpu: expected a number, got text");
    assertThat(detail(http.post("/v1/quotes", "{\"cpu\":1,\"durationSeconds\":60,\"bogus\":1}"))).contains("unknown field 'bogus'");
    assertThat(detail(http.post("/v1/quotes", "{\"cpu\":1}"))).contains("durationSeconds").contains("required");
    assertThat(detail(http.get("/v1/hosts?limit=lots"))).contains("query parameter limit").contains("expected a whole number");
  }

  @Test
  void aCurrencyNoHostPricesInIsNamedWhileHostsAreOnline() {
    Http.Response q = http.post("/v1/quotes", "{\"cpu\":1,\"durationSeconds\":60,\"currency\":\"EUR\",\"region\":\"" + REGION + "\"}");
    assertThat(q.status()).as(q.toString()).isEqualTo(200);
    assertThat(q.json().path("refusal").path("message").asText()).isEqualTo("no online host prices its capacity in EUR");
    Wallets.Session renter = Wallets.signIn(http);
    Http.Response b = http.post("/v1/bookings", "{\"cpu\":1,\"memoryMb\":64,\"durationSeconds\":60,\"currency\":\"EUR\",\"region\":\"" + REGION
        + "\",\"command\":[\"true\"]}", renter.token());
    assertThat(b.isProblem(409)).as(b.toString()).isTrue();
    assertThat(b.json().path("detail").asText()).isEqualTo("no online host prices its capacity in EUR");
  }

  @Test
  void duplicateKeysNulsAndLoneSurrogatesNameTheirField() {
    assertThat(detail(http.post("/v1/quotes", "{\"cpu\":1,\"cpu\":2,\"durationSeconds\":60}"))).isEqualTo("duplicate field 'cpu'");
    Wallets.Session renter = Wallets.signIn(http);
    Http.Response nul = http.post("/v1/teams", "{\"name\":\"a\\u0000b\"}", renter.token());
    assertThat(detail(nul)).isEqualTo("field name: contains a NUL character (\\u0000)");
    Http.Response surrogate = http.post("/v1/account/api-keys", "{\"name\":\"a\\ud800b\"}", renter.token());
    assertThat(detail(surrogate)).isEqualTo("field name: is not valid Unicode (a lone surrogate)");
    assertThat(http.post("/v1/teams", "{\"name\":\"名前 🙂 \\u202e\"}", renter.token()).json().path("name").asText())
        .as("real Unicode is kept as sent").isEqualTo("名前 🙂 \u202e");
  }
}

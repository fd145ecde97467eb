package io.respool.gateway.bookings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.TestHost;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST /v1/quotes over real HTTP against hosts registered on the control channel. */
class QuotesTest {
  static Gateway node;
  static Http http;
  static TestHost host;
  static final String REGION = "quotes-" + System.nanoTime() % 100000;

  @BeforeAll
  static void start() throws Exception {
    node = GatewayNodes.start();
    http = new Http(node.port());
    host = new TestHost(node.port());
    assertThat(host.register(TestHost.info(REGION, List.of("process"))).path("type").asText()).isEqualTo("registered");
  }

  @AfterAll
  static void stop() {
    host.close();
    node.close();
  }

  static Http.Response quote(String json) {
    return http.post("/v1/quotes", json);
  }

  @Test
  void pricesTheBestHostInIntegerMinorUnitsAndReservesNothing() {
    JsonNode before = http.get("/v1/hosts/" + host.id).json().path("free");
    Http.Response r = quote("{\"cpu\":2,\"memoryMb\":1024,\"durationSeconds\":60,\"region\":\"" + REGION + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode plan = r.json().path("plans").get(0);
    assertThat(plan.path("placements").get(0).path("hostId").asText()).isEqualTo(host.id);
    // 2 cores × 20000 + 1 GiB × 5000 per hour; 60 s of that is 45000 / 60, rounded up
    assertThat(plan.path("pricePerHour").asLong()).isEqualTo(45_000);
    assertThat(plan.path("cost").asLong()).isEqualTo(750);
    assertThat(plan.path("currency").asText()).isEqualTo("USDC");
    assertThat(http.get("/v1/hosts/" + host.id).json().path("free")).isEqualTo(before);
  }

  @Test
  void aOneSecondRentalIsNeverFree() {
    JsonNode plan = quote("{\"cpu\":0.001,\"memoryMb\":1,\"durationSeconds\":1,\"region\":\"" + REGION + "\"}").json().path("plans").get(0);
    assertThat(plan.path("cost").asLong()).isEqualTo(1);
  }

  @Test
  void whatCannotBeMetIsRefusedWithAReason() {
    JsonNode capped = quote("{\"cpu\":2,\"memoryMb\":1024,\"durationSeconds\":60,\"maxPricePerHour\":100,\"region\":\"" + REGION + "\"}").json();
    assertThat(capped.path("plans")).isEmpty();
    assertThat(capped.path("refusal").path("reason").asText()).isEqualTo("price-cap");
    JsonNode gpu = quote("{\"cpu\":1,\"gpus\":1,\"gpuModel\":\"H100\",\"durationSeconds\":60,\"region\":\"" + REGION + "\"}").json();
    assertThat(gpu.path("refusal").path("reason").asText()).isEqualTo("gpu-model-unavailable");
    JsonNode containers = quote("{\"cpu\":1,\"image\":\"busybox\",\"durationSeconds\":60,\"region\":\"" + REGION + "\"}").json();
    assertThat(containers.path("refusal").path("reason").asText()).as("a process-only host never gets a container").isEqualTo("no-driver");
    JsonNode big = quote("{\"cpu\":64,\"durationSeconds\":60,\"region\":\"" + REGION + "\"}").json();
    assertThat(big.path("refusal").path("reason").asText()).isEqualTo("no-capacity");
  }

  @Test
  void badInputIsAClear400() {
    assertThat(quote("{\"cpu\":-1,\"durationSeconds\":60}").isProblem(400)).isTrue();
    assertThat(quote("{\"cpu\":1}").isProblem(400)).isTrue();
    assertThat(quote("{\"cpu\":1,\"durationSeconds\":60,\"strategy\":\"fastest\"}").isProblem(400)).isTrue();
    assertThat(quote("{\"cpu\":1,\"durationSeconds\":60,\"bogus\":1}").isProblem(400)).isTrue();
    assertThat(quote("{\"cpu\":\"lots\",\"durationSeconds\":60}").isProblem(400)).isTrue();
    assertThat(quote("{\"durationSeconds\":60}").isProblem(400)).as("a demand for nothing").isTrue();
    assertThat(quote("{\"cpu\":1e12,\"durationSeconds\":60}").isProblem(400)).isTrue();
  }
}

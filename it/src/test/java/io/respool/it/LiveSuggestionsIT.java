package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Poll;
import io.respool.gateway.testing.Views;
import io.respool.gateway.testing.Wallets;
import io.respool.gateway.testing.Wallets.Session;
import io.respool.infra.Databases;
import io.respool.testing.TestServices;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's live check: a real host-worker (in this JVM, its process driver, its own usage
 * sampler reading /proc) runs a booking's workload ({@code sleep}) that uses almost none of the
 * core and 1 GiB it booked. The optimizer, with the rules alone, suggests a downsize whose
 * evidence is what the worker measured and the gateway stored; applying it shrinks the host's
 * reservation and the price per hour; applying it again is refused and changes nothing.
 * (The "host has no room" refusal needs a grow, which needs a workload pinned at its limit:
 * that case is {@code SuggestionsApiTest} with a scripted host.)
 */
class LiveSuggestionsIT {
  static final double MIB = 1024.0 * 1024.0;

  @Test
  void aWorkloadUsingASmallShareOfItsBookingIsDownsizedOnItsMeasuredUsage() throws Exception {
    String region = "live-opt-" + Long.toString(System.nanoTime(), 36);
    // judged after 20 samples over 5 s (the defaults, 60 over 5 min, are for production); samples every 250 ms
    Gateway node = GatewayNodes.start(Map.of("allowUnpaidBookings", "true", "meterIntervalMs", "500", "reconcileIntervalMs", "500",
        "optimizerIntervalMs", "500", "optimizerMinSamples", "20", "optimizerMinSpanSeconds", "5"));
    Worker worker = null;
    Pool db = null;
    try {
      worker = Worker.start(node.port(), region, null, Duration.ofMillis(250));
      Http http = new Http(node.port());
      Session renter = Wallets.signIn(http);
      long totalCpu = Math.round(http.get("/v1/hosts/" + worker.hostId).json().path("total").path("cpu").asDouble() * 1000);
      Http.Response created = http.post("/v1/bookings", Http.json(Map.of("cpu", 1, "memoryMb", 1024, "durationSeconds", 3600,
          "region", region, "command", List.of("sleep", "3600"))), renter.token());
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      String id = created.json().path("id").asText();
      JsonNode running = Poll.booking(http, id, renter.token(), b -> b.path("state").asText().equals("RUNNING"), "running on the worker");
      assertThat(running.path("pricePerHour").asLong()).as("1 × 20,000 + 1 × 5,000").isEqualTo(25_000);
      String task = running.path("tasks").get(0).path("taskId").asText();

      JsonNode down = Poll.until(() -> downsize(http.get("/v1/bookings/" + id + "/suggestions", renter.token()).json()),
          s -> !s.isMissingNode(), Duration.ofSeconds(90), "a downsize suggestion");
      assertThat(down.path("source").asText()).isEqualTo("rules");
      JsonNode numbers = down.path("evidence").path("numbers");
      long samples = down.path("evidence").path("samples").asLong();
      assertThat(samples).as("judged on enough samples").isGreaterThanOrEqualTo(20);
      assertThat(numbers.path("cpu.reserved").asDouble()).isEqualTo(1.0);

      // the evidence is what the worker measured: the stored samples the suggestion was judged on
      db = Databases.pool(node.vertx(), TestServices.get().pgUrl, 1);
      List<Row> rows = db.preparedQuery("SELECT seq, cpu_seconds, memory_bytes FROM usage_samples WHERE task_id = $1 AND seq <= $2 ORDER BY seq")
          .execute(Tuple.of(task, samples)).await(10, TimeUnit.SECONDS).stream().toList();
      assertThat(rows).as("the samples it counts are stored").hasSize((int) samples);
      double maxMemoryMb = rows.stream().mapToDouble(r -> r.getLong("memory_bytes") / MIB).max().orElseThrow();
      double cpuSeconds = rows.get(rows.size() - 1).getDouble("cpu_seconds") - rows.get(0).getDouble("cpu_seconds");
      assertThat(maxMemoryMb).as("sleep really ran and was measured").isGreaterThan(0);
      assertThat(numbers.path("memoryMb.max").asDouble()).as("the measured peak").isEqualTo(maxMemoryMb);
      assertThat(numbers.path("cpu.p90").asDouble()).as("a small share of its core").isLessThan(0.05);
      assertThat(cpuSeconds).as("the worker's CPU counter agrees: sleep used next to nothing").isLessThan(0.05 * samples * 0.25 + 0.05);

      double cpu = down.path("action").path("cpu").asDouble();
      long memoryMb = down.path("action").path("memoryMb").asLong();
      assertThat(cpu).as("at least 20 % less").isLessThanOrEqualTo(0.8).isGreaterThanOrEqualTo(0.1);
      assertThat(memoryMb).isGreaterThanOrEqualTo(Math.max(128, (long) Math.ceil(maxMemoryMb))).isLessThan(1024);
      long cpuMillis = Math.round(cpu * 1000);
      long newPrice = (20_000 * cpuMillis + 999) / 1000 + (5_000 * memoryMb + 1023) / 1024;
      assertThat(down.path("saving").path("perHour").asLong()).as("the saving is the price difference").isEqualTo(25_000 - newPrice);
      assertThat(Views.freeCpuMillis(http, worker.hostId)).isEqualTo(totalCpu - 1000);

      String sid = down.path("id").asText();
      Http.Response applied = http.post("/v1/suggestions/" + sid + "/apply", null, renter.token());
      assertThat(applied.status()).as(applied.toString()).isEqualTo(200);
      assertThat(applied.json().path("booking").path("cpu").asDouble()).isEqualTo(cpu);
      assertThat(applied.json().path("booking").path("memoryMb").asLong()).isEqualTo(memoryMb);
      assertThat(applied.json().path("booking").path("pricePerHour").asLong()).as("the new price per hour").isEqualTo(newPrice);
      assertThat(Views.freeCpuMillis(http, worker.hostId)).as("the reservation shrank").isEqualTo(totalCpu - cpuMillis);
      Poll.booking(http, id, renter.token(), b -> b.path("state").asText().equals("RUNNING")
          && b.path("tasks").findValues("state").stream().anyMatch(s -> s.asText().equals("RUNNING")), "running with the new size");

      Http.Response again = http.post("/v1/suggestions/" + sid + "/apply", null, renter.token());
      assertThat(again.isProblem(409)).as(again.toString()).isTrue();
      JsonNode after = http.get("/v1/bookings/" + id, renter.token()).json();
      assertThat(after.path("cpu").asDouble()).as("nothing changed").isEqualTo(cpu);
      assertThat(after.path("memoryMb").asLong()).isEqualTo(memoryMb);
      assertThat(after.path("pricePerHour").asLong()).isEqualTo(newPrice);
      assertThat(Views.freeCpuMillis(http, worker.hostId)).isEqualTo(totalCpu - cpuMillis);

      assertThat(http.post("/v1/bookings/" + id + "/stop", "", renter.token()).status()).isEqualTo(200);
      Poll.booking(http, id, renter.token(), b -> b.path("state").asText().equals("STOPPED"), "stopped");
    } finally {
      if (db != null) db.close();
      if (worker != null) worker.close();
      node.close();
    }
  }

  static JsonNode downsize(JsonNode view) {
    for (JsonNode s : view.path("suggestions")) if ("DOWNSIZE".equals(s.path("kind").asText())) return s;
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }
}

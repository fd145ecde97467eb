package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Poll;
import io.respool.gateway.testing.Wallets;
import io.respool.gateway.testing.Wallets.Session;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A gateway node goes away in the middle of a metered session: the real host-worker reconnects to
 * the other node of the cluster and resends what was not acked. No sample is lost or stored twice,
 * and the bill equals an uninterrupted run's within one sample period.
 */
class ClusterMeteringIT {
  static final Duration SAMPLE_PERIOD = Duration.ofSeconds(1);

  static Gateway node(String id, int clusterPort) throws Exception {
    return GatewayNodes.start(Map.of("cluster", "true", "nodeId", id, "clusterPort", Integer.toString(clusterPort),
        "clusterMembers", "127.0.0.1:5815,127.0.0.1:5816", "allowUnpaidBookings", "true", "meterIntervalMs", "200",
        "reconcileIntervalMs", "200", "hostLossGraceSeconds", "30", "heartbeatIntervalMs", "500", "heartbeatTimeoutMs", "3000"));
  }

  @Test
  void aNodeLostMidSessionLosesNoSampleAndCountsNoneTwice() throws Exception {
    String region = "cluster-meter-" + Long.toString(System.nanoTime(), 36);
    Gateway a = node("meter-a", 5815);
    Gateway b = node("meter-b", 5816);
    Worker worker = null;
    try {
      worker = Worker.start(List.of(a.port(), b.port()), region, null, SAMPLE_PERIOD);
      Http viaB = new Http(b.port());
      Session renter = Wallets.signIn(viaB);
      Http.Response booked = viaB.post("/v1/bookings", Http.json(Map.of("cpu", 0.5, "memoryMb", 64, "durationSeconds", 3600,
          "region", region, "command", List.of("sleep", "600"))), renter.token());
      assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
      String id = booked.json().path("id").asText();
      Poll.booking(viaB, id, renter.token(), x -> x.path("state").asText().equals("RUNNING"), "running");
      Poll.until(() -> viaB.get("/v1/bookings/" + id + "/usage?step=60", renter.token()).json(), u -> u.path("samples").asInt() >= 3,
          Duration.ofSeconds(30), "three samples through node A");

      a.close(); // the node holding the host goes away; the worker fails over to B
      a = null;
      Poll.until(() -> viaB.get("/v1/bookings/" + id + "/usage?step=60", renter.token()).json(), u -> u.path("samples").asInt() >= 8,
          Duration.ofSeconds(30), "samples through node B");
      JsonNode stopped = viaB.post("/v1/bookings/" + id + "/stop", "", renter.token()).json();
      assertThat(stopped.path("state").asText()).isIn("STOPPING", "STOPPED");
      JsonNode end = Poll.booking(viaB, id, renter.token(), x -> x.path("state").asText().equals("STOPPED"), "stopped");

      JsonNode usage = viaB.get("/v1/bookings/" + id + "/usage?step=60", renter.token()).json();
      assertThat(usage.path("gaps")).as("no sample lost").isEmpty();
      JsonNode invoice = viaB.get("/v1/bookings/" + id + "/invoice", renter.token()).json();
      long billed = invoice.path("lines").get(0).path("billedSeconds").asLong();
      long ran = BookingsEndToEndIT.runningSeconds(end);
      assertThat(billed).as("billed %d s of %d s run", billed, ran).isBetween(ran - SAMPLE_PERIOD.toSeconds() - 1, ran);
      long shares = 0;
      for (JsonNode s : invoice.path("hostShares")) shares += s.asLong();
      assertThat(shares + invoice.path("fee").asLong() + invoice.path("refund").asLong()).isEqualTo(invoice.path("deposit").asLong());
    } finally {
      if (worker != null) worker.close();
      b.close();
      if (a != null) a.close();
    }
  }
}

package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Poll;
import io.respool.gateway.testing.Wallets;
import io.respool.gateway.testing.Wallets.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 50 renters book at once through two clustered gateway nodes over a small fleet of real
 * host-workers (each connected to one node or the other): the fleet fills exactly, nobody gets
 * capacity a host does not have, every other renter is refused with a reason, and every placed
 * booking runs on its host whichever node took the request. Stopping them all gives every core back.
 */
class ClusterBookingsIT {
  static final double CPU = 0.5;

  static Gateway node(String id, int clusterPort) throws Exception {
    return GatewayNodes.start(Map.of("cluster", "true", "nodeId", id, "clusterPort", Integer.toString(clusterPort),
        "clusterMembers", "127.0.0.1:5813,127.0.0.1:5814", "allowUnpaidBookings", "true", "reconcileIntervalMs", "500",
        "challengesPerMinute", "10000", "stopGraceSeconds", "1"));
  }

  @Test
  void fiftyConcurrentBookersOnTwoNodesNeverOverAllocate() throws Exception {
    String region = "cluster-bk-" + Long.toString(System.nanoTime(), 36);
    Gateway a = node("bk-a", 5813);
    Gateway b = node("bk-b", 5814);
    List<Worker> fleet = new ArrayList<>();
    ExecutorService clients = Executors.newFixedThreadPool(50);
    try {
      for (int i = 0; i < 4; i++) fleet.add(Worker.start((i % 2 == 0 ? a : b).port(), region, null));
      Http[] nodes = {new Http(a.port()), new Http(b.port())};
      long capacity = 0; // whole bookings of CPU the fleet can hold
      for (Worker w : fleet) capacity += (long) Math.floor(nodes[0].get("/v1/hosts/" + w.hostId).json().path("total").path("cpu").asDouble() / CPU);
      assertThat(capacity).as("fewer bookings fit than are asked for").isLessThan(50);

      List<Session> renters = new ArrayList<>();
      for (int i = 0; i < 10; i++) renters.add(Wallets.signIn(nodes[i % 2]));
      String body = Http.json(Map.of("cpu", CPU, "memoryMb", 64, "durationSeconds", 600, "region", region,
          "command", List.of("sleep", "120")));
      CountDownLatch go = new CountDownLatch(1);
      ConcurrentLinkedQueue<String[]> placed = new ConcurrentLinkedQueue<>(); // {booking id, token, node index}
      ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        int n = i % 2;
        Session who = renters.get(i % renters.size());
        all.add(CompletableFuture.runAsync(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          Http.Response r = nodes[n].post("/v1/bookings", body, who.token());
          if (r.status() == 201) placed.add(new String[] {r.json().path("id").asText(), who.token(), Integer.toString(n)});
          else refusals.add(r.status() + " " + r.json().path("type").asText() + " " + r.json().path("detail").asText());
        }, clients));
      }
      go.countDown();
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

      assertThat(placed).as("the fleet fills exactly").hasSize((int) capacity);
      assertThat(refusals).hasSize(50 - (int) capacity)
          .allMatch(r -> r.startsWith("409 urn:respool:problem:no-capacity"), "refused with a reason");
      long held = 0;
      for (Worker w : fleet) {
        JsonNode host = nodes[0].get("/v1/hosts/" + w.hostId).json();
        long total = Math.round(host.path("total").path("cpu").asDouble() * 1000);
        long free = Math.round(host.path("free").path("cpu").asDouble() * 1000);
        assertThat(free).as("no host gives more than it has").isBetween(0L, total);
        held += total - free;
      }
      assertThat(held).as("what hosts hold is exactly what was placed").isEqualTo(placed.size() * Math.round(CPU * 1000));

      // every placed booking runs on its host, whichever node took it and whichever holds the host
      for (String[] p : placed) {
        JsonNode running = await(nodes[1 - Integer.parseInt(p[2])], p[0], p[1], "RUNNING");
        assertThat(running.path("tasks").get(0).path("state").asText()).isEqualTo("RUNNING");
      }
      for (String[] p : placed) {
        Http.Response stop = nodes[Integer.parseInt(p[2])].post("/v1/bookings/" + p[0] + "/stop", "", p[1]);
        assertThat(stop.status()).as(stop.toString()).isEqualTo(200);
      }
      for (String[] p : placed) await(nodes[0], p[0], p[1], "STOPPED");
      for (Worker w : fleet) {
        JsonNode host = nodes[1].get("/v1/hosts/" + w.hostId).json();
        assertThat(host.path("free").path("cpu").asDouble()).as("every core given back").isEqualTo(host.path("total").path("cpu").asDouble());
      }
    } finally {
      clients.shutdownNow();
      for (Worker w : fleet) w.close();
      b.close();
      a.close();
    }
  }

  static JsonNode await(Http http, String id, String token, String state) {
    return Poll.booking(http, id, token, b -> state.equals(b.path("state").asText()), "becoming " + state);
  }
}

package io.respool.it;

import static io.respool.it.JarProcessesIT.awaitTrue;
import static io.respool.it.JarProcessesIT.freePort;
import static io.respool.it.JarProcessesIT.healthy;
import static io.respool.it.JarProcessesIT.jar;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.TestHost;
import io.respool.gateway.testing.Wallets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, part 3: the gateway jar with its embedded PostgreSQL and Redis, killed with SIGKILL (as
 * an OOM kill or a crash does) and started again on the same home. First the services stop on their
 * own once their gateway is gone (the watchdogs); then, with the watchdogs killed too so the
 * services really are orphaned, the next start stops the orphans the pid files name and comes up.
 * Both times the booking made before the crash is still there.
 */
class GatewayCrashIT {
  @Test
  void aKilledGatewayStartsAgainOnItsOwnDataKeepingItsBookings() throws Exception {
    Path home = Files.createTempDirectory("respool-crash-home-");
    Path pgPidFile = home.resolve("pg/postmaster.pid");
    Path redisPidFile = home.resolve("redis/redis.pid");
    List<Process> started = new ArrayList<>();
    try {
      // 1. a gateway with a booking in it
      Started first = startGateway(started, home, "first");
      Http http = first.http;
      String region = "crash-" + Long.toString(System.nanoTime(), 36);
      String bookingId;
      Wallets.Session renter;
      try (TestHost host = new TestHost(first.port)) {
        assertThat(host.register(TestHost.info(region, List.of("process"))).path("type").asText()).isEqualTo("registered");
        renter = Wallets.signIn(http);
        Http.Response booked = http.post("/v1/bookings", Http.json(Map.of("cpu", 1, "memoryMb", 256, "durationSeconds", 3600,
            "region", region, "command", List.of("sleep", "60"))), renter.token());
        assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
        bookingId = booked.json().path("id").asText();
      }
      long pg1 = pid(pgPidFile);
      long redis1 = pid(redisPidFile);
      assertThat(alive(pg1)).as("embedded PostgreSQL runs").isTrue();
      assertThat(alive(redis1)).as("embedded Redis runs").isTrue();

      // 2. kill -9: the services follow their gateway within seconds
      first.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      awaitTrue(() -> !alive(pg1) && !alive(redis1), 30, "the embedded services stop after their gateway was killed", first.log);

      Started second = startGateway(started, home, "second");
      assertBookingKept(second, bookingId, renter);

      // 3. the services really orphaned (their watchdogs killed first): the next start stops them and comes up
      long pg2 = pid(pgPidFile);
      long redis2 = pid(redisPidFile);
      List<ProcessHandle> watchdogs = ProcessHandle.of(second.process.pid()).orElseThrow().descendants()
          .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("respool-watchdog")).orElse(false)).toList();
      assertThat(watchdogs).as("one watchdog per embedded service").hasSize(2);
      watchdogs.forEach(ProcessHandle::destroyForcibly);
      second.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      Thread.sleep(2000);
      assertThat(alive(pg2) && alive(redis2)).as("without watchdogs the services outlive the killed gateway").isTrue();

      Started third = startGateway(started, home, "third");
      assertThat(alive(pg2) || alive(redis2)).as("the orphans were stopped").isFalse();
      assertThat(pid(pgPidFile)).isNotEqualTo(pg2);
      assertThat(third.http.get("/ready").status()).isEqualTo(200);
      assertBookingKept(third, bookingId, renter);
    } finally {
      for (Process p : started) {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
      }
      // never leave services behind on a shared machine, whatever failed above
      for (Path f : List.of(pgPidFile, redisPidFile)) {
        try {
          long pid = pid(f);
          if (alive(pid)) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        } catch (IOException | RuntimeException ignored) {
          // no pid file: nothing runs
        }
      }
    }
  }

  record Started(Process process, int port, Http http, Path log) {}

  static Started startGateway(List<Process> started, Path home, String name) throws Exception {
    int port = freePort();
    Path log = home.resolve("gateway-" + name + ".log");
    // a free SSH port too: the default (2222) may be taken on a shared machine, and the gateway stops when it is
    Process p = JarProcessesIT.start(started, log, "-jar", jar("gateway/target/respool-gateway.jar"),
        "--port", Integer.toString(port), "--ssh-port", Integer.toString(freePort()), "--home", home.toString());
    Http http = new Http(port);
    awaitTrue(() -> {
      if (!p.isAlive()) throw new AssertionError("the " + name + " gateway exited: " + Files.readString(log));
      return healthy(http);
    }, 120, "the " + name + " gateway healthy", log);
    return new Started(p, port, http, log);
  }

  static void assertBookingKept(Started gateway, String id, Wallets.Session renter) throws IOException {
    Http.Response r;
    try {
      r = gateway.http.get("/v1/bookings/" + id, renter.token());
    } catch (AssertionError e) {
      throw new AssertionError("the booking could not be read from the " + (gateway.process.isAlive() ? "running" : "exited")
          + " gateway; its log:\n" + Files.readString(gateway.log), e);
    }
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode b = r.json();
    assertThat(b.path("id").asText()).isEqualTo(id);
    assertThat(b.path("accountId").asText()).isEqualTo(renter.accountId());
    // its history is whole (its host, a test host gone with the first gateway, may have been declared lost since)
    assertThat(b.path("transitions").get(0).path("to").asText()).as(b.toString()).isEqualTo("PENDING_PAYMENT");
  }

  static long pid(Path pidFile) throws IOException {
    return Long.parseLong(Files.readString(pidFile).lines().findFirst().orElseThrow().trim());
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}

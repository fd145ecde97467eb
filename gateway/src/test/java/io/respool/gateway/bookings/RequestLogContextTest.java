package io.respool.gateway.bookings;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.gateway.testing.Poll;
import io.respool.gateway.testing.ScriptedHost;
import io.respool.gateway.testing.TestHost;
import io.respool.gateway.testing.Wallets;
import io.respool.gateway.testing.Wallets.Session;
import io.respool.protocol.logging.JsonLineEncoder;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The JSON log lines of a booking request, as the gateway's logback.xml writes them: the request id the client sent
 * (echoed in X-Request-Id) and the new booking's id are on the line the dispatcher — a domain verticle, reached over
 * the event bus — logs for it, and a second booking's line carries its own ids, never the first's. A request id
 * that is not a plain token is replaced by a generated one.
 */
class RequestLogContextTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aBookingsRequestIdAndBookingIdReachTheDispatchersLogLines() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    appender.setContext(logback);
    JsonLineEncoder encoder = new JsonLineEncoder();
    encoder.setContext(logback);
    encoder.start();
    appender.setEncoder(encoder);
    appender.setOutputStream(captured);
    appender.start();
    ch.qos.logback.classic.Logger root = logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    Gateway node = GatewayNodes.start(Map.of("allowUnpaidBookings", "true"));
    String region = "logctx-" + Long.toString(System.nanoTime(), 36);
    try (ScriptedHost host = new ScriptedHost(node.port(), TestHost.info(region, List.of("process")))) {
      Http http = new Http(node.port());
      Session renter = Wallets.signIn(http);
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      List<String[]> booked = new ArrayList<>(); // {request id, booking id}
      for (String requestId : List.of("test-req-1." + region, "test-req-2." + region)) {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/v1/bookings"))
            .header("Authorization", "Bearer " + renter.token()).header("Content-Type", "application/json").header("X-Request-Id", requestId)
            .POST(HttpRequest.BodyPublishers.ofString(Http.json(Map.of("cpu", 0.5, "memoryMb", 64, "durationSeconds", 600, "region", region,
                "command", List.of("sleep", "600"))))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("X-Request-Id")).as("echoed").contains(requestId);
        String id = JSON.readTree(r.body()).path("id").asText();
        Poll.booking(http, id, renter.token(), b -> "RUNNING".equals(b.path("state").asText()), "running");
        booked.add(new String[] {requestId, id});
      }

      // not a plain token: a generated id instead, echoed
      HttpResponse<String> odd = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/v1/bookings/" + booked.get(0)[1]))
          .header("Authorization", "Bearer " + renter.token()).header("X-Request-Id", "no spaces {allowed}").GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(odd.statusCode()).isEqualTo(200);
      assertThat(odd.headers().firstValue("X-Request-Id").orElseThrow()).matches("[0-9a-f-]{36}");

      List<JsonNode> lines = new ArrayList<>();
      for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) lines.add(JSON.readTree(line)); // every line is one JSON object
      }
      for (String[] b : booked) {
        List<JsonNode> dispatched = lines.stream().filter(l -> l.path("logger").asText().equals("io.respool.bookings.Dispatcher")
            && l.path("message").asText().startsWith("booking " + b[1] + ":")).toList();
        assertThat(dispatched).as("the dispatcher's line about %s", b[1]).hasSize(1);
        assertThat(dispatched.get(0).path("requestId").asText()).as("the request id of the POST that made it").isEqualTo(b[0]);
        assertThat(dispatched.get(0).path("bookingId").asText()).isEqualTo(b[1]);
      }
      assertThat(lines).as("no line carries one booking's request id with another booking's id").noneMatch(l ->
          (l.path("requestId").asText().equals(booked.get(0)[0]) && l.path("bookingId").asText().equals(booked.get(1)[1]))
              || (l.path("requestId").asText().equals(booked.get(1)[0]) && l.path("bookingId").asText().equals(booked.get(0)[1])));
    } finally {
      node.close();
      root.detachAppender(appender);
      appender.stop();
    }
  }
}

package io.respool.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.TestHost;
import io.respool.gateway.testing.Ws;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /v1/events on one node: live delivery, catch-up with lastEventId, and bad commands. */
class EventsTest {
  static Gateway node;

  @BeforeAll
  static void start() throws Exception {
    node = GatewayNodes.start(Map.of());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static long subscribe(Ws ws, Long lastEventId) {
    ws.send("{\"type\":\"subscribe\",\"topic\":\"hosts\"" + (lastEventId == null ? "" : ",\"lastEventId\":" + lastEventId) + "}");
    JsonNode ok = ws.until(n -> "subscribed".equals(n.path("type").asText()), 10);
    return ok.path("lastEventId").asLong();
  }

  static JsonNode nextEventAbout(Ws ws, String hostId) {
    return ws.until(n -> "event".equals(n.path("type").asText()) && hostId.equals(n.path("event").path("data").path("id").asText()), 10)
        .path("event");
  }

  @Test
  void liveEventsThenCatchUpAfterReconnectWithoutGapsOrDuplicates() {
    long lastSeen;
    TestHost a = new TestHost(node.port());
    try (Ws sub = Ws.connect(node.port(), "/v1/events")) {
      subscribe(sub, null);
      a.register("ev");
      JsonNode joined = nextEventAbout(sub, a.id);
      assertThat(joined.path("type").asText()).isEqualTo("host.joined");
      assertThat(joined.path("stream").asText()).isEqualTo("hosts");
      assertThat(joined.path("data").path("online").asBoolean()).isTrue();
      lastSeen = joined.path("id").asLong();
    }
    // while nobody listens: a leaves, b joins
    a.close();
    TestHost b = new TestHost(node.port());
    b.register("ev");
    try (Ws sub = Ws.connect(node.port(), "/v1/events")) {
      subscribe(sub, lastSeen);
      // a's leaving is written once the node has seen its socket close, which may come after b joined: read until both
      List<JsonNode> got = new ArrayList<>();
      while (!(has(got, b.id, "host.joined") && has(got, a.id, "host.left"))) {
        got.add(sub.until(n -> "event".equals(n.path("type").asText()), 10).path("event"));
      }
      for (int i = 0; i < got.size(); i++) assertThat(got.get(i).path("id").asLong()).isEqualTo(lastSeen + 1 + i);
      assertThat(got).anySatisfy(x -> {
        assertThat(x.path("type").asText()).isEqualTo("host.left");
        assertThat(x.path("data").path("id").asText()).isEqualTo(a.id);
      });
    } finally {
      b.close();
    }
  }

  static boolean has(List<JsonNode> events, String hostId, String type) {
    return events.stream().anyMatch(e -> hostId.equals(e.path("data").path("id").asText()) && type.equals(e.path("type").asText()));
  }

  @Test
  void badCommandsGetAnErrorAndTheConnectionStaysUsable() {
    try (Ws sub = Ws.connect(node.port(), "/v1/events")) {
      sub.send("{oops");
      assertThat(sub.next().path("type").asText()).isEqualTo("error");
      sub.send("{\"type\":\"subscribe\",\"topic\":\"secrets\"}");
      assertThat(sub.next().path("message").asText()).contains("unknown topic");
      sub.send("{\"type\":\"subscribe\",\"topic\":\"hosts\",\"lastEventId\":\"x\"}");
      assertThat(sub.next().path("type").asText()).isEqualTo("error");
      sub.send("{\"type\":\"subscribe\",\"topic\":\"hosts\",\"extra\":1}");
      assertThat(sub.next().path("message").asText()).contains("extra");
      assertThat(subscribe(sub, null)).isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void unknownWebSocketPathsAreRejected() {
    Throwable t = null;
    try {
      Ws.connect(node.port(), "/v1/elsewhere").close();
    } catch (RuntimeException e) {
      t = e;
    }
    assertThat(t).as("handshake on an unknown path fails").isNotNull();
  }
}

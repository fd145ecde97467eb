package io.respool.gateway.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.respool.gateway.Gateway;
import io.respool.gateway.config.ConfigException;
import io.respool.gateway.config.ConfigSource;
import io.respool.gateway.config.GatewayConfig;
import io.respool.gateway.testing.ContractSchemas;
import io.respool.gateway.testing.GatewayNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CORS ({@code corsOrigins}) with real preflight and actual requests, as a browser sends them, from
 * an allowed origin, a refused one, the gateway's own, and none; and a node without the setting.
 */
class CorsTest {
  static final String CONSOLE = "https://console.example.com:8443";
  static final String OTHER = "https://evil.example.net";
  static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static Gateway node;
  static Gateway plain;

  @BeforeAll
  static void start() throws Exception {
    node = GatewayNodes.start(Map.of("corsOrigins", CONSOLE + ", http://localhost:5173"));
    plain = GatewayNodes.start(Map.of());
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
    if (plain != null) plain.close();
  }

  static HttpResponse<String> send(Gateway g, String method, String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + path)).timeout(Duration.ofSeconds(15))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) b.headers(headers);
    try {
      return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(method + " " + path, e);
    }
  }

  static List<String> list(HttpResponse<?> r, String header) {
    return r.headers().allValues(header).stream().flatMap(v -> Arrays.stream(v.split(","))).map(String::trim)
        .map(s -> s.toLowerCase(java.util.Locale.ROOT)).toList();
  }

  @Test
  void anAllowedOriginsPreflightIsAnsweredWithWhatItMaySend() {
    HttpResponse<String> r = send(node, "OPTIONS", "/v1/bookings", "Origin", CONSOLE, "Access-Control-Request-Method", "POST",
        "Access-Control-Request-Headers", "authorization, content-type");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains(CONSOLE);
    assertThat(list(r, "Access-Control-Allow-Methods")).contains("get", "post", "put", "patch", "delete");
    assertThat(list(r, "Access-Control-Allow-Headers")).contains("authorization", "content-type");
    assertThat(r.headers().firstValue("Access-Control-Max-Age")).contains("600");
    // a path with an id and the other allowed origin
    HttpResponse<String> local = send(node, "OPTIONS", "/v1/bookings/b1/stop", "Origin", "http://localhost:5173",
        "Access-Control-Request-Method", "POST");
    assertThat(local.statusCode()).isEqualTo(204);
    assertThat(local.headers().firstValue("Access-Control-Allow-Origin")).contains("http://localhost:5173");
  }

  @Test
  void anAllowedOriginsRequestsAndRefusalsAreReadable() throws Exception {
    HttpResponse<String> hosts = send(node, "GET", "/v1/hosts?limit=1", "Origin", CONSOLE);
    assertThat(hosts.statusCode()).isEqualTo(200);
    assertThat(hosts.headers().firstValue("Access-Control-Allow-Origin")).contains(CONSOLE);
    assertThat(list(hosts, "Access-Control-Expose-Headers")).contains("retry-after", "location");
    assertThat(list(hosts, "Vary")).contains("origin");
    assertThat(ContractSchemas.get().check("listHosts", 200, hosts.headers().firstValue("Content-Type").orElse(""), hosts.body())).isNull();
    // a refusal reaches the page too, as the problem the contract describes
    HttpResponse<String> account = send(node, "GET", "/v1/account", "Origin", CONSOLE);
    assertThat(account.statusCode()).isEqualTo(401);
    assertThat(account.headers().firstValue("Access-Control-Allow-Origin")).contains(CONSOLE);
    assertThat(ContractSchemas.get().check("getAccount", 401, account.headers().firstValue("Content-Type").orElse(""), account.body())).isNull();
  }

  @Test
  void anotherOriginIsRefusedInPlainWordsBeforeAnythingHappens() throws Exception {
    HttpResponse<String> preflight = send(node, "OPTIONS", "/v1/bookings", "Origin", OTHER, "Access-Control-Request-Method", "POST");
    HttpResponse<String> get = send(node, "GET", "/v1/hosts", "Origin", OTHER);
    for (HttpResponse<String> r : List.of(preflight, get)) {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
      assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
      assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
      assertThat(new ObjectMapper().readTree(r.body()).path("detail").asText()).contains(OTHER).contains("corsOrigins");
    }
    // a prefix of an allowed origin is another origin
    assertThat(send(node, "GET", "/v1/hosts", "Origin", "https://console.example.com").statusCode()).isEqualTo(403);
  }

  @Test
  void theGatewaysOwnOriginAndClientsWithoutOneAreServedAsBefore() {
    HttpResponse<String> own = send(node, "GET", "/v1/hosts?limit=1", "Origin", "http://127.0.0.1:" + node.port());
    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(own.headers().firstValue("Access-Control-Allow-Origin")).as("same origin: no CORS needed").isEmpty();
    HttpResponse<String> none = send(node, "GET", "/v1/hosts?limit=1");
    assertThat(none.statusCode()).isEqualTo(200);
    assertThat(none.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    // outside /v1 nothing changes
    assertThat(send(node, "GET", "/health", "Origin", OTHER).statusCode()).isEqualTo(200);
  }

  @Test
  void withoutCorsOriginsThereIsNoCors() {
    HttpResponse<String> get = send(plain, "GET", "/v1/hosts?limit=1", "Origin", OTHER);
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    HttpResponse<String> preflight = send(plain, "OPTIONS", "/v1/bookings", "Origin", CONSOLE, "Access-Control-Request-Method", "POST");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void corsOriginsAreCheckedAtStart() {
    assertThat(config(Map.of("RESPOOL_CORS_ORIGINS", "https://a.example, http://b.example:3000")).corsOrigins())
        .containsExactly("https://a.example", "http://b.example:3000");
    assertThat(config(Map.of("RESPOOL_CORS_ORIGINS", "*")).corsOrigins()).containsExactly("*");
    assertThat(config(Map.of()).corsOrigins()).as("off by default").isEmpty();
    for (String bad : List.of("console.example.com", "https://a.example/", "https://a.example/path", "*, https://a.example", "ftp://a.example")) {
      assertThatThrownBy(() -> config(Map.of("RESPOOL_CORS_ORIGINS", bad))).as(bad).isInstanceOf(ConfigException.class)
          .hasMessageContaining("corsOrigins").hasMessageContaining("RESPOOL_CORS_ORIGINS");
    }
  }

  static GatewayConfig config(Map<String, String> env) {
    return GatewayConfig.from(ConfigSource.load(null, env, new Properties(), Map.of()));
  }
}

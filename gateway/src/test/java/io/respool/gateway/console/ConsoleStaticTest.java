package io.respool.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The web console's files are served at / beside the API, which answers as before. */
class ConsoleStaticTest {
  static Gateway node;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    node = GatewayNodes.start();
    http = new Http(node.port());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void theRootIsTheConsolesPage() {
    Http.Response r = http.get("/");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("text/html");
    assertThat(r.text()).contains("<script type=\"module\" src=\"app.js\"></script>");
    Http.Response js = http.get("/app.js");
    assertThat(js.status()).isEqualTo(200);
    assertThat(js.contentType()).contains("javascript");
  }

  @Test
  void theApiAndItsProblemsAreUnchanged() {
    assertThat(http.get("/health").json().path("status").asText()).isEqualTo("UP");
    assertThat(http.get("/openapi.yaml").contentType()).startsWith("application/yaml");
    assertThat(http.get("/v1/hosts").json().has("items")).isTrue();
    assertThat(http.get("/v1/nothing-here").isProblem(404)).as(http.get("/v1/nothing-here").toString()).isTrue();
    assertThat(http.get("/no-such-file.js").isProblem(404)).isTrue();
    // a method the path has not: still a 405 problem, and a POST of a console file is no file
    Http.Response delete = http.send("DELETE", "/v1/hosts", null, null, null);
    assertThat(delete.isProblem(405)).as(delete.toString()).isTrue();
    assertThat(http.post("/index.html", "{}").isProblem(405)).isTrue();
  }
}

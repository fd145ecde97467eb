package io.respool.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real HTTP client (java.net.http) against one node, returning status, content type and JSON. */
public final class Http {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final Duration timeout;

  public Http(int port) {
    this(port, Duration.ofSeconds(15));
  }

  /** With a longer request timeout, for floods of requests on a loaded machine. */
  public Http(int port, Duration timeout) {
    this.base = "http://127.0.0.1:" + port;
    this.timeout = timeout;
  }

  public record Response(int status, String contentType, String text) {
    public JsonNode json() {
      try {
        return JSON.readTree(text);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + text, e);
      }
    }

    /** True for an RFC 9457 problem with the given status. */
    public boolean isProblem(int expected) {
      return status == expected && contentType.startsWith("application/problem+json")
          && json().path("status").asInt() == expected && json().path("type").asText().startsWith("urn:respool:problem:");
    }

    @Override
    public String toString() { return status + " " + contentType + " " + text; }
  }

  public Response get(String path, String token) { return send("GET", path, null, token, "application/json"); }

  public Response get(String path) { return get(path, null); }

  public Response post(String path, String body, String token) { return send("POST", path, body, token, "application/json"); }

  public Response post(String path, String body) { return post(path, body, null); }

  public Response send(String method, String path, String body, String token, String contentType) {
    return send(method, path, body, token, contentType, null);
  }

  /** With an {@code Accept} header (null: none). */
  public Response send(String method, String path, String body, String token, String contentType, String accept) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", contentType);
    if (accept != null) b.header("Accept", accept);
    if (token != null) b.header("Authorization", "Bearer " + token);
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(method + " " + path + " failed", e);
    }
  }

  public static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}

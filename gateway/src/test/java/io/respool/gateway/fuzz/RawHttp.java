package io.respool.gateway.fuzz;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A real HTTP client that sends any bytes with any headers, optionally from a chosen loopback address. */
final class RawHttp {
  record Answer(int status, String contentType, String retryAfter, String text) {
    @Override
    public String toString() { return status + " " + contentType + " " + ContractCases.abbreviate(text, 400); }
  }

  private final HttpClient client;
  private final String base;

  RawHttp(int port) {
    this(port, null);
  }

  /** {@code from}: the local address requests leave from (e.g. 127.0.0.7), or null for any. */
  RawHttp(int port, InetAddress from) {
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
    if (from != null) b.localAddress(from);
    this.client = b.build();
    this.base = "http://127.0.0.1:" + port;
  }

  Answer send(String method, String path, Map<String, String> headers, byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.headers().firstValue("Retry-After").orElse(null), r.body());
    } catch (IOException e) {
      return new Answer(-1, "", null, "connection failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}

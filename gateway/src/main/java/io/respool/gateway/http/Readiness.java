package io.respool.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET /ready} checks: PostgreSQL ({@code SELECT 1}), Redis ({@code PING}) and each configured chain's
 * JSON-RPC endpoint (a cheap read: {@code eth_blockNumber}, Solana {@code getSlot}), each within {@code timeout}.
 * The answer names every one that is down and why, so a load balancer's 503 says what to fix.
 */
public final class Readiness {
  /** A chain endpoint to check: its name in the answer, its URL and the JSON-RPC method to call. */
  public record Rpc(String name, String url, String method) {
    public static Rpc ethereum(String url) { return new Rpc("ethereum rpc", url, "eth_blockNumber"); }

    public static Rpc solana(String url) { return new Rpc("solana rpc", url, "getSlot"); }
  }

  private final Pool pool;
  private final RedisAPI redis;
  private final List<Rpc> rpcs;
  private final HttpClient http;
  private final Duration timeout;

  public Readiness(Vertx vertx, Pool pool, RedisAPI redis, List<Rpc> rpcs, Duration timeout) {
    this.pool = pool;
    this.redis = redis;
    this.rpcs = List.copyOf(rpcs);
    this.timeout = timeout;
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) timeout.toMillis()).setKeepAlive(false));
  }

  /** The services that are down, each with why (empty: ready). Never fails. */
  public Future<List<String>> down() {
    Map<String, Future<?>> checks = new LinkedHashMap<>();
    checks.put("postgresql", pool.query("SELECT 1").execute().timeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
    checks.put("redis", redis.ping(List.of()).timeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
    for (Rpc rpc : rpcs) checks.put(rpc.name(), call(rpc));
    return Future.join(new ArrayList<>(checks.values())).transform(ignored -> {
      List<String> down = new ArrayList<>();
      checks.forEach((name, f) -> { if (f.failed()) down.add(name + " (" + why(f.cause()) + ")"); });
      return Future.succeededFuture(down);
    });
  }

  private Future<?> call(Rpc rpc) {
    String body = new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", rpc.method()).put("params", new io.vertx.core.json.JsonArray()).encode();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(rpc.url()).setTimeout(timeout.toMillis())
        .putHeader("Content-Type", "application/json");
    return http.request(options)
        .compose(req -> req.send(body))
        .compose(res -> res.body().compose(b -> {
          if (res.statusCode() != 200) return Future.failedFuture("HTTP " + res.statusCode());
          JsonObject answer = b.toJsonObject();
          if (answer.containsKey("error")) return Future.failedFuture("error " + answer.getValue("error"));
          return Future.succeededFuture(answer);
        }));
  }

  private static String why(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}

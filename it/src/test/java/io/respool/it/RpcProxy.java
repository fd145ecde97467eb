package io.respool.it;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP JSON-RPC relay in front of a real node, for what a gateway sees when its node goes away:
 * {@link Mode#DOWN} closes every connection unanswered; {@link Mode#SWALLOW_NEXT_SEND} relays the
 * next {@code eth_sendRawTransaction} (or Solana {@code sendTransaction}) to the node, withholds the node's answer, and goes DOWN — the
 * node has the transaction, the gateway cannot know it.
 */
final class RpcProxy implements AutoCloseable {
  enum Mode { PASS, DOWN, SWALLOW_NEXT_SEND }

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client;
  private final HttpServer server;
  private volatile Mode mode = Mode.PASS;
  private final AtomicInteger swallowed = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  private RpcProxy(URI target) throws Exception {
    client = vertx.createHttpClient();
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      Mode now = mode;
      if (now == Mode.DOWN) {
        refused.incrementAndGet();
        req.connection().close();
        return;
      }
      boolean swallow = now == Mode.SWALLOW_NEXT_SEND
          && (body.toString().contains("eth_sendRawTransaction") || body.toString().contains("\"sendTransaction\"")); // Ethereum, Solana
      if (swallow) mode = Mode.DOWN;
      client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(target.getHost()).setPort(target.getPort()).setURI("/")
              .putHeader("content-type", "application/json"))
          .compose(r -> r.send(body))
          .compose(resp -> resp.body().map(b -> new Object[] {resp.statusCode(), b}))
          .onComplete(ar -> {
            if (swallow) {
              swallowed.incrementAndGet();
              req.connection().close();
            } else if (ar.failed()) {
              req.connection().close();
            } else {
              req.response().setStatusCode((int) ar.result()[0]).putHeader("content-type", "application/json").end((Buffer) ar.result()[1]);
            }
          });
    })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  static RpcProxy start(String targetUrl) throws Exception {
    return new RpcProxy(URI.create(targetUrl));
  }

  String url() { return "http://127.0.0.1:" + server.actualPort(); }

  void mode(Mode m) { mode = m; }

  Mode mode() { return mode; }

  /** Transactions relayed whose answer was withheld. */
  int swallowed() { return swallowed.get(); }

  /** Requests closed unanswered while DOWN. */
  int refused() { return refused.get(); }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}

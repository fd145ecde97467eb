package io.respool.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.gateway.testing.Http;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ValidatorException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract's checks run on the event loop that read the request, with no thread hop, and still refuse what the contract refuses. */
class InPlaceValidationTest {
  static Vertx vertx;
  static HttpServer server;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    String yaml;
    try (var in = InPlaceValidationTest.class.getResourceAsStream("/openapi.yaml")) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    OpenAPIContract contract = CachedValidators.of(OpenAPIContract.from(vertx, Contract.forRouter(yaml)).await(30, TimeUnit.SECONDS));
    RouterBuilder rb = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
    rb.rootHandler(BodyHandler.create(false));
    // marks the request once everything after this handler has returned: a handler that sees no mark ran in the same call
    rb.rootHandler(ctx -> {
      ctx.next();
      ctx.put("returned", true);
    });
    rb.getRoutes().forEach(r -> r.setDoSecurity(false));
    InPlaceValidation.install(vertx, contract, rb, RequestExtractor.withBodyHandler());
    rb.getRoute("createBooking").addHandler(ctx -> ctx.response().end(
        (ctx.get("returned") == null ? "in place" : "after a hop") + (ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST) != null ? ", validated" : "")));
    Router router = rb.createRouter();
    router.route().failureHandler(ctx -> ctx.response().setStatusCode(ctx.failure() instanceof ValidatorException ? 400 : 500).end(
        String.valueOf(ctx.failure())));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    http = new Http(server.actualPort());
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aValidRequestIsValidatedWithoutLeavingTheEventLoop() {
    Http.Response r = http.post("/v1/bookings", "{\"cpu\":1,\"memoryMb\":512,\"durationSeconds\":600,\"image\":\"busybox\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("in place, validated");
  }

  @Test
  void whatTheContractRefusesIsStillRefused() {
    Http.Response r = http.post("/v1/bookings", "{\"cpu\":\"lots\",\"durationSeconds\":600,\"image\":\"busybox\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.text()).contains("request body is invalid");
  }

  @Test
  void aBlockingTaskRunsOnTheCallersThreadAndItsFailureIsTheFutures() throws Exception {
    Vertx inPlace = InPlaceValidation.inPlace(vertx);
    assertThat(inPlace.executeBlocking(Thread::currentThread).result()).isSameAs(Thread.currentThread());
    Future<Object> failed = inPlace.executeBlocking(() -> {
      throw new IllegalStateException("refused");
    });
    assertThat(failed.failed()).isTrue();
    assertThat(failed.cause()).hasMessage("refused");
    // the rest is the node's Vert.x
    assertThat(inPlace.isNativeTransportEnabled()).isEqualTo(vertx.isNativeTransportEnabled());
    assertThat(inPlace.executeBlocking(Thread::currentThread, false).await(10, TimeUnit.SECONDS)).isNotSameAs(Thread.currentThread());
  }
}

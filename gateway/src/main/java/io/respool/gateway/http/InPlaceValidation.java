package io.respool.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestValidator;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.Callable;

/**
 * Requests checked against the contract on the event loop that read them. The router's own
 * validation hands every request to a worker thread and back ({@code executeBlocking}, ordered per
 * event loop): two thread wake-ups per request, and one request at a time per event loop, for the
 * check of a body of at most {@link HttpApiVerticle#MAX_BODY_BYTES} (not measured at that size). Here the same
 * validator is given a {@link Vertx} whose {@code executeBlocking(Callable)} runs the check in place;
 * everything else it asks of that {@code Vertx} is the node's. What a route gets is what the
 * router's validation gives: the validated request under {@link RouterBuilder#KEY_META_DATA_VALIDATED_REQUEST},
 * or the validator's exception as the failure.
 */
final class InPlaceValidation {
  private InPlaceValidation() {}

  /** Every route of {@code builder} validated in place; call it before any route's own handlers are added, so it runs first. */
  static void install(Vertx vertx, OpenAPIContract contract, RouterBuilder builder, RequestExtractor extractor) {
    RequestValidator validator = RequestValidator.create(inPlace(vertx), contract);
    for (OpenAPIRoute route : builder.getRoutes()) {
      Operation operation = route.getOperation();
      route.setDoValidation(false).addHandler(ctx -> extractor.extractValidatableRequest(ctx, operation)
          .compose(request -> validator.validate(request, operation.getOperationId()))
          .onSuccess(validated -> {
            ctx.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, validated);
            ctx.next();
          })
          .onFailure(ctx::fail));
    }
  }

  /** {@code vertx}, except that a blocking task is run at once on the caller's thread. */
  static Vertx inPlace(Vertx vertx) {
    return (Vertx) Proxy.newProxyInstance(Vertx.class.getClassLoader(), new Class<?>[] {Vertx.class}, (proxy, method, args) -> {
      if (method.getName().equals("executeBlocking") && args != null && args.length == 1 && args[0] instanceof Callable<?> task) {
        try {
          return Future.succeededFuture(task.call());
        } catch (Throwable e) { // as a worker would: the failure is the future's
          return Future.failedFuture(e);
        }
      }
      try {
        return method.invoke(vertx, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    });
  }
}

package io.respool.gateway.http;

import io.respool.protocol.ErrorCode;
import io.respool.protocol.Json;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Problem;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.openapi.validation.ValidatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place failures become {@code application/problem+json} (RFC 9457). */
public final class Problems {
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  private Problems() {}

  /**
   * Router failure handler: maps any failure to a problem; only real server faults are 5xx and
   * logged. A client's mistake is a {@link RespoolException} (or the contract's validation); any
   * other exception, an {@code IllegalArgumentException} from a bug included, is a 500.
   */
  public static void handle(RoutingContext ctx) {
    Throwable f = ctx.failure();
    ErrorCode code;
    String detail;
    if (f instanceof RespoolException e) {
      code = e.code();
      detail = e.getMessage();
    } else if (f instanceof ValidatorException v) {
      code = ErrorCode.INVALID_REQUEST;
      detail = ValidationMessages.describe(v);
    } else if (f instanceof ReplyException r) {
      code = r.failureType() == ReplyFailure.NO_HANDLERS ? ErrorCode.CONFLICT
          : r.failureType() == ReplyFailure.TIMEOUT ? ErrorCode.HOST_UNREACHABLE
          : ErrorCode.fromStatus(r.failureCode());
      detail = r.failureType() == ReplyFailure.NO_HANDLERS ? "host is not connected to any gateway node" : r.getMessage();
    } else if (f instanceof HttpException h && h.getCause() instanceof ValidatorException v) { // the router wraps the contract's verdict
      code = ErrorCode.INVALID_REQUEST;
      detail = ValidationMessages.describe(v);
    } else if (f instanceof HttpException h) {
      code = ErrorCode.fromStatus(h.getStatusCode());
      detail = h.getPayload() != null ? h.getPayload() : code.title();
    } else if (f == null && ctx.statusCode() > 0) {
      code = ErrorCode.fromStatus(ctx.statusCode());
      detail = code.title();
    } else {
      code = ErrorCode.INTERNAL;
      detail = "internal error";
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), f);
    }
    if (code == ErrorCode.INTERNAL && f != null && !(f instanceof RespoolException)) {
      detail = "internal error";
    }
    if (code.status() >= 500 && code != ErrorCode.INTERNAL) { // a dependency failing (503, 504…): the operator wants to know
      String why = detail;
      LOG.warn("{} {}: {} {}", ctx.request().method(), ctx.request().path(), code.status(), why);
    }
    send(ctx, code, detail);
  }

  public static void send(RoutingContext ctx, ErrorCode code, String detail) {
    HttpServerResponse res = ctx.response();
    if (ctx.failure() instanceof RateLimitedException r && !res.headWritten()) res.putHeader("Retry-After", Long.toString(r.retryAfterSeconds()));
    if (res.headWritten()) {
      if (!res.ended()) res.reset();
      return;
    }
    res.setStatusCode(code.status())
        .putHeader("Content-Type", "application/problem+json")
        .end(Json.encode(new Problem(code.type(), code.title(), code.status(), detail, ctx.request().path())));
  }
}

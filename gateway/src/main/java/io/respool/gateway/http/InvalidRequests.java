package io.respool.gateway.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.Json;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Problem;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.Set;

/**
 * Requests refused before any route sees them. HTTP that does not even parse (a request line
 * beyond 4 KiB, headers beyond 8 KiB, garbage) gets a problem like every other refusal instead of
 * Vert.x's bare status line; and a query parameter given twice is refused rather than read one way
 * by the contract's validator and another by a handler.
 */
final class InvalidRequests {
  private InvalidRequests() {}

  /** For {@code HttpServer.invalidRequestHandler}: a problem, then the connection closed (its framing is lost). */
  static void answer(HttpServerRequest req) {
    Throwable cause = req.decoderResult().cause();
    ErrorCode code;
    String detail;
    if (cause instanceof TooLongHttpLineException) {
      code = ErrorCode.URI_TOO_LONG;
      detail = "the request line (method, path and query) is longer than 4096 bytes";
    } else if (cause instanceof TooLongHttpHeaderException) {
      code = ErrorCode.HEADERS_TOO_LARGE;
      detail = "the request headers are larger than 8192 bytes";
    } else {
      code = ErrorCode.INVALID_REQUEST;
      detail = "the request is not valid HTTP";
    }
    req.response().setStatusCode(code.status())
        .putHeader("Content-Type", "application/problem+json")
        .putHeader("Connection", "close")
        .end(Json.encode(new Problem(code.type(), code.title(), code.status(), detail, null)))
        .onComplete(v -> req.connection().close());
  }

  /** Root handler: each query parameter at most once (the API has no list parameters). */
  static final Handler<RoutingContext> REPEATED_PARAMETERS = ctx -> {
    Set<String> seen = new HashSet<>();
    for (String name : ctx.queryParams().names()) {
      if (ctx.queryParams().getAll(name).size() > 1 || !seen.add(name)) {
        ctx.fail(RespoolException.invalid("query parameter " + name + " is given more than once"));
        return;
      }
    }
    ctx.next();
  };
}

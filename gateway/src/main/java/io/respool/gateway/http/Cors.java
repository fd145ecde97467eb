package io.respool.gateway.http;

import io.respool.protocol.RespoolException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * CORS for {@code /v1/*}, for frontends served from other origins ({@code corsOrigins}). A request
 * without {@code Origin}, or from the gateway's own origin (its {@code Host}, or {@code publicUrl}),
 * is served as before; an allowed origin gets the CORS headers (a preflight is answered 204 here);
 * any other origin is refused with a 403 problem that names it, so a page elsewhere can neither read
 * nor cause anything. With no origins configured there is no CORS at all (browsers keep to their
 * same-origin rule).
 */
public final class Cors {
  /** The request headers a frontend sends. */
  static final Set<String> ALLOWED_HEADERS = Set.of("Authorization", "Content-Type", "Accept");
  /** The response headers a frontend may read besides the simple ones. */
  static final Set<String> EXPOSED_HEADERS = Set.of("Retry-After", "Location");
  static final Set<HttpMethod> ALLOWED_METHODS = Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
      HttpMethod.DELETE, HttpMethod.OPTIONS);

  private final Set<String> origins;
  private final boolean any;
  private final String publicOrigin;
  private final CorsHandler handler;

  private Cors(List<String> origins, String publicUrl) {
    this.origins = Set.copyOf(origins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList());
    this.any = origins.contains("*");
    this.publicOrigin = publicUrl == null ? null : origin(URI.create(publicUrl));
    CorsHandler h = CorsHandler.create().allowedMethods(ALLOWED_METHODS).allowedHeaders(ALLOWED_HEADERS).exposedHeaders(EXPOSED_HEADERS)
        .maxAgeSeconds(600);
    this.handler = any ? h.addOrigin("*") : h.addOrigins(origins);
  }

  /** CORS for {@code origins} ({@code *} for any), or null when the list is empty (CORS off). */
  public static Cors of(List<String> origins, String publicUrl) {
    return origins == null || origins.isEmpty() ? null : new Cors(origins, publicUrl);
  }

  /**
   * A root handler of the router: acts on {@code /v1/*} only. A security-policy handler, as Vert.x's
   * CorsHandler is, so the router runs it before the body handler.
   */
  Handler<RoutingContext> rootHandler() {
    return (SecurityPolicyHandler) ctx -> {
      String origin = ctx.request().getHeader("Origin");
      if (origin == null || !ctx.request().path().startsWith("/v1/") || sameOrigin(ctx, origin)) {
        ctx.next();
      } else if (any || origins.contains(origin.toLowerCase(Locale.ROOT))) {
        handler.handle(ctx);
      } else {
        ctx.fail(RespoolException.forbidden("origin " + printable(origin) + " is not allowed: the gateway's corsOrigins lists the origins it serves"));
      }
    };
  }

  private boolean sameOrigin(RoutingContext ctx, String origin) {
    // the authority: the Host header in HTTP/1.1, :authority in HTTP/2
    io.vertx.core.net.HostAndPort a = ctx.request().authority();
    String own = a == null ? null : ctx.request().scheme() + "://" + a.host() + (a.port() > 0 ? ":" + a.port() : "");
    return origin.equalsIgnoreCase(own) || origin.equalsIgnoreCase(publicOrigin);
  }

  static String origin(URI u) {
    return (u.getScheme() + "://" + u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort())).toLowerCase(Locale.ROOT);
  }

  /** An origin as echoed in a message: short and without control characters. */
  private static String printable(String origin) {
    String s = origin.replaceAll("\\p{Cntrl}", "?");
    return s.length() > 100 ? s.substring(0, 100) + "…" : s;
  }
}

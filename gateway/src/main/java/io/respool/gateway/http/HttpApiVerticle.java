package io.respool.gateway.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.respool.gateway.auth.AuthService;
import io.respool.gateway.auth.Principal;
import io.respool.gateway.events.EventsHub;
import io.respool.gateway.hosts.HostConnections;
import io.respool.gateway.ssh.AuthorizedKeys;
import io.respool.gateway.terminal.TerminalSessions;
import io.respool.gateway.terminal.TerminalSocket;
import io.respool.protocol.api.Terminal;
import io.respool.hosts.HostCommands;
import io.respool.hosts.HostQuery;
import io.respool.hosts.HostRegistry;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.Json;
import io.respool.protocol.RespoolException;
import io.respool.protocol.api.Auth;
import io.respool.protocol.api.Bookings;
import io.respool.protocol.api.Quotes;
import io.respool.protocol.api.Teams;
import io.respool.bookings.BookingService;
import io.respool.bookings.BookingsBus;
import io.respool.bookings.Invoices;
import io.respool.bookings.QuoteService;
import io.respool.teams.TeamService;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.host.HostFrames;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The HTTP edge of one node, deployed on every event loop (the instances share the port): the REST
 * API built from {@code openapi.yaml}, the operational endpoints, and the two WebSocket endpoints.
 * Each instance holds the host connections and event subscribers that reached it. Handlers only
 * translate requests into service calls (or messages to the placement verticle); every failure
 * goes through {@link Problems}.
 */
public final class HttpApiVerticle extends VerticleBase {
  /** Largest request body accepted. */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  /** The services the edge calls. */
  public record Services(AuthService auth, HostRegistry hosts, Supplier<HostConnections> hostConnections, Supplier<EventsHub> events,
      Pool pool, RedisAPI redis, HostCommands commands, QuoteService quotes, TeamService teams, BookingsBus placement, BookingService bookings,
      Invoices invoices, PrometheusMeterRegistry metrics, String contract, io.respool.optimizer.Optimizer optimizer,
      TerminalSessions terminals, RateLimits limits, Cors cors, Readiness readiness, io.respool.gateway.metrics.GatewayMetrics gatewayMetrics,
      Supplier<Map<String, String>> paymentsNotReady) {}

  private final Services s;
  private final HostConnections hostConnections;
  private final EventsHub events;
  private final String bind;
  private final int port;
  private HttpServer server;
  private Router router;

  public HttpApiVerticle(Services services, String bind, int port) {
    this.s = services;
    this.hostConnections = services.hostConnections().get();
    this.events = services.events().get();
    this.bind = bind;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    // this instance's host connections and event subscribers keep their state on its event loop
    return Future.all(hostConnections.start(), events.start())
        .compose(v -> OpenAPIContract.from(vertx, Contract.forRouter(s.contract())))
        .compose(contract -> {
      OpenAPIContract checked = CachedValidators.of(contract);
      RouterBuilder rb = RouterBuilder.create(vertx, checked, RequestExtractor.withBodyHandler());
      if (s.cors() != null) rb.rootHandler(s.cors().rootHandler()); // first: a preflight is answered before anything else
      rb.rootHandler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
      rb.rootHandler(RequestIds::assign); // a user handler: Vert.x wants it after the body handler
      rb.rootHandler(InvalidRequests.REPEATED_PARAMETERS);
      // bearer credentials are JWTs or API keys: AuthService checks them in the handlers below
      rb.getRoutes().forEach(r -> r.setDoSecurity(false));
      InPlaceValidation.install(vertx, checked, rb, RequestExtractor.withBodyHandler()); // first on every route
      rb.getRoute("health").addHandler(this::health);
      rb.getRoute("ready").addHandler(this::ready);
      rb.getRoute("metrics").addHandler(this::metrics);
      rb.getRoute("contract").addHandler(this::contract);
      rb.getRoute("authChallenge").addHandler(s.limits().perClient()).addHandler(body(Auth.ChallengeRequest.class,
          (ctx, req) -> s.auth().challenge(req, ctx.request().remoteAddress().hostAddress())));
      rb.getRoute("authVerify").addHandler(s.limits().perClient()).addHandler(body(Auth.VerifyRequest.class, (ctx, req) -> s.auth().verify(req)));
      rb.getRoute("getAccount").addHandler(authenticated(200, this::account));
      rb.getRoute("createApiKey").addHandler(authenticated(201, this::createApiKey));
      rb.getRoute("createQuote").addHandler(s.limits().perClient()).addHandler(body(Quotes.Request.class, (ctx, req) -> s.quotes().quote(req)));
      rb.getRoute("listHosts").addHandler(this::listHosts);
      rb.getRoute("getHost").addHandler(ctx -> reply(ctx, 200, s.hosts().get(ctx.pathParam("id"))));
      rb.getRoute("pingHost").addHandler(authenticated(200, this::pingHost));
      rb.getRoute("createTeam").addHandler(authenticated(201, this::createTeam));
      rb.getRoute("listTeams").addHandler(authenticated(200, (ctx, who) -> s.teams().listMine(who.accountId())));
      rb.getRoute("getTeam").addHandler(authenticated(200, (ctx, who) -> s.teams().get(who.accountId(), ctx.pathParam("id"))));
      rb.getRoute("putTeamMember").addHandler(authenticated(200, this::putTeamMember));
      rb.getRoute("deleteTeamMember").addHandler(authenticated(204, this::deleteTeamMember));
      rb.getRoute("putTeamQuota").addHandler(authenticated(200, this::putTeamQuota));
      rb.getRoute("createBooking").addHandler(s.limits().perClientAndAccount()).addHandler(authenticated(201,
          (ctx, who) -> s.gatewayMetrics().placement(s.placement().place(who.accountId(), decode(ctx, Bookings.CreateRequest.class)))
              .onSuccess(b -> io.respool.infra.LogContext.put(io.respool.infra.LogContext.BOOKING_ID, b.id()))));
      rb.getRoute("listBookings").addHandler(authenticated(200, (ctx, who) -> s.bookings().list(who.accountId(),
          ctx.queryParams().get("teamId"), ctx.queryParams().get("state"), ctx.queryParams().get("after"),
          Objects.requireNonNullElse(param(ctx, "limit", Integer::valueOf), 50))));
      rb.getRoute("getBooking").addHandler(authenticated(200, (ctx, who) -> s.bookings().get(who.accountId(), ctx.pathParam("id"))));
      rb.getRoute("resizeBooking").addHandler(authenticated(200,
          (ctx, who) -> s.bookings().resize(who.accountId(), ctx.pathParam("id"), decode(ctx, Bookings.ResizeRequest.class))));
      rb.getRoute("stopBooking").addHandler(authenticated(200, (ctx, who) -> s.bookings().stop(who.accountId(), ctx.pathParam("id"))));
      rb.getRoute("extendBooking").addHandler(authenticated(200,
          (ctx, who) -> s.bookings().extend(who.accountId(), ctx.pathParam("id"), decode(ctx, Bookings.ExtendRequest.class))));
      rb.getRoute("getBookingUsage").addHandler(authenticated(200, (ctx, who) -> s.invoices().usage(who.accountId(), ctx.pathParam("id"),
          param(ctx, "from", Instant::parse), param(ctx, "to", Instant::parse), Objects.requireNonNullElse(param(ctx, "step", Long::valueOf), 60L))));
      rb.getRoute("getBookingInvoice").addHandler(this::invoice);
      rb.getRoute("getBookingPayment").addHandler(authenticated(200, (ctx, who) -> s.bookings().payment(who.accountId(), ctx.pathParam("id"))));
      rb.getRoute("getHostEarnings").addHandler(authenticated(200,
          (ctx, who) -> s.invoices().earnings(who.accountId(), who.has(Principal.ADMIN), ctx.pathParam("id"))));
      rb.getRoute("getBookingLogs").addHandler(authenticated(200, (ctx, who) -> s.bookings().logs(who.accountId(), ctx.pathParam("id"),
          Objects.requireNonNullElse(param(ctx, "maxBytes", Integer::valueOf), 16 * 1024))));
      // suggestions (issue 14): a booking's for its owner and team, a host's for its payout account (or an admin)
      rb.getRoute("getBookingSuggestions").addHandler(authenticated(200, (ctx, who) -> s.optimizer().forBooking(who.accountId(), ctx.pathParam("id"))));
      rb.getRoute("getHostSuggestions").addHandler(authenticated(200,
          (ctx, who) -> s.optimizer().forHost(who.accountId(), who.has(Principal.ADMIN), ctx.pathParam("id"))));
      rb.getRoute("applySuggestion").addHandler(authenticated(200,
          (ctx, who) -> s.optimizer().apply(who.accountId(), who.has(Principal.ADMIN), ctx.pathParam("id"))));
      rb.getRoute("getSshKeys").addHandler(authenticated(200, (ctx, who) -> s.terminals().service().keys(who.accountId())));
      rb.getRoute("putSshKeys").addHandler(authenticated(200, (ctx, who) -> s.terminals().service().putKeys(who.accountId(),
          AuthorizedKeys.parse(decode(ctx, Terminal.SshKeysRequest.class).keys()))));
      rb.getRoute("listBookingSessions").addHandler(authenticated(200, (ctx, who) -> s.terminals().service().sessions(who.accountId(),
          ctx.pathParam("id"), ctx.queryParams().get("after"), Objects.requireNonNullElse(param(ctx, "limit", Integer::valueOf), 100))));
      // a plain GET: who asks is checked first (401 before anything else), then told to upgrade
      rb.getRoute("bookingTerminal").addHandler(authenticated(400, (ctx, who) -> Future.failedFuture(RespoolException.invalid(
          "the terminal is a WebSocket (" + TerminalSocket.PROTOCOL + "): send an upgrade request"))));
      // the other two WebSocket endpoints: a plain GET is told to upgrade
      rb.getRoute("events").addHandler(ctx -> ctx.fail(RespoolException.invalid("/v1/events is a WebSocket: send an upgrade request")));
      rb.getRoute("hostConnect").addHandler(ctx -> ctx.fail(RespoolException.invalid(
          "/v1/hosts/connect is the host-worker's WebSocket: send an upgrade request")));
      Router router = rb.createRouter();
      // the web console (console/, built flat into resources/io/respool/gateway/console — a path no working
      // directory has, since Vert.x looks there first): GET and HEAD of a top-level file, after every API
      // route; a missing file goes on to the 404 problem (API paths are never looked up)
      router.routeWithRegex("^/[A-Za-z0-9._-]*$").method(HttpMethod.GET).method(HttpMethod.HEAD)
          .handler(StaticHandler.create("io/respool/gateway/console"));
      this.router = router;
      router.route().failureHandler(Problems::handle);
      for (ErrorCode c : List.of(ErrorCode.NOT_FOUND, ErrorCode.METHOD_NOT_ALLOWED, ErrorCode.PAYLOAD_TOO_LARGE,
          ErrorCode.UNSUPPORTED_MEDIA_TYPE, ErrorCode.INVALID_REQUEST)) {
        router.errorHandler(c.status(), ctx -> Problems.handle(ctx));
      }
      router.errorHandler(500, Problems::handle);

      HttpServerOptions options = new HttpServerOptions()
          .setHost(bind).setPort(port)
          .setMaxWebSocketFrameSize(HostFrames.MAX_FRAME_BYTES)
          .setMaxWebSocketMessageSize(HostFrames.MAX_FRAME_BYTES)
          .addWebSocketSubProtocol(TerminalSocket.PROTOCOL)
          .setIdleTimeout(0);
      server = vertx.createHttpServer(options)
          .requestHandler(router)
          .invalidRequestHandler(InvalidRequests::answer)
          .webSocketHandshakeHandler(this::handshake)
          .webSocketHandler(ws -> {
            if ("/v1/hosts/connect".equals(ws.path())) hostConnections.handle(ws);
            else if ("/v1/events".equals(ws.path())) events.handle(ws);
            // terminals are served from their handshake, once authorized
          });
      return server.listen();
    });
  }

  @Override
  public Future<?> stop() {
    return hostConnections.stop().eventually(() -> events.stop()).eventually(() -> server.close());
  }

  public int actualPort() { return server.actualPort(); }

  /** The routes served, as "METHOD /path" (Vert.x path syntax, {@code :id}); routes without a method (root handlers) are left out. */
  public List<String> routes() {
    List<String> out = new java.util.ArrayList<>();
    for (io.vertx.ext.web.Route r : router.getRoutes()) {
      if (r.methods() == null || r.methods().isEmpty()) continue;
      if (r.getPath() == null) continue; // the web console's files (a pattern route), not an operation of the API
      for (io.vertx.core.http.HttpMethod m : r.methods()) out.add(m.name() + " " + r.getPath());
    }
    return out;
  }

  public HostConnections hostConnections() { return hostConnections; }

  private void handshake(ServerWebSocketHandshake h) {
    if ("/v1/hosts/connect".equals(h.path()) || "/v1/events".equals(h.path())) h.accept();
    else if (TerminalSocket.bookingId(h.path()) != null) terminal(h);
    else h.reject(404);
  }

  /** A terminal opens only for a caller who may see the booking, into a running replica; otherwise the upgrade is refused with the status. */
  private void terminal(ServerWebSocketHandshake h) {
    String bookingId = TerminalSocket.bookingId(h.path());
    String credential = TerminalSocket.authorization(h.headers());
    TerminalSocket.Query q;
    try {
      io.vertx.core.MultiMap params = io.vertx.core.MultiMap.caseInsensitiveMultiMap();
      new io.netty.handler.codec.http.QueryStringDecoder(h.uri()).parameters().forEach(params::add);
      q = TerminalSocket.Query.parse(params);
    } catch (RespoolException e) {
      h.reject(e.code().status());
      return;
    }
    Future<Principal> who = credential == null ? Future.failedFuture(RespoolException.unauthorized("missing bearer token")) : s.auth().authenticate(credential);
    who.compose(p -> s.terminals().service().target(p.accountId(), bookingId, q.replica()).map(t -> Map.entry(p.accountId(), t)))
        .onComplete(ar -> {
          if (ar.failed()) {
            int status = ar.cause() instanceof RespoolException e ? e.code().status() : ErrorCode.UNAVAILABLE.status();
            org.slf4j.LoggerFactory.getLogger(HttpApiVerticle.class).info("terminal into {} from {} refused: {}", bookingId,
                h.remoteAddress(), ar.cause().getMessage());
            h.reject(status);
            return;
          }
          h.accept().onSuccess(ws -> TerminalSocket.serve(vertx, ws, s.terminals(), ar.result().getValue(), ar.result().getKey(), q));
        });
  }

  private void health(RoutingContext ctx) {
    ctx.json(new JsonObject().put("status", "UP"));
  }

  /**
   * Ready when PostgreSQL, Redis and every configured chain RPC answer; else 503 naming what is down.
   * A payment chain that cannot take payments now (its node unreachable since start, or settlement
   * stopped on an error) is named under {@code payments} with the reason.
   */
  private void ready(RoutingContext ctx) {
    s.readiness().down().onSuccess(down -> {
      Map<String, String> notReady = s.paymentsNotReady().get();
      if (down.isEmpty()) {
        JsonObject payments = new JsonObject();
        notReady.forEach((chain, why) -> payments.put(chain, new JsonObject().put("status", "NOT_READY").put("detail", why)));
        ctx.json(new JsonObject().put("status", "READY").put("payments", payments));
        return;
      }
      StringBuilder detail = new StringBuilder("not ready: " + String.join(", ", down) + " cannot be reached");
      notReady.forEach((chain, why) -> detail.append("; ").append(chain).append(" payments: ").append(why));
      org.slf4j.LoggerFactory.getLogger(Readiness.class).warn(detail.toString());
      Problems.send(ctx, ErrorCode.UNAVAILABLE, detail.toString());
    });
  }

  private void metrics(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(s.metrics().scrape());
  }

  private void contract(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/yaml").end(s.contract());
  }

  private void listHosts(RoutingContext ctx) {
    HostQuery q = new HostQuery(
        param(ctx, "online", Boolean::valueOf), param(ctx, "minCpu", Double::valueOf), param(ctx, "minMemoryMb", Long::valueOf),
        param(ctx, "minGpus", Integer::valueOf), ctx.queryParams().get("gpuModel"), ctx.queryParams().get("region"),
        ctx.queryParams().get("driver"), ctx.queryParams().get("after"), Objects.requireNonNullElse(param(ctx, "limit", Integer::valueOf), 100));
    reply(ctx, 200, s.hosts().list(q));
  }

  /** JSON, or CSV when the client accepts text/csv (and not JSON). */
  private void invoice(RoutingContext ctx) {
    String accept = Objects.requireNonNullElse(ctx.request().getHeader("Accept"), "");
    boolean csv = accept.contains("text/csv") && !accept.contains("application/json");
    Future<Invoices.Invoice> invoice = s.auth().authenticate(ctx.request().getHeader("Authorization"))
        .compose(who -> s.invoices().invoice(who.accountId(), ctx.pathParam("id")));
    if (!csv) {
      reply(ctx, 200, invoice);
      return;
    }
    invoice.onComplete(ar -> {
      if (ar.failed()) ctx.fail(ar.cause());
      else ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8").end(Invoices.csv(ar.result()));
    });
  }

  private Future<?> account(RoutingContext ctx, Principal who) {
    return s.auth().account(who);
  }

  private Future<?> createApiKey(RoutingContext ctx, Principal who) {
    return s.auth().createApiKey(who, decode(ctx, Auth.ApiKeyRequest.class));
  }

  private Future<?> pingHost(RoutingContext ctx, Principal who) {
    String hostId = ctx.pathParam("id");
    long started = System.nanoTime();
    return s.commands().send(hostId, new HostFrame.Ping(null), Duration.ofSeconds(12))
        .map(answer -> Map.of("hostId", hostId, "node", answer.node(), "rttMicros", (System.nanoTime() - started) / 1000));
  }

  private Future<?> createTeam(RoutingContext ctx, Principal who) {
    return s.teams().create(who.accountId(), decode(ctx, Teams.CreateRequest.class));
  }

  /** The account comes from the path, the role from the body. */
  private Future<?> putTeamMember(RoutingContext ctx, Principal who) {
    Teams.RoleRequest body = decode(ctx, Teams.RoleRequest.class);
    return s.teams().addMember(who.accountId(), ctx.pathParam("id"), new Teams.MemberRequest(ctx.pathParam("accountId"), body.role()));
  }

  private Future<?> deleteTeamMember(RoutingContext ctx, Principal who) {
    return s.teams().removeMember(who.accountId(), ctx.pathParam("id"), ctx.pathParam("accountId"));
  }

  private Future<?> putTeamQuota(RoutingContext ctx, Principal who) {
    return s.teams().setQuota(who.accountId(), ctx.pathParam("id"), decode(ctx, Teams.QuotaRequest.class));
  }

  // --- translation helpers -------------------------------------------------------------------

  private interface AuthenticatedHandler {
    Future<?> handle(RoutingContext ctx, Principal who);
  }

  private io.vertx.core.Handler<RoutingContext> authenticated(int status, AuthenticatedHandler h) {
    return ctx -> {
      Principal known = RateLimits.principal(ctx); // already authenticated to count its requests
      Future<Principal> who = known != null ? Future.succeededFuture(known) : s.auth().authenticate(ctx.request().getHeader("Authorization"));
      reply(ctx, status, who.compose(p -> h.handle(ctx, p)));
    };
  }

  private <T> io.vertx.core.Handler<RoutingContext> body(Class<T> type, BiFunction<RoutingContext, T, Future<?>> call) {
    return ctx -> {
      Future<?> result;
      try {
        result = call.apply(ctx, decode(ctx, type));
      } catch (RespoolException e) {
        result = Future.failedFuture(e);
      }
      reply(ctx, 200, result);
    };
  }

  private static <T> T decode(RoutingContext ctx, Class<T> type) {
    String text = ctx.body() == null ? null : ctx.body().asString();
    if (text == null || text.isBlank()) throw RespoolException.invalid("a JSON body is required");
    return Json.decodeRequest(text, type);
  }

  private static <T> T param(RoutingContext ctx, String name, Function<String, T> parse) {
    String v = ctx.queryParams().get(name);
    if (v == null) return null;
    try {
      return parse.apply(v);
    } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
      throw RespoolException.invalid("query parameter " + name + " is malformed");
    }
  }

  private static void reply(RoutingContext ctx, int status, Future<?> result) {
    result.onComplete(ar -> respond(ctx, status, ar.result(), ar.cause()));
  }

  private static void respond(RoutingContext ctx, int status, Object value, Throwable failure) {
    if (failure != null) {
      ctx.fail(failure);
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.encode(value));
  }
}

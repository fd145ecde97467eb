package io.respool.gateway.http;

import io.respool.gateway.auth.AuthService;
import io.respool.gateway.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.RedisAPI;
import java.time.Clock;
import java.util.List;

/**
 * Requests per minute on the expensive endpoints (bookings, quotes, sign-in), per client address and
 * per account: fixed one-minute windows counted in Redis ({@code INCR}, expiring after two), so every
 * node of a cluster counts against the same budget. Beyond it: 429 {@code rate-limited} with
 * {@code Retry-After} (the seconds left in the window). Requests the contract refuses never get
 * here: they cost nothing.
 */
public final class RateLimits {
  /** Where the authenticated caller is kept for the operation's handler (so it is checked once). */
  public static final String PRINCIPAL = "respool.principal";
  private static final String KEY = "respool:rate:";

  /** Requests per minute; see the README's configuration table. */
  public record Settings(int perAccount, int perClient) {}

  private final RedisAPI redis;
  private final AuthService auth;
  private final Settings settings;
  private final Clock clock;

  public RateLimits(RedisAPI redis, AuthService auth, Settings settings, Clock clock) {
    this.redis = redis;
    this.auth = auth;
    this.settings = settings;
    this.clock = clock;
  }

  /** Counts the request against its client address. */
  public Handler<RoutingContext> perClient() {
    return ctx -> client(ctx).onComplete(ar -> {
      if (ar.succeeded()) ctx.next();
      else ctx.fail(ar.cause());
    });
  }

  /**
   * Counts the request against its client address and, once the caller is authenticated, its
   * account: the two counts go to Redis together (one round trip with a token, as authentication
   * is local). A client over its limit gets its 429 before anything else.
   */
  public Handler<RoutingContext> perClientAndAccount() {
    return ctx -> {
      Future<Void> client = client(ctx);
      Future<Void> account = auth.authenticate(ctx.request().getHeader("Authorization")).compose(who -> {
        ctx.put(PRINCIPAL, who);
        return count("account:" + who.accountId(), settings.perAccount(), "this account");
      });
      Future.join(client, account).onComplete(ar -> {
        if (client.failed()) ctx.fail(client.cause());
        else if (account.failed()) ctx.fail(account.cause());
        else ctx.next();
      });
    };
  }

  /** The principal {@link #perClientAndAccount} authenticated, or null. */
  public static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  private Future<Void> client(RoutingContext ctx) {
    return count("client:" + ctx.request().remoteAddress().hostAddress(), settings.perClient(), "this client address");
  }

  private Future<Void> count(String who, int limit, String name) {
    long now = clock.instant().getEpochSecond();
    String window = KEY + who + ":" + now / 60;
    return redis.incr(window).compose(count -> {
      if (count.toLong() == 1) redis.expire(List.of(window, "120"));
      if (count.toLong() > limit) {
        long retryAfter = Math.max(1, 60 - now % 60);
        return Future.failedFuture(new RateLimitedException(
            "more than " + limit + " requests a minute from " + name + " to bookings, quotes and sign-in; retry in " + retryAfter + " s", retryAfter));
      }
      return Future.succeededFuture();
    });
  }
}

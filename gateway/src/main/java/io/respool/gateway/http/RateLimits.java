package io.respool.gateway.http;

import io.respool.gateway.auth.AuthService;
import io.respool.gateway.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
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

  private final Redis redis;
  private final AuthService auth;
  private final Settings settings;
  private final Clock clock;

  public RateLimits(Redis redis, AuthService auth, Settings settings, Clock clock) {
    this.redis = redis;
    this.auth = auth;
    this.settings = settings;
    this.clock = clock;
  }

  /** Counts the request against its client address. */
  public Handler<RoutingContext> perClient() {
    return ctx -> count(List.of(client(ctx))).onComplete(ar -> {
      if (ar.succeeded()) ctx.next();
      else ctx.fail(ar.cause());
    });
  }

  /**
   * Counts the request against its client address and, once the caller is authenticated, its
   * account. A token is checked locally: its two counts then go to Redis in one batch (one round
   * trip, one write). An API key's lookup takes a round trip of its own, so the client's count goes
   * meanwhile. A client over its limit gets its 429 before anything else.
   */
  public Handler<RoutingContext> perClientAndAccount() {
    return ctx -> {
      Future<Principal> who = auth.authenticate(ctx.request().getHeader("Authorization"));
      Budget client = client(ctx);
      Future<Void> counted;
      if (who.isComplete()) {
        counted = who.succeeded() ? count(List.of(client, account(ctx, who.result())))
            : count(List.of(client)).compose(x -> Future.failedFuture(who.cause()));
      } else {
        Future<Void> byClient = count(List.of(client));
        Future<Void> byAccount = who.compose(p -> count(List.of(account(ctx, p))));
        counted = Future.join(byClient, byAccount).transform(ar -> byClient.failed() ? byClient : byAccount);
      }
      counted.onComplete(ar -> {
        if (ar.succeeded()) ctx.next();
        else ctx.fail(ar.cause());
      });
    };
  }

  /** The principal {@link #perClientAndAccount} authenticated, or null. */
  public static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  /** A budget of requests a minute: whose ({@code who}, in the key), how many, and how the refusal names it. */
  private record Budget(String who, int limit, String name) {}

  private Budget client(RoutingContext ctx) {
    return new Budget("client:" + ctx.request().remoteAddress().hostAddress(), settings.perClient(), "this client address");
  }

  /** The account's budget; keeps the principal for the operation's handler. */
  private Budget account(RoutingContext ctx, Principal who) {
    ctx.put(PRINCIPAL, who);
    return new Budget("account:" + who.accountId(), settings.perAccount(), "this account");
  }

  /** Counts the request against each budget, all in one batch; fails with the first one it goes over. */
  private Future<Void> count(List<Budget> budgets) {
    long now = clock.instant().getEpochSecond();
    List<String> windows = budgets.stream().map(b -> KEY + b.who() + ":" + now / 60).toList();
    return redis.batch(windows.stream().map(w -> Request.cmd(Command.INCR).arg(w)).toList()).compose(counts -> {
      for (int i = 0; i < budgets.size(); i++) {
        long count = counts.get(i).toLong();
        if (count == 1) redis.send(Request.cmd(Command.EXPIRE).arg(windows.get(i)).arg(120));
        Budget b = budgets.get(i);
        if (count > b.limit()) {
          long retryAfter = Math.max(1, 60 - now % 60);
          return Future.failedFuture(new RateLimitedException("more than " + b.limit() + " requests a minute from " + b.name()
              + " to bookings, quotes and sign-in; retry in " + retryAfter + " s", retryAfter));
        }
      }
      return Future.succeededFuture();
    });
  }
}

package io.respool.gateway.http;

import io.respool.gateway.auth.AuthService;
import io.respool.gateway.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests per minute on the expensive endpoints (bookings, quotes, sign-in), per client address and
 * per account, in fixed one-minute windows. Beyond the budget: 429 {@code rate-limited} with
 * {@code Retry-After} (the seconds left in the window). Requests the contract refuses never get here:
 * they cost nothing.
 *
 * <p>A request is decided on this node, without a round trip: against the window's cluster-wide count
 * as last read from Redis plus what this node counted since. Every {@link #FLUSH_MS} ms the node adds what it
 * counted to Redis ({@code INCRBY}, one batch, keys expiring after two minutes) and reads back each
 * total, so every node of a cluster counts against the same budget. One node alone is exact; with
 * several, a budget can be passed by what the others admitted within one flush interval before this
 * node read their counts. While Redis cannot be reached, each node goes on limiting on its own counts
 * and adds them once it can.
 */
public final class RateLimits {
  private static final Logger LOG = LoggerFactory.getLogger(RateLimits.class);
  /** Where the authenticated caller is kept for the operation's handler (so it is checked once). */
  public static final String PRINCIPAL = "respool.principal";
  private static final String KEY = "respool:rate:";
  /** How often this node's counts go to Redis (and the others' come back). */
  static final long FLUSH_MS = 50;
  private static final long FLUSH_TIMEOUT_MS = 2_000;

  /** Requests per minute; see the README's configuration table. */
  public record Settings(int perAccount, int perClient) {}

  /** One budget's window on this node: the cluster's count as last read, what was sent and not yet answered, what was counted since. */
  private static final class Window {
    final long minute;
    long known;
    long sending;
    long counted;

    Window(long minute) { this.minute = minute; }

    long total() { return known + sending + counted; }
  }

  private final Redis redis;
  private final AuthService auth;
  private final Settings settings;
  private final Clock clock;
  /** Window key → its counts; touched under this object's lock (the edge runs on every event loop). */
  private final Map<String, Window> windows = new HashMap<>();
  private boolean flushing;

  public RateLimits(Vertx vertx, Redis redis, AuthService auth, Settings settings, Clock clock) {
    this(redis, auth, settings, clock);
    vertx.setPeriodic(FLUSH_MS, t -> flush());
  }

  /** Without the periodic flush: {@link #flush} is called by the test. */
  RateLimits(Redis redis, AuthService auth, Settings settings, Clock clock) {
    this.redis = redis;
    this.auth = auth;
    this.settings = settings;
    this.clock = clock;
  }

  /** Counts the request against its client address. */
  public Handler<RoutingContext> perClient() {
    return ctx -> {
      RateLimitedException over = count(client(ctx));
      if (over == null) ctx.next();
      else ctx.fail(over);
    };
  }

  /**
   * Counts the request against its client address and, once the caller is authenticated, its
   * account. A client over its limit gets its 429 before anything else.
   */
  public Handler<RoutingContext> perClientAndAccount() {
    return ctx -> {
      RateLimitedException byClient = count(client(ctx));
      if (byClient != null) {
        ctx.fail(byClient);
        return;
      }
      auth.authenticate(ctx.request().getHeader("Authorization")).onComplete(who -> {
        if (who.failed()) ctx.fail(who.cause());
        else {
          RateLimitedException byAccount = count(account(ctx, who.result()));
          if (byAccount == null) ctx.next();
          else ctx.fail(byAccount);
        }
      });
    };
  }

  /** The principal {@link #perClientAndAccount} authenticated, or null. */
  public static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  /** A budget of requests a minute: whose ({@code who}, in the key), how many, and how the refusal names it. */
  record Budget(String who, int limit, String name) {}

  private Budget client(RoutingContext ctx) {
    return new Budget("client:" + ctx.request().remoteAddress().hostAddress(), settings.perClient(), "this client address");
  }

  /** The account's budget; keeps the principal for the operation's handler. */
  private Budget account(RoutingContext ctx, Principal who) {
    ctx.put(PRINCIPAL, who);
    return new Budget("account:" + who.accountId(), settings.perAccount(), "this account");
  }

  /** Counts the request against the budget (a refused request counts too); its refusal, or null. */
  synchronized RateLimitedException count(Budget b) {
    long now = clock.instant().getEpochSecond();
    long minute = now / 60;
    Window w = windows.computeIfAbsent(KEY + b.who() + ":" + minute, k -> new Window(minute));
    w.counted++;
    if (w.total() <= b.limit()) return null;
    long retryAfter = Math.max(1, 60 - now % 60);
    return new RateLimitedException("more than " + b.limit() + " requests a minute from " + b.name()
        + " to bookings, quotes and sign-in; retry in " + retryAfter + " s", retryAfter);
  }

  /** Adds what this node counted to Redis and reads back each window's total; windows over are forgotten. */
  Future<Void> flush() {
    List<String> keys = new ArrayList<>();
    List<Long> amounts = new ArrayList<>();
    synchronized (this) {
      long minute = clock.instant().getEpochSecond() / 60;
      windows.values().removeIf(w -> w.minute < minute && w.sending == 0);
      if (flushing) return Future.succeededFuture();
      windows.forEach((key, w) -> {
        if (w.counted > 0 && w.minute >= minute) {
          keys.add(key);
          amounts.add(w.counted);
          w.sending = w.counted;
          w.counted = 0;
        }
      });
      if (keys.isEmpty()) return Future.succeededFuture();
      flushing = true;
    }
    List<Request> adds = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) adds.add(Request.cmd(Command.INCRBY).arg(keys.get(i)).arg(amounts.get(i)));
    // unanswered in time: counted again with the next flush (if Redis did add it, the budget only gets stricter)
    return redis.batch(adds).timeout(FLUSH_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS).transform(ar -> {
      synchronized (this) {
        flushing = false;
        for (int i = 0; i < keys.size(); i++) {
          Window w = windows.get(keys.get(i));
          if (w == null) continue;
          if (ar.succeeded()) w.known = ar.result().get(i).toLong(); // the cluster's count, what this node sent included
          else w.counted += w.sending; // sent again with the next flush
          w.sending = 0;
        }
      }
      if (ar.failed()) {
        LOG.warn("rate counts not written to Redis ({}); limiting on this node's counts meanwhile", ar.cause().getMessage());
        return Future.succeededFuture();
      }
      for (int i = 0; i < keys.size(); i++) {
        if (ar.result().get(i).toLong() == amounts.get(i)) redis.send(Request.cmd(Command.EXPIRE).arg(keys.get(i)).arg(120)); // this node made the key
      }
      return Future.succeededFuture();
    });
  }
}

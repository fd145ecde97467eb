package io.respool.gateway.http;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Every request gets an id: the caller's {@code X-Request-Id} when it is a plain token, else a fresh one; it is
 * echoed in the response header and put (with the booking id of a {@code /v1/bookings/{id}…} path) in the MDC of the
 * lines the edge logs for that request, so a JSON log line can be matched to what a client saw.
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  private static final String KEY = "requestId";
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final Pattern BOOKING_PATH = Pattern.compile("^/v1/bookings/([^/]+)");

  private RequestIds() {}

  /** Root handler: assigns the id and sets the response header. */
  public static void assign(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    String id = given != null && TOKEN.matcher(given).matches() ? given : UUID.randomUUID().toString();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  /** The request's id (null before {@link #assign} ran, e.g. for a request the server could not parse). */
  public static String of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  /**
   * Runs {@code log} with the request id and the booking id of the path in the MDC (the thread's: put and removed
   * around the one call, since handlers of other requests run on the same event loop).
   */
  public static void withContext(RoutingContext ctx, Runnable log) {
    var m = BOOKING_PATH.matcher(ctx.request().path() == null ? "" : ctx.request().path());
    String booking = m.find() ? m.group(1) : null;
    String id = of(ctx);
    try (MDC.MDCCloseable a = id == null ? null : MDC.putCloseable(KEY, id);
        MDC.MDCCloseable b = booking == null ? null : MDC.putCloseable("bookingId", booking)) {
      log.run();
    }
  }
}

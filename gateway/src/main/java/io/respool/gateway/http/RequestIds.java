package io.respool.gateway.http;

import io.vertx.ext.web.RoutingContext;
import io.respool.infra.LogContext;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Every request gets an id: the caller's {@code X-Request-Id} when it is a plain token, else a fresh one; it is
 * echoed in the response header and put (with the booking id of a {@code /v1/bookings/{id}…} path, or of the booking
 * a POST created) in the request's {@link LogContext}: every line logged while handling it carries them, in the
 * domain verticles its event-bus messages reach too, so a JSON log line can be matched to what a client saw.
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  private static final String KEY = LogContext.REQUEST_ID;
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final Pattern BOOKING_PATH = Pattern.compile("^/v1/bookings/([^/]+)");

  private RequestIds() {}

  /** Root handler: assigns the id and sets the response header. */
  public static void assign(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    String id = given != null && TOKEN.matcher(given).matches() ? given : UUID.randomUUID().toString();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    LogContext.put(LogContext.REQUEST_ID, id);
    var m = BOOKING_PATH.matcher(ctx.request().path() == null ? "" : ctx.request().path());
    if (m.find()) LogContext.put(LogContext.BOOKING_ID, m.group(1));
    ctx.next();
  }

  /** The request's id (null before {@link #assign} ran, e.g. for a request the server could not parse). */
  public static String of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

}

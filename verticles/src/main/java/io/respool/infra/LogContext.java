package io.respool.infra;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.internal.ContextInternal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The request id and booking id that the log lines written while handling one request carry ({@code requestId},
 * {@code bookingId} in the MDC, so in the JSON and text logs). They live in the local data of the Vert.x duplicated
 * context the request runs on — the HTTP request's, or an event-bus message's — so every callback of that request
 * (SQL, Redis, replies) sees them, and no other request does. {@link #install} makes the event bus carry them: a
 * message sent while a request is handled gets them as headers, and its consumer's context gets them back, on this
 * node or another. The gateway's logback.xml copies them into the MDC before each line ({@code VertxContextMdc}).
 */
public final class LogContext {
  public static final String REQUEST_ID = "requestId";
  public static final String BOOKING_ID = "bookingId";
  /** The event-bus headers that carry them. */
  public static final String REQUEST_HEADER = "x-respool-request-id";
  public static final String BOOKING_HEADER = "x-respool-booking-id";
  private static final String PREFIX = LogContext.class.getName() + ".";

  private LogContext() {}

  /**
   * Sets {@code key} for the rest of the request handled on the current context; ignored off a duplicated context
   * (an event loop's own context is shared by every request, so nothing may be left there).
   */
  public static void put(String key, String value) {
    ContextInternal ctx = ContextInternal.current();
    if (ctx == null || !ctx.isDuplicate() || value == null) return;
    ctx.localContextData().put(PREFIX + key, value);
  }

  /** The value for the request handled on the current thread's context, or null. */
  public static String get(String key) {
    Context ctx = Vertx.currentContext();
    if (!(ctx instanceof ContextInternal internal) || !internal.isDuplicate()) return null;
    return internal.localContextData().get(PREFIX + key) instanceof String s ? s : null;
  }

  /** Both ids of the current request, those set only. */
  public static Map<String, String> current() {
    Map<String, String> m = new LinkedHashMap<>(2);
    String r = get(REQUEST_ID);
    String b = get(BOOKING_ID);
    if (r != null) m.put(REQUEST_ID, r);
    if (b != null) m.put(BOOKING_ID, b);
    return m;
  }

  /** Makes {@code bus} carry the ids from a sender's request to its consumers. Once per Vert.x instance. */
  public static void install(EventBus bus) {
    bus.addOutboundInterceptor(LogContext::outbound);
    bus.addInboundInterceptor(LogContext::inbound);
  }

  private static <T> void outbound(DeliveryContext<T> dc) {
    String r = get(REQUEST_ID);
    String b = get(BOOKING_ID);
    if (r != null || b != null) {
      var headers = dc.message().headers();
      if (r != null && !headers.contains(REQUEST_HEADER)) headers.add(REQUEST_HEADER, r);
      if (b != null && !headers.contains(BOOKING_HEADER)) headers.add(BOOKING_HEADER, b);
    }
    dc.next();
  }

  /** A consumer's context takes the sender's ids; a reply never overwrites the ids of the request awaiting it. */
  private static <T> void inbound(DeliveryContext<T> dc) {
    if (get(REQUEST_ID) == null) put(REQUEST_ID, dc.message().headers().get(REQUEST_HEADER));
    if (get(BOOKING_ID) == null) put(BOOKING_ID, dc.message().headers().get(BOOKING_HEADER));
    dc.next();
  }
}

package io.respool.gateway.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.respool.infra.LogContext;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Before each log line (logback calls a turbo filter first, on the logging thread), sets the MDC's {@code requestId}
 * and {@code bookingId} to those of the request the current Vert.x context handles ({@link LogContext}), and removes
 * them when it handles none: the MDC is per thread, and an event loop interleaves many requests, so the values are
 * taken afresh for every line. Those two MDC keys belong to this filter. Declared in logback.xml; decides nothing.
 */
public final class VertxContextMdc extends TurboFilter {
  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    sync(LogContext.REQUEST_ID);
    sync(LogContext.BOOKING_ID);
    return FilterReply.NEUTRAL;
  }

  private static void sync(String key) {
    String v = LogContext.get(key);
    if (v != null) MDC.put(key, v);
    else if (MDC.get(key) != null) MDC.remove(key);
  }
}

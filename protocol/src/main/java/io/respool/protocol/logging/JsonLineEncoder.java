package io.respool.protocol.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * One JSON object per line: {@code ts, level, logger, thread, message}, then the MDC entries (e.g. {@code requestId},
 * {@code bookingId}) as top-level fields, then {@code error} with the stack trace when there is one. Used by
 * {@code logback.xml} when the log format is {@code json} (see {@link LogFormat}).
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] NONE = new byte[0];

  @Override
  public byte[] headerBytes() { return NONE; }

  @Override
  public byte[] footerBytes() { return NONE; }

  @Override
  public byte[] encode(ILoggingEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
      g.writeStringField("level", event.getLevel().toString());
      g.writeStringField("logger", event.getLoggerName());
      g.writeStringField("thread", event.getThreadName());
      g.writeStringField("message", event.getFormattedMessage());
      Map<String, String> mdc = event.getMDCPropertyMap();
      if (mdc != null) {
        for (Map.Entry<String, String> e : mdc.entrySet()) {
          if (!isReserved(e.getKey())) g.writeStringField(e.getKey(), e.getValue());
        }
      }
      if (event.getThrowableProxy() != null) g.writeStringField("error", ThrowableProxyUtil.asString(event.getThrowableProxy()));
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  private static boolean isReserved(String key) {
    return switch (key) {
      case "ts", "level", "logger", "thread", "message", "error" -> true;
      default -> false;
    };
  }
}

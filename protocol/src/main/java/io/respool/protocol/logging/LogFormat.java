package io.respool.protocol.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * The log format of an executable: {@code text} (one human line per event) or {@code json} ({@link JsonLineEncoder}).
 * Both executables' {@code logback.xml} pick their appender from the system property {@value #PROPERTY}, falling back
 * to the environment variable {@code RESPOOL_LOG_FORMAT}, then text; {@link #apply} sets the property and reloads the
 * configuration, so an option parsed after the first log line still takes effect.
 */
public final class LogFormat {
  public static final String PROPERTY = "respool.logFormat";

  private LogFormat() {}

  /** The format named {@code value} (case-insensitive), or IllegalArgumentException saying what is accepted. */
  public static String parse(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("text") || v.equals("json")) return v;
    throw new IllegalArgumentException("log format must be text or json, not '" + value + "'");
  }

  /** Switches logging to {@code format} (text or json); a no-op when that is already the configured one. */
  public static void apply(String format) {
    String f = parse(format);
    String env = System.getenv("RESPOOL_LOG_FORMAT");
    String current = System.getProperty(PROPERTY, env == null || env.isBlank() ? "text" : env.trim().toLowerCase(Locale.ROOT));
    System.setProperty(PROPERTY, f);
    if (f.equals(current) || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) return;
    URL config = LogFormat.class.getClassLoader().getResource("logback.xml");
    if (config == null) return;
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(config);
    } catch (JoranException e) {
      throw new IllegalStateException("cannot reload " + config + ": " + e.getMessage(), e);
    }
  }
}

package io.respool.gateway.config;

import io.respool.bookings.BookingSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;

/**
 * Everything a gateway node is configured with, validated once at start. Defaults live here.
 * {@code pgUrl}/{@code redisUrl} null means "start the embedded one under {@code home}".
 */
public record GatewayConfig(
    int port,
    String bind,
    Path home,
    String pgUrl,
    String redisUrl,
    int dbPoolSize,
    String publicUrl,
    String nodeId,
    boolean cluster,
    List<String> clusterMembers,
    String clusterHost,
    int clusterPort,
    Path clusterConfig,
    String jwtSecret,
    Duration tokenTtl,
    Duration nonceTtl,
    Duration heartbeatInterval,
    Duration heartbeatTimeout,
    List<String> admins,
    int challengesPerMinute,
    boolean allowUnpaidBookings,
    BookingSettings bookings) {

  /** The settings' keys; env var {@code RESPOOL_<UPPER_SNAKE>}, system property {@code respool.<key>}. */
  public static final List<String> KEYS = List.of("port", "bind", "home", "pgUrl", "redisUrl", "dbPoolSize", "publicUrl",
      "nodeId", "cluster", "clusterMembers", "clusterHost", "clusterPort", "clusterConfig", "jwtSecret", "tokenTtlSeconds",
      "nonceTtlSeconds", "heartbeatIntervalMs", "heartbeatTimeoutMs", "admins", "challengesPerMinute", "allowUnpaidBookings", "paymentWindowSeconds",
      "hostLossGraceSeconds", "stopGraceSeconds", "reconcileIntervalMs", "resendAfterSeconds", "meterIntervalMs", "pauseGraceSeconds",
      "feeBasisPoints", "snapshotMaxAgeMs");

  /** How long a host may take to answer task.start (an image pull included). */
  public static final Duration TASK_START_TIMEOUT = Duration.ofMinutes(5);

  @Override
  public String toString() { // never print the secret
    return "GatewayConfig[port=" + port + ", home=" + home + ", pg=" + (pgUrl == null ? "embedded" : redact(pgUrl))
        + ", redis=" + (redisUrl == null ? "embedded" : redact(redisUrl)) + ", node=" + nodeId + ", cluster=" + cluster
        + (cluster ? " " + clusterMembers + " via " + clusterHost + ":" + clusterPort : "") + "]";
  }

  private static String redact(String url) {
    return url.replaceAll("//([^:/@]+):[^@]*@", "//$1:***@");
  }

  public static GatewayConfig from(ConfigSource src) {
    Reader r = new Reader(src);
    int port = r.get("port", "8080", Reader::port);
    Path home = r.get("home", System.getProperty("user.home") + "/.respool", Path::of);
    String pgUrl = r.get("pgUrl", null, Function.identity());
    if (pgUrl != null) r.check("pgUrl", pgUrl, pgUrl.startsWith("postgresql://") || pgUrl.startsWith("postgres://"),
        "must look like postgresql://user:pass@host:port/db");
    String redisUrl = r.get("redisUrl", null, Function.identity());
    if (redisUrl != null) r.check("redisUrl", redisUrl, redisUrl.startsWith("redis://") || redisUrl.startsWith("rediss://"),
        "must look like redis://host:port");
    String publicUrl = r.get("publicUrl", "http://localhost:" + port, Function.identity());
    r.check("publicUrl", publicUrl, validHttpUrl(publicUrl), "must be an http(s) URL");
    String jwtSecret = r.get("jwtSecret", null, Function.identity());
    if (jwtSecret != null) r.check("jwtSecret", "(hidden)", jwtSecret.length() >= 32, "must be at least 32 characters");
    Duration hbInterval = Duration.ofMillis(r.get("heartbeatIntervalMs", "5000", v -> Reader.range(v, 100, 600_000)));
    Duration hbTimeout = Duration.ofMillis(r.get("heartbeatTimeoutMs", "15000", v -> Reader.range(v, 300, 3_600_000)));
    r.check("heartbeatTimeoutMs", hbTimeout.toMillis() + "", hbTimeout.compareTo(hbInterval.multipliedBy(2)) >= 0,
        "must be at least twice heartbeatIntervalMs");
    Path clusterConfig = r.get("clusterConfig", null, Path::of);
    if (clusterConfig != null) r.check("clusterConfig", clusterConfig.toString(), clusterConfig.toFile().isFile(), "file does not exist");
    GatewayConfig c = new GatewayConfig(
        port,
        r.get("bind", "0.0.0.0", Function.identity()),
        home,
        pgUrl,
        redisUrl,
        r.get("dbPoolSize", "8", v -> (int) Reader.range(v, 1, 200)),
        publicUrl,
        r.get("nodeId", "node-" + UUID.randomUUID().toString().substring(0, 8), Reader::name),
        r.get("cluster", "false", Reader::bool),
        r.get("clusterMembers", "", Reader::list),
        r.get("clusterHost", "127.0.0.1", Function.identity()),
        r.get("clusterPort", "5701", v -> (int) Reader.range(v, 1, 65535)),
        clusterConfig,
        jwtSecret,
        Duration.ofSeconds(r.get("tokenTtlSeconds", "3600", v -> Reader.range(v, 60, 30L * 24 * 3600))),
        Duration.ofSeconds(r.get("nonceTtlSeconds", "300", v -> Reader.range(v, 10, 3600))),
        hbInterval,
        hbTimeout,
        r.get("admins", "", v -> Reader.list(v).stream().map(a -> a.startsWith("0x") ? a.toLowerCase(Locale.ROOT) : a).toList()),
        r.get("challengesPerMinute", "60", v -> (int) Reader.range(v, 1, 1_000_000)),
        r.get("allowUnpaidBookings", "false", Reader::bool),
        new BookingSettings(
            Duration.ofSeconds(r.get("paymentWindowSeconds", "900", v -> Reader.range(v, 1, 7L * 24 * 3600))),
            Duration.ofSeconds(r.get("hostLossGraceSeconds", "60", v -> Reader.range(v, 0, 24L * 3600))),
            TASK_START_TIMEOUT,
            Duration.ofSeconds(r.get("stopGraceSeconds", "10", v -> Reader.range(v, 0, 3600))),
            Duration.ofMillis(r.get("reconcileIntervalMs", "1000", v -> Reader.range(v, 50, 600_000))),
            Duration.ofSeconds(r.get("resendAfterSeconds", "15", v -> Reader.range(v, 1, 3600))),
            Duration.ofMillis(r.get("meterIntervalMs", "2000", v -> Reader.range(v, 100, 60_000))),
            Duration.ofSeconds(r.get("pauseGraceSeconds", "86400", v -> Reader.range(v, 0, 30L * 24 * 3600))),
            (int) (long) r.get("feeBasisPoints", "250", v -> Reader.range(v, 0, 10_000)),
            Duration.ofMillis(r.get("snapshotMaxAgeMs", "500", v -> Reader.range(v, 0, 60_000)))));
    r.throwIfAny();
    return c;
  }

  private static boolean validHttpUrl(String s) {
    try {
      URI u = URI.create(s);
      return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Collects every problem so the operator sees them all at once. */
  private static final class Reader {
    private final ConfigSource src;
    private final List<String> problems = new ArrayList<>();

    Reader(ConfigSource src) { this.src = src; }

    <T> T get(String key, String fallback, Function<String, T> parse) {
      String raw = src.get(key);
      String value = raw == null ? fallback : raw;
      if (value == null) return null;
      try {
        return parse.apply(value);
      } catch (IllegalArgumentException e) {
        problems.add(describe(key, value, e.getMessage()));
        return fallback == null ? null : parse.apply(fallback);
      }
    }

    void check(String key, String value, boolean ok, String why) {
      if (!ok) problems.add(describe(key, value, why));
    }

    private String describe(String key, String value, String why) {
      return key + " (" + ConfigSource.envName(key) + ", from " + src.origin(key) + "): '" + value + "' " + why;
    }

    void throwIfAny() {
      if (!problems.isEmpty()) throw new ConfigException("invalid configuration:\n  " + String.join("\n  ", problems));
    }

    static int port(String v) { return (int) range(v, 0, 65535); }

    static long range(String v, long min, long max) {
      long n;
      try {
        n = Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("is not a whole number");
      }
      if (n < min || n > max) throw new IllegalArgumentException("must be between " + min + " and " + max);
      return n;
    }

    static boolean bool(String v) {
      return switch (v.trim().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "1" -> true;
        case "false", "no", "0" -> false;
        default -> throw new IllegalArgumentException("must be true or false");
      };
    }

    static String name(String v) {
      if (!v.matches("[A-Za-z0-9._-]{1,64}")) throw new IllegalArgumentException("must be 1-64 letters, digits, '.', '_' or '-'");
      return v;
    }

    static List<String> list(String v) {
      return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
  }
}

package io.respool.gateway.testing;

import io.respool.gateway.Gateway;
import io.respool.gateway.config.ConfigSource;
import io.respool.gateway.config.GatewayConfig;
import io.respool.testing.TestServices;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** Starts real gateway nodes in this JVM on port 0, all sharing the test PostgreSQL and Redis. */
public final class GatewayNodes {
  public static final String JWT_SECRET = "test-secret-test-secret-test-secret-0123";

  private GatewayNodes() {}

  /** A node with the test services and {@code settings} (config keys → values) on top. */
  public static Gateway start(Map<String, String> settings) throws Exception {
    Map<String, String> all = new HashMap<>();
    all.put("home", Files.createTempDirectory("respool-gw-").toString());
    all.put("jwtSecret", JWT_SECRET);
    all.put("dbPoolSize", "4");
    all.putAll(settings);
    return startWith(all);
  }

  /**
   * A node on {@code home} that keeps the cluster's own JWT keys (no jwtSecret), sealed with the
   * secrets key made under that home, with {@code settings} on top.
   */
  public static Gateway startOwnKeys(java.nio.file.Path home, Map<String, String> settings) throws Exception {
    Map<String, String> all = new HashMap<>();
    all.put("home", home.toString());
    all.put("dbPoolSize", "2");
    all.putAll(settings);
    return startWith(all);
  }

  private static Gateway startWith(Map<String, String> settings) throws Exception {
    Map<String, String> all = new HashMap<>();
    all.put("port", "0");
    all.put("bind", "127.0.0.1");
    all.put("pgUrl", TestServices.get().pgUrl);
    all.put("redisUrl", TestServices.get().redisUrl);
    all.put("sshPort", "0"); // tests that want SSH pick a free port
    all.putAll(settings);
    return Gateway.start(GatewayConfig.from(ConfigSource.load(null, Map.of(), new Properties(), all)));
  }

  public static Gateway start() throws Exception {
    return start(Map.of());
  }
}

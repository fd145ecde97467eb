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
    all.put("port", "0");
    all.put("bind", "127.0.0.1");
    all.put("home", Files.createTempDirectory("respool-gw-").toString());
    all.put("pgUrl", TestServices.get().pgUrl);
    all.put("redisUrl", TestServices.get().redisUrl);
    all.put("jwtSecret", JWT_SECRET);
    all.put("dbPoolSize", "4");
    all.put("sshPort", "0"); // tests that want SSH pick a free port
    all.putAll(settings);
    return Gateway.start(GatewayConfig.from(ConfigSource.load(null, Map.of(), new Properties(), all)));
  }

  public static Gateway start() throws Exception {
    return start(Map.of());
  }
}

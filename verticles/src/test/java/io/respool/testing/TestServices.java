package io.respool.testing;

import io.respool.infra.Databases;
import io.respool.infra.EmbeddedServices;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One real embedded PostgreSQL and one real Redis per test JVM, migrated, shared by every test
 * (and by every gateway node a test starts). Each test works on its own ids, so they don't clash.
 */
public final class TestServices {
  private static TestServices instance;

  public final String pgUrl;
  public final String redisUrl;

  private TestServices(String pgUrl, String redisUrl) {
    this.pgUrl = pgUrl;
    this.redisUrl = redisUrl;
  }

  public static synchronized TestServices get() {
    if (instance == null) {
      try {
        Path dir = Files.createTempDirectory("respool-test-");
        EmbeddedServices.Running pg = EmbeddedServices.postgres(dir.resolve("pg"));
        EmbeddedServices.Running redis = EmbeddedServices.redis(dir.resolve("redis"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try { redis.close(); pg.close(); } catch (Exception ignored) { }
        }));
        Databases.migrate(pg.url());
        instance = new TestServices(pg.url(), redis.url());
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the embedded test services", e);
      }
    }
    return instance;
  }
}

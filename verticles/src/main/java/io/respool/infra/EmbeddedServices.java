package io.respool.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * The embedded PostgreSQL (zonky) and Redis a gateway starts when no external ones are
 * configured. Data is kept under the given directory so a restart keeps everything.
 */
public final class EmbeddedServices {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServices.class);

  private EmbeddedServices() {}

  /** A started service: its URL and how to stop it. */
  public record Running(String url, AutoCloseable stopper) implements AutoCloseable {
    @Override
    public void close() throws Exception { stopper.close(); }
  }

  /** Starts PostgreSQL on a free loopback port with its data in {@code dataDir} (kept across runs). */
  public static Running postgres(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(freePort())
        // zonky tunes for throwaway test databases; this one is the source of truth
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        // the owner stops it, after the gateway has handed its hosts over
        .setRegisterShutdownHook(false)
        .start();
    String url = "postgresql://postgres@127.0.0.1:" + pg.getPort() + "/postgres";
    LOG.info("embedded PostgreSQL on port {} (data in {})", pg.getPort(), dataDir);
    return new Running(url, pg);
  }

  /** Starts Redis on a free loopback port, snapshotting into {@code dataDir}. */
  public static Running redis(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    int port = freePort();
    RedisServer redis = RedisServer.newRedisServer()
        .bind("127.0.0.1")
        .port(port)
        .setting("dir " + dataDir.toAbsolutePath())
        .setting("save 60 1")
        .setting("protected-mode yes")
        .onShutdownForceStop(false)
        .build();
    redis.start();
    LOG.info("embedded Redis on port {}", port);
    return new Running("redis://127.0.0.1:" + port, redis::stop);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

package io.respool.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * The embedded PostgreSQL (zonky) and Redis a gateway starts when no external ones are
 * configured. Data is kept under the given directory so a restart keeps everything. Each service
 * gets a {@link ServiceWatchdog} that stops it if the JVM dies without doing so, and a start first
 * stops what an earlier, killed JVM left running on the same directory ({@link Orphans}), so a
 * crashed gateway starts again on its own data.
 */
public final class EmbeddedServices {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServices.class);
  /** How long an orphan may take to stop cleanly (a checkpoint, a snapshot) before it is killed. */
  private static final Duration ORPHAN_GRACE = Duration.ofSeconds(60);

  private EmbeddedServices() {}

  /** A started service: its URL and how to stop it. */
  public record Running(String url, AutoCloseable stopper) implements AutoCloseable {
    @Override
    public void close() throws Exception { stopper.close(); }
  }

  /** Starts PostgreSQL on a free loopback port with its data in {@code dataDir} (kept across runs). */
  public static Running postgres(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    Path pidFile = dataDir.resolve("postmaster.pid");
    // only an initialized data directory can have an orphan (and initdb wants an empty one: create nothing before it)
    if (Files.exists(pidFile)) stopOrphanedPostgres(dataDir, pidFile);
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
    ServiceWatchdog watchdog;
    try {
      watchdog = ServiceWatchdog.start("postgres", pidFile, dataDir, "INT");
    } catch (IOException e) {
      pg.close();
      throw e;
    }
    LOG.info("embedded PostgreSQL on port {} (data in {})", pg.getPort(), dataDir);
    return new Running(url, () -> {
      try {
        pg.close();
      } finally {
        watchdog.close();
      }
    });
  }

  private static void stopOrphanedPostgres(Path dataDir, Path pidFile) throws IOException {
    try (FileChannel lock = FileChannel.open(dataDir.resolve("epg-lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      // zonky holds this lock for as long as its JVM runs: held means a live gateway uses the data, not an orphan
      FileLock held = lock.tryLock();
      if (held == null) throw new IOException("the PostgreSQL data in " + dataDir + " is in use by another running gateway");
      try {
        Orphans.stop("PostgreSQL", pidFile, dataDir, "INT", ORPHAN_GRACE);
      } finally {
        held.release();
      }
    }
  }

  /** Starts Redis on a free loopback port, snapshotting into {@code dataDir}. */
  public static Running redis(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    Path pidFile = dataDir.resolve("redis.pid");
    // Redis takes no lock of its own: this one, held while the service runs, tells a live gateway's Redis from an orphan
    FileChannel lockFile = FileChannel.open(dataDir.resolve("respool.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockFile.tryLock();
    } catch (IOException | RuntimeException e) {
      lockFile.close();
      throw e;
    }
    if (lock == null) {
      lockFile.close();
      throw new IOException("the Redis data in " + dataDir + " is in use by another running gateway");
    }
    try {
      return redis(dataDir, pidFile, lockFile);
    } catch (IOException | RuntimeException e) {
      lockFile.close();
      throw e;
    }
  }

  private static Running redis(Path dataDir, Path pidFile, FileChannel lockFile) throws IOException {
    Orphans.stop("Redis", pidFile, dataDir, "TERM", ORPHAN_GRACE);
    int port = freePort();
    RedisServer redis = RedisServer.newRedisServer()
        .bind("127.0.0.1")
        .port(port)
        .setting("dir " + dataDir.toAbsolutePath())
        .setting("save 60 1")
        .setting("protected-mode yes")
        .setting("pidfile " + pidFile.toAbsolutePath())
        .onShutdownForceStop(false)
        .build();
    redis.start();
    ServiceWatchdog watchdog;
    try {
      watchdog = ServiceWatchdog.start("redis", pidFile, dataDir, "TERM");
    } catch (IOException e) {
      redis.stop();
      throw e;
    }
    LOG.info("embedded Redis on port {}", port);
    return new Running("redis://127.0.0.1:" + port, () -> {
      try {
        redis.stop();
      } finally {
        watchdog.close();
        lockFile.close();
      }
    });
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

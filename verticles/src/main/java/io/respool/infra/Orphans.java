package io.respool.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and stops an embedded service left running by a gateway that died without stopping it
 * (kill -9, an OOM kill): the process its pid file names, if that process is still alive and works
 * in the service's data directory. The working-directory check (Linux {@code /proc/<pid>/cwd}:
 * PostgreSQL and Redis both chdir into their data directory) keeps a recycled pid belonging to
 * some other process safe.
 */
public final class Orphans {
  private static final Logger LOG = LoggerFactory.getLogger(Orphans.class);

  private Orphans() {}

  /** The live process whose pid is the first line of {@code pidFile} and whose working directory is {@code dataDir}. */
  public static Optional<ProcessHandle> find(Path pidFile, Path dataDir) {
    long pid;
    try {
      String first = Files.readString(pidFile, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
      pid = Long.parseLong(first);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | NumberFormatException e) {
      LOG.warn("ignoring unreadable pid file {}: {}", pidFile, e.toString());
      return Optional.empty();
    }
    Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (p.isEmpty()) return Optional.empty();
    try {
      Path cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"));
      return cwd.equals(dataDir.toRealPath()) ? p : Optional.empty();
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty(); // not Linux, or not ours to look at: leave it alone
    }
  }

  /**
   * Stops the orphan {@code pidFile} names, if any: {@code signal} first (PostgreSQL: INT, a fast
   * shutdown; Redis: TERM, which saves a snapshot), then SIGKILL if it has not exited within
   * {@code grace}. Returns true if there was one.
   */
  public static boolean stop(String service, Path pidFile, Path dataDir, String signal, Duration grace) throws IOException {
    Optional<ProcessHandle> orphan = find(pidFile, dataDir);
    if (orphan.isEmpty()) return false;
    ProcessHandle p = orphan.get();
    LOG.warn("{} (pid {}) in {} outlived the gateway that started it; stopping it before starting again", service, p.pid(), dataDir);
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).redirectErrorStream(true).start();
      kill.waitFor(10, TimeUnit.SECONDS);
      if (!awaitExit(p, grace)) {
        LOG.warn("{} (pid {}) did not stop within {} s; killing it", service, p.pid(), grace.toSeconds());
        p.destroyForcibly();
        if (!awaitExit(p, Duration.ofSeconds(10))) throw new IOException(service + " (pid " + p.pid() + ") in " + dataDir + " cannot be stopped");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping " + service, e);
    }
    return true;
  }

  private static boolean awaitExit(ProcessHandle p, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (p.isAlive()) {
      if (System.nanoTime() > deadline) return false;
      Thread.sleep(50);
    }
    return true;
  }
}

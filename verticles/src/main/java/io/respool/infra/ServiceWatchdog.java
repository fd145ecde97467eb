package io.respool.infra;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A tiny {@code sh} process that stops an embedded service once the JVM that started it is gone,
 * however it went (kill -9 included). It blocks reading a pipe whose only writer is this JVM; the
 * kernel closes that pipe when the JVM dies, the read returns, and the script signals the process
 * the service's pid file names — if it is still alive and works in the service's data directory
 * (after a clean stop the service has removed its pid file and nothing happens). It ignores the
 * terminal's signals, so Ctrl-C reaches the gateway, which stops its services itself.
 *
 * <p>PostgreSQL's postmaster has no option to follow its parent (pg_ctl detaches it), and Redis
 * ignores the broken pipe of its log, so without this both outlive a killed gateway and hold the
 * data directory of the next start.
 */
public final class ServiceWatchdog implements AutoCloseable {
  private static final String SCRIPT = """
      trap '' INT HUP TERM QUIT
      while read -r _; do :; done
      [ -f "$1" ] || exit 0
      read -r pid < "$1" || exit 0
      case "$pid" in ''|*[!0-9]*) exit 0;; esac
      [ "$(readlink /proc/$pid/cwd 2>/dev/null)" = "$2" ] || exit 0
      kill -"$3" "$pid"
      """;

  // held for the life of the service: the pipe's write end closes (and the script fires) when this is closed or collected
  private final Process process;

  private ServiceWatchdog(Process process) {
    this.process = process;
  }

  /** Watches the service whose pid file is {@code pidFile} and data directory {@code dataDir}; {@code signal} stops it (INT, TERM). */
  public static ServiceWatchdog start(String service, Path pidFile, Path dataDir, String signal) throws IOException {
    Process p = new ProcessBuilder("sh", "-c", SCRIPT, "respool-watchdog-" + service,
        pidFile.toAbsolutePath().toString(), dataDir.toRealPath().toString(), signal)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    return new ServiceWatchdog(p);
  }

  public long pid() { return process.pid(); }

  /** After the service stopped: closes the pipe, so the script finds no pid file and exits. */
  @Override
  public void close() {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}

package io.respool.hostworker;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The second private dockerd that can start containers asking for NVIDIA GPUs
 * ({@code ops/docker/gpu-test-dockerd.sh}: dockerd's own NVIDIA device driver, with a stand-in for
 * the toolkit's hook, since no GPU or toolkit exists here). Started on first use, idempotently.
 */
final class GpuDockerd {
  private static String host;

  private GpuDockerd() {}

  static synchronized String host() {
    if (host != null) return host;
    Path script = Path.of("..", "ops", "docker", "gpu-test-dockerd.sh").toAbsolutePath().normalize();
    if (!Files.isRegularFile(script)) fail("cannot find " + script + " (tests run from the host-worker module directory)");
    try {
      Process p = new ProcessBuilder(List.of("bash", script.toString())).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      p.getOutputStream().close();
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail(script + " did not finish within 300 s");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      String last = out.lines().reduce((a, b) -> b).orElse("");
      if (p.exitValue() != 0 || !last.startsWith("DOCKER_HOST=")) fail(script + " failed (exit " + p.exitValue() + "): " + out);
      host = last.substring("DOCKER_HOST=".length());
      return host;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}

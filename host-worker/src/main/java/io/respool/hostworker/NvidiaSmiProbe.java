package io.respool.hostworker;

import io.respool.protocol.host.Inventory;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NVIDIA GPUs as {@code nvidia-smi} reports them. OSHI sees no GPU on a VM or a headless box,
 * while the driver's own tool does. No binary on the search path, a failing run or a timeout all
 * mean "no GPU": a host without a working driver cannot run GPU work anyway.
 */
public final class NvidiaSmiProbe implements GpuProbe {
  private static final Logger log = LoggerFactory.getLogger(NvidiaSmiProbe.class);
  static final List<String> ARGS = List.of("--query-gpu=index,name,memory.total,uuid", "--format=csv,noheader,nounits");
  private static final int MAX_OUTPUT_BYTES = 256 * 1024;

  private final String searchPath;
  private final Duration timeout;
  private boolean warned;

  /** @param searchPath directories to look for {@code nvidia-smi} in, like {@code $PATH} */
  public NvidiaSmiProbe(String searchPath, Duration timeout) {
    this.searchPath = searchPath == null ? "" : searchPath;
    this.timeout = timeout;
  }

  @Override
  public List<Inventory.Gpu> probe() {
    Optional<Path> binary = locate();
    if (binary.isEmpty()) return List.of();
    List<String> command = new ArrayList<>();
    command.add(binary.get().toString());
    command.addAll(ARGS);
    try {
      Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      process.getOutputStream().close();
      // Waiting before reading is safe only because the output is tiny (a line per GPU) and
      // fits the pipe buffer; it lets a hung driver be killed after the timeout.
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return failed("nvidia-smi did not answer within " + timeout.toMillis() + " ms");
      }
      String output;
      try (InputStream in = process.getInputStream()) {
        output = new String(in.readNBytes(MAX_OUTPUT_BYTES), StandardCharsets.UTF_8);
      }
      if (process.exitValue() != 0) return failed("nvidia-smi exited with " + process.exitValue());
      return parse(output);
    } catch (IOException e) {
      return failed("cannot run nvidia-smi: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  /**
   * Parses {@code index, name, memory.total [MiB], uuid} lines. A model name may itself hold a
   * comma, so the name is everything between the first and the last two fields. Lines that do
   * not parse are skipped: one odd GPU must not hide the others.
   */
  List<Inventory.Gpu> parse(String csv) {
    List<Inventory.Gpu> gpus = new ArrayList<>();
    for (String line : csv.split("\\R")) {
      if (line.isBlank()) continue;
      String[] f = line.split(",", -1);
      if (f.length < 4) {
        log.warn("skipping unreadable nvidia-smi line: {}", line);
        continue;
      }
      try {
        int index = Integer.parseInt(f[0].trim());
        String name = String.join(",", List.of(f).subList(1, f.length - 2)).trim();
        String memory = f[f.length - 2].trim();
        String uuid = f[f.length - 1].trim();
        long memoryMb = memory.matches("\\d+") ? Long.parseLong(memory) : 0; // "[N/A]" on some boards
        gpus.add(new Inventory.Gpu(index, name, memoryMb, uuid.isEmpty() || uuid.startsWith("[") ? null : uuid));
      } catch (IllegalArgumentException e) {
        log.warn("skipping unreadable nvidia-smi line '{}': {}", line, e.getMessage());
      }
    }
    return gpus;
  }

  private Optional<Path> locate() {
    for (String dir : searchPath.split(File.pathSeparator)) {
      if (dir.isBlank()) continue;
      Path candidate = Path.of(dir, "nvidia-smi");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate);
    }
    return Optional.empty();
  }

  private List<Inventory.Gpu> failed(String why) {
    // a broken driver stays broken: say it once, not every probe interval
    if (!warned) log.warn("{}; offering no GPU", why);
    else log.debug("{}; offering no GPU", why);
    warned = true;
    return List.of();
  }
}

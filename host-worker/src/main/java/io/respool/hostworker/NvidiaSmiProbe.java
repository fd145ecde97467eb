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
  static final List<String> USE_ARGS = List.of("--query-gpu=uuid,utilization.gpu,memory.used", "--format=csv,noheader,nounits");
  private static final int MAX_OUTPUT_BYTES = 256 * 1024;

  private final String searchPath;
  private final Duration timeout;
  private boolean warned;
  /** Why the last inventory probe found no GPU although a binary is there; null when it answered. */
  private volatile String lastFailure;

  /** @param searchPath directories to look for {@code nvidia-smi} in, like {@code $PATH} */
  public NvidiaSmiProbe(String searchPath, Duration timeout) {
    this.searchPath = searchPath == null ? "" : searchPath;
    this.timeout = timeout;
  }

  @Override
  public List<Inventory.Gpu> probe() {
    Answer a = run(ARGS);
    lastFailure = a.failure();
    if (a.failure() != null) return a.binaryMissing() ? List.of() : failed(a.failure());
    return parse(a.output());
  }

  /** Why the last {@link #probe()} found no GPU though {@code nvidia-smi} is installed; null when it answered. */
  public String lastFailure() { return lastFailure; }

  /** One GPU's use now: busy percentage (0–100) and memory used in MiB, or the words nvidia-smi printed instead. */
  public record Use(String uuid, Integer utilizationPercent, Long memoryUsedMib, String problem) {}

  /**
   * Runs {@code --query-gpu=uuid,utilization.gpu,memory.used}. Each listed GPU comes back with its
   * numbers, or with {@code problem} set when nvidia-smi printed something else for it (e.g.
   * {@code [GPU is lost]}, {@code [Unknown Error]}). Throws {@link IllegalStateException} saying why
   * when the query as a whole fails (no binary, an exit status, a timeout).
   */
  public List<Use> use() {
    Answer a = run(USE_ARGS);
    if (a.failure() != null) throw new IllegalStateException(a.failure());
    List<Use> uses = new ArrayList<>();
    for (String line : a.output().split("\\R")) {
      if (line.isBlank()) continue;
      String[] f = line.split(",", -1);
      if (f.length != 3 || f[0].isBlank()) {
        log.warn("skipping unreadable nvidia-smi line: {}", line);
        continue;
      }
      String uuid = f[0].trim();
      String util = f[1].trim();
      String mem = f[2].trim();
      if (util.matches("\\d{1,3}") && mem.matches("\\d{1,12}")) {
        uses.add(new Use(uuid, Math.min(100, Integer.parseInt(util)), Long.parseLong(mem), null));
      } else {
        uses.add(new Use(uuid, null, null, "nvidia-smi reports utilization '" + util + "' and memory used '" + mem + "'"));
      }
    }
    return uses;
  }

  /** nvidia-smi's output, or why there is none ({@code binaryMissing} when it is not on the search path). */
  private record Answer(String output, String failure, boolean binaryMissing) {}

  private Answer run(List<String> args) {
    Optional<Path> binary = locate();
    if (binary.isEmpty()) return new Answer(null, "nvidia-smi is not on the search path", true);
    List<String> command = new ArrayList<>();
    command.add(binary.get().toString());
    command.addAll(args);
    try {
      Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      process.getOutputStream().close();
      // Waiting before reading is safe only because the output is tiny (a line per GPU) and
      // fits the pipe buffer; it lets a hung driver be killed after the timeout.
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return new Answer(null, "nvidia-smi did not answer within " + timeout.toMillis() + " ms", false);
      }
      String output;
      try (InputStream in = process.getInputStream()) {
        output = new String(in.readNBytes(MAX_OUTPUT_BYTES), StandardCharsets.UTF_8);
      }
      if (process.exitValue() != 0) {
        String said = output.strip().lines().findFirst().orElse("");
        return new Answer(null, "nvidia-smi exited with " + process.exitValue() + (said.isEmpty() ? "" : ": " + clip(said)), false);
      }
      return new Answer(output, null, false);
    } catch (IOException e) {
      return new Answer(null, "cannot run nvidia-smi: " + e.getMessage(), false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(null, "interrupted while running nvidia-smi", false);
    }
  }

  private static String clip(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "…";
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

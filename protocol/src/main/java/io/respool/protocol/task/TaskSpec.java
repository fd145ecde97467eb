package io.respool.protocol.task;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What to run for a booking. {@code taskId} is the idempotency key: starting the same id twice
 * runs it once. CPU in thousandths of a core (fractional cores), memory in MiB, storage in GiB.
 *
 * @param image container image (ignored by drivers that run plain processes)
 * @param command entrypoint override and arguments; empty means the image's default
 * @param ports container ports to publish (the driver picks host ports, reported in the status)
 * @param gpus number of GPUs; {@code gpuModel} when a particular model is required, else null
 * @param labels extra labels; the driver adds its own, including the task and booking ids
 */
public record TaskSpec(
    String taskId,
    String bookingId,
    String image,
    List<String> command,
    Map<String, String> env,
    List<Integer> ports,
    long cpuMillis,
    long memoryMb,
    long storageGb,
    int gpus,
    String gpuModel,
    Map<String, String> labels) {

  /** A task's or a booking's id (also a usage sample's task id). */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public TaskSpec {
    if (taskId == null || !ID.matcher(taskId).matches()) throw new IllegalArgumentException("taskId must be 1-64 letters, digits, '_' or '-'");
    if (bookingId == null || !ID.matcher(bookingId).matches()) throw new IllegalArgumentException("bookingId must be 1-64 letters, digits, '_' or '-'");
    command = command == null ? List.of() : List.copyOf(command);
    env = env == null ? Map.of() : Map.copyOf(env);
    ports = ports == null ? List.of() : List.copyOf(ports);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    if (cpuMillis <= 0 || cpuMillis > 1_024_000) throw new IllegalArgumentException("cpuMillis must be between 1 and 1024000");
    if (memoryMb < 4 || memoryMb > (1L << 24)) throw new IllegalArgumentException("memoryMb must be between 4 and 16777216");
    if (storageGb < 0 || storageGb > (1L << 20)) throw new IllegalArgumentException("storageGb must be between 0 and 1048576");
    if (gpus < 0 || gpus > 64) throw new IllegalArgumentException("gpus must be between 0 and 64");
    for (int p : ports) if (p < 1 || p > 65535) throw new IllegalArgumentException("ports must be between 1 and 65535");
    for (String k : env.keySet()) if (!ENV_NAME.matcher(k).matches()) throw new IllegalArgumentException("env name '" + k + "' is not a valid variable name");
  }
}

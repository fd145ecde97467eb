package io.respool.hostworker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The project's {@code nvidia-smi} stand-in (src/test/resources/gpu/nvidia-smi) in a directory of
 * its own, with scripted GPUs: utilization and memory per GPU, and a GPU that vanishes from its
 * answers ({@code gone}), answers with errors ({@code err}), or the whole tool failing. The worker
 * finds it by search path (the directory first), as it finds the real one on {@code PATH}.
 */
final class FakeGpus {
  static final String MODEL = "NVIDIA H100 80GB HBM3";

  final Path dir;
  private final List<String[]> rows = new ArrayList<>(); // guarded by this

  FakeGpus(Path dir, int count) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
      try (InputStream in = FakeGpus.class.getResourceAsStream("/gpu/nvidia-smi")) {
        Files.write(dir.resolve("nvidia-smi"), in.readAllBytes());
      }
      Files.setPosixFilePermissions(dir.resolve("nvidia-smi"), PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int i = 0; i < count; i++) rows.add(new String[] {Integer.toString(i), MODEL, "81559", uuid(i), "0", "0", "ok"});
    write();
  }

  static String uuid(int index) {
    return String.format("GPU-%08x-5e1f-4c0d-9a2b-%012d", 0x7a3c0000 + index, index);
  }

  synchronized List<String> uuids() {
    return rows.stream().map(r -> r[3]).toList();
  }

  /** Sets a GPU's utilization (%) and memory used (MiB). */
  synchronized FakeGpus use(String uuid, int percent, long memoryMib) {
    String[] r = row(uuid);
    r[4] = Integer.toString(percent);
    r[5] = Long.toString(memoryMib);
    write();
    return this;
  }

  /** {@code ok}, {@code gone} (vanished) or {@code err} (its queries fail). */
  synchronized FakeGpus state(String uuid, String state) {
    row(uuid)[6] = state;
    write();
    return this;
  }

  /** Every call fails, as when the driver lost its GPUs. */
  void broken(boolean broken) {
    try {
      if (broken) Files.writeString(dir.resolve("broken"), "");
      else Files.deleteIfExists(dir.resolve("broken"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  NvidiaSmiProbe probe() {
    return new NvidiaSmiProbe(dir.toString(), Duration.ofSeconds(10));
  }

  private String[] row(String uuid) {
    return rows.stream().filter(r -> r[3].equals(uuid)).findFirst().orElseThrow(() -> new IllegalArgumentException("no GPU " + uuid));
  }

  /** Replaced whole (rename), so a concurrent nvidia-smi call reads the old or the new state, never half. */
  private void write() {
    StringBuilder csv = new StringBuilder();
    for (String[] r : rows) csv.append(String.join(",", r)).append('\n');
    try {
      Path tmp = dir.resolve("gpus.csv.tmp");
      Files.writeString(tmp, csv);
      Files.move(tmp, dir.resolve("gpus.csv"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

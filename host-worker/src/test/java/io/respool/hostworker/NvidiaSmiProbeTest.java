package io.respool.hostworker;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.protocol.host.Inventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvidiaSmiProbeTest {
  /** What `nvidia-smi --query-gpu=index,name,memory.total,uuid --format=csv,noheader,nounits` prints. */
  private static final String SAMPLE = """
      0, NVIDIA GeForce RTX 4090, 24564, GPU-5f3c2b1a-8e7d-4c6b-9a0f-1d2e3f4a5b6c
      1, NVIDIA A100-SXM4-80GB, 81920, GPU-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d
      """;

  @TempDir Path bin;

  @Test
  void parsesTheQueryOutput() {
    assertThat(probe().parse(SAMPLE)).containsExactly(
        new Inventory.Gpu(0, "NVIDIA GeForce RTX 4090", 24564, "GPU-5f3c2b1a-8e7d-4c6b-9a0f-1d2e3f4a5b6c"),
        new Inventory.Gpu(1, "NVIDIA A100-SXM4-80GB", 81920, "GPU-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"));
  }

  @Test
  void toleratesCommasInNamesUnknownValuesAndSkipsUnreadableLines() {
    String odd = "0, Tesla T4, Rev. B, 15360, GPU-aa\r\n"
        + "garbage\n"
        + "x, RTX 3090, 24576, GPU-bb\n"
        + "\n"
        + "2, NVIDIA L4, [N/A], [N/A]\n";

    assertThat(probe().parse(odd)).containsExactly(
        new Inventory.Gpu(0, "Tesla T4, Rev. B", 15360, "GPU-aa"),
        new Inventory.Gpu(2, "NVIDIA L4", 0, null));
  }

  @Test
  void noBinaryOnThePathMeansNoGpu() {
    assertThat(probe().probe()).isEmpty();
    assertThat(new NvidiaSmiProbe(null, Duration.ofSeconds(5)).probe()).isEmpty();
  }

  @Test
  void runsTheBinaryFoundOnThePathWithTheQuery() throws Exception {
    script("""
        [ "$1 $2" = "--query-gpu=index,name,memory.total,uuid --format=csv,noheader,nounits" ] || exit 3
        cat <<'EOF'
        %sEOF
        """.formatted(SAMPLE));

    assertThat(probe().probe()).extracting(Inventory.Gpu::model).containsExactly("NVIDIA GeForce RTX 4090", "NVIDIA A100-SXM4-80GB");
  }

  @Test
  void aFailingOrHangingBinaryMeansNoGpu() throws Exception {
    script("echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'; exit 9");
    assertThat(probe().probe()).isEmpty();

    script("exec sleep 30");
    long start = System.nanoTime();
    assertThat(new NvidiaSmiProbe(bin.toString(), Duration.ofMillis(300)).probe()).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  private NvidiaSmiProbe probe() {
    return new NvidiaSmiProbe(bin.toString(), Duration.ofSeconds(10));
  }

  private void script(String body) throws Exception {
    Path smi = bin.resolve("nvidia-smi");
    Files.writeString(smi, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}

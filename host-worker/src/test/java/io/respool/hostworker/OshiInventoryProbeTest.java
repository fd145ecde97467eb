package io.respool.hostworker;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.protocol.host.Inventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import oshi.SystemInfo;

/** Probes this very machine: the numbers must be plausible and match what the JDK sees. */
class OshiInventoryProbeTest {
  @TempDir Path home;

  @Test
  void measuresThisHostAndOffersTheFreeSpaceOfTheHomeFileStore() throws Exception {
    Inventory.Gpu gpu = new Inventory.Gpu(0, "NVIDIA GeForce RTX 4090", 24564, "GPU-1");

    Inventory inventory = new OshiInventoryProbe(new SystemInfo(), () -> List.of(gpu), home).probe();

    assertThat(inventory.cpuCores()).isBetween(1, inventory.cpuThreads());
    assertThat(inventory.cpuModel()).isNotBlank();
    assertThat(inventory.memoryMb()).isGreaterThan(Runtime.getRuntime().maxMemory() >> 20);
    long usableGb = Files.getFileStore(home).getUsableSpace() >> 30;
    assertThat(inventory.storageGb()).isBetween(usableGb - 1, usableGb + 1);
    assertThat(inventory.disks()).isNotEmpty().allSatisfy(d -> assertThat(d.totalGb()).isPositive());
    assertThat(inventory.gpus()).containsExactly(gpu);
    assertThat(inventory.os()).isNotBlank();
    assertThat(inventory.arch()).isNotBlank().isNotEqualTo("amd64");
  }
}

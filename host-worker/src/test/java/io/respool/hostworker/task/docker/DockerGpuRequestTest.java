package io.respool.hostworker.task.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.DeviceRequest;
import io.respool.hostworker.task.TaskException;
import io.respool.protocol.task.TaskSpec;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the Docker driver asks dockerd for a task's GPUs, read back from the real test dockerd.
 * No NVIDIA runtime can run on these machines (no GPU, no NVIDIA Container Toolkit), so a container
 * asking for GPUs cannot start on this dockerd: the request itself is checked, as dockerd stored it
 * from the create call. ({@code GpuTasksTest} runs such containers for real on a second dockerd with
 * a stand-in for the toolkit's hook.)
 */
@Timeout(120)
class DockerGpuRequestTest {
  private static final List<String> GPUS = List.of("GPU-5f3c2b1a-8e7d-4c6b-9a0f-1d2e3f4a5b6c", "GPU-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d");

  private DockerFixture docker;
  private DockerTaskDriver driver;

  @BeforeEach
  void setUp() {
    docker = new DockerFixture();
    driver = docker.driver();
  }

  @AfterEach
  void tearDown() throws IOException {
    driver.close();
    docker.close();
  }

  private TaskSpec spec(String name, int gpus) {
    return new TaskSpec(docker.taskId(name), "bk-gpu", DockerFixture.IMAGE, List.of("sleep", "60"),
        Map.of("NVIDIA_VISIBLE_DEVICES", "all"), List.of(), 100, 32, 0, gpus, null, docker.labels());
  }

  @Test
  void theContainerAsksForExactlyItsAssignedDevicesNeverACount() {
    TaskSpec spec = spec("gpu-request", 2);
    driver.create(spec, GPUS);

    InspectContainerResponse c = docker.inspect(spec.taskId());
    List<DeviceRequest> requests = c.getHostConfig().getDeviceRequests();
    assertThat(requests).hasSize(1);
    DeviceRequest r = requests.get(0);
    assertThat(r.getDriver()).isEqualTo("nvidia");
    assertThat(r.getDeviceIds()).containsExactlyElementsOf(GPUS);
    assertThat(r.getCount()).isIn(null, 0); // a count would give every such container the first devices
    assertThat(r.getCapabilities()).containsExactly(List.of("gpu"));
    // the renter's own value is overridden: the task sees its devices, not "all"
    assertThat(c.getConfig().getEnv()).contains("NVIDIA_VISIBLE_DEVICES=" + String.join(",", GPUS))
        .doesNotContain("NVIDIA_VISIBLE_DEVICES=all");
  }

  @Test
  void aTaskWithoutGpusAsksForNoneAndSeesNone() {
    TaskSpec spec = spec("no-gpu", 0);
    driver.create(spec, List.of());

    InspectContainerResponse c = docker.inspect(spec.taskId());
    assertThat(c.getHostConfig().getDeviceRequests()).isNullOrEmpty();
    assertThat(c.getConfig().getEnv()).contains("NVIDIA_VISIBLE_DEVICES=void").doesNotContain("NVIDIA_VISIBLE_DEVICES=all");
  }

  @Test
  void withoutTheNvidiaRuntimeTheStartFailsSayingSoAndLeavesNothing() {
    TaskSpec spec = spec("gpu-start", 1);
    assertThatThrownBy(() -> driver.start(spec, GPUS.subList(0, 1)))
        .isInstanceOfSatisfying(TaskException.class, e -> assertThat(e.kind()).as(e.getMessage() + " / " + e.getCause()).isEqualTo(TaskException.Kind.INVALID))
        .hasMessageContaining("could not select device driver \"nvidia\"");
    assertThat(docker.containersNamed(spec.taskId())).isEmpty();
  }

  @Test
  void aSpecAndItsAssignmentMustAgree() {
    assertThatThrownBy(() -> driver.start(spec("gpu-mismatch", 2), GPUS.subList(0, 1)))
        .isInstanceOf(TaskException.class).hasMessageContaining("asks for 2 GPU(s) but 1 were assigned");
    assertThat(docker.containersNamed(docker.taskId("gpu-mismatch"))).isEmpty();
  }
}

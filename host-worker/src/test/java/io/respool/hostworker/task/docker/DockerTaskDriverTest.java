package io.respool.hostworker.task.docker;

import io.respool.hostworker.task.TaskDriver;
import io.respool.hostworker.task.TaskDriverContract;
import io.respool.protocol.task.TaskSpec;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared driver contract on a real dockerd, running scripts in {@value DockerFixture#IMAGE}. */
class DockerTaskDriverTest extends TaskDriverContract {
  // one engine connection for the whole suite, as the contract allows; closed after its own clean-up
  private static DockerFixture docker;
  private static DockerTaskDriver shared;

  @BeforeAll
  static void connect() {
    docker = new DockerFixture();
    shared = docker.driver();
  }

  @AfterAll
  static void disconnect() throws IOException {
    if (shared != null) shared.close();
    if (docker != null) docker.close();
  }

  @Override
  protected TaskDriver driver() {
    return shared;
  }

  @Override
  protected TaskSpec spec(String taskId, List<String> script, long memoryMb) {
    return new TaskSpec(taskId, "booking-" + taskId, DockerFixture.IMAGE, List.of("/bin/sh", "-c", String.join("\n", script)),
        Map.of(), List.of(), 1000, memoryMb, 0, 0, null, docker.labels());
  }
}

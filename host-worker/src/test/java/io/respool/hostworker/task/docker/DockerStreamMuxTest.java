package io.respool.hostworker.task.docker;

import io.respool.hostworker.stream.StreamMuxContract;
import io.respool.hostworker.task.TaskDriver;
import io.respool.protocol.task.TaskSpec;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The stream contract on a real dockerd: docker exec with and without a TTY, forwards to the container's address. */
class DockerStreamMuxTest extends StreamMuxContract {
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
  protected TaskSpec spec(String taskId, String script, List<Integer> ports) {
    return new TaskSpec(taskId, "booking-" + taskId, DockerFixture.IMAGE, List.of("/bin/sh", "-c", script), Map.of(), ports, 1000, 256, 0, 0, null, docker.labels());
  }

  @Override
  protected String httpServer(int port) {
    return "mkdir -p /www && echo 'hello over a forward' > /www/hello.txt && exec httpd -f -p " + port + " -h /www";
  }

  /** A docker exec costs dockerd a create, a start and inspects: fewer than on the process driver, same checks. */
  @Override
  protected int execsInARow() {
    return 200;
  }
}

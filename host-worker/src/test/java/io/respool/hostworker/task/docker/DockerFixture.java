package io.respool.hostworker.task.docker;

import static org.assertj.core.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The real dockerd the docker tests run against, found through {@code DOCKER_HOST}, and a plain
 * docker-java client to check from the outside what the driver left on it. Every container a test
 * starts carries the label {@value #RUN_LABEL} with this fixture's run id, so checks and clean-up
 * see only this run's containers.
 */
final class DockerFixture implements AutoCloseable {
  static final String IMAGE = "respool/busybox:test";
  static final String RUN_LABEL = "respool.test.run";

  final String dockerHost;
  final String run = UUID.randomUUID().toString().substring(0, 8);
  private final DockerClient docker;

  DockerFixture() {
    String host = System.getenv("DOCKER_HOST");
    if (host == null || host.isBlank()) {
      // Failing, not skipping: a skipped suite would pass with the Docker driver broken.
      fail("DOCKER_HOST is not set. The Docker driver tests need a real dockerd and the image " + IMAGE + "; run\n"
          + "  eval \"$(bash ops/docker/test-dockerd.sh | tail -1 | sed 's/^/export /')\"\n"
          + "first (it installs docker.io when missing, starts a private dockerd and builds the image).");
    }
    dockerHost = host;
    DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
    docker = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build());
  }

  DockerTaskDriver driver() {
    return new DockerTaskDriver(new DockerDriverConfig(dockerHost, 0));
  }

  /** Labels a spec carries so that this run can find its containers. */
  Map<String, String> labels() {
    return Map.of(RUN_LABEL, run);
  }

  /** Unique task id for this run. */
  String taskId(String name) {
    return name + "-" + run;
  }

  /** This run's containers labelled {@code respool.task}, in every state. */
  List<Container> containers() {
    return docker.listContainersCmd().withShowAll(true)
        .withLabelFilter(List.of(DockerTaskDriver.LABEL_TASK, RUN_LABEL + "=" + run)).exec();
  }

  /** The host pid of the task's container's main process. */
  long pid(String taskId) {
    return docker.inspectContainerCmd(DockerTaskDriver.NAME_PREFIX + taskId).exec().getState().getPidLong();
  }

  /** Containers named for the task, in every state, whatever their labels. */
  List<Container> containersNamed(String taskId) {
    String name = DockerTaskDriver.NAME_PREFIX + taskId;
    return docker.listContainersCmd().withShowAll(true).withNameFilter(List.of(name)).exec().stream()
        .filter(c -> List.of(c.getNames()).contains("/" + name))
        .toList();
  }

  @Override
  public void close() throws IOException {
    try {
      for (Container c : containers()) docker.removeContainerCmd(c.getId()).withForce(true).exec();
    } finally {
      docker.close();
    }
  }
}

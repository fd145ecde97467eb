package io.respool.hostworker.task.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.hostworker.sftp.OpenSshSftpTest;
import io.respool.protocol.task.TaskSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real OpenSSH {@code sftp}/{@code scp} against a container's filesystem on a real dockerd,
 * with nothing installed in the container (busybox has no sftp-server), plus what only containers
 * have: {@code /} is the container's, and {@code /proc} magic links out of it are refused.
 */
class DockerOpenSshSftpTest extends OpenSshSftpTest {
  private DockerFixture docker;
  private DockerTaskDriver driver;

  @BeforeEach
  @Override
  protected void startTask() throws java.io.IOException {
    docker = new DockerFixture();
    driver = docker.driver();
    local = Files.createDirectories(dir().resolve("local"));
    taskId = docker.taskId("sftp");
    driver.start(new TaskSpec(taskId, "booking-" + taskId, DockerFixture.IMAGE, List.of("/bin/sh", "-c", "sleep 300"), Map.of(), List.of(),
        1000, 256, 0, 0, null, docker.labels()));
  }

  @AfterEach
  @Override
  protected void stopTask() {
    try {
      driver.stop(taskId, Duration.ZERO);
      driver.remove(taskId);
      driver.close();
      docker.close();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  protected Path remoteRoot() {
    return Path.of("/proc", Long.toString(docker.pid(taskId)), "root");
  }

  @Override
  protected String bridgeTarget() {
    return "docker:" + docker.dockerHost;
  }

  @Test
  void slashIsTheContainersRootAndProcMagicLinksAreRefused() throws Exception {
    String out = runAllowingFailureFor("get /etc/passwd " + local.resolve("passwd"), "get /proc/1/root/etc/hostname " + local.resolve("host"),
        "get /proc/self/root/etc/hostname " + local.resolve("self"), "ls /proc/1/cwd/", "ls /proc/1/");

    assertThat(Files.readString(local.resolve("passwd"))).isEqualTo(Files.readString(remoteRoot().resolve("etc/passwd")))
        .startsWith("root:x:0:0:root:/root:/bin/sh"); // the image's, written by ops/docker/test-dockerd.sh
    assertThat(local.resolve("host")).doesNotExist();
    assertThat(local.resolve("self")).doesNotExist();
    assertThat(out).doesNotContain("sbin"); // nothing listed through /proc/1/cwd
    assertThat(out).contains("/proc/1/cwd"); // the container's /proc is there: only its magic links are refused
  }
}

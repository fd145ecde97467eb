package io.respool.hostworker.task.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.respool.hostworker.task.Capabilities;
import io.respool.hostworker.task.ExecSession;
import io.respool.hostworker.task.TaskException;
import io.respool.hostworker.task.TaskRunner;
import io.respool.hostworker.task.UsageSampler;
import io.respool.protocol.task.UsageSample;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import io.respool.protocol.task.TaskSpec;
import io.respool.protocol.task.TaskState;
import io.respool.protocol.task.TaskStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What only the Docker driver can be asked, on a real dockerd: surviving a worker restart without
 * orphans or duplicates, refusing bad specs without leaking a container, published ports, TTY
 * resize. The behaviour every driver shares is in {@link DockerTaskDriverTest}.
 */
@Timeout(120)
class DockerSpecificTest {
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

  @Test
  void aRestartedWorkerFindsItsContainersAgainWithoutDuplicatesOrOrphans() {
    TaskSpec first = sleeper(docker.taskId("restart-a"), "booking-a");
    TaskSpec second = sleeper(docker.taskId("restart-b"), "booking-b");
    DockerTaskDriver before = docker.driver();
    TaskStatus firstStarted = before.start(first);
    TaskStatus secondStarted = before.start(second);
    assertThat(List.of(firstStarted.state(), secondStarted.state())).containsOnly(TaskState.RUNNING);
    before.close(); // the worker goes away; its tasks must not

    try (DockerTaskDriver after = docker.driver()) {
      List<TaskStatus> recovered = after.recover().stream()
          .filter(s -> s.taskId().equals(first.taskId()) || s.taskId().equals(second.taskId()))
          .toList();
      assertThat(recovered).extracting(TaskStatus::taskId, TaskStatus::bookingId, TaskStatus::state)
          .containsExactlyInAnyOrder(
              tuple(first.taskId(), "booking-a", TaskState.RUNNING),
              tuple(second.taskId(), "booking-b", TaskState.RUNNING));

      // the gateway re-sends both starts: the same containers answer, none is added
      assertThat(after.start(first).startedAt()).isEqualTo(firstStarted.startedAt());
      assertThat(after.start(second).startedAt()).isEqualTo(secondStarted.startedAt());
      assertThat(docker.containers()).hasSize(2);

      assertThat(after.stop(first.taskId(), Duration.ofSeconds(5)).state()).isEqualTo(TaskState.EXITED);
      assertThat(after.stop(second.taskId(), Duration.ofSeconds(5)).state()).isEqualTo(TaskState.EXITED);
      after.remove(first.taskId());
      after.remove(second.taskId());
      assertThat(docker.containers()).isEmpty();
      assertThat(after.recover()).extracting(TaskStatus::taskId).doesNotContain(first.taskId(), second.taskId());
    }
  }

  @Test
  void anUnknownImageIsInvalidAndCreatesNothing() {
    String id = docker.taskId("no-image");
    TaskSpec spec = spec(id, "respool/no-such-image:none", List.of("/bin/sh", "-c", "true"), 500, 64, 0);

    assertThatThrownBy(() -> driver.start(spec))
        .isInstanceOfSatisfying(TaskException.class, e -> assertThat(e.kind()).isEqualTo(TaskException.Kind.INVALID))
        .hasMessageContaining("unknown image respool/no-such-image:none");
    assertThat(docker.containersNamed(id)).isEmpty();
  }

  @Test
  void moreCpuThanTheHostHasIsInvalidAndLeavesNoContainer() {
    String id = docker.taskId("cpu");
    TaskSpec spec = spec(id, DockerFixture.IMAGE, List.of("/bin/sleep", "60"), 64_000, 64, 0);

    assertThatThrownBy(() -> driver.start(spec))
        .isInstanceOfSatisfying(TaskException.class, e -> assertThat(e.kind()).isEqualTo(TaskException.Kind.INVALID))
        .hasMessageContaining(id);
    assertThat(docker.containersNamed(id)).isEmpty();
  }

  @Test
  void memoryBelowDockersMinimumIsInvalidAndLeavesNoContainer() {
    String id = docker.taskId("memory");
    TaskSpec spec = spec(id, DockerFixture.IMAGE, List.of("/bin/sleep", "60"), 500, 4, 0);

    assertThatThrownBy(() -> driver.start(spec))
        .isInstanceOfSatisfying(TaskException.class, e -> assertThat(e.kind()).isEqualTo(TaskException.Kind.INVALID))
        .hasMessageContaining("memory");
    assertThat(docker.containersNamed(id)).isEmpty();
  }

  @Test
  void gpusTheHostLacksAreInvalidBeforeAnythingIsCreated() {
    String id = docker.taskId("gpu");
    TaskSpec spec = new TaskSpec(id, "booking-gpu", DockerFixture.IMAGE, List.of("/bin/sleep", "60"), Map.of(), List.of(),
        500, 64, 0, 1, "NVIDIA GeForce RTX 4090", docker.labels());

    assertThatThrownBy(() -> driver.start(spec))
        .isInstanceOfSatisfying(TaskException.class, e -> assertThat(e.kind()).isEqualTo(TaskException.Kind.INVALID))
        .hasMessageContaining("GPU");
    assertThat(docker.containersNamed(id)).isEmpty();
  }

  @Test
  void aPublishedPortAnswersOnLoopback() throws Exception {
    String id = docker.taskId("http");
    TaskSpec spec = new TaskSpec(id, "booking-http", DockerFixture.IMAGE,
        List.of("/bin/sh", "-c", "mkdir -p /www && echo hi from $NAME > /www/index.html && exec httpd -f -p 8080 -h /www"),
        Map.of("NAME", "respool"), List.of(8080), 500, 64, 0, 0, null, docker.labels());

    TaskStatus status = driver.start(spec);

    assertThat(status.ports()).containsOnlyKeys(8080);
    int hostPort = status.ports().get(8080);
    assertThat(hostPort).isPositive();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostPort + "/index.html")).timeout(Duration.ofSeconds(2)).build();
    String body = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (body == null) {
      try {
        HttpResponse<String> response = http.send(get, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) body = response.body();
      } catch (IOException e) {
        if (System.nanoTime() > deadline) throw e; // httpd not listening yet
        Thread.sleep(100);
      }
    }
    assertThat(body).isEqualTo("hi from respool\n");
    assertThat(driver.recover()).filteredOn(s -> s.taskId().equals(id)).singleElement()
        .satisfies(s -> assertThat(s.ports()).isEqualTo(Map.of(8080, hostPort)));
  }

  @Test
  void anExecTtyCanBeResized() throws Exception {
    String id = docker.taskId("tty");
    driver.start(sleeper(id, "booking-tty"));

    try (ExecSession shell = driver.exec(id, List.of("/bin/sh"), new ExecSession.Terminal("xterm", 80, 24))) {
      shell.resize(100, 40);
      shell.stdin().write("stty size; exit 3\n".getBytes(StandardCharsets.UTF_8));
      shell.stdin().flush();
      String output = readAll(shell.stdout());
      assertThat(output).contains("40 100");
      assertThat(shell.waitFor()).isEqualTo(3);
    }
  }

  @Test
  void capabilitiesSayWhatThisEngineEnforces() {
    Capabilities capabilities = driver.capabilities();

    assertThat(capabilities.driver()).isEqualTo("docker");
    assertThat(capabilities.containers()).isTrue();
    assertThat(capabilities.cpuLimit()).isTrue();
    assertThat(capabilities.memoryLimit()).isTrue();
    assertThat(capabilities.gpus()).isFalse();
    try (DockerTaskDriver withGpus = new DockerTaskDriver(new DockerDriverConfig(docker.dockerHost, 2))) {
      assertThat(withGpus.capabilities().gpus()).isTrue();
    }
  }

  @Test
  void anUnreachableEngineIsUnavailable() {
    try (DockerTaskDriver nowhere = new DockerTaskDriver(new DockerDriverConfig("unix:///nonexistent/docker.sock", 0))) {
      assertThatThrownBy(() -> nowhere.start(sleeper(docker.taskId("nowhere"), "booking-nowhere")))
          .isInstanceOfSatisfying(TaskException.class, e -> assertThat(e.kind()).isEqualTo(TaskException.Kind.UNAVAILABLE))
          .hasMessageContaining("not answering");
    }
  }

  @Test
  void usageSamplesOfAContainerCountOnAcrossAResumeThoughDockerCountsFromZeroAgain(@TempDir Path home) throws Exception {
    String id = docker.taskId("usage-resume");
    // the first run spins a while; the resumed one (the file is kept) only sleeps
    TaskSpec spec = spec(id, DockerFixture.IMAGE, List.of("/bin/sh", "-c",
        "if [ -f /ran ]; then exec sleep 600; fi; : > /ran; i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; echo counted; exec sleep 600"),
        1000, 64, 0);
    Vertx vertx = Vertx.vertx();
    TaskRunner runner = new TaskRunner(vertx, Map.of("docker", docker.driver()), new UsageSampler(home, Clock.systemUTC()), s -> { });
    try {
      runner.start(spec).await(60, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!runner.output("o", id, 1024).await(60, TimeUnit.SECONDS).stdout().contains("counted")) {
        assertThat(System.nanoTime()).as("the first run finished spinning").isLessThan(deadline);
        Thread.sleep(50);
      }
      UsageSample first = runner.sampleUsage().await(60, TimeUnit.SECONDS).getFirst();
      runner.stop(id, Duration.ZERO).await(60, TimeUnit.SECONDS);

      runner.resume(id).await(60, TimeUnit.SECONDS);
      double rawAfterResume = driver.stats(id).cpuSeconds();
      UsageSample second = runner.sampleUsage().await(60, TimeUnit.SECONDS).getFirst();

      assertThat(first.seq()).isEqualTo(1);
      assertThat(first.cpuSeconds()).isGreaterThan(0.1);
      assertThat(rawAfterResume).as("dockerd counts the restarted container from zero").isLessThan(first.cpuSeconds());
      assertThat(second.seq()).isEqualTo(2);
      assertThat(second.cpuSeconds()).isGreaterThanOrEqualTo(first.cpuSeconds());
      assertThat(second.netRxBytes()).isGreaterThanOrEqualTo(first.netRxBytes());
      assertThat(second.blockReadBytes()).isGreaterThanOrEqualTo(first.blockReadBytes());
    } finally {
      runner.close();
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private TaskSpec sleeper(String id, String bookingId) {
    return new TaskSpec(id, bookingId, DockerFixture.IMAGE, List.of("/bin/sh", "-c", "sleep 3600"), Map.of(), List.of(),
        250, 32, 0, 0, null, docker.labels());
  }

  private TaskSpec spec(String id, String image, List<String> command, long cpuMillis, long memoryMb, int gpus) {
    return new TaskSpec(id, "booking-" + id, image, command, Map.of(), List.of(), cpuMillis, memoryMb, 0, gpus, null, docker.labels());
  }

  private String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }
}

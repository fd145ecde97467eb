package io.respool.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.gateway.Gateway;
import io.respool.gateway.testing.GatewayNodes;
import io.respool.gateway.testing.Http;
import io.respool.hosts.HostCommands;
import io.respool.infra.Addresses;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.host.HostFrames;
import io.respool.protocol.task.TaskSpec;
import io.respool.protocol.task.TaskState;
import io.respool.protocol.task.TaskStatus;
import io.vertx.core.eventbus.ReplyException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Task requests from the gateway, over the control channel, to a real host-worker with both
 * drivers: a container on the test dockerd and a plain process. Status comes back as answers and
 * as reports; output as task.output.
 */
class TaskDispatchIT {
  static final String IMAGE = "respool/busybox:test";
  static Gateway node;
  static Worker worker;
  static String hostId;
  static HostCommands commands;
  static final BlockingQueue<TaskStatus> reports = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() throws Exception {
    String dockerHost = System.getenv("DOCKER_HOST");
    assertThat(dockerHost).as("DOCKER_HOST must point at the test dockerd: run ops/docker/test-dockerd.sh (ops/respool test does)").isNotBlank();
    node = GatewayNodes.start();
    commands = new HostCommands(node.vertx().eventBus());
    node.vertx().eventBus().<String>consumer(Addresses.TASK_STATUS,
        m -> reports.add(((HostFrame.TaskUpdate) HostFrames.decode(m.body())).status())).completion().await(10, TimeUnit.SECONDS);

    worker = Worker.start(node.port(), "tasks", dockerHost);
    hostId = worker.hostId;
  }

  @AfterAll
  static void stop() throws Exception {
    if (worker != null) worker.close();
    if (node != null) node.close();
  }

  static TaskSpec spec(String image, String script) {
    String id = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    return new TaskSpec(id, "b-" + id, image, List.of("/bin/sh", "-c", script), Map.of("GREETING", "hello"), List.of(),
        500, 64, 0, 0, null, Map.of());
  }

  static HostFrame ask(HostFrame request) throws Exception {
    return commands.send(hostId, request, Duration.ofSeconds(60)).await(90, TimeUnit.SECONDS).frame();
  }

  static TaskStatus finalReport(String taskId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      TaskStatus s = reports.poll(1, TimeUnit.SECONDS);
      if (s != null && s.taskId().equals(taskId) && s.state().isFinal()) return s;
    }
    throw new AssertionError("no final report for " + taskId);
  }

  @Test
  void theHostAdvertisesItsDrivers() {
    var host = new Http(node.port()).get("/v1/hosts/" + hostId).json();
    assertThat(host.path("drivers").toString()).isEqualTo("[\"docker\",\"process\"]");
  }

  @Test
  void aContainerRunsOnceReportsItsExitAndItsOutputComesBack() throws Exception {
    TaskSpec spec = spec(IMAGE, "echo \"$GREETING from a container\"; echo oops >&2; exit 7");
    HostFrame started = ask(new HostFrame.TaskStart(null, spec));
    assertThat(started).isInstanceOfSatisfying(HostFrame.TaskUpdate.class, u -> assertThat(u.status().taskId()).isEqualTo(spec.taskId()));

    TaskStatus done = finalReport(spec.taskId());
    assertThat(done.state()).isEqualTo(TaskState.EXITED);
    assertThat(done.exitCode()).isEqualTo(7);

    HostFrame again = ask(new HostFrame.TaskStart(null, spec));
    assertThat(again).as("starting the same task id again answers its status, it does not run twice")
        .isInstanceOfSatisfying(HostFrame.TaskUpdate.class, u -> assertThat(u.status().exitCode()).isEqualTo(7));

    HostFrame output = ask(new HostFrame.TaskLogs(null, spec.taskId(), 4096));
    assertThat(output).isInstanceOfSatisfying(HostFrame.TaskOutput.class, o -> {
      assertThat(o.stdout()).isEqualTo("hello from a container\n");
      assertThat(o.stderr()).isEqualTo("oops\n");
    });
  }

  @Test
  void aPlainProcessRunsAndCanBeStopped() throws Exception {
    TaskSpec spec = spec(null, "echo started; sleep 300");
    ask(new HostFrame.TaskStart(null, spec));
    HostFrame inspected = ask(new HostFrame.TaskInspect(null, spec.taskId()));
    assertThat(inspected).isInstanceOfSatisfying(HostFrame.TaskUpdate.class, u -> assertThat(u.status().state()).isEqualTo(TaskState.RUNNING));
    HostFrame stopped = ask(new HostFrame.TaskStop(null, spec.taskId(), 2000));
    assertThat(stopped).isInstanceOfSatisfying(HostFrame.TaskUpdate.class, u -> assertThat(u.status().state().isFinal()).isTrue());
    assertThat(finalReport(spec.taskId()).state().isFinal()).isTrue();
  }

  @Test
  void badRequestsAreClearErrorsAndStartNothing() {
    assertThatThrownBy(() -> ask(new HostFrame.TaskStart(null, spec("respool/no-such-image:1", "true"))))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(400));
    TaskSpec gpu = new TaskSpec("gpu-" + UUID.randomUUID().toString().substring(0, 8), "b", IMAGE, List.of("true"), Map.of(), List.of(),
        500, 64, 0, 1, null, Map.of());
    assertThatThrownBy(() -> ask(new HostFrame.TaskStart(null, gpu)))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(400));
    assertThatThrownBy(() -> ask(new HostFrame.TaskStop(null, "never-started", 1000)))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(404));
    assertThatThrownBy(() -> ask(new HostFrame.TaskInspect(null, gpu.taskId())))
        .as("the refused task left nothing behind")
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(404));
  }
}

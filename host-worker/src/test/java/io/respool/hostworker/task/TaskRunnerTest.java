package io.respool.hostworker.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.hostworker.task.process.ProcessTaskDriver;
import io.respool.protocol.task.TaskSpec;
import io.respool.protocol.task.TaskState;
import io.respool.protocol.task.TaskStatus;
import io.respool.protocol.task.UsageSample;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner over real processes: what it reports after starts and resumes, and its usage samples. */
class TaskRunnerTest {
  private static final long T = 30; // seconds any single expectation may take

  @TempDir Path home;
  private Vertx vertx;
  private ProcessTaskDriver driver;
  private TaskRunner runner;
  private final List<TaskStatus> reports = new CopyOnWriteArrayList<>();
  private final List<String> started = new ArrayList<>();

  @BeforeEach
  void startRunner() {
    vertx = Vertx.vertx();
    driver = new ProcessTaskDriver(home.resolve("tasks"));
    runner = new TaskRunner(vertx, Map.of("process", driver), new UsageSampler(home.resolve("usage"), Clock.systemUTC()), reports::add);
  }

  @AfterEach
  void stopAll() throws Exception {
    for (String id : started) driver.stop(id, Duration.ZERO);
    runner.close();
    vertx.close().await(T, TimeUnit.SECONDS);
  }

  @Test
  void aResumedTaskIsReportedAndWatchedLikeAStartedOne() throws Exception {
    String id = start("if [ -f ran ]; then sleep 1; exit 4; fi", ": > ran", "exit 3");
    until(() -> last(id).state() == TaskState.EXITED, "the first run's end is reported");
    TaskStatus first = last(id);
    assertThat(first.exitCode()).isEqualTo(3);

    TaskStatus resumed = runner.resume(id).await(T, TimeUnit.SECONDS);

    assertThat(resumed.startedAt()).isAfter(first.startedAt());
    until(() -> last(id).exitCode() != null && last(id).exitCode() == 4, "the second run's end is reported");
    TaskStatus second = last(id);
    assertThat(second.state()).isEqualTo(TaskState.EXITED);
    assertThat(second.startedAt()).isEqualTo(resumed.startedAt());
    assertThat(second.finishedAt()).isAfter(first.finishedAt());
    List<TaskStatus> ofTask = reports.stream().filter(s -> s.taskId().equals(id)).toList();
    // every change reported once, in order: the first run's end, the new run, its end
    assertThat(ofTask.subList(ofTask.indexOf(first), ofTask.size())).extracting(TaskStatus::state, TaskStatus::exitCode)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(TaskState.EXITED, 3), org.assertj.core.groups.Tuple.tuple(TaskState.RUNNING, null),
            org.assertj.core.groups.Tuple.tuple(TaskState.EXITED, 4));
  }

  @Test
  void resumingARunningTaskReportsNothingAndAnUnknownOneIsNotFound() throws Exception {
    String id = start("sleep 60");
    until(() -> !reports.isEmpty(), "the start is reported");
    TaskStatus running = last(id);

    TaskStatus again = runner.resume(id).await(T, TimeUnit.SECONDS);

    assertThat(again).isEqualTo(running);
    assertThat(reports).hasSize(1);
    assertThatThrownBy(() -> runner.resume("no-such-task").await(T, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(TaskException.class, e -> assertThat(e.kind()).isEqualTo(TaskException.Kind.NOT_FOUND));
  }

  @Test
  void usageIsSampledForRunningTasksOnlyAndCountsOnAcrossAResume() throws Exception {
    String busy = start("i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; echo counted", "sleep 60");
    String ended = start("exit 0");
    until(() -> last(ended).state() == TaskState.EXITED, "the short task ended");
    until(() -> logs(busy).contains("counted"), "the busy task used some CPU");

    List<UsageSample> first = runner.sampleUsage().await(T, TimeUnit.SECONDS);
    runner.stop(busy, Duration.ZERO).await(T, TimeUnit.SECONDS);
    assertThat(runner.sampleUsage().await(T, TimeUnit.SECONDS)).as("a stopped task is not sampled").isEmpty();
    runner.resume(busy).await(T, TimeUnit.SECONDS);
    List<UsageSample> afterResume = runner.sampleUsage().await(T, TimeUnit.SECONDS);

    assertThat(first).singleElement().satisfies(s -> {
      assertThat(s.taskId()).isEqualTo(busy);
      assertThat(s.seq()).isEqualTo(1);
      assertThat(s.cpuSeconds()).isPositive();
    });
    assertThat(afterResume).singleElement().satisfies(s -> {
      assertThat(s.seq()).isEqualTo(2);
      // the new run's processes count from zero; the sample counts on from the first run
      assertThat(s.cpuSeconds()).isGreaterThanOrEqualTo(first.getFirst().cpuSeconds());
    });
  }

  @Test
  void onlyAnEndedTaskIsRemovedAndThenItIsGoneWithItsDirectory() throws Exception {
    String id = start(": > kept", "sleep 60");
    until(() -> !reports.isEmpty() && last(id).state() == TaskState.RUNNING, "the start is reported");
    assertThatThrownBy(() -> runner.remove(id).await(T, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(TaskException.class, e -> assertThat(e.kind()).isEqualTo(TaskException.Kind.CONFLICT));

    runner.stop(id, Duration.ZERO).await(T, TimeUnit.SECONDS);
    TaskStatus removed = runner.remove(id).await(T, TimeUnit.SECONDS);

    assertThat(removed.state()).isEqualTo(TaskState.EXITED);
    assertThat(home.resolve("tasks").resolve(id)).as("its working directory is gone").doesNotExist();
    assertThatThrownBy(() -> runner.inspect(id).await(T, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(TaskException.class, e -> assertThat(e.kind()).isEqualTo(TaskException.Kind.NOT_FOUND));
    started.remove(id);
  }

  private String start(String... script) throws Exception {
    String id = "tr-" + UUID.randomUUID().toString().substring(0, 12);
    started.add(id);
    runner.start(new TaskSpec(id, "bk-" + id, null, List.of("/bin/sh", "-c", String.join("\n", script)), Map.of(), List.of(),
        1000, 256, 0, 0, null, Map.of())).await(T, TimeUnit.SECONDS);
    return id;
  }

  private TaskStatus last(String taskId) {
    return reports.stream().filter(s -> s.taskId().equals(taskId)).reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no report of " + taskId));
  }

  private String logs(String taskId) {
    try {
      return runner.output("o", taskId, 4096).await(T, TimeUnit.SECONDS).stdout();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void until(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(T);
    while (!safely(condition)) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private static boolean safely(BooleanSupplier condition) {
    try {
      return condition.getAsBoolean();
    } catch (AssertionError e) {
      return false;
    }
  }
}

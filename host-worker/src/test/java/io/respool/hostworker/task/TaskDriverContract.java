package io.respool.hostworker.task;

import io.respool.protocol.task.TaskSpec;
import io.respool.protocol.task.TaskStatus;
import io.respool.protocol.task.TaskState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link TaskDriver} contract, written once and run against every driver that can run here
 * (extend it and implement the two hooks). Scripts use only busybox-compatible {@code sh}
 * utilities (echo, sleep, head, tail, dd, cat, yes, kill, trap), so a busybox image works.
 *
 * <p>Behaviour this suite fixes for every driver: {@code start} returns once the task runs
 * (RUNNING, or EXITED when it already ended); {@code logs} calls {@code onEnd} once delivery ends,
 * with or without {@code follow}; {@code stop} TERMs then KILLs (exit code 137) after the grace;
 * {@code remove} of a running task is refused with INVALID and leaves it running; exec and logs of
 * an unknown task are NOT_FOUND like every other call.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
public abstract class TaskDriverContract {
  /** Generous: a loaded 2-core host starts containers slowly. */
  protected static final Duration TIMEOUT = Duration.ofSeconds(60);
  protected static final long MEMORY_MB = 256;
  protected static final ExecSession.Terminal TTY = new ExecSession.Terminal("xterm", 80, 24);

  protected TaskDriver driver;
  private final List<String> started = new CopyOnWriteArrayList<>();

  /** The driver under test, asked once per test. May be shared between tests: the suite never closes it. */
  protected abstract TaskDriver driver();

  /**
   * A spec that runs {@code script} (lines joined by newlines) as {@code /bin/sh -c script} with one
   * core and {@code memoryMb} of memory, no ports, no GPUs, and any booking id.
   */
  protected abstract TaskSpec spec(String taskId, List<String> script, long memoryMb);

  @BeforeEach
  void pickDriver() {
    driver = driver();
  }

  @AfterEach
  void removeStartedTasks() {
    for (String id : started) {
      try {
        driver.stop(id, Duration.ZERO);
        driver.remove(id);
      } catch (TaskException e) {
        // already removed, or never created (a refused start)
      }
    }
  }

  // --- start, exit codes, inspect ---

  @Test
  void startReturnsARunningTaskThatInspectAgreesWith() {
    String id = newTaskId();
    TaskSpec spec = spec(id, List.of("sleep 60"), MEMORY_MB);

    TaskStatus status = start(spec);

    assertThat(status.taskId()).isEqualTo(id);
    assertThat(status.bookingId()).isEqualTo(spec.bookingId());
    assertThat(status.state()).isEqualTo(TaskState.RUNNING);
    assertThat(status.startedAt()).isNotNull();
    assertThat(status.exitCode()).isNull();
    TaskStatus inspected = driver.inspect(id);
    assertThat(inspected.state()).isEqualTo(TaskState.RUNNING);
    assertThat(inspected.startedAt()).isEqualTo(status.startedAt());
  }

  @Test
  void aTaskThatSucceedsExitsWithZero() {
    String id = startScript("echo hello");

    TaskStatus done = driver.await(id, TIMEOUT);

    assertThat(done.state()).isEqualTo(TaskState.EXITED);
    assertThat(done.exitCode()).isZero();
    assertThat(done.oomKilled()).isFalse();
    assertThat(done.finishedAt()).isNotNull().isAfterOrEqualTo(done.startedAt());
    assertThat(driver.inspect(id)).isEqualTo(done);
  }

  @Test
  void aTaskThatFailsExitsWithItsExitCode() {
    String id = startScript("sleep 1", "exit 3");

    TaskStatus done = driver.await(id, TIMEOUT);

    assertThat(done.state()).isEqualTo(TaskState.EXITED);
    assertThat(done.exitCode()).isEqualTo(3);
    assertThat(driver.inspect(id).exitCode()).isEqualTo(3);
  }

  @Test
  void awaitReturnsTheRunningStatusWhenTheTimeoutPasses() {
    String id = startScript("sleep 60");

    long t0 = System.nanoTime();
    TaskStatus status = driver.await(id, Duration.ofMillis(500));

    assertThat(status.state()).isEqualTo(TaskState.RUNNING);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(450)).isLessThan(TIMEOUT);
  }

  // --- logs ---

  @Test
  void stdoutAndStderrAreKeptApart() {
    String id = startScript("echo out", "echo err >&2");
    driver.await(id, TIMEOUT);

    Output out = logs(id);

    assertThat(out.stdout()).isEqualTo("out\n");
    assertThat(out.stderr()).isEqualTo("err\n");
  }

  @Test
  void theWholeOutputIsCaptured() {
    String id = startScript("yes line | head -n 20000", "echo last");
    assertThat(driver.await(id, TIMEOUT).exitCode()).isZero();

    String stdout = logs(id).stdout();

    assertThat(stdout).hasSize(5 * 20_000 + 5).isEqualTo("line\n".repeat(20_000) + "last\n");
  }

  @Test
  void followDeliversOutputWrittenAfterTheCallAndEndsWithTheTask() throws Exception {
    // the task waits for a file that exec creates once we follow, so "after" is written after the call
    String id = startScript("echo before", "while [ ! -f go ]; do sleep 0.1; done", "echo after", "echo late-err >&2");
    awaitStdout(id, "before");
    Collector followed = new Collector();
    CountDownLatch ended = new CountDownLatch(1);

    Closeable handle = driver.logs(id, true, followed, ended::countDown);
    try {
      assertThat(ended.getCount()).as("follow must not end while the task runs").isEqualTo(1);
      assertThat(exec(id, List.of("sh", "-c", ": > go"), false).exitCode()).isZero();

      assertThat(ended.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("onEnd after the task ends").isTrue();
    } finally {
      handle.close();
    }
    assertThat(followed.stdout()).isEqualTo("before\nafter\n");
    assertThat(followed.stderr()).isEqualTo("late-err\n");
    assertThat(driver.inspect(id).state()).isEqualTo(TaskState.EXITED);
  }

  // --- stats and limits ---

  @Test
  void statsCountCpuSecondsAndMemoryOfABusyTask() {
    String id = startScript("yes > /dev/null");

    eventually(() -> driver.stats(id).cpuSeconds() >= 0.5, "cpuSeconds reaches 0.5 s for a task spinning a core");
    TaskStats first = driver.stats(id);
    eventually(() -> driver.stats(id).cpuSeconds() > first.cpuSeconds() + 0.2, "cpuSeconds keeps growing");
    TaskStats later = driver.stats(id);

    assertThat(later.taskId()).isEqualTo(id);
    assertThat(later.memoryBytes()).isPositive();
  }

  @Test
  void theCpuLimitCapsABusyTaskWhenTheDriverSaysItDoes() throws InterruptedException {
    Assumptions.assumeTrue(driver.capabilities().cpuLimit(), "driver does not cap CPU");
    String id = newTaskId();
    TaskSpec base = spec(id, List.of("yes > /dev/null"), MEMORY_MB);
    start(withLimits(base, 200, base.memoryMb(), 0));
    eventually(() -> driver.stats(id).cpuSeconds() > 0.05, "the task gets some CPU");

    double before = driver.stats(id).cpuSeconds();
    long t0 = System.nanoTime();
    Thread.sleep(2_000);
    double used = driver.stats(id).cpuSeconds() - before;
    double wall = (System.nanoTime() - t0) / 1e9;

    // unthrottled, `yes` would use a whole core (~1.0); 0.2 cores may burst a little per period
    assertThat(used / wall).as("cores used with a 0.2-core cap").isLessThan(0.35);
  }

  @Test
  void aTaskAllocatingPastItsMemoryLimitIsKilledAndReportedAsOom() {
    Capabilities caps = driver.capabilities();
    if (!caps.memoryLimit()) {
      // honesty: a driver that does not enforce memory must say so in plain words
      assertThat(caps.notes()).anySatisfy(n -> assertThat(n.toLowerCase(Locale.ROOT)).contains("memory"));
      Assumptions.abort(caps.driver() + " does not enforce memory limits, and says so");
    }
    // tail keeps the whole (newline-free) input in memory: 200 MiB against a 32 MiB limit
    String id = newTaskId();
    start(spec(id, List.of("head -c 209715200 /dev/zero | tail"), 32));

    TaskStatus done = driver.await(id, TIMEOUT);

    assertThat(done.state()).isEqualTo(TaskState.EXITED);
    assertThat(done.oomKilled()).isTrue();
    assertThat(done.exitCode()).isNotZero();
    assertThat(driver.inspect(id).oomKilled()).isTrue();
  }

  // --- stop ---

  @Test
  void stopLetsATaskTrappingTermFinishItsHandlerWithinTheGrace() {
    String id = startScript("trap 'echo bye; exit 0' TERM", "echo ready", "sleep 1000 & wait");
    awaitStdout(id, "ready");

    long t0 = System.nanoTime();
    TaskStatus stopped = driver.stop(id, Duration.ofSeconds(30));

    assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("ended by its handler, not the grace").isLessThan(Duration.ofSeconds(20));
    assertThat(stopped.state()).isEqualTo(TaskState.EXITED);
    assertThat(stopped.exitCode()).isZero();
    assertThat(logs(id).stdout()).isEqualTo("ready\nbye\n");
  }

  @Test
  void stopKillsATaskIgnoringTermOnceTheGraceHasPassed() {
    String id = startScript("trap '' TERM", "echo ready", "sleep 1000 & wait");
    awaitStdout(id, "ready");

    long t0 = System.nanoTime();
    TaskStatus stopped = driver.stop(id, Duration.ofSeconds(1));

    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(TIMEOUT);
    assertThat(stopped.state()).isEqualTo(TaskState.EXITED);
    assertThat(stopped.exitCode()).isEqualTo(137); // 128 + SIGKILL
    assertThat(driver.inspect(id).state()).isEqualTo(TaskState.EXITED);
  }

  @Test
  void stopOfAnEndedTaskReturnsItsFinalStatus() {
    String id = startScript("exit 4");
    TaskStatus done = driver.await(id, TIMEOUT);

    TaskStatus stopped = driver.stop(id, Duration.ofSeconds(5));

    assertThat(stopped.state()).isEqualTo(TaskState.EXITED);
    assertThat(stopped.exitCode()).isEqualTo(4);
    assertThat(stopped.finishedAt()).isEqualTo(done.finishedAt());
  }

  @Test
  void everyCallOnAnUnknownTaskIsNotFound() {
    String id = newTaskId();

    assertKind(TaskException.Kind.NOT_FOUND, () -> driver.stop(id, Duration.ofSeconds(1)));
    assertKind(TaskException.Kind.NOT_FOUND, () -> driver.inspect(id));
    assertKind(TaskException.Kind.NOT_FOUND, () -> driver.await(id, Duration.ofSeconds(1)));
    assertKind(TaskException.Kind.NOT_FOUND, () -> driver.stats(id));
    assertKind(TaskException.Kind.NOT_FOUND, () -> driver.logs(id, false, chunk -> {}, () -> {}));
    assertKind(TaskException.Kind.NOT_FOUND, () -> driver.exec(id, List.of("true"), null));
    assertKind(TaskException.Kind.NOT_FOUND, () -> driver.remove(id));
    assertKind(TaskException.Kind.NOT_FOUND, () -> driver.resume(id));
  }

  // --- idempotent start ---

  @Test
  void startingARunningTaskAgainReturnsItInsteadOfRunningItTwice() {
    String id = newTaskId();
    TaskSpec spec = spec(id, List.of("echo once", "sleep 60"), MEMORY_MB);
    TaskStatus first = start(spec);
    awaitStdout(id, "once");

    TaskStatus again = driver.start(spec);

    assertThat(again.state()).isEqualTo(TaskState.RUNNING);
    assertThat(again.startedAt()).isEqualTo(first.startedAt());
    assertThat(driver.recover()).filteredOn(s -> s.taskId().equals(id)).hasSize(1);
    driver.stop(id, Duration.ZERO);
    assertThat(logs(id).stdout()).isEqualTo("once\n");
  }

  @Test
  void startingAnEndedTaskAgainDoesNotRunItAgain() {
    String id = newTaskId();
    TaskSpec spec = spec(id, List.of("echo once"), MEMORY_MB);
    start(spec);
    TaskStatus done = driver.await(id, TIMEOUT);

    TaskStatus again = driver.start(spec);

    assertThat(again).isEqualTo(done);
    assertThat(logs(id).stdout()).isEqualTo("once\n");
  }

  @Test
  void concurrentStartsOfOneTaskRunItOnce() throws Exception {
    String id = newTaskId();
    TaskSpec spec = spec(id, List.of("echo once", "sleep 60"), MEMORY_MB);
    started.add(id);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<TaskStatus>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) results.add(pool.submit(() -> driver.start(spec)));
      List<TaskStatus> statuses = new ArrayList<>();
      for (Future<TaskStatus> r : results) statuses.add(r.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));

      assertThat(statuses).extracting(TaskStatus::startedAt).containsOnly(statuses.get(0).startedAt());
      assertThat(driver.recover()).filteredOn(s -> s.taskId().equals(id)).hasSize(1);
      awaitStdout(id, "once");
      driver.stop(id, Duration.ZERO);
      assertThat(logs(id).stdout()).isEqualTo("once\n");
    } finally {
      pool.shutdownNow();
    }
  }

  // --- resume ---

  @Test
  void resumeRunsAStoppedTaskAgainWithTheFilesItWrote() {
    // the first run writes a file in its working directory (a container: its own filesystem)
    String id = startScript("if [ -f kept ]; then echo \"again, kept: $(cat kept)\"; else echo written > kept; echo first; fi", "sleep 60");
    awaitStdout(id, "first");
    TaskStatus stopped = driver.stop(id, Duration.ZERO);
    assertThat(stopped.state()).isEqualTo(TaskState.EXITED);

    TaskStatus resumed = driver.resume(id);

    assertThat(resumed.taskId()).isEqualTo(id);
    assertThat(resumed.state()).isEqualTo(TaskState.RUNNING);
    assertThat(resumed.startedAt()).isAfter(stopped.startedAt());
    assertThat(resumed.exitCode()).isNull();
    assertThat(resumed.finishedAt()).isNull();
    awaitStdout(id, "again, kept: written");
    assertThat(driver.inspect(id)).isEqualTo(resumed);
    assertThat(exec(id, List.of("sh", "-c", "cat kept"), false).stdout()).isEqualTo("written\n");
    assertThat(driver.recover()).filteredOn(s -> s.taskId().equals(id)).hasSize(1);

    TaskStatus stoppedAgain = driver.stop(id, Duration.ZERO);
    assertThat(stoppedAgain.state()).isEqualTo(TaskState.EXITED);
    assertThat(stoppedAgain.startedAt()).isEqualTo(resumed.startedAt());
    assertThat(stoppedAgain.finishedAt()).isAfter(stopped.finishedAt());
    assertThat(logs(id).stdout()).isEqualTo("first\nagain, kept: written\n");
  }

  @Test
  void aResumedTaskEndsWithItsNewExitCodeAndTime() {
    String id = startScript("if [ -f ran ]; then exit 4; fi", ": > ran", "exit 3");
    TaskStatus first = driver.await(id, TIMEOUT);
    assertThat(first.exitCode()).isEqualTo(3);

    TaskStatus resumed = driver.resume(id);
    TaskStatus second = driver.await(id, TIMEOUT);

    assertThat(resumed.startedAt()).isAfter(first.startedAt()); // RUNNING, or already EXITED: it ends at once
    assertThat(second.state()).isEqualTo(TaskState.EXITED);
    assertThat(second.exitCode()).isEqualTo(4);
    assertThat(second.startedAt()).isEqualTo(resumed.startedAt());
    assertThat(second.finishedAt()).isAfterOrEqualTo(second.startedAt()).isAfter(first.finishedAt());
    assertThat(driver.inspect(id)).isEqualTo(second);
  }

  @Test
  void resumingARunningTaskReturnsItsStatusAndRunsNothingTwice() {
    String id = newTaskId();
    TaskStatus first = start(spec(id, List.of("echo once", "sleep 60"), MEMORY_MB));
    awaitStdout(id, "once");

    TaskStatus again = driver.resume(id);
    TaskStatus onceMore = driver.resume(id);

    assertThat(again.state()).isEqualTo(TaskState.RUNNING);
    assertThat(again.startedAt()).isEqualTo(first.startedAt());
    assertThat(onceMore).isEqualTo(again);
    driver.stop(id, Duration.ZERO);
    assertThat(logs(id).stdout()).isEqualTo("once\n");
  }

  // --- exec ---

  @Test
  void execRunsACommandInTheTask() {
    String id = startScript("sleep 60");

    ExecResult answer = exec(id, List.of("sh", "-c", "echo $((6*7))"), false);
    ExecResult failing = exec(id, List.of("sh", "-c", "echo oops >&2; exit 5"), false);

    assertThat(answer.stdout()).isEqualTo("42\n");
    assertThat(answer.exitCode()).isZero();
    assertThat(failing.stderr()).isEqualTo("oops\n");
    assertThat(failing.stdout()).isEmpty();
    assertThat(failing.exitCode()).isEqualTo(5);
  }

  @Test
  void execWithATtyRunsAnInteractiveShell() throws Exception {
    String id = startScript("sleep 60");

    try (ExecSession shell = driver.exec(id, List.of("sh"), TTY)) {
      Collector out = new Collector();
      Thread reader = pump(shell.stdout(), out::stdout);
      shell.stdin().write("echo hi$((1+2))\n".getBytes(StandardCharsets.UTF_8));
      shell.stdin().flush();
      eventually(() -> out.stdout().contains("hi3"), "the shell ran the command typed on its terminal");
      shell.stdin().write("exit 0\n".getBytes(StandardCharsets.UTF_8));
      shell.stdin().flush();

      assertThat(waitFor(shell)).isZero();
      reader.join(TIMEOUT.toMillis());
      assertThat(out.stdout()).contains("echo hi$((1+2))"); // the terminal echoed what was typed
    }
  }

  @Test
  void streamsIntoATaskThatIsNotRunningAreConflictsAndIntoAnUnknownOneNotFound() {
    String id = startScript("sleep 60");
    driver.stop(id, Duration.ZERO);

    assertKind(TaskException.Kind.CONFLICT, () -> driver.exec(id, List.of("true"), null));
    assertKind(TaskException.Kind.CONFLICT, () -> driver.files(id));
    assertKind(TaskException.Kind.CONFLICT, () -> driver.endpoint(id, 80));
    assertKind(TaskException.Kind.NOT_FOUND, () -> driver.files("ct-unknown-task"));
    assertKind(TaskException.Kind.NOT_FOUND, () -> driver.endpoint("ct-unknown-task", 80));
  }

  // --- bad input ---

  @Test
  void impossibleMemoryIsRefusedAndLeavesNothingBehind() {
    String id = newTaskId();
    TaskSpec base = spec(id, List.of("sleep 60"), MEMORY_MB);

    assertRefusedAndAbsent(withLimits(base, base.cpuMillis(), 1L << 24, 0)); // 16 TiB
  }

  @Test
  void moreCoresThanTheHostHasAreRefusedAndLeaveNothingBehind() {
    String id = newTaskId();
    TaskSpec base = spec(id, List.of("sleep 60"), MEMORY_MB);

    assertRefusedAndAbsent(withLimits(base, 1_024_000, base.memoryMb(), 0)); // 1024 cores
  }

  @Test
  void gpusTheHostCannotProvideAreRefusedAndLeaveNothingBehind() {
    TaskSpec base = spec(newTaskId(), List.of("sleep 60"), MEMORY_MB);

    assertRefusedAndAbsent(withLimits(base, base.cpuMillis(), base.memoryMb(), 64));
    if (!driver.capabilities().gpus()) {
      TaskSpec one = spec(newTaskId(), List.of("sleep 60"), MEMORY_MB);
      assertRefusedAndAbsent(withLimits(one, one.cpuMillis(), one.memoryMb(), 1));
    }
  }

  // --- remove ---

  @Test
  void removeOfARunningTaskIsRefusedAndLeavesItRunning() {
    String id = startScript("sleep 60");

    assertKind(TaskException.Kind.INVALID, () -> driver.remove(id));

    assertThat(driver.inspect(id).state()).isEqualTo(TaskState.RUNNING);
  }

  @Test
  void removeForgetsAnEndedTask() {
    String id = startScript("sleep 60");
    driver.stop(id, Duration.ZERO);

    driver.remove(id);

    assertKind(TaskException.Kind.NOT_FOUND, () -> driver.inspect(id));
    assertThat(driver.recover()).noneMatch(s -> s.taskId().equals(id));
  }

  // --- helpers, for the driver-specific tests too ---

  protected String newTaskId() {
    return "ct-" + UUID.randomUUID().toString().substring(0, 12);
  }

  /** Starts the spec and remembers it for removal after the test. */
  protected TaskStatus start(TaskSpec spec) {
    started.add(spec.taskId());
    return driver.start(spec);
  }

  protected String startScript(String... lines) {
    String id = newTaskId();
    start(spec(id, List.of(lines), MEMORY_MB));
    return id;
  }

  protected static TaskSpec withLimits(TaskSpec s, long cpuMillis, long memoryMb, int gpus) {
    return new TaskSpec(s.taskId(), s.bookingId(), s.image(), s.command(), s.env(), s.ports(), cpuMillis, memoryMb, s.storageGb(), gpus, s.gpuModel(), s.labels());
  }

  protected void assertRefusedAndAbsent(TaskSpec spec) {
    started.add(spec.taskId());
    assertKind(TaskException.Kind.INVALID, () -> driver.start(spec));
    assertKind(TaskException.Kind.NOT_FOUND, () -> driver.inspect(spec.taskId()));
    assertThat(driver.recover()).noneMatch(s -> s.taskId().equals(spec.taskId()));
  }

  protected static void assertKind(TaskException.Kind kind, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(TaskException.class, e -> assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind));
  }

  /** Everything the task wrote so far (no follow), waiting for {@code onEnd}. */
  protected Output logs(String taskId) {
    Collector c = new Collector();
    CountDownLatch ended = new CountDownLatch(1);
    Closeable handle = driver.logs(taskId, false, c, ended::countDown);
    try {
      if (!ended.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) fail("logs without follow did not end");
      handle.close();
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
    return new Output(c.stdout(), c.stderr());
  }

  protected void awaitStdout(String taskId, String needle) {
    eventually(() -> logs(taskId).stdout().contains(needle), "stdout of " + taskId + " contains '" + needle + "'");
  }

  protected static void eventually(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) fail("timed out waiting until " + what);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  protected ExecResult exec(String taskId, List<String> command, boolean tty) {
    try (ExecSession session = driver.exec(taskId, command, tty ? TTY : null)) {
      session.stdin().close();
      Collector c = new Collector();
      Thread out = pump(session.stdout(), c::stdout);
      Thread err = pump(session.stderr(), c::stderr);
      int code = waitFor(session);
      out.join(TIMEOUT.toMillis());
      err.join(TIMEOUT.toMillis());
      return new ExecResult(code, c.stdout(), c.stderr());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  protected static int waitFor(ExecSession session) {
    ExecutorService waiter = Executors.newVirtualThreadPerTaskExecutor();
    try {
      return waiter.submit(session::waitFor).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("exec did not end", e);
    } finally {
      waiter.shutdownNow(); // not close(): it would wait for a hung waitFor
    }
  }

  private static Thread pump(InputStream in, Consumer<byte[]> sink) {
    return Thread.ofVirtual().start(() -> {
      byte[] buf = new byte[8192];
      try (in) {
        for (int n; (n = in.read(buf)) >= 0; ) sink.accept(Arrays.copyOf(buf, n));
      } catch (IOException e) {
        // the session was closed
      }
    });
  }

  protected record Output(String stdout, String stderr) {}

  protected record ExecResult(int exitCode, String stdout, String stderr) {}

  /** Collects log chunks (and pumped bytes) per stream; safe to read while being written. */
  protected static final class Collector implements Consumer<LogChunk> {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Override
    public synchronized void accept(LogChunk chunk) {
      (chunk.stream() == LogChunk.Stream.STDOUT ? out : err).writeBytes(chunk.data());
    }

    synchronized void stdout(byte[] bytes) { out.writeBytes(bytes); }

    synchronized void stderr(byte[] bytes) { err.writeBytes(bytes); }

    public synchronized String stdout() { return out.toString(StandardCharsets.UTF_8); }

    public synchronized String stderr() { return err.toString(StandardCharsets.UTF_8); }
  }
}

package io.respool.hostworker.task.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.hostworker.task.Capabilities;
import io.respool.hostworker.task.ExecSession;
import io.respool.hostworker.task.TaskDriver;
import io.respool.hostworker.task.TaskDriverContract;
import io.respool.hostworker.task.TaskException;
import io.respool.protocol.task.TaskSpec;
import io.respool.protocol.task.TaskState;
import io.respool.protocol.task.TaskStatus;
import io.respool.hostworker.task.process.ProcFs.ProcessId;
import io.respool.hostworker.task.process.TaskFiles.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on this host's process driver (with the cgroups it may write), plus what only it does. */
class ProcessTaskDriverTest extends TaskDriverContract {
  @TempDir Path tasks;

  @Override
  protected TaskDriver driver() {
    return new ProcessTaskDriver(tasks);
  }

  @Override
  protected TaskSpec spec(String taskId, List<String> script, long memoryMb) {
    return shellSpec(taskId, script, memoryMb);
  }

  static TaskSpec shellSpec(String taskId, List<String> script, long memoryMb) {
    return new TaskSpec(taskId, "bk-" + taskId, null, List.of("/bin/sh", "-c", String.join("\n", script)), Map.of(), List.of(), 1000, memoryMb, 0, 0, null, Map.of());
  }

  @Test
  void capabilitiesSayWhatThisHostEnforces() {
    Capabilities caps = driver.capabilities();

    assertThat(caps.driver()).isEqualTo("process");
    assertThat(caps.containers()).isFalse();
    assertThat(caps.gpus()).isFalse();
    assertThat(caps.memoryLimit()).isEqualTo(writableCgroup("memory"));
    assertThat(caps.cpuLimit()).isEqualTo(writableCgroup("cpu"));
    assertThat(caps.notes()).anyMatch(n -> n.startsWith("not a container")).anyMatch(n -> n.startsWith("ports are not published"));
  }

  @Test
  void theTaskRunsInItsOwnCgroupsWithTheSpecsLimitsWhichGoWhenItEnds() throws IOException {
    assumeCgroups();
    String id = newTaskId();
    TaskSpec base = spec(id, List.of("cat /proc/self/cgroup", "sleep 60"), 64);
    start(withLimits(base, 500, 64, 0));
    awaitStdout(id, "memory:");
    Path memory = cgroupOf(logs(id).stdout(), "memory");
    Path cpu = cgroupOf(logs(id).stdout(), "cpu");

    assertThat(memory.getFileName().toString()).startsWith("respool-" + id + "-");
    assertThat(Files.readString(memory.resolve("memory.limit_in_bytes")).strip()).isEqualTo(Long.toString(64L << 20));
    assertThat(Files.readString(cpu.resolve("cpu.cfs_quota_us")).strip()).isEqualTo(Long.toString(Long.parseLong(Files.readString(cpu.resolve("cpu.cfs_period_us")).strip()) / 2));
    driver.stop(id, Duration.ZERO);
    assertThat(memory).doesNotExist();
    assertThat(cpu).doesNotExist();
  }

  @Test
  void onlyTheSpecsEnvironmentAndPathReachTheTaskAndExecInItsWorkingDirectory() throws IOException {
    String id = newTaskId();
    TaskSpec base = spec(id, List.of("pwd", "env", "sleep 60"), MEMORY_MB);
    start(new TaskSpec(id, base.bookingId(), null, base.command(), Map.of("GREETING", "hello world"), List.of(), 1000, MEMORY_MB, 0, 0, null, Map.of()));
    awaitStdout(id, "GREETING=");
    Path work = tasks.resolve(id).resolve("work").toRealPath();

    List<String> lines = logs(id).stdout().lines().toList();
    ExecResult exec = exec(id, List.of("sh", "-c", "pwd; echo \"$GREETING\""), false);

    assertThat(lines.get(0)).isEqualTo(work.toString());
    assertThat(lines.subList(1, lines.size())).extracting(l -> l.substring(0, l.indexOf('=')))
        .containsExactlyInAnyOrder("GREETING", "PATH", "PWD"); // sh adds PWD; nothing of the worker's
    assertThat(lines).contains("GREETING=hello world");
    assertThat(exec.stdout()).isEqualTo(work + "\nhello world\n");
  }

  @Test
  void aTtyExecIsARealTerminalInTheTasksDirectoryEnvironmentAndCgroups() throws Exception {
    String id = newTaskId();
    TaskSpec base = spec(id, List.of("cat /proc/self/cgroup", "sleep 60"), MEMORY_MB);
    start(new TaskSpec(id, base.bookingId(), null, base.command(), Map.of("GREETING", "hello"), List.of(), 1000, MEMORY_MB, 0, 0, null, Map.of()));
    awaitStdout(id, "cpu");
    Path work = tasks.resolve(id).resolve("work").toRealPath();

    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (ExecSession tty = driver.exec(id, List.of("sh", "-c", "pwd; echo \"$GREETING $TERM\"; tty; stty size; cat /proc/self/cgroup"),
        new ExecSession.Terminal("vt100", 120, 33))) {
      byte[] buf = new byte[4096];
      try {
        for (int n; (n = tty.stdout().read(buf)) >= 0; ) bytes.write(buf, 0, n);
      } catch (IOException e) {
        // a terminal whose last holder exited may end with EIO rather than end-of-file
      }
      assertThat(tty.waitFor()).isZero();
    }
    String out = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);

    assertThat(out).contains(work + "\r\n").contains("hello vt100\r\n").containsPattern("/dev/pts/\\d+\r\n").contains("33 120\r\n");
    if (driver.capabilities().memoryLimit()) {
      assertThat(out).contains(cgroupOf(logs(id).stdout(), "memory").getFileName().toString()); // the task's memory cgroup
    }
  }

  @Test
  void aResumedTaskRunsInNewCgroupsWithTheSameLimitsInTheSameDirectory() throws IOException {
    assumeCgroups();
    String id = newTaskId();
    TaskSpec base = spec(id, List.of("echo start", "pwd", "cat /proc/self/cgroup", "sleep 60"), 64);
    start(withLimits(base, 500, 64, 0));
    awaitStdout(id, "memory:");
    Path firstMemory = cgroupOf(logs(id).stdout(), "memory");
    driver.stop(id, Duration.ZERO);
    assertThat(firstMemory).doesNotExist();

    driver.resume(id);
    eventually(() -> runOf(logs(id).stdout(), 2).contains("memory:"), "the second run lists its cgroups");

    String second = runOf(logs(id).stdout(), 2);
    Path memory = cgroupOf(second, "memory");
    Path cpu = cgroupOf(second, "cpu");
    assertThat(memory).isNotEqualTo(firstMemory);
    assertThat(memory.getFileName().toString()).startsWith("respool-" + id + "-");
    assertThat(Files.readString(memory.resolve("memory.limit_in_bytes")).strip()).isEqualTo(Long.toString(64L << 20));
    assertThat(Files.readString(cpu.resolve("cpu.cfs_quota_us")).strip()).isEqualTo(Long.toString(Long.parseLong(Files.readString(cpu.resolve("cpu.cfs_period_us")).strip()) / 2));
    assertThat(second.lines().findFirst().orElseThrow()).isEqualTo(tasks.resolve(id).resolve("work").toRealPath().toString());
    driver.stop(id, Duration.ZERO);
    assertThat(memory).doesNotExist();
  }

  @Test
  void whatATaskLeavesRunningIsKilledWhenItEnds() {
    String id = startScript("sleep 1000 &", "echo $!");
    assertThat(driver.await(id, TIMEOUT).exitCode()).isZero();
    long orphan = Long.parseLong(logs(id).stdout().strip());

    ProcFs proc = new ProcFs(Path.of("/proc"));
    eventually(() -> proc.stat(orphan).map(ProcFs.Stat::zombie).orElse(true), "the task's background sleep is gone");
  }

  @Test
  void aNewDriverOverTheSameHomeRecoversRunningAndEndedTasks() throws Exception {
    String running = startScript("echo up", "sleep 60");
    String ending = startScript("sleep 1", "echo done", "exit 7");
    awaitStdout(running, "up");
    driver.close(); // the worker goes away; its tasks do not
    Path taskDir = tasks.resolve(ending);
    eventually(() -> Files.exists(taskDir.resolve("exit")), "the wrapper records the exit code with no driver around");
    assertThat(taskDir.resolve("result.properties")).doesNotExist();

    ProcessTaskDriver restarted = new ProcessTaskDriver(tasks);
    List<TaskStatus> found = restarted.recover();

    assertThat(found).extracting(TaskStatus::taskId).containsExactlyInAnyOrder(running, ending);
    TaskStatus ended = found.stream().filter(s -> s.taskId().equals(ending)).findFirst().orElseThrow();
    assertThat(ended.state()).isEqualTo(TaskState.EXITED);
    assertThat(ended.exitCode()).isEqualTo(7);
    assertThat(found.stream().filter(s -> s.taskId().equals(running)).findFirst().orElseThrow().state()).isEqualTo(TaskState.RUNNING);
    TaskStatus stopped = restarted.stop(running, Duration.ofSeconds(10));
    assertThat(stopped.state()).isEqualTo(TaskState.EXITED);
    assertThat(stopped.exitCode()).isEqualTo(143); // sh has no TERM handler: killed by SIGTERM
    assertThat(stopped.reason()).startsWith("stopped");
    driver = restarted;
    assertThat(logs(ending).stdout()).isEqualTo("done\n");
    restarted.close();
  }

  @Test
  void aReusedPidIsNeitherTakenForTheTaskNorKilled() throws Exception {
    String id = startScript("exit 0");
    driver.await(id, TIMEOUT);
    // an unrelated session leader now holds a pid the task's record names, with another start time
    Process impostor = new ProcessBuilder("setsid", "sleep", "60").start();
    try {
      ProcFs proc = new ProcFs(Path.of("/proc"));
      ProcFs.Stat stat = waitForStat(proc, impostor.pid());
      assertThat(stat.sid()).isEqualTo(impostor.pid());
      ProcessId stale = new ProcessId(impostor.pid(), stat.startTicks() - 1, proc.bootId());
      TaskFiles files = new TaskFiles(tasks.resolve(id));
      files.writeRun(new Run(stale, stale, files.readRun().orElseThrow().startedAt()));
      Files.delete(files.exitFile());
      Files.delete(files.dir().resolve("result.properties"));

      TaskStatus status = driver.inspect(id);
      driver.stop(id, Duration.ZERO);
      driver.remove(id);

      assertThat(status.state()).isEqualTo(TaskState.FAILED);
      assertThat(status.reason()).contains("exit code is lost");
      assertThat(impostor.isAlive()).isTrue();
    } finally {
      impostor.destroyForcibly();
    }
  }

  @Test
  void removeDeletesTheTaskDirectory() {
    String id = startScript("echo bye > file-in-work-dir");
    driver.await(id, TIMEOUT);
    Path dir = tasks.resolve(id);
    assertThat(dir.resolve("work/file-in-work-dir")).exists();

    driver.remove(id);

    assertThat(dir).doesNotExist();
  }

  @Test
  void specsThisDriverCannotRunAreRefused() {
    TaskSpec base = spec(newTaskId(), List.of("true"), MEMORY_MB);

    for (TaskSpec bad : List.of(
        new TaskSpec(newTaskId(), "b", null, List.of(), Map.of(), List.of(), 1000, 64, 0, 0, null, Map.of()),
        new TaskSpec(newTaskId(), "b", null, List.of("no-such-program-here"), Map.of(), List.of(), 1000, 64, 0, 0, null, Map.of()),
        new TaskSpec(newTaskId(), "b", null, List.of("bin/sh"), Map.of(), List.of(), 1000, 64, 0, 0, null, Map.of()),
        new TaskSpec(newTaskId(), "b", null, base.command(), Map.of(), List.of(8080), 1000, 64, 0, 0, null, Map.of()),
        new TaskSpec(newTaskId(), "b", null, base.command(), Map.of(), List.of(), 1000, 64, 1L << 20, 0, null, Map.of()))) {
      assertRefusedAndAbsent(bad);
    }
    assertKind(TaskException.Kind.NOT_FOUND, () -> driver.inspect("../" + base.taskId()));
  }

  // --- helpers ---

  private static ProcFs.Stat waitForStat(ProcFs proc, long pid) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      // setsid has exec'd sleep once the process leads its session
      Optional<ProcFs.Stat> stat = proc.stat(pid).filter(s -> s.sid() == pid);
      if (stat.isPresent()) return stat.get();
      Thread.onSpinWait();
    }
    throw new AssertionError("no process " + pid);
  }

  private void assumeCgroups() {
    org.junit.jupiter.api.Assumptions.assumeTrue(driver.capabilities().memoryLimit() && driver.capabilities().cpuLimit(), "no writable cgroups here");
  }

  /** What the n-th run (1-based) of a task that prints "start" first wrote after it. */
  private static String runOf(String stdout, int n) {
    String[] runs = stdout.split("start\n", -1);
    return runs.length > n ? runs[n] : "";
  }

  /** The directory of {@code controller}'s cgroup in a {@code /proc/<pid>/cgroup} listing. */
  private static Path cgroupOf(String procCgroup, String controller) {
    for (String line : procCgroup.lines().toList()) {
      String[] f = line.split(":", 3);
      if (f.length == 3 && List.of(f[1].split(",")).contains(controller)) return Path.of("/sys/fs/cgroup/" + f[1] + f[2]);
    }
    throw new AssertionError("no " + controller + " cgroup in " + procCgroup);
  }

  /** Checked independently of the driver: can this process create a cgroup under its own? */
  private static boolean writableCgroup(String controller) {
    try {
      Path own = cgroupOf(Files.readString(Path.of("/proc/self/cgroup")), controller);
      Path probe = own.resolve("test-probe-" + System.nanoTime());
      Files.createDirectory(probe);
      Files.delete(probe);
      return true;
    } catch (IOException | AssertionError e) {
      return false;
    }
  }
}

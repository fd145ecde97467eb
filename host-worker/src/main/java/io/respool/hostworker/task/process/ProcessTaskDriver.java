package io.respool.hostworker.task.process;

import com.pty4j.PtyProcessBuilder;
import io.respool.hostworker.files.ConfinedRoot;
import io.respool.hostworker.task.Capabilities;
import io.respool.hostworker.task.ExecSession;
import io.respool.hostworker.task.LogChunk;
import io.respool.hostworker.task.TaskDriver;
import io.respool.hostworker.task.TaskException;
import io.respool.hostworker.task.TaskException.Kind;
import io.respool.protocol.task.TaskSpec;
import io.respool.protocol.task.TaskState;
import io.respool.hostworker.task.TaskStats;
import io.respool.protocol.task.TaskStatus;
import io.respool.hostworker.task.process.ProcFs.ProcessId;
import io.respool.hostworker.task.process.TaskFiles.Result;
import io.respool.hostworker.task.process.TaskFiles.Run;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks as plain host processes, for hosts without Docker. Each task gets a directory
 * {@code <tasks>/<taskId>/} (see {@link TaskFiles}), {@code <tasks>} normally being
 * {@code <home>/tasks}, runs its {@code command} (an argv; there is
 * no image to supply a default, so an empty command is refused) in {@code work/} there, in a session
 * of its own, with only the spec's environment plus {@code PATH}, its output in files. Limits come
 * from cgroup v1 where this host lets the worker write them, else memory falls back to RLIMIT_AS;
 * {@link #capabilities()} says which, and what is not isolated at all.
 *
 * <p>Each task runs under a small {@code sh} wrapper in its own session that records the exit code,
 * so a worker that restarts finds running tasks (by pid, start time and boot id, never a reused pid)
 * and ended ones with their exit code. Tasks outlive the driver: {@link #close()} leaves them running.
 */
public final class ProcessTaskDriver implements TaskDriver {
  private static final Logger log = LoggerFactory.getLogger(ProcessTaskDriver.class);
  private static final String SH = "/bin/sh";
  private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
  private static final long POLL_MILLIS = 20;

  /**
   * The wrapper, run in a session of its own: starts the launcher in the background (setsid gives
   * the task a session of its own, so stop signals reach the task and never the wrapper), waits
   * for it and writes its exit status, 128 + signal when killed. It stays out of the task's cgroups,
   * so an OOM kill picks a task process and the exit code is still written.
   */
  private static final String WRAPPER = """
      "$@" &
      wait $!
      echo $? > ../exit.tmp && mv ../exit.tmp ../exit
      """;

  /**
   * The task's (and each exec's) last step before the command: join the task's cgroups ($1,
   * colon-separated), cap the address space when no memory cgroup does ($2, KiB), write its pid
   * ($3) — all before exec, so the command never runs outside its limits.
   */
  private static final String LAUNCHER = """
      IFS=:
      for c in $1; do echo $$ > "$c/cgroup.procs" || exit 125; done
      unset IFS
      if [ -n "$2" ]; then ulimit -v "$2" || exit 125; fi
      if [ -n "$3" ]; then echo $$ > "$3"; fi
      shift 3
      exec "$@"
      """;

  /** Sets the terminal's size ($1 columns, $2 rows) before the command runs; a host without stty keeps pty4j's later resize. */
  private static final String TTY_SIZE = """
      stty cols "$1" rows "$2" 2>/dev/null
      shift 2
      exec "$@"
      """;

  private final Path tasks;
  private final Cgroups cgroups;
  private final ProcFs proc;
  private final Clock clock;
  private final String setsid;
  /** {@code env --default-signal}: undoes the SIGINT/SIGQUIT ignoring sh imposes on background jobs. */
  private final List<String> resetSignals;
  private final int cores;
  private final long memTotal;
  private final Capabilities capabilities;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final Map<String, Set<ProcessExecSession>> sessions = new ConcurrentHashMap<>();
  private final Set<LogTail> tails = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** A driver keeping one directory per task in {@code tasks}, with the cgroups this host lets it write. */
  public ProcessTaskDriver(Path tasks) {
    this(tasks, Cgroups.detect(Path.of("/proc")), new ProcFs(Path.of("/proc")), Clock.systemUTC());
  }

  ProcessTaskDriver(Path tasks, Cgroups cgroups, ProcFs proc, Clock clock) {
    this.tasks = tasks;
    this.cgroups = cgroups;
    this.proc = proc;
    this.clock = clock;
    try {
      Files.createDirectories(tasks);
    } catch (IOException e) {
      throw new TaskException(Kind.UNAVAILABLE, "cannot create " + tasks + ": " + e.getMessage(), e);
    }
    this.setsid = which("setsid").orElseThrow(() -> new TaskException(Kind.UNAVAILABLE, "the process driver needs setsid (util-linux) on PATH"));
    this.resetSignals = which("env").filter(ProcessTaskDriver::resetsSignals).map(env -> List.of(env, "--default-signal")).orElse(List.of());
    this.cores = Runtime.getRuntime().availableProcessors();
    this.memTotal = proc.memTotalBytes();
    this.capabilities = describe(proc.swapTotalBytes());
  }

  @Override
  public Capabilities capabilities() {
    return capabilities;
  }

  @Override
  public TaskStatus start(TaskSpec spec) {
    validate(spec);
    synchronized (lock(spec.taskId())) {
      TaskFiles files = taskFiles(spec.taskId());
      if (files.exists()) return status(files); // idempotent: the task already started once
      return launch(spec, files, false);
    }
  }

  /**
   * Runs an ended task's command again in the same directory, so what it wrote in {@code work/}
   * is still there, with the same spec, limits (new cgroups) and environment; its output is
   * appended to the same files.
   */
  @Override
  public TaskStatus resume(String taskId) {
    checkId(taskId);
    synchronized (lock(taskId)) {
      TaskFiles files = existing(taskId);
      TaskStatus now = status(files);
      if (!now.state().isFinal()) return now;
      return launch(files.readSpec(), files, true);
    }
  }

  @Override
  public TaskStatus stop(String taskId, Duration grace) {
    TaskStatus now = inspect(taskId);
    if (now.state().isFinal()) return now;
    TaskFiles files = taskFiles(taskId);
    Optional<Run> recorded = files.readRun();
    if (recorded.isEmpty()) return inspect(taskId); // removed meanwhile: NOT_FOUND
    Run run = recorded.get();
    ProcessId task = taskProcess(files, run);
    TaskCgroups cg = files.readCgroups();
    try {
      files.markStopping();
    } catch (IOException e) {
      throw new TaskException(Kind.UNAVAILABLE, "cannot record the stop of " + taskId + ": " + e.getMessage(), e);
    }
    if (grace.isPositive()) {
      signal(members(cg, task), ProcessHandle::destroy); // SIGTERM
      awaitEnd(files, run, task, grace);
    }
    if (!ended(files, run, task)) {
      killAll(cg, task);
      awaitEnd(files, run, task, KILL_TIMEOUT);
    }
    return inspect(taskId);
  }

  @Override
  public TaskStatus inspect(String taskId) {
    checkId(taskId);
    synchronized (lock(taskId)) {
      return status(existing(taskId));
    }
  }

  @Override
  public TaskStatus await(String taskId, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      TaskStatus status = inspect(taskId);
      long left = deadline - System.nanoTime();
      if (status.state().isFinal() || left <= 0) return status;
      pause(Math.min(POLL_MILLIS, TimeUnit.NANOSECONDS.toMillis(left) + 1));
    }
  }

  @Override
  public TaskStats stats(String taskId) {
    TaskStatus status = inspect(taskId);
    TaskFiles files = taskFiles(taskId);
    TaskCgroups cg = files.readCgroups();
    long limit = cg.memory() != null ? files.readSpec().memoryMb() * MIB : 0; // only a cgroup caps the whole task
    if (status.state().isFinal()) {
      double cpu = files.readResult().map(Result::cpuSeconds).orElse(0.0);
      return new TaskStats(taskId, cpu, 0, limit, 0, 0, 0, 0);
    }
    ProcessId task = files.readRun().map(run -> taskProcess(files, run)).orElse(null);
    List<ProcFs.Stat> session = proc.sessionOf(task);
    double cpu = cg.cpuSeconds();
    if (cpu < 0) cpu = session.stream().mapToLong(ProcFs.Stat::cpuTicks).sum() / ProcFs.TICKS_PER_SECOND;
    Set<Long> pids = members(cg, task);
    long memory = cg.memoryBytes();
    if (memory < 0) memory = pids.stream().mapToLong(proc::rssBytes).sum();
    long read = 0;
    long written = 0;
    for (long pid : pids) {
      long[] io = proc.io(pid);
      read += io[0];
      written += io[1];
    }
    return new TaskStats(taskId, cpu, memory, limit, 0, 0, read, written); // no network namespace: traffic is not attributable
  }

  @Override
  public Closeable logs(String taskId, boolean follow, Consumer<LogChunk> sink, Runnable onEnd) {
    inspect(taskId); // NOT_FOUND for an unknown task, before any thread starts
    TaskFiles files = taskFiles(taskId);
    LogTail tail = new LogTail(files.stdout(), files.stderr(), follow, () -> endedOrGone(taskId), sink, onEnd);
    tails.add(tail);
    Thread.ofVirtual().name("respool-logs-" + taskId).start(() -> {
      try {
        tail.run();
      } finally {
        tails.remove(tail);
      }
    });
    return tail;
  }

  @Override
  public ExecSession exec(String taskId, List<String> command, ExecSession.Terminal terminal) {
    TaskStatus status = inspect(taskId);
    if (command == null || command.isEmpty()) throw new TaskException(Kind.INVALID, "exec needs a command");
    if (status.state() != TaskState.RUNNING) throw new TaskException(Kind.CONFLICT, "task " + taskId + " is not running");
    TaskFiles files = taskFiles(taskId);
    TaskSpec spec = files.readSpec();
    TaskCgroups cg = files.readCgroups();
    // the launcher puts the command into the task's cgroups (or under its rlimit) before exec-ing it
    List<String> argv = new ArrayList<>(List.of(SH, "-c", LAUNCHER, "respool-exec", joined(cg), rlimitKib(spec, cg), ""));
    argv.addAll(command);
    try {
      Process process;
      if (terminal != null) {
        Map<String, String> env = processIn(files, spec, argv).environment();
        env.put("TERM", terminal.term());
        // pty4j sizes the terminal only after the child started: a command reading its size at
        // once (stty size, a TUI) would see 0x0, so the size is set on the terminal first
        List<String> sized = new ArrayList<>(List.of(SH, "-c", TTY_SIZE, "respool-tty", Integer.toString(terminal.columns()), Integer.toString(terminal.rows())));
        sized.addAll(argv);
        process = new PtyProcessBuilder(sized.toArray(String[]::new))
            .setDirectory(files.work().toString())
            .setEnvironment(env)
            .setInitialColumns(terminal.columns())
            .setInitialRows(terminal.rows())
            .setConsole(false)
            // keep the terminal readable after the command exits, so its last output is not lost
            .setUnixOpenTtyToPreserveOutputAfterTermination(true)
            .start();
      } else {
        process = processIn(files, spec, argv).start();
      }
      Set<ProcessExecSession> open = sessions.computeIfAbsent(taskId, k -> ConcurrentHashMap.newKeySet());
      ProcessExecSession session = new ProcessExecSession(process, open::remove);
      open.add(session);
      process.onExit().thenRun(() -> open.remove(session));
      return session;
    } catch (IOException e) {
      throw new TaskException(Kind.UNAVAILABLE, "cannot run exec in " + taskId + ": " + e.getMessage(), e);
    }
  }

  /** The task's working directory: a process task's files are what it has there. */
  @Override
  public ConfinedRoot files(String taskId) {
    requireRunning(taskId);
    try {
      return ConfinedRoot.open(taskFiles(taskId).work());
    } catch (IOException e) {
      throw new TaskException(Kind.UNAVAILABLE, "cannot open the files of " + taskId + ": " + e.getMessage(), e);
    }
  }

  /** Loopback: a process task shares the host's network. */
  @Override
  public InetSocketAddress endpoint(String taskId, int port) {
    requireRunning(taskId);
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  private void requireRunning(String taskId) {
    if (inspect(taskId).state() != TaskState.RUNNING) throw new TaskException(Kind.CONFLICT, "task " + taskId + " is not running");
  }

  @Override
  public List<TaskStatus> recover() {
    List<String> ids;
    try (Stream<Path> dirs = Files.list(tasks)) {
      ids = dirs.map(p -> p.getFileName().toString()).filter(id -> TASK_ID.matcher(id).matches()).sorted().toList();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new TaskException(Kind.UNAVAILABLE, "cannot list " + tasks + ": " + e.getMessage(), e);
    }
    List<TaskStatus> found = new ArrayList<>();
    for (String id : ids) {
      try {
        found.add(inspect(id));
      } catch (TaskException e) {
        if (e.kind() != Kind.NOT_FOUND) throw e; // NOT_FOUND: a directory without a spec, not a task
      } catch (RuntimeException e) {
        log.warn("task directory {} is unreadable, skipped: {}", taskFiles(id).dir(), e.toString());
      }
    }
    return found;
  }

  /** Refuses a running task (stop it first), like {@code docker rm} without force. */
  @Override
  public void remove(String taskId) {
    checkId(taskId);
    synchronized (lock(taskId)) {
      TaskFiles files = existing(taskId);
      if (!status(files).state().isFinal()) throw new TaskException(Kind.INVALID, "task " + taskId + " is running: stop it before removing it");
      files.readCgroups().remove();
      try {
        files.delete();
      } catch (IOException e) {
        throw new TaskException(Kind.UNAVAILABLE, "cannot delete " + files.dir() + ": " + e.getMessage(), e);
      }
    }
    sessions.remove(taskId);
  }

  /** Ends log streams and exec sessions; tasks keep running for the next driver to recover. */
  @Override
  public void close() {
    closed = true;
    tails.forEach(LogTail::close);
    sessions.values().forEach(open -> List.copyOf(open).forEach(ProcessExecSession::close));
  }

  // --- starting ---

  private void validate(TaskSpec spec) {
    if (spec.command().isEmpty()) throw invalid("the process driver needs a command: it has no image to take a default from");
    if (spec.gpus() > 0) throw invalid("the process driver cannot give a task GPUs (asked for " + spec.gpus() + ")");
    if (!spec.ports().isEmpty()) throw invalid("the process driver cannot publish ports " + spec.ports() + ": a task shares the host's network");
    if (spec.cpuMillis() > cores * 1000L) throw invalid("asked for " + spec.cpuMillis() / 1000.0 + " cores; this host has " + cores);
    if (spec.memoryMb() * MIB > memTotal) throw invalid("asked for " + spec.memoryMb() + " MiB of memory; this host has " + memTotal / MIB + " MiB");
    try {
      long usable = Files.getFileStore(tasks).getUsableSpace();
      if (spec.storageGb() * GIB > usable) throw invalid("asked for " + spec.storageGb() + " GiB of storage; " + usable / GIB + " GiB are free");
    } catch (IOException e) {
      throw new TaskException(Kind.UNAVAILABLE, "cannot read the free space of " + tasks + ": " + e.getMessage(), e);
    }
    String program = spec.command().get(0);
    if (program.contains("=")) throw invalid("the command '" + program + "' must not contain '='"); // env(1) would take it for a variable
    if (!executable(program, spec.env().getOrDefault("PATH", DEFAULT_PATH))) {
      throw invalid("'" + program + "' is not an absolute path to an executable nor an executable on the task's PATH");
    }
  }

  /**
   * Starts the task's wrapper. A first start that fails leaves nothing behind; a resume that fails
   * keeps the task's directory (its data) and records the task as FAILED, so it can be resumed again.
   */
  private TaskStatus launch(TaskSpec spec, TaskFiles files, boolean resuming) {
    TaskCgroups cg = cgroups.plan("respool-" + spec.taskId() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24)));
    Process wrapper = null;
    try {
      Files.createDirectories(files.work());
      files.writeSpec(spec, cg); // before the cgroups exist, so a crash right after still names them
      // the last run's records go (its result last: a crash in between leaves a task that reads
      // as ended, and may be resumed again)
      if (resuming) files.clearRun();
      cg.create(spec.memoryMb() * MIB, spec.cpuMillis());
      List<String> command = new ArrayList<>(List.of(setsid, SH, "-c", WRAPPER, "respool-wrapper",
          setsid, SH, "-c", LAUNCHER, "respool-task", joined(cg), rlimitKib(spec, cg), "../pid"));
      command.addAll(resetSignals);
      command.addAll(spec.command());
      ProcessBuilder builder = processIn(files, spec, command)
          .redirectInput(Redirect.from(new File("/dev/null")))
          .redirectOutput(Redirect.appendTo(files.stdout().toFile()))
          .redirectError(Redirect.appendTo(files.stderr().toFile()));
      Instant startedAt = clock.instant(); // taken first, so it never comes after the exit time
      wrapper = builder.start();
      ProcessId wrapperId = proc.identify(wrapper.pid()).orElse(new ProcessId(wrapper.pid(), -1, proc.bootId()));
      files.writeRun(new Run(wrapperId, null, startedAt));
      long pid = awaitPid(files, wrapper);
      ProcessId taskId = proc.identify(pid).orElse(new ProcessId(pid, -1, proc.bootId()));
      files.writeRun(new Run(wrapperId, taskId, startedAt));
      wrapper.onExit().thenRunAsync(() -> settle(spec.taskId()), r -> Thread.ofVirtual().start(r));
      log.info("task {} (booking {}) {} as pid {}", spec.taskId(), spec.bookingId(), resuming ? "resumed" : "started", pid);
      return status(files);
    } catch (IOException | RuntimeException e) {
      // a failed start leaves nothing behind; a failed resume leaves the task, ended, with its data
      if (wrapper != null) {
        wrapper.descendants().forEach(ProcessHandle::destroyForcibly);
        wrapper.destroyForcibly();
      }
      killAll(cg, null);
      cg.remove();
      try {
        if (resuming) files.writeResult(new Result(TaskState.FAILED, null, false, "could not resume: " + e.getMessage(), clock.instant(), 0));
        else files.delete();
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      if (e instanceof TaskException te) throw te;
      throw new TaskException(Kind.UNAVAILABLE, "could not " + (resuming ? "resume" : "start") + " task " + spec.taskId() + ": " + e.getMessage(), e);
    }
  }

  private long awaitPid(TaskFiles files, Process wrapper) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      Optional<Long> pid = files.readPid();
      if (pid.isPresent()) return pid.get();
      if (!wrapper.isAlive() && files.readPid().isEmpty()) {
        throw new TaskException(Kind.UNAVAILABLE, "the task's launcher failed: " + tail(files.stderr()));
      }
      if (System.nanoTime() > deadline) throw new TaskException(Kind.UNAVAILABLE, "the task did not start within " + START_TIMEOUT.toSeconds() + " s");
      pause(5);
    }
  }

  private ProcessBuilder processIn(TaskFiles files, TaskSpec spec, List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(files.work().toFile());
    Map<String, String> env = builder.environment();
    env.clear(); // the worker's environment (credentials, tokens) is none of the task's business
    env.putAll(spec.env());
    env.putIfAbsent("PATH", DEFAULT_PATH);
    return builder;
  }

  // --- status ---

  /** The task's status; settles it if it ended. Callers hold the task's lock. */
  private TaskStatus status(TaskFiles files) {
    TaskSpec spec = files.readSpec();
    Optional<Run> run = files.readRun();
    Instant startedAt = run.map(Run::startedAt).orElse(null);
    Optional<Result> result = files.readResult();
    if (result.isEmpty()) {
      Optional<Integer> exit = files.readExit();
      if (exit.isEmpty() && run.isPresent() && (proc.alive(run.get().wrapper()) || proc.alive(taskProcess(files, run.get())))) {
        return new TaskStatus(spec.taskId(), spec.bookingId(), TaskState.RUNNING, null, false, null, Map.of(), startedAt, null);
      }
      if (exit.isEmpty()) exit = files.readExit(); // the wrapper may have written it after the first read, then exited
      result = Optional.of(settle(files, spec, run, exit));
    }
    Result r = result.get();
    return new TaskStatus(spec.taskId(), spec.bookingId(), r.state(), r.exitCode(), r.oomKilled(), r.reason(), Map.of(), startedAt, r.finishedAt());
  }

  /**
   * Records how an ended task ended, after killing what it left running (a task ends with its
   * main process, as a container does) and removing its cgroups.
   */
  private Result settle(TaskFiles files, TaskSpec spec, Optional<Run> run, Optional<Integer> exit) {
    TaskCgroups cg = files.readCgroups();
    Integer code = exit.orElse(null);
    boolean oom = cg.oomKilled(code);
    double cpu = Math.max(0, cg.cpuSeconds());
    killAll(cg, run.map(r -> taskProcess(files, r)).orElse(null));
    Set<ProcessExecSession> open = sessions.remove(spec.taskId());
    if (open != null) List.copyOf(open).forEach(ProcessExecSession::close);
    cg.remove();
    Instant startedAt = run.map(Run::startedAt).orElse(null);
    Instant finishedAt = exit.flatMap(c -> files.exitTime()).orElseGet(clock::instant);
    if (startedAt != null && finishedAt.isBefore(startedAt)) finishedAt = startedAt; // file times are coarser than the clock
    Result result = code != null
        ? new Result(TaskState.EXITED, code, oom, reason(code, oom, files.stopping(), spec), finishedAt, cpu)
        : new Result(TaskState.FAILED, null, oom, run.isEmpty() ? "the worker stopped while starting the task" : "the task's wrapper was killed, so its exit code is lost", finishedAt, cpu);
    try {
      files.writeResult(result);
    } catch (IOException e) {
      log.warn("cannot record the end of task {}: {}", spec.taskId(), e.toString());
    }
    return result;
  }

  /** Settles a task as soon as its wrapper exits, so its leftovers and cgroups go without waiting for a caller. */
  private void settle(String taskId) {
    if (closed) return;
    try {
      inspect(taskId);
    } catch (RuntimeException e) {
      // removed meanwhile
    }
  }

  private static String reason(int code, boolean oom, boolean stopping, TaskSpec spec) {
    if (oom) return "killed by the kernel: exceeded its memory limit of " + spec.memoryMb() + " MiB";
    String how = code > 128 && code < 160 ? "killed by signal " + (code - 128) : "exited with code " + code;
    return stopping ? "stopped (" + how + ")" : how;
  }

  /**
   * The task's main process. Normally recorded at start; if the worker died before recording it,
   * the pid the launcher wrote is trusted only if that process leads its own session and started
   * after the wrapper.
   */
  private ProcessId taskProcess(TaskFiles files, Run run) {
    if (run.task() != null) return run.task();
    if (run.wrapper().startTicks() < 0) return null;
    return files.readPid().flatMap(proc::stat)
        .filter(s -> s.sid() == s.pid() && s.startTicks() >= run.wrapper().startTicks())
        .map(s -> new ProcessId(s.pid(), s.startTicks(), proc.bootId())).orElse(null);
  }

  private boolean ended(TaskFiles files, Run run, ProcessId task) {
    return files.readExit().isPresent() || (!proc.alive(run.wrapper()) && !proc.alive(task));
  }

  private void awaitEnd(TaskFiles files, Run run, ProcessId task, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ended(files, run, task) && System.nanoTime() < deadline) pause(POLL_MILLIS);
  }

  private boolean endedOrGone(String taskId) {
    try {
      return closed || inspect(taskId).state().isFinal();
    } catch (TaskException e) {
      return true;
    }
  }

  // --- signals ---

  /** The task's processes: its cgroups' members and its session's (which also covers hosts without cgroups). */
  private Set<Long> members(TaskCgroups cg, ProcessId task) {
    Set<Long> pids = new LinkedHashSet<>(cg.pids());
    proc.sessionOf(task).forEach(s -> pids.add(s.pid()));
    pids.remove(ProcessHandle.current().pid());
    return pids;
  }

  private static void signal(Set<Long> pids, Consumer<ProcessHandle> how) {
    // ProcessHandle re-checks each pid's start time before signalling, so a reused pid is spared
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(how));
  }

  /** SIGKILLs the task's processes until none is left (a forking task may need several rounds). */
  private void killAll(TaskCgroups cg, ProcessId task) {
    for (int round = 0; round < 100; round++) {
      Set<Long> pids = members(cg, task);
      if (pids.isEmpty()) return;
      signal(pids, ProcessHandle::destroyForcibly);
      pause(POLL_MILLIS);
    }
    log.warn("processes of a task survived SIGKILL: {}", members(cg, task));
  }

  // --- helpers ---

  private Capabilities describe(long swapBytes) {
    List<String> notes = new ArrayList<>();
    notes.add("not a container: no filesystem, network, user or process isolation; tasks run as host user '"
        + System.getProperty("user.name") + "' in " + tasks + "/<taskId>/work and can reach whatever that user can");
    notes.add("ports are not published: tasks share the host's network, so specs with ports are refused");
    if (cgroups.limitsMemory()) {
      notes.add("memory: capped per task by a cgroup v1 memory limit; exceeding it gets the task OOM-killed, and reported so");
      if (swapBytes > 0 && !cgroups.chargesSwap()) notes.add("memory: the limit covers RAM only; this host has swap, which a task may use past it");
    } else {
      notes.add("memory: not capped for the task as a whole (no writable memory cgroup); each process gets RLIMIT_AS of the task's memory, so its allocations past that fail, and nothing is reported as an OOM kill");
    }
    notes.add(cgroups.limitsCpu() ? "CPU: capped per task by a cgroup v1 CFS quota" : "CPU: not capped (no writable cpu cgroup)");
    if (!cgroups.countsCpu() || !cgroups.limitsMemory()) notes.add("stats: CPU and memory summed from /proc over the task's session; processes that leave it are missed");
    notes.add("network use is not measured; storage is not capped, only checked against free space at start; no GPUs");
    notes.add("exec runs a host process in the task's working directory with its environment"
        + (cgroups.limitsMemory() || cgroups.limitsCpu() ? " and cgroups" : "") + ", not inside an isolated container; a TTY is a real pseudo-terminal (pty4j)");
    if (resetSignals.isEmpty()) notes.add("tasks start with SIGINT and SIGQUIT ignored (env --default-signal is missing)");
    return new Capabilities("process", false, cgroups.limitsCpu(), cgroups.limitsMemory(), false, List.copyOf(notes));
  }

  private TaskFiles taskFiles(String taskId) {
    return new TaskFiles(tasks.resolve(taskId));
  }

  private TaskFiles existing(String taskId) {
    TaskFiles files = taskFiles(taskId);
    if (!files.exists()) throw new TaskException(Kind.NOT_FOUND, "no task " + taskId);
    return files;
  }

  /** Ids name directories: anything but a valid id (say {@code ../x}) cannot be a task. */
  private static void checkId(String taskId) {
    if (taskId == null || !TASK_ID.matcher(taskId).matches()) throw new TaskException(Kind.NOT_FOUND, "no task " + taskId);
  }

  private Object lock(String taskId) {
    return locks.computeIfAbsent(taskId, k -> new Object());
  }

  private static String joined(TaskCgroups cg) {
    return cg.dirs().stream().map(Path::toString).collect(Collectors.joining(":"));
  }

  /** RLIMIT_AS in KiB when no memory cgroup caps the task, else empty (no rlimit). */
  private static String rlimitKib(TaskSpec spec, TaskCgroups cg) {
    return cg.memory() != null ? "" : Long.toString(spec.memoryMb() * 1024);
  }

  private static boolean executable(String program, String path) {
    try {
      if (program.contains("/")) return program.startsWith("/") && Files.isRegularFile(Path.of(program)) && Files.isExecutable(Path.of(program));
      for (String dir : path.split(":")) {
        if (dir.isEmpty()) continue;
        Path candidate = Path.of(dir, program);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return true;
      }
      return false;
    } catch (InvalidPathException e) {
      return false;
    }
  }

  private static Optional<String> which(String name) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse(DEFAULT_PATH) + ":" + DEFAULT_PATH;
    for (String dir : path.split(":")) {
      if (dir.isEmpty()) continue;
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate.toString());
    }
    return Optional.empty();
  }

  private static boolean resetsSignals(String env) {
    try {
      Process p = new ProcessBuilder(env, "--default-signal", SH, "-c", ":").redirectErrorStream(true).redirectOutput(Redirect.DISCARD).start();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String tail(Path file) {
    try {
      String s = Files.readString(file).strip();
      return s.isEmpty() ? "(no output)" : s.substring(Math.max(0, s.length() - 500));
    } catch (IOException | UncheckedIOException e) {
      return "(no output)";
    }
  }

  private static TaskException invalid(String message) {
    return new TaskException(Kind.INVALID, message);
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskException(Kind.UNAVAILABLE, "interrupted while waiting for a task");
    }
  }
}

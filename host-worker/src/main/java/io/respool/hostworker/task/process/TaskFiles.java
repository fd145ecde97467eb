package io.respool.hostworker.task.process;

import io.respool.protocol.task.TaskSpec;
import io.respool.protocol.task.TaskState;
import io.respool.hostworker.task.process.ProcFs.ProcessId;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A task's directory, {@code <tasks>/<taskId>/}: everything a restarted worker needs to find
 * the task again, and its output.
 *
 * <pre>
 * spec.properties    the spec and the task's cgroups (written before anything runs)
 * run.properties     wrapper and task process identities (pid, start ticks, boot id), start time
 * pid                the task's pid, written by the task's launcher before it execs the command
 * exit               the exit code, written by the wrapper when the command ends (128 + signal if killed)
 * stopping           present once a stop was asked for
 * result.properties  the final status, written once the task ended and its leftovers were cleaned up
 *                    (all but spec.properties go when the task is resumed)
 * stdout, stderr     the task's output
 * work/              the task's working directory
 * </pre>
 */
final class TaskFiles {
  /** The final state of a task, kept after its cgroups are gone. */
  record Result(TaskState state, Integer exitCode, boolean oomKilled, String reason, Instant finishedAt, double cpuSeconds) {}

  /** Who runs the task; {@code task} is null until the launcher reported its pid. */
  record Run(ProcessId wrapper, ProcessId task, Instant startedAt) {}

  private final Path dir;

  TaskFiles(Path dir) {
    this.dir = dir;
  }

  Path dir() { return dir; }

  Path work() { return dir.resolve("work"); }

  Path stdout() { return dir.resolve("stdout"); }

  Path stderr() { return dir.resolve("stderr"); }

  Path pidFile() { return dir.resolve("pid"); }

  Path exitFile() { return dir.resolve("exit"); }

  /** A task exists once its spec is written: a directory without one is an interrupted start's leftover. */
  boolean exists() { return Files.exists(dir.resolve("spec.properties")); }

  void writeSpec(TaskSpec spec, TaskCgroups cgroups) throws IOException {
    Properties p = new Properties();
    p.setProperty("taskId", spec.taskId());
    p.setProperty("bookingId", spec.bookingId());
    if (spec.image() != null) p.setProperty("image", spec.image());
    putList(p, "command.", spec.command());
    spec.env().forEach((k, v) -> p.setProperty("env." + k, v));
    putList(p, "port.", spec.ports().stream().map(String::valueOf).toList());
    p.setProperty("cpuMillis", Long.toString(spec.cpuMillis()));
    p.setProperty("memoryMb", Long.toString(spec.memoryMb()));
    p.setProperty("storageGb", Long.toString(spec.storageGb()));
    p.setProperty("gpus", Integer.toString(spec.gpus()));
    if (spec.gpuModel() != null) p.setProperty("gpuModel", spec.gpuModel());
    spec.labels().forEach((k, v) -> p.setProperty("label." + k, v));
    if (cgroups.memory() != null) p.setProperty("cgroup.memory", cgroups.memory().toString());
    if (cgroups.cpu() != null) p.setProperty("cgroup.cpu", cgroups.cpu().toString());
    if (cgroups.cpuacct() != null) p.setProperty("cgroup.cpuacct", cgroups.cpuacct().toString());
    store(dir.resolve("spec.properties"), p);
  }

  TaskSpec readSpec() {
    Properties p = load(dir.resolve("spec.properties")).orElseThrow(() -> new UncheckedIOException(new NoSuchFileException(dir.resolve("spec.properties").toString())));
    return new TaskSpec(
        p.getProperty("taskId"), p.getProperty("bookingId"), p.getProperty("image"), getList(p, "command."),
        getMap(p, "env."), getList(p, "port.").stream().map(Integer::valueOf).toList(),
        Long.parseLong(p.getProperty("cpuMillis")), Long.parseLong(p.getProperty("memoryMb")),
        Long.parseLong(p.getProperty("storageGb")), Integer.parseInt(p.getProperty("gpus")),
        p.getProperty("gpuModel"), getMap(p, "label."));
  }

  TaskCgroups readCgroups() {
    Properties p = load(dir.resolve("spec.properties")).orElseGet(Properties::new);
    return new TaskCgroups(path(p, "cgroup.memory"), path(p, "cgroup.cpu"), path(p, "cgroup.cpuacct"));
  }

  void writeRun(Run run) throws IOException {
    Properties p = new Properties();
    putProcess(p, "wrapper.", run.wrapper());
    if (run.task() != null) putProcess(p, "task.", run.task());
    p.setProperty("startedAt", run.startedAt().toString());
    store(dir.resolve("run.properties"), p);
  }

  Optional<Run> readRun() {
    return load(dir.resolve("run.properties")).map(p -> new Run(getProcess(p, "wrapper."), getProcess(p, "task."), Instant.parse(p.getProperty("startedAt"))));
  }

  /** The pid the launcher wrote, once complete (a line ending in a newline). */
  Optional<Long> readPid() {
    return readLine(pidFile()).map(Long::valueOf);
  }

  /** The exit code the wrapper wrote, once complete. */
  Optional<Integer> readExit() {
    return readLine(exitFile()).map(Integer::valueOf);
  }

  Optional<Instant> exitTime() {
    try {
      return Optional.of(Files.getLastModifiedTime(exitFile()).toInstant());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Forgets the last run (before running the task again): its processes, exit code, stop mark, then its result. */
  void clearRun() throws IOException {
    for (String name : List.of("run.properties", "pid", "exit.tmp", "exit", "stopping", "result.properties")) {
      Files.deleteIfExists(dir.resolve(name));
    }
  }

  void markStopping() throws IOException {
    if (!Files.exists(dir.resolve("stopping"))) Files.createFile(dir.resolve("stopping"));
  }

  boolean stopping() { return Files.exists(dir.resolve("stopping")); }

  void writeResult(Result r) throws IOException {
    Properties p = new Properties();
    p.setProperty("state", r.state().name());
    if (r.exitCode() != null) p.setProperty("exitCode", r.exitCode().toString());
    p.setProperty("oomKilled", Boolean.toString(r.oomKilled()));
    p.setProperty("reason", r.reason());
    p.setProperty("finishedAt", r.finishedAt().toString());
    p.setProperty("cpuSeconds", Double.toString(r.cpuSeconds()));
    store(dir.resolve("result.properties"), p);
  }

  Optional<Result> readResult() {
    return load(dir.resolve("result.properties")).map(p -> new Result(
        TaskState.valueOf(p.getProperty("state")),
        p.getProperty("exitCode") == null ? null : Integer.valueOf(p.getProperty("exitCode")),
        Boolean.parseBoolean(p.getProperty("oomKilled")), p.getProperty("reason"),
        Instant.parse(p.getProperty("finishedAt")), Double.parseDouble(p.getProperty("cpuSeconds", "0"))));
  }

  /** Deletes the whole directory, output and working directory included. */
  void delete() throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  // --- properties plumbing ---

  private static void putProcess(Properties p, String prefix, ProcessId id) {
    p.setProperty(prefix + "pid", Long.toString(id.pid()));
    p.setProperty(prefix + "startTicks", Long.toString(id.startTicks()));
    p.setProperty(prefix + "bootId", id.bootId());
  }

  private static ProcessId getProcess(Properties p, String prefix) {
    String pid = p.getProperty(prefix + "pid");
    if (pid == null) return null;
    return new ProcessId(Long.parseLong(pid), Long.parseLong(p.getProperty(prefix + "startTicks")), p.getProperty(prefix + "bootId"));
  }

  private static void putList(Properties p, String prefix, List<String> values) {
    for (int i = 0; i < values.size(); i++) p.setProperty(prefix + i, values.get(i));
  }

  private static List<String> getList(Properties p, String prefix) {
    List<String> values = new ArrayList<>();
    for (int i = 0; p.getProperty(prefix + i) != null; i++) values.add(p.getProperty(prefix + i));
    return values;
  }

  private static Map<String, String> getMap(Properties p, String prefix) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String k : p.stringPropertyNames()) if (k.startsWith(prefix)) map.put(k.substring(prefix.length()), p.getProperty(k));
    return map;
  }

  private static Path path(Properties p, String key) {
    String v = p.getProperty(key);
    return v == null ? null : Path.of(v);
  }

  /** Written to a temporary file and renamed, so a crash never leaves half a record. */
  private static void store(Path file, Properties p) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(w, null);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static Optional<Properties> load(Path file) {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Properties p = new Properties();
      p.load(r);
      return Optional.of(p);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> readLine(Path file) {
    try {
      String s = Files.readString(file);
      return s.endsWith("\n") ? Optional.of(s.strip()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}

package io.respool.hostworker.task;

import io.respool.protocol.task.TaskSpec;
import io.respool.protocol.task.TaskState;
import io.respool.protocol.task.TaskStatus;
import io.respool.protocol.task.UsageSample;

import io.respool.hostworker.files.ConfinedRoot;
import io.respool.hostworker.stream.StreamTargets;
import io.respool.protocol.host.HostFrame;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the gateway's task requests on this host's drivers. A spec with an image needs containers
 * and goes to the {@code docker} driver; one without goes to {@code process}; a host lacking the
 * needed driver refuses (INVALID). Driver calls block, so they run off the event loop; each
 * task is watched while it runs (after a start, a resume or a recovery), and every state change
 * is reported through {@code onChange}, in order: a status of an earlier run (an older
 * {@code startedAt}) is never reported after one of a later run. {@link #sampleUsage()} reads the
 * running tasks' resource use for the {@link UsageSampler}.
 */
public final class TaskRunner implements AutoCloseable, StreamTargets {
  private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);
  private static final Duration WATCH_SLICE = Duration.ofSeconds(30);
  private static final Duration OUTPUT_TIMEOUT = Duration.ofSeconds(30);
  /** How long a watcher waits before looking again at a task that is neither running nor ended (created, not started). */
  private static final Duration NOT_STARTED_PAUSE = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final Map<String, TaskDriver> drivers;
  private final UsageSampler usage;
  private final Consumer<TaskStatus> onChange;
  private final Map<String, Tracked> tasks = new ConcurrentHashMap<>();
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private volatile boolean closed;

  /**
   * {@code drivers} by name ("docker", "process"), in order of preference; {@code usage} numbers
   * the usage samples.
   */
  public TaskRunner(Vertx vertx, Map<String, TaskDriver> drivers, UsageSampler usage, Consumer<TaskStatus> onChange) {
    this.vertx = vertx;
    this.drivers = new LinkedHashMap<>(drivers);
    this.usage = usage;
    this.onChange = onChange;
  }

  /** A runner that takes no usage samples ({@link #sampleUsage()} finds none): for tools and tests that do not meter. */
  public TaskRunner(Vertx vertx, Map<String, TaskDriver> drivers, Consumer<TaskStatus> onChange) {
    this(vertx, drivers, null, onChange);
  }

  /** The drivers this host offers, as advertised at registration. */
  public List<String> driverNames() { return List.copyOf(drivers.keySet()); }

  /** Finds the tasks the drivers already run (after a worker restart), reports and watches them again. */
  public Future<List<TaskStatus>> recover() {
    return call(() -> {
      List<TaskStatus> found = new ArrayList<>();
      for (TaskDriver d : drivers.values()) {
        for (TaskStatus s : d.recover()) {
          Tracked t = tasks.computeIfAbsent(s.taskId(), id -> new Tracked(id, d));
          if (t.driver != d) {
            LOG.warn("task {} is known to two drivers; keeping the first", s.taskId());
            continue;
          }
          observe(t, s);
          found.add(s);
        }
      }
      return found;
    });
  }

  public Future<TaskStatus> start(TaskSpec spec) {
    String name = spec.image() != null ? "docker" : "process";
    TaskDriver d = drivers.get(name);
    if (d == null) {
      return Future.failedFuture(new TaskException(TaskException.Kind.INVALID,
          spec.image() != null ? "this host runs no containers" : "this host runs no plain processes"));
    }
    return call(() -> {
      Tracked fresh = new Tracked(spec.taskId(), d);
      Tracked t = tasks.putIfAbsent(spec.taskId(), fresh);
      if (t != null && t.driver != d) throw new TaskException(TaskException.Kind.INVALID, "task " + spec.taskId() + " already exists");
      if (t == null) t = fresh;
      try {
        TaskStatus s = d.start(spec);
        observe(t, s);
        return s;
      } catch (RuntimeException e) {
        if (t == fresh) tasks.remove(spec.taskId(), fresh);
        throw e;
      }
    });
  }

  public Future<TaskStatus> stop(String taskId, Duration grace) {
    return call(() -> {
      Tracked t = tracked(taskId);
      TaskStatus s = t.driver.stop(taskId, grace);
      observe(t, s);
      return s;
    });
  }

  /**
   * Runs a stopped task's workload again, keeping its data ({@link TaskDriver#resume}); the new run
   * is reported and watched like a start. A running task only answers its status.
   */
  public Future<TaskStatus> resume(String taskId) {
    return call(() -> {
      Tracked t = tracked(taskId);
      TaskStatus s = t.driver.resume(taskId);
      observe(t, s);
      return s;
    });
  }

  /**
   * Removes an ended task with what it kept (container, working directory) and forgets it;
   * answers its last status. A running task is refused: it must be stopped first.
   */
  public Future<TaskStatus> remove(String taskId) {
    return call(() -> {
      Tracked t = tracked(taskId);
      TaskStatus s = t.driver.inspect(taskId);
      if (!s.state().isFinal()) throw new TaskException(TaskException.Kind.CONFLICT, "task " + taskId + " is " + s.state() + "; stop it first");
      t.driver.remove(taskId);
      tasks.remove(taskId);
      return s;
    });
  }

  public Future<TaskStatus> inspect(String taskId) {
    return call(() -> tracked(taskId).driver.inspect(taskId));
  }

  /**
   * Reads the resource use of every task last seen RUNNING (in parallel: a docker stats call takes
   * a while) and numbers the readings; a task whose stats cannot be read now is skipped this time.
   */
  public Future<List<UsageSample>> sampleUsage() {
    if (usage == null) return Future.succeededFuture(List.of());
    return call(() -> {
      List<java.util.concurrent.Future<UsageSampler.Reading>> pending = new ArrayList<>();
      for (Tracked t : tasks.values()) {
        TaskStatus s = t.latest();
        if (s == null || s.state() != TaskState.RUNNING) continue;
        pending.add(threads.submit(() -> usage.reading(t.taskId, s.startedAt(), t.driver.stats(t.taskId))));
      }
      List<UsageSampler.Reading> readings = new ArrayList<>();
      for (var p : pending) {
        try {
          readings.add(p.get());
        } catch (ExecutionException e) {
          LOG.debug("no usage reading this time: {}", e.getCause().toString());
        }
      }
      return usage.sample(readings);
    });
  }

  /** Blocking (streams call it on their own threads): a command in a task this runner knows. */
  @Override
  public ExecSession exec(String taskId, List<String> command, ExecSession.Terminal terminal) {
    return tracked(taskId).driver.exec(taskId, command, terminal);
  }

  /** Blocking: the files of a task this runner knows. */
  @Override
  public ConfinedRoot files(String taskId) {
    return tracked(taskId).driver.files(taskId);
  }

  /** Blocking: where a connection to a port of a task this runner knows goes. */
  @Override
  public InetSocketAddress endpoint(String taskId, int port) {
    return tracked(taskId).driver.endpoint(taskId, port);
  }

  /** The task's output so far, cut from the front so each stream fits {@code maxBytes / 2}. */
  public Future<HostFrame.TaskOutput> output(String re, String taskId, int maxBytes) {
    return call(() -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
      // delivery may be asynchronous (docker): wait for its end, then read what came
      try (Closeable c = tracked(taskId).driver.logs(taskId, false, chunk -> {
        synchronized (out) {
          (chunk.stream() == LogChunk.Stream.STDOUT ? out : err).writeBytes(chunk.data());
        }
      }, ended::countDown)) {
        if (!ended.await(OUTPUT_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
          throw new TaskException(TaskException.Kind.UNAVAILABLE, "output of " + taskId + " not delivered within " + OUTPUT_TIMEOUT.toSeconds() + " s");
        }
      }
      int each = maxBytes / 2; // the latch orders every chunk's write before these reads
      boolean cut = out.size() > each || err.size() > each;
      return new HostFrame.TaskOutput(re, taskId, tail(out.toByteArray(), each), tail(err.toByteArray(), each), cut);
    });
  }

  private static String tail(byte[] bytes, int max) {
    int from = Math.max(0, bytes.length - max);
    return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
  }

  private Tracked tracked(String taskId) {
    Tracked t = tasks.get(taskId);
    if (t == null) throw new TaskException(TaskException.Kind.NOT_FOUND, "no task " + taskId + " on this host");
    return t;
  }

  /**
   * Takes in a status the driver gave: reports it if it is new (and not of an earlier run than
   * the last one reported), and has the task watched while it is not over.
   */
  private void observe(Tracked t, TaskStatus s) {
    synchronized (t) {
      TaskStatus last = t.latest;
      boolean earlierRun = last != null && s.startedAt() != null && last.startedAt() != null && s.startedAt().isBefore(last.startedAt());
      if (!earlierRun && !s.equals(last)) {
        t.latest = s;
        onChange.accept(s);
      }
      if (!t.latest.state().isFinal() && !t.watched && !closed) {
        try {
          threads.submit(() -> watch(t));
          t.watched = true;
        } catch (RejectedExecutionException e) {
          // closing: the next run of the worker recovers the task
        }
      }
    }
  }

  /**
   * Waits (off the event loop) for the task to end and reports how. One watcher per task: it
   * goes on while the last status taken in is not final, so a resume that raced with the end of
   * the run before is watched too.
   */
  private void watch(Tracked t) {
    try {
      while (!closed) {
        TaskStatus s = t.driver.await(t.taskId, WATCH_SLICE);
        synchronized (t) {
          if (closed) return;
          observe(t, s);
          if (t.latest.state().isFinal()) {
            t.watched = false;
            return;
          }
        }
        if (s.state() == TaskState.STARTING) Thread.sleep(NOT_STARTED_PAUSE); // await returns at once for a task not started yet
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing
    } catch (RuntimeException e) {
      synchronized (t) {
        t.watched = false;
      }
      if (!closed) LOG.warn("lost track of task {}: {}", t.taskId, e.getMessage());
    }
  }

  /** Runs a blocking driver call on a worker thread; its exception is the future's failure. */
  private <T> Future<T> call(java.util.concurrent.Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  /** A task this runner knows, its driver, the last status reported and whether a watcher runs. */
  private static final class Tracked {
    final String taskId;
    final TaskDriver driver;
    TaskStatus latest; // guarded by this
    boolean watched; // guarded by this

    Tracked(String taskId, TaskDriver driver) {
      this.taskId = taskId;
      this.driver = driver;
    }

    synchronized TaskStatus latest() { return latest; }
  }

  /** Stops watching; the tasks keep running (a restarted worker recovers them). */
  @Override
  public void close() {
    closed = true;
    threads.shutdownNow();
    drivers.values().forEach(TaskDriver::close);
  }
}

package io.respool.hostworker.task;

import io.respool.protocol.task.TaskSpec;
import io.respool.protocol.task.TaskStatus;

import io.respool.protocol.host.HostFrame;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the gateway's task requests on this host's drivers. A spec with an image needs containers
 * and goes to the {@code docker} driver; one without goes to {@code process}; a host lacking the
 * needed driver refuses (INVALID). Driver calls block, so they run on virtual threads; each
 * started task is watched until it ends, and every state change is reported through
 * {@code onChange}.
 */
public final class TaskRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);
  private static final Duration WATCH_SLICE = Duration.ofSeconds(30);
  private static final Duration OUTPUT_TIMEOUT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final Map<String, TaskDriver> drivers;
  private final Consumer<TaskStatus> onChange;
  private final Map<String, TaskDriver> owners = new ConcurrentHashMap<>();
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private volatile boolean closed;

  /** {@code drivers} by name ("docker", "process"), in order of preference. */
  public TaskRunner(Vertx vertx, Map<String, TaskDriver> drivers, Consumer<TaskStatus> onChange) {
    this.vertx = vertx;
    this.drivers = new LinkedHashMap<>(drivers);
    this.onChange = onChange;
  }

  /** The drivers this host offers, as advertised at registration. */
  public List<String> driverNames() { return List.copyOf(drivers.keySet()); }

  /** Finds the tasks the drivers already run (after a worker restart), reports and watches them again. */
  public Future<List<TaskStatus>> recover() {
    return call(() -> {
      List<TaskStatus> found = new ArrayList<>();
      for (TaskDriver d : drivers.values()) {
        for (TaskStatus s : d.recover()) {
          owners.put(s.taskId(), d);
          found.add(s);
          onChange.accept(s);
          if (!s.state().isFinal()) watch(d, s.taskId());
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
      TaskDriver owner = owners.putIfAbsent(spec.taskId(), d);
      if (owner != null && owner != d) throw new TaskException(TaskException.Kind.INVALID, "task " + spec.taskId() + " already exists");
      boolean fresh = owner == null;
      try {
        TaskStatus s = d.start(spec);
        if (fresh) {
          onChange.accept(s);
          if (!s.state().isFinal()) watch(d, spec.taskId());
        }
        return s;
      } catch (RuntimeException e) {
        if (fresh) owners.remove(spec.taskId(), d);
        throw e;
      }
    });
  }

  public Future<TaskStatus> stop(String taskId, Duration grace) {
    return call(() -> owner(taskId).stop(taskId, grace));
  }

  public Future<TaskStatus> inspect(String taskId) {
    return call(() -> owner(taskId).inspect(taskId));
  }

  /** The task's output so far, cut from the front so each stream fits {@code maxBytes / 2}. */
  public Future<HostFrame.TaskOutput> output(String re, String taskId, int maxBytes) {
    return call(() -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
      // delivery may be asynchronous (docker): wait for its end, then read what came
      try (Closeable c = owner(taskId).logs(taskId, false, chunk -> {
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

  private TaskDriver owner(String taskId) {
    TaskDriver d = owners.get(taskId);
    if (d == null) throw new TaskException(TaskException.Kind.NOT_FOUND, "no task " + taskId + " on this host");
    return d;
  }

  /** Waits (off the event loop) for the task to end and reports its final status. */
  private void watch(TaskDriver d, String taskId) {
    threads.submit(() -> {
      try {
        TaskStatus s = d.await(taskId, WATCH_SLICE);
        while (!s.state().isFinal() && !closed) s = d.await(taskId, WATCH_SLICE);
        if (!closed) onChange.accept(s);
      } catch (RuntimeException e) {
        if (!closed) LOG.warn("lost track of task {}: {}", taskId, e.getMessage());
      }
    });
  }

  /** Runs a blocking driver call on a worker thread; its exception is the future's failure. */
  private <T> Future<T> call(java.util.concurrent.Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  /** Stops watching; the tasks keep running (a restarted worker recovers them). */
  @Override
  public void close() {
    closed = true;
    threads.shutdownNow();
    drivers.values().forEach(TaskDriver::close);
  }
}

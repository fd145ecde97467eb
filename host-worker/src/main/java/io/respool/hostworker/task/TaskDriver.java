package io.respool.hostworker.task;

import io.respool.protocol.task.TaskSpec;
import io.respool.protocol.task.TaskStatus;

import io.respool.hostworker.files.ConfinedRoot;
import java.io.Closeable;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The port through which the host-worker runs workloads ({@code docker}, {@code process}). Calls
 * block (docker-java and process APIs do); the worker calls them off the event loop. Every task
 * a driver starts carries the labels {@code respool.task} and {@code respool.booking}, so a
 * restarted worker finds its tasks again with {@link #recover()} instead of starting duplicates.
 *
 * <p>Failures are {@link TaskException}s with a {@link TaskException.Kind}: the caller maps them to
 * the protocol's error codes. A failed start leaves nothing behind.
 */
public interface TaskDriver extends AutoCloseable {

  Capabilities capabilities();

  /** Starts the task, or returns the status of the one already started with this id (idempotent). */
  TaskStatus start(TaskSpec spec);

  /**
   * Stops the task: SIGTERM, then SIGKILL after {@code grace}; returns the final status. Stopping a
   * task that already ended returns its final status. The task's resources are released.
   */
  TaskStatus stop(String taskId, Duration grace);

  /**
   * Runs a stopped (or otherwise ended) task's workload again, keeping its data: a container starts
   * again with its writable layer, a process runs its command again in the same working directory,
   * with the same limits. Returns the new run's status (a new {@code startedAt}); resuming a running
   * task changes nothing and returns its status. NOT_FOUND for an unknown task.
   */
  TaskStatus resume(String taskId);

  /** The task's current status. */
  TaskStatus inspect(String taskId);

  /** Blocks until the task ends or {@code timeout} passes; returns the status at that point. */
  TaskStatus await(String taskId, Duration timeout);

  /** Resource use so far. */
  TaskStats stats(String taskId);

  /**
   * Streams the task's output: what it has written so far, then, if {@code follow}, new output
   * until the task ends or the returned handle is closed. Each chunk says stdout or stderr.
   */
  Closeable logs(String taskId, boolean follow, Consumer<LogChunk> sink, Runnable onEnd);

  /**
   * Runs {@code command} inside the task, with a TTY when {@code terminal} is given (stdout and
   * stderr apart otherwise), wiring its streams to the session. NOT_FOUND for an unknown task,
   * CONFLICT for one that is not running.
   */
  ExecSession exec(String taskId, List<String> command, ExecSession.Terminal terminal);

  /**
   * The task's files, for SFTP: the container's root filesystem, or a process task's working
   * directory, held open as a {@link ConfinedRoot} nothing can escape. CONFLICT when not running
   * (a container's filesystem is reached through its running process).
   */
  ConfinedRoot files(String taskId);

  /** Where a TCP connection to {@code port} inside the task goes (a container's address, or loopback). CONFLICT when not running. */
  InetSocketAddress endpoint(String taskId, int port);

  /** Tasks this driver finds running or ended on the host (by label), e.g. after a worker restart. */
  List<TaskStatus> recover();

  /** Forgets an ended task and frees what it held (container, working directory). */
  void remove(String taskId);

  @Override
  void close();
}

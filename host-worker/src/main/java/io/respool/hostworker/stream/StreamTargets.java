package io.respool.hostworker.stream;

import io.respool.hostworker.files.ConfinedRoot;
import io.respool.hostworker.task.ExecSession;
import io.respool.hostworker.task.TaskDriver;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * What streams reach inside a task: its commands, its files and its ports. Calls block (they go to
 * the task's driver); the mux makes them on virtual threads. Failures are
 * {@link io.respool.hostworker.task.TaskException}s.
 */
public interface StreamTargets {
  ExecSession exec(String taskId, List<String> command, ExecSession.Terminal terminal);

  ConfinedRoot files(String taskId);

  InetSocketAddress endpoint(String taskId, int port);

  /** Every task of one driver: for tools and tests that run a driver without a runner. */
  static StreamTargets of(TaskDriver driver) {
    return new StreamTargets() {
      @Override
      public ExecSession exec(String taskId, List<String> command, ExecSession.Terminal terminal) { return driver.exec(taskId, command, terminal); }

      @Override
      public ConfinedRoot files(String taskId) { return driver.files(taskId); }

      @Override
      public InetSocketAddress endpoint(String taskId, int port) { return driver.endpoint(taskId, port); }
    };
  }
}

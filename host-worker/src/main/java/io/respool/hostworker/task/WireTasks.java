package io.respool.hostworker.task;

/** Between the protocol's task records (what the gateway sends) and the driver port's. */
public final class WireTasks {
  private WireTasks() {}

  public static TaskSpec fromWire(io.respool.protocol.task.TaskSpec w) {
    return new TaskSpec(w.taskId(), w.bookingId(), w.image(), w.command(), w.env(), w.ports(), w.cpuMillis(), w.memoryMb(),
        w.storageGb(), w.gpus(), w.gpuModel(), w.labels());
  }

  public static io.respool.protocol.task.TaskStatus toWire(TaskStatus s) {
    return new io.respool.protocol.task.TaskStatus(s.taskId(), s.bookingId(), io.respool.protocol.task.TaskState.valueOf(s.state().name()),
        s.exitCode(), s.oomKilled(), s.reason(), s.ports(), s.startedAt(), s.finishedAt());
  }
}

package io.respool.protocol.task;

/** Where a task is in its life. EXITED carries an exit code; FAILED never ran (or was lost). */
public enum TaskState {
  STARTING,
  RUNNING,
  EXITED,
  FAILED;

  public boolean isFinal() { return this == EXITED || this == FAILED; }
}

package io.respool.hostworker.task.process;

import io.respool.hostworker.task.ExecSession;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Consumer;

/** A command the process driver runs for a task: a plain host process (see the driver's notes). */
final class ProcessExecSession implements ExecSession {
  private final Process process;
  private final Consumer<ProcessExecSession> onClose;

  ProcessExecSession(Process process, Consumer<ProcessExecSession> onClose) {
    this.process = process;
    this.onClose = onClose;
  }

  @Override
  public OutputStream stdin() { return process.getOutputStream(); }

  @Override
  public InputStream stdout() { return process.getInputStream(); }

  @Override
  public InputStream stderr() { return process.getErrorStream(); }

  /** Ignored: the terminal belongs to script(1), which offers no way to resize it from outside. */
  @Override
  public void resize(int columns, int rows) {}

  @Override
  public int waitFor() throws InterruptedException { return process.waitFor(); }

  /** Kills the command and whatever it started. */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    onClose.accept(this);
  }
}

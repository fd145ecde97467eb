package io.respool.hostworker.task.process;

import com.pty4j.PtyProcess;
import com.pty4j.WinSize;
import io.respool.hostworker.task.ExecSession;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Consumer;

/**
 * A command the process driver runs for a task: a plain host process (see the driver's notes),
 * on pipes, or on a pseudo-terminal when it is a {@link PtyProcess}.
 */
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

  /** Empty on a terminal: the command's stderr is the terminal too. */
  @Override
  public InputStream stderr() { return process instanceof PtyProcess ? InputStream.nullInputStream() : process.getErrorStream(); }

  @Override
  public void resize(int columns, int rows) {
    if (process instanceof PtyProcess pty && process.isAlive()) pty.setWinSize(new WinSize(columns, rows));
  }

  @Override
  public int waitFor() throws InterruptedException { return process.waitFor(); }

  /** Kills the command and whatever it started. */
  @Override
  public void close() {
    // by pid: pty4j's Process offers no handle of its own
    ProcessHandle.of(process.pid()).ifPresent(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
    process.destroyForcibly();
    onClose.accept(this);
  }
}

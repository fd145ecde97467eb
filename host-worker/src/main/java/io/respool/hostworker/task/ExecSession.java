package io.respool.hostworker.task;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

/** A command running inside a task: write to {@link #stdin()}, read {@link #stdout()}. */
public interface ExecSession extends Closeable {
  OutputStream stdin();

  /** Output (stdout and stderr merged when a TTY was asked for). */
  InputStream stdout();

  InputStream stderr();

  /** Resizes the TTY, if any. */
  void resize(int columns, int rows);

  /** Blocks until the command ends; returns its exit code. */
  int waitFor() throws InterruptedException;
}

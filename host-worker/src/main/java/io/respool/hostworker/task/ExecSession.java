package io.respool.hostworker.task;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A command running inside a task (or anything that behaves like one on a stream: an SFTP
 * server, a TCP connection): write to {@link #stdin()}, read {@link #stdout()} and
 * {@link #stderr()}; {@link #close()} kills it and frees everything.
 */
public interface ExecSession extends Closeable {
  OutputStream stdin();

  /** Output (the terminal's output when a TTY was asked for). */
  InputStream stdout();

  /** Error output; empty with a TTY, where it goes to the terminal. */
  InputStream stderr();

  /** Resizes the TTY, if any. */
  void resize(int columns, int rows);

  /**
   * Blocks until the command ends; returns its exit code, 128 + n when a signal n killed it.
   * Throws {@link TaskException} when it cannot be known (the engine went away).
   */
  int waitFor() throws InterruptedException;

  /** Kills the command if it still runs and frees its streams. */
  @Override
  void close();

  /** The terminal a command gets: {@code TERM} and its size. */
  record Terminal(String term, int columns, int rows) {}
}

package io.respool.hostworker.task.process;

import io.respool.hostworker.task.LogChunk;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Delivers a task's stdout and stderr files to a sink: what is there, then (if following) what is
 * appended, polling, until the task ends or the handle is closed; then {@code onEnd}, once. The two
 * files are read separately, so their relative order is not kept.
 */
final class LogTail implements Runnable, Closeable {
  private static final int CHUNK = 64 * 1024;
  private static final long POLL_MILLIS = 50;

  private final Path stdout;
  private final Path stderr;
  private final boolean follow;
  private final BooleanSupplier ended;
  private final Consumer<LogChunk> sink;
  private final Runnable onEnd;
  private volatile boolean closed;

  LogTail(Path stdout, Path stderr, boolean follow, BooleanSupplier ended, Consumer<LogChunk> sink, Runnable onEnd) {
    this.stdout = stdout;
    this.stderr = stderr;
    this.follow = follow;
    this.ended = ended;
    this.sink = sink;
    this.onEnd = onEnd;
  }

  @Override
  public void run() {
    long out = 0;
    long err = 0;
    try {
      while (!closed) {
        // asked before reading, so the last pass reads everything written before the end
        boolean last = !follow || ended.getAsBoolean();
        out = drain(stdout, out, LogChunk.Stream.STDOUT);
        err = drain(stderr, err, LogChunk.Stream.STDERR);
        if (last) break;
        Thread.sleep(POLL_MILLIS);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      // the files were removed, the driver closed, or the sink failed: delivery ends here
    } finally {
      onEnd.run();
    }
  }

  private long drain(Path file, long position, LogChunk.Stream stream) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ch.position(position);
      ByteBuffer buf = ByteBuffer.allocate(CHUNK);
      for (int n; !closed && (n = ch.read(buf)) > 0; buf.clear()) {
        sink.accept(new LogChunk(stream, Arrays.copyOf(buf.array(), n)));
        position += n;
      }
      return position;
    } catch (NoSuchFileException e) {
      return position;
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}

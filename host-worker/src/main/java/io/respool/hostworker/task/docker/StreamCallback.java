package io.respool.hostworker.task.docker;

import com.github.dockerjava.api.async.ResultCallback;
import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A docker-java stream callback that ends exactly once, however it ends (completed, failed, or
 * closed by the caller, even before the stream opened: docker-java opens it on its own thread and
 * would otherwise resurrect a closed callback). Errors are kept in {@link #error} rather than
 * logged: the driver reports failures itself.
 */
abstract class StreamCallback<T> extends ResultCallback.Adapter<T> {
  private final AtomicBoolean closed = new AtomicBoolean();
  volatile Throwable error;

  @Override
  public void onStart(Closeable stream) {
    super.onStart(stream);
    if (closed.get()) closeQuietly(stream);
  }

  @Override
  public void onError(Throwable t) {
    if (!closed.get()) error = t;
    close();
  }

  @Override
  public void onComplete() {
    close();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    try {
      super.close();
    } catch (IOException ignored) {
      // the stream is gone either way
    } finally {
      ended();
    }
  }

  boolean isClosed() {
    return closed.get();
  }

  /** Runs once, after the stream ended or was closed. */
  protected void ended() {}

  private void closeQuietly(Closeable stream) {
    try {
      stream.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}

package io.respool.hostworker.stream;

import io.respool.hostworker.task.ExecSession;
import io.respool.hostworker.task.TaskException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * A TCP connection into a task, shaped like a command so the mux streams it like one: bytes
 * written to {@link #stdin()} go to the peer and closing it half-closes the connection
 * ({@code shutdownOutput}); {@link #stdout()} is what the peer sends, ending when it half-closes.
 * {@link #waitFor()} returns 0 once both halves are closed, and throws when the connection broke.
 */
final class ForwardSession implements ExecSession {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private boolean inputDone; // guarded by this
  private boolean outputDone; // guarded by this
  private String failure; // guarded by this
  private boolean closed; // guarded by this

  private ForwardSession(Socket socket) throws IOException {
    this.socket = socket;
    socket.setTcpNoDelay(true); // terminals and RPCs over the forward want each write sent now
    this.in = new FilterInputStream(socket.getInputStream()) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          int n = super.read(b, off, len);
          if (n < 0) ended(false, null);
          return n;
        } catch (IOException e) {
          ended(false, "connection to the task broke: " + e.getMessage());
          throw e;
        }
      }
    };
    OutputStream raw = socket.getOutputStream();
    this.out = new OutputStream() {
      @Override
      public void write(int b) throws IOException { raw.write(b); }

      @Override
      public void write(byte[] b, int off, int len) throws IOException { raw.write(b, off, len); }

      @Override
      public void close() throws IOException {
        socket.shutdownOutput(); // the peer reads end-of-file, and may still answer
        ended(true, null);
      }
    };
  }

  /** Connects to {@code address}; a refused or unreachable port is CONFLICT (nothing listens there). */
  static ForwardSession connect(InetSocketAddress address, Duration timeout) {
    Socket socket = new Socket();
    try {
      socket.connect(address, (int) timeout.toMillis());
      return new ForwardSession(socket);
    } catch (java.net.ConnectException | java.net.NoRouteToHostException e) {
      closeQuietly(socket);
      throw new TaskException(TaskException.Kind.CONFLICT, "connection refused: nothing listens on port " + address.getPort() + " in the task");
    } catch (java.net.SocketTimeoutException e) {
      closeQuietly(socket);
      throw new TaskException(TaskException.Kind.CONFLICT, "connection to port " + address.getPort() + " in the task timed out");
    } catch (IOException e) {
      closeQuietly(socket);
      throw new TaskException(TaskException.Kind.UNAVAILABLE, "cannot connect to port " + address.getPort() + " in the task: " + e.getMessage(), e);
    }
  }

  private synchronized void ended(boolean input, String why) {
    if (input) inputDone = true;
    else outputDone = true;
    if (why != null && failure == null && !closed) failure = why;
    notifyAll();
  }

  @Override
  public OutputStream stdin() { return out; }

  @Override
  public InputStream stdout() { return in; }

  @Override
  public InputStream stderr() { return InputStream.nullInputStream(); }

  @Override
  public void resize(int columns, int rows) {}

  @Override
  public synchronized int waitFor() throws InterruptedException {
    while (!closed && failure == null && !(inputDone && outputDone)) wait();
    if (failure != null) throw new TaskException(TaskException.Kind.UNAVAILABLE, failure);
    return 0;
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing an aborted connection
    }
  }
}

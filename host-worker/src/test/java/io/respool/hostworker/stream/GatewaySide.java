package io.respool.hostworker.stream;

import io.respool.protocol.host.HostFrame;
import io.respool.protocol.stream.StreamExit;
import io.respool.protocol.stream.StreamFrame;
import io.respool.protocol.stream.StreamFrame.Channel;
import io.respool.protocol.stream.StreamKind;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The gateway's side of the stream protocol, played against a real {@link StreamMux} on a real
 * event loop: it opens streams, writes stdin within the worker's credit, grants output credit as
 * its consumer takes bytes (at once, or only when the test says), and checks on every frame that
 * the worker never sent more output than it was granted and that nothing follows {@code exit}.
 */
public final class GatewaySide implements StreamMux.Link, AutoCloseable {
  public static final Duration TIMEOUT = Duration.ofSeconds(60);

  final Context context;
  final StreamMux mux;
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, CompletableFuture<HostFrame>> answers = new HashMap<>(); // guarded by itself
  private final Map<Long, Client> clients = new HashMap<>(); // guarded by answers

  public GatewaySide(Vertx vertx, StreamTargets targets, StreamMux.Limits limits) {
    this.context = vertx.getOrCreateContext();
    CompletableFuture<StreamMux> created = new CompletableFuture<>();
    context.runOnContext(v -> created.complete(new StreamMux(context, this, targets, limits)));
    this.mux = created.join();
  }

  public GatewaySide(Vertx vertx, StreamTargets targets) {
    this(vertx, targets, StreamMux.Limits.DEFAULT);
  }

  /** Opens a stream granting {@code window} output bytes; returns the answer ({@code stream.opened} or {@code error}) and the client. */
  public Client open(String taskId, StreamKind kind, List<String> command, boolean tty, Integer port, long window) {
    long streamId = ids.incrementAndGet();
    String id = "o-" + streamId;
    HostFrame.StreamOpen open = new HostFrame.StreamOpen(id, streamId, taskId, kind, command, tty, null, tty ? 80 : null, tty ? 24 : null, port, window);
    Client c = new Client(streamId, window);
    CompletableFuture<HostFrame> answer = new CompletableFuture<>();
    synchronized (answers) {
      answers.put(id, answer);
      clients.put(streamId, c);
    }
    context.runOnContext(v -> mux.open(open));
    c.answer = answer.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    if (c.answer instanceof HostFrame.StreamOpened opened) c.stdinCredit = opened.window();
    return c;
  }

  public Client exec(String taskId, List<String> command, long window) {
    return open(taskId, StreamKind.EXEC, command, false, null, window);
  }

  public void send(StreamFrame f) {
    byte[] bytes = f.encode();
    context.runOnContext(v -> mux.binary(bytes));
  }

  /** Simulates the connection ending. */
  public void dropConnection() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      mux.closeAll();
      done.complete(null);
    });
    done.join();
  }

  public int openStreams() {
    CompletableFuture<Integer> n = new CompletableFuture<>();
    context.runOnContext(v -> n.complete(mux.size()));
    return n.join();
  }

  @Override
  public void text(HostFrame frame) {
    String re = switch (frame) {
      case HostFrame.StreamOpened o -> o.re();
      case HostFrame.Error e -> e.re();
      default -> throw new AssertionError("unexpected text frame " + frame);
    };
    CompletableFuture<HostFrame> f;
    synchronized (answers) {
      f = answers.remove(re);
    }
    if (f == null) throw new AssertionError("an answer to nothing: " + frame);
    f.complete(frame);
  }

  @Override
  public void binary(StreamFrame frame) {
    if (!frame.channel().sentByWorker()) throw new AssertionError("the worker sent " + frame.channel());
    Client c;
    synchronized (answers) {
      c = clients.get(frame.streamId());
    }
    if (c == null) throw new AssertionError("a frame for an unknown stream: " + frame);
    c.onFrame(frame);
  }

  @Override
  public void close() {
    dropConnection();
  }

  /** One stream as the gateway sees it. Thread-safe. */
  public final class Client {
    final long streamId;
    public volatile HostFrame answer;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    public final CompletableFuture<StreamExit> exit = new CompletableFuture<>();
    final CompletableFuture<String> closedByWorker = new CompletableFuture<>();
    public volatile boolean eofFromWorker;
    /** A violation seen on a frame (credit overrun, data after exit); reported by {@link #assertClean()}. */
    private volatile String violation;
    private long granted; // output credit given so far, guarded by this
    private long received; // output bytes received, guarded by this
    private long maxInFlight; // largest received - consumed, guarded by this
    private long consumed; // guarded by this
    private long stdinCredit; // guarded by this
    public volatile boolean autoGrant = true;
    /** False: output is counted and handed to {@link #onStdout}, not kept (for large outputs). */
    public volatile boolean keep = true;
    public volatile Consumer<byte[]> onStdout;

    Client(long streamId, long window) {
      this.streamId = streamId;
      this.granted = window;
    }

    public boolean opened() { return answer instanceof HostFrame.StreamOpened; }

    public HostFrame.Error error() { return (HostFrame.Error) answer; }

    void onFrame(StreamFrame f) {
      if (exit.isDone() || closedByWorker.isDone()) violation = "a " + f.channel() + " frame after the end";
      switch (f.channel()) {
        case STDOUT, STDERR -> {
          long grant = 0;
          synchronized (this) {
            received += f.payload().length;
            if (received > granted) violation = "received " + received + " output bytes with " + granted + " granted";
            if (keep) (f.channel() == Channel.STDOUT ? stdout : stderr).writeBytes(f.payload());
            maxInFlight = Math.max(maxInFlight, received - consumed);
            if (autoGrant) {
              consumed = received;
              grant = f.payload().length;
              granted += grant;
            }
          }
          if (f.channel() == Channel.STDOUT && onStdout != null) onStdout.accept(f.payload());
          if (grant > 0) send(StreamFrame.credit(streamId, grant));
        }
        case EXIT -> exit.complete(f.exit());
        case EOF -> eofFromWorker = true;
        case CREDIT -> {
          synchronized (this) {
            stdinCredit += f.credit();
            notifyAll();
          }
        }
        case CLOSE -> closedByWorker.complete(f.reason());
        default -> violation = "unexpected " + f.channel();
      }
    }

    /** Consumes what arrived and grants that much again (for a test pacing the output itself). */
    public void grant(long bytes) {
      synchronized (this) {
        consumed = received;
        granted += bytes;
      }
      send(StreamFrame.credit(streamId, bytes));
    }

    /** Writes stdin within the worker's credit, waiting for more as needed. */
    public void write(byte[] bytes) {
      int off = 0;
      while (off < bytes.length) {
        int n;
        synchronized (this) {
          long deadline = System.nanoTime() + TIMEOUT.toNanos();
          while (stdinCredit == 0) {
            if (System.nanoTime() > deadline) throw new AssertionError("no stdin credit for " + TIMEOUT);
            try {
              wait(100);
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
          }
          n = (int) Math.min(Math.min(stdinCredit, StreamFrame.MAX_PAYLOAD), bytes.length - off);
          stdinCredit -= n;
        }
        send(StreamFrame.data(streamId, Channel.STDIN, java.util.Arrays.copyOfRange(bytes, off, off + n)));
        off += n;
      }
    }

    public void eof() { send(StreamFrame.eof(streamId)); }

    public void resize(int cols, int rows) { send(StreamFrame.resize(streamId, cols, rows)); }

    public void close(String reason) { send(StreamFrame.close(streamId, reason)); }

    public StreamExit awaitExit() {
      return exit.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public synchronized String stdout() { return stdout.toString(java.nio.charset.StandardCharsets.UTF_8); }

    public synchronized byte[] stdoutBytes() { return stdout.toByteArray(); }

    public synchronized String stderr() { return stderr.toString(java.nio.charset.StandardCharsets.UTF_8); }

    public synchronized long received() { return received; }

    public synchronized long granted() { return granted; }

    public synchronized long maxInFlight() { return maxInFlight; }

    public void assertClean() {
      if (violation != null) throw new AssertionError(violation);
    }
  }
}

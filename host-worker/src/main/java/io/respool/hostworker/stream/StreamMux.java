package io.respool.hostworker.stream;

import io.respool.hostworker.sftp.SftpSession;
import io.respool.hostworker.task.ExecSession;
import io.respool.hostworker.task.TaskException;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.stream.CreditWindow;
import io.respool.protocol.stream.ReceiveWindow;
import io.respool.protocol.stream.StreamExit;
import io.respool.protocol.stream.StreamFrame;
import io.respool.protocol.stream.StreamFrame.Channel;
import io.respool.protocol.stream.StreamKind;
import io.respool.protocol.stream.StreamProtocolException;
import io.respool.protocol.stream.StreamResize;
import io.vertx.core.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams of one control connection: opens them on {@code stream.open}, moves their bytes in
 * and out as binary {@link StreamFrame}s, and ends them with {@code exit} or {@code close}.
 *
 * <p>Threads: the map of streams and every write to the {@link Link} belong to the connection's
 * event loop ({@link #open}, {@link #binary} and {@link #closeAll} are called there). Everything
 * that blocks — starting a command, reading its output, writing its stdin, waiting for its end,
 * resizing — runs on virtual threads, which hand frames back with {@code runOnContext}. Ordering:
 * a thread's frames reach the socket in the order it posted them, and the thread sending
 * {@code exit} first joins both output pumps, so {@code exit} is always behind the last
 * stdout/stderr frame.
 *
 * <p>Flow control: an output pump reads the command only while the gateway's credit is positive
 * and never sends beyond it, holding at most one read (32 KiB) per channel meanwhile, so a slow
 * reader slows the command down through its pipe. Stdin bytes are queued only within the credit
 * this side granted (a gateway overrunning it loses the stream) and credit is granted back as they
 * are written to the command.
 *
 * <p>Closing a stream (gateway {@code close}, a protocol error, or the connection ending) kills the
 * command, closes the connection or SFTP session and frees the stream; nothing more is sent on it.
 */
public final class StreamMux {
  private static final Logger log = LoggerFactory.getLogger(StreamMux.class);
  private static final List<String> LOGIN_SHELL = List.of("/bin/sh");
  private static final Object STDIN_EOF = new Object();
  /** VEOF: what end-of-input is on a terminal (a terminal cannot be half-closed). */
  private static final int CTRL_D = 4;

  /** Where frames go: the connection's WebSocket. Called on the event loop only. */
  public interface Link {
    void text(HostFrame frame);

    void binary(StreamFrame frame);
  }

  /** {@code stdinWindow}: the stdin credit granted per stream (at most this much is queued for a command). */
  public record Limits(int maxStreams, int stdinWindow, Duration connectTimeout) {
    public static final Limits DEFAULT = new Limits(256, 256 * 1024, Duration.ofSeconds(10));
  }

  private final Context context;
  private final Link link;
  private final StreamTargets targets;
  private final Limits limits;
  private final Map<Long, Stream> streams = new HashMap<>();
  private boolean closed;

  public StreamMux(Context context, Link link, StreamTargets targets, Limits limits) {
    this.context = context;
    this.link = link;
    this.targets = targets;
    this.limits = limits;
  }

  /** Streams open now (event loop). */
  public int size() { return streams.size(); }

  /** A {@code stream.open} from the gateway (event loop): answered {@code stream.opened} or {@code error}. */
  public void open(HostFrame.StreamOpen open) {
    if (closed) return;
    if (streams.containsKey(open.streamId())) {
      link.text(new HostFrame.Error(open.id(), ErrorCode.CONFLICT.slug(), "stream " + open.streamId() + " is already open"));
      return;
    }
    if (streams.size() >= limits.maxStreams()) {
      link.text(new HostFrame.Error(open.id(), ErrorCode.UNAVAILABLE.slug(), "too many streams on this connection (" + limits.maxStreams() + ")"));
      return;
    }
    Stream s = new Stream(open, limits.stdinWindow());
    streams.put(s.id, s);
    Thread.ofVirtual().name("stream-open-" + s.id).start(() -> {
      ExecSession session;
      try {
        session = start(open);
      } catch (RuntimeException | LinkageError e) { // LinkageError: a native library (pty, openat2) that cannot load
        ErrorCode code = e instanceof TaskException te ? te.errorCode() : e instanceof IllegalArgumentException ? ErrorCode.INVALID_REQUEST : ErrorCode.UNAVAILABLE;
        if (code == ErrorCode.UNAVAILABLE) log.warn("stream {} into {} failed to open: {}", s.id, open.taskId(), e.toString());
        context.runOnContext(v -> {
          if (streams.get(s.id) == s) streams.remove(s.id);
          if (!closed) link.text(new HostFrame.Error(open.id(), code.slug(), String.valueOf(e.getMessage())));
        });
        return;
      }
      context.runOnContext(v -> started(s, open, session));
    });
  }

  /** A binary frame from the gateway (event loop). */
  public void binary(byte[] bytes) {
    if (closed) return;
    StreamFrame f;
    try {
      f = StreamFrame.decode(bytes);
    } catch (StreamProtocolException e) {
      Stream s = bytes.length >= 4 ? streams.get(java.nio.ByteBuffer.wrap(bytes).getInt() & 0xFFFF_FFFFL) : null;
      if (s != null) abort(s, "bad frame: " + e.getMessage());
      else log.warn("ignoring a bad stream frame: {}", e.getMessage());
      return;
    }
    Stream s = streams.get(f.streamId());
    if (s == null) {
      log.debug("ignoring a {} frame for stream {}, which is not open", f.channel(), f.streamId());
      return;
    }
    if (!f.channel().sentByGateway()) {
      abort(s, "the gateway may not send " + f.channel());
      return;
    }
    try {
      switch (f.channel()) {
        case STDIN -> stdin(s, f.payload());
        case EOF -> {
          if (s.stdinEnded) throw new StreamProtocolException("eof sent twice");
          s.stdinEnded = true;
          s.stdin.add(STDIN_EOF);
        }
        case RESIZE -> resize(s, f.resize());
        case CREDIT -> {
          synchronized (s) {
            s.out.grant(f.credit());
            s.notifyAll();
          }
        }
        case CLOSE -> {
          log.debug("stream {} closed by the gateway: {}", s.id, f.reason());
          end(s);
        }
        default -> throw new StreamProtocolException("unexpected " + f.channel());
      }
    } catch (StreamProtocolException e) {
      abort(s, e.getMessage());
    }
  }

  /** The connection ended (event loop): every stream is closed and its command killed; nothing is sent. */
  public void closeAll() {
    closed = true;
    for (Stream s : List.copyOf(streams.values())) end(s);
  }

  // --- opening ------------------------------------------------------------------------------------

  /** Blocking: the command, SFTP server or TCP connection behind the stream. */
  private ExecSession start(HostFrame.StreamOpen open) {
    return switch (open.kind()) {
      case EXEC -> targets.exec(open.taskId(), open.command().isEmpty() ? LOGIN_SHELL : open.command(),
          open.tty() ? new ExecSession.Terminal(open.term(), open.cols(), open.rows()) : null);
      case SFTP -> SftpSession.start(targets.files(open.taskId()), open.taskId() + "-" + open.streamId());
      case FORWARD -> ForwardSession.connect(targets.endpoint(open.taskId(), open.port()), limits.connectTimeout());
    };
  }

  /** The session is up (event loop): answer, then start moving bytes — after the answer, so it is the stream's first frame. */
  private void started(Stream s, HostFrame.StreamOpen open, ExecSession session) {
    if (s.closed) { // closed while starting: the gateway no longer wants it
      Thread.ofVirtual().start(session::close);
      return;
    }
    s.session = session;
    link.text(new HostFrame.StreamOpened(open.id(), s.id, limits.stdinWindow()));
    s.writer = Thread.ofVirtual().name("stream-in-" + s.id).start(() -> writeStdin(s));
    s.stdoutPump = Thread.ofVirtual().name("stream-out-" + s.id).start(() -> pump(s, session.stdout(), Channel.STDOUT));
    if (s.kind == StreamKind.EXEC && !s.tty) {
      s.stderrPump = Thread.ofVirtual().name("stream-err-" + s.id).start(() -> pump(s, session.stderr(), Channel.STDERR));
    }
    Thread.ofVirtual().name("stream-exit-" + s.id).start(() -> awaitExit(s));
  }

  // --- moving bytes -------------------------------------------------------------------------------

  private void stdin(Stream s, byte[] payload) {
    if (s.stdinEnded) throw new StreamProtocolException("stdin after eof");
    synchronized (s) {
      s.in.received(payload.length);
    }
    s.stdin.add(payload);
  }

  /** Writes queued stdin to the command and grants the credit back as it goes. */
  private void writeStdin(Stream s) {
    OutputStream out = s.session.stdin();
    boolean broken = false; // the command stopped reading: what comes is dropped, and credited, so the gateway never stalls
    try {
      while (!s.closed) {
        Object item = s.stdin.take();
        if (item == STDIN_EOF) {
          if (!broken) {
            if (s.tty) {
              out.write(CTRL_D);
              out.flush();
            } else {
              out.close();
            }
          }
          return;
        }
        byte[] bytes = (byte[]) item;
        if (!broken) {
          try {
            out.write(bytes);
            out.flush();
          } catch (IOException e) {
            broken = true;
          }
        }
        long grant;
        synchronized (s) {
          grant = s.in.consumed(bytes.length);
        }
        if (grant > 0) post(s, StreamFrame.credit(s.id, grant));
      }
    } catch (InterruptedException e) {
      // closed
    } catch (IOException e) {
      log.debug("stream {}: stdin ended: {}", s.id, e.toString());
    }
  }

  /** Reads one output channel while there is credit, and sends what it read within the credit. */
  private void pump(Stream s, InputStream in, Channel channel) {
    byte[] buf = new byte[StreamFrame.MAX_PAYLOAD];
    try {
      while (awaitCredit(s)) {
        int n;
        try {
          n = in.read(buf);
        } catch (IOException e) {
          return; // a closed pipe, a pty whose last holder exited (EIO), a reset connection: the output ends, without an eof
        }
        if (n < 0) {
          if (s.kind == StreamKind.FORWARD && !s.closed) post(s, StreamFrame.eof(s.id)); // the peer half-closed
          return;
        }
        for (int off = 0; off < n; ) {
          int k = take(s, n - off);
          if (k == 0) return; // closed
          post(s, StreamFrame.data(s.id, channel, Arrays.copyOfRange(buf, off, off + k)));
          off += k;
        }
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  /** Waits until the stream has output credit; false once it is closed. */
  private boolean awaitCredit(Stream s) throws InterruptedException {
    synchronized (s) {
      while (!s.closed && s.out.available() == 0) s.wait();
      return !s.closed;
    }
  }

  /** Takes up to {@code wanted} bytes of credit, waiting for some; 0 once closed. */
  private int take(Stream s, int wanted) throws InterruptedException {
    synchronized (s) {
      while (!s.closed && s.out.available() == 0) s.wait();
      return s.closed ? 0 : (int) s.out.take(wanted);
    }
  }

  private void resize(Stream s, StreamResize size) {
    ExecSession session = s.session;
    if (!s.tty || session == null) return;
    Thread.ofVirtual().name("stream-resize-" + s.id).start(() -> {
      try {
        session.resize(size.cols(), size.rows());
      } catch (RuntimeException e) {
        log.debug("stream {}: resize failed: {}", s.id, e.toString());
      }
    });
  }

  // --- ending -------------------------------------------------------------------------------------

  /** Waits for the end, then for both pumps, then sends exit: never ahead of an output byte. */
  private void awaitExit(Stream s) {
    StreamExit exit;
    try {
      try {
        int code = s.session.waitFor();
        exit = StreamExit.ofCode(code < 0 ? Math.min(255, 128 - code) : code & 0xFF);
      } catch (RuntimeException e) { // TaskException: the engine cannot say how it ended; never make up a code
        exit = StreamExit.failed(e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage());
      }
      s.stdoutPump.join();
      if (s.stderrPump != null) s.stderrPump.join();
    } catch (InterruptedException e) {
      return;
    }
    StreamExit last = exit;
    context.runOnContext(v -> {
      if (s.closed) return;
      link.binary(StreamFrame.exit(s.id, last));
      streams.remove(s.id);
      stop(s);
    });
  }

  /** Closes a stream because of a protocol error: tells the gateway why (event loop). */
  private void abort(Stream s, String reason) {
    log.warn("closing stream {}: {}", s.id, reason);
    link.binary(StreamFrame.close(s.id, reason));
    end(s);
  }

  /** Forgets the stream and kills what runs behind it (event loop); nothing more is sent on it. */
  private void end(Stream s) {
    streams.remove(s.id);
    stop(s);
  }

  private void stop(Stream s) {
    synchronized (s) {
      s.closed = true;
      s.notifyAll();
    }
    if (s.writer != null) s.writer.interrupt();
    ExecSession session = s.session;
    if (session != null) Thread.ofVirtual().name("stream-close-" + s.id).start(session::close);
  }

  /** Hands a frame to the event loop; dropped if the stream was closed meanwhile. */
  private void post(Stream s, StreamFrame frame) {
    context.runOnContext(v -> {
      if (!s.closed) link.binary(frame);
    });
  }

  /** One stream's state. The map entry, {@code session} and {@code stdinEnded} are the event loop's; windows are guarded by the stream. */
  private static final class Stream {
    final long id;
    final StreamKind kind;
    final boolean tty;
    final CreditWindow out;
    final ReceiveWindow in;
    /** Stdin chunks (and the eof marker) not yet written; never more bytes than the stdin credit. */
    final LinkedBlockingQueue<Object> stdin = new LinkedBlockingQueue<>();
    volatile boolean closed;
    volatile ExecSession session;
    boolean stdinEnded;
    Thread writer;
    Thread stdoutPump;
    Thread stderrPump;

    Stream(HostFrame.StreamOpen open, int stdinWindow) {
      this.id = open.streamId();
      this.kind = open.kind();
      this.tty = open.tty();
      this.out = new CreditWindow(open.window());
      this.in = new ReceiveWindow(stdinWindow);
    }
  }
}

package io.respool.hostworker.task.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import io.respool.hostworker.task.BytePipe;
import io.respool.hostworker.task.ExecSession;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command started with {@code docker exec}, its streams wired to pipes.
 *
 * <p>The start request and its stream go over a socket of our own rather than docker-java's
 * hijacked connection: docker-java 3.7.1 (httpclient5 transport) never half-closes the connection
 * when stdin ends, so a command reading stdin never sees end-of-file, and its output stream does
 * not end when the command exits (docker-java issues #1684, #1448). Here the end of stdin is a
 * {@code shutdownOutput}, as the docker CLI does, and dockerd closes the stream when the command
 * exits. Everything else (create, resize, inspect) still goes through docker-java.
 */
final class DockerExecSession implements ExecSession {
  private static final Duration POLL = Duration.ofMillis(50);
  private static final int KILL_ATTEMPTS = 5;
  private static final Logger log = LoggerFactory.getLogger(DockerExecSession.class);
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private final DockerClient docker;
  private final URI dockerHost;
  private final String execId;
  private final boolean tty;
  private final Function<RuntimeException, RuntimeException> failure;
  private final BytePipe stdin = new BytePipe();
  private final BytePipe stdout = new BytePipe();
  private final BytePipe stderr = new BytePipe();
  private final CountDownLatch outputEnded = new CountDownLatch(1);
  private SocketChannel channel;
  private volatile boolean closed;

  DockerExecSession(DockerClient docker, URI dockerHost, String execId, boolean tty, Function<RuntimeException, RuntimeException> failure) {
    this.docker = docker;
    this.dockerHost = dockerHost;
    this.execId = execId;
    this.tty = tty;
    this.failure = failure;
  }

  /** Starts the command; its output flows into {@link #stdout()} and {@link #stderr()}. */
  DockerExecSession start() {
    try {
      channel = connect();
      String body = "{\"Detach\":false,\"Tty\":" + tty + "}";
      String request = "POST /exec/" + execId + "/start HTTP/1.1\r\n"
          + "Host: docker\r\n"
          + "Content-Type: application/json\r\n"
          + "Connection: Upgrade\r\n"
          + "Upgrade: tcp\r\n"
          + "Content-Length: " + body.length() + "\r\n\r\n" + body;
      write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
      ByteBuffer early = readUpgrade();
      Demux demux = new Demux();
      demux.accept(early);
      Thread.ofVirtual().name("exec-out-" + shortId()).start(() -> pumpOutput(demux));
      Thread.ofVirtual().name("exec-in-" + shortId()).start(this::pumpInput);
      return this;
    } catch (IOException e) {
      close();
      throw failure.apply(new UncheckedIOException(e));
    } catch (RuntimeException e) {
      close();
      throw failure.apply(e);
    }
  }

  @Override
  public OutputStream stdin() { return stdin.sink(); }

  @Override
  public InputStream stdout() { return stdout.source(); }

  @Override
  public InputStream stderr() { return stderr.source(); }

  @Override
  public void resize(int columns, int rows) {
    if (!tty) return;
    try {
      docker.resizeExecCmd(execId).withSize(rows, columns).exec();
    } catch (RuntimeException e) {
      throw failure.apply(e);
    }
  }

  /** The command's exit code; -1 if the session was closed before the command ended. */
  @Override
  public int waitFor() throws InterruptedException {
    // dockerd ends the stream when the command exits (or, with a TTY, when stdin ends)
    outputEnded.await();
    while (!closed) {
      InspectExecResponse exec;
      try {
        exec = docker.inspectExecCmd(execId).exec();
      } catch (RuntimeException e) {
        throw failure.apply(e);
      }
      if (!Boolean.TRUE.equals(exec.isRunning()) && exec.getExitCodeLong() != null) return exec.getExitCodeLong().intValue();
      Thread.sleep(POLL.toMillis());
    }
    return -1;
  }

  /**
   * Ends the session and kills the command if it still runs. dockerd has no call to kill an exec,
   * and closing its stream does not end a command that is not writing; so the exec's process
   * (and what it started) is killed by pid, which works when the engine runs on this host.
   */
  @Override
  public void close() {
    boolean wasClosed = closed;
    closed = true;
    closeQuietly(stdin.sink());
    if (channel != null) closeQuietly(channel);
    closeQuietly(stdout.source());
    closeQuietly(stderr.source());
    if (!wasClosed) killIfRunning();
  }

  /**
   * Kills the exec's process tree by pid. An inspection that fails (a busy engine, a pool timeout)
   * is tried again a few times: one lost answer must not leave the command running.
   */
  private void killIfRunning() {
    RuntimeException last = null;
    for (int attempt = 1; attempt <= KILL_ATTEMPTS; attempt++) {
      try {
        InspectExecResponse exec = docker.inspectExecCmd(execId).exec();
        Long pid = exec.getPidLong();
        if (!Boolean.TRUE.equals(exec.isRunning()) || pid == null || pid <= 0) return;
        ProcessHandle.of(pid).ifPresent(p -> {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        });
        return;
      } catch (NotFoundException gone) {
        return; // the exec or its container is gone: nothing to kill
      } catch (RuntimeException e) {
        last = e;
        try {
          Thread.sleep(POLL.toMillis() * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    log.warn("exec {} may still run: its process could not be found to kill ({})", execId, last == null ? "interrupted" : last.getMessage());
  }

  // --- the stream ---------------------------------------------------------------------------------

  private SocketChannel connect() throws IOException {
    if ("unix".equals(dockerHost.getScheme())) {
      SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      ch.connect(UnixDomainSocketAddress.of(dockerHost.getPath()));
      return ch;
    }
    // tcp:// without TLS; DockerDriverConfig admits no other scheme
    return SocketChannel.open(new InetSocketAddress(dockerHost.getHost(), dockerHost.getPort()));
  }

  /** Reads the response head; returns the stream bytes that came with it. */
  private ByteBuffer readUpgrade() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(8192);
    while (true) {
      buf.clear();
      int n = channel.read(buf);
      if (n < 0) throw new IOException("docker engine closed the exec stream before answering");
      head.write(buf.array(), 0, n);
      byte[] bytes = head.toByteArray();
      int end = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      if (end >= 0) {
        String headers = new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(headers.substring(headers.indexOf(' ') + 1, headers.indexOf(' ') + 4));
        ByteBuffer rest = ByteBuffer.wrap(bytes, end + 4, bytes.length - end - 4);
        if (status == 101 || status == 200) return rest;
        throw refusal(status, rest);
      }
      if (bytes.length > MAX_HEADER_BYTES) throw new IOException("docker engine sent an oversized response head");
    }
  }

  /** dockerd's refusal (no such exec, container not running…) as the exception docker-java would raise. */
  private DockerException refusal(int status, ByteBuffer start) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(start.array(), start.position(), start.remaining());
    ByteBuffer buf = ByteBuffer.allocate(8192);
    // Connection: Upgrade keeps it open after a short error body; read what is there without waiting on it
    channel.configureBlocking(false);
    for (int n; (n = channel.read(buf)) > 0; buf.clear()) body.write(buf.array(), 0, n);
    String message = body.toString(StandardCharsets.UTF_8);
    return switch (status) {
      case 404 -> new NotFoundException(message);
      case 409 -> new ConflictException(message);
      default -> new DockerException(message, status);
    };
  }

  private void pumpOutput(Demux demux) {
    ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
    try {
      while (channel.read(buf.clear()) >= 0) demux.accept(buf.flip());
    } catch (IOException e) {
      // closed by close(), or the engine went away: the output ends here either way
    } finally {
      closeQuietly(stdout.sink());
      closeQuietly(stderr.sink());
      outputEnded.countDown();
    }
  }

  private void pumpInput() {
    byte[] buf = new byte[8192];
    InputStream in = stdin.source();
    try {
      for (int n; (n = in.read(buf)) >= 0; ) write(ByteBuffer.wrap(buf, 0, n));
      channel.shutdownOutput(); // end-of-file for the command's stdin
    } catch (IOException e) {
      // the stream is closed: nothing more to send
    }
  }

  private void write(ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) channel.write(bytes);
  }

  private String shortId() {
    return execId.substring(0, Math.min(12, execId.length()));
  }

  private int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing is best effort: the peer may already be gone
    }
  }

  /**
   * Splits the stream into stdout and stderr. Without a TTY dockerd frames it as
   * {@code [type, 0, 0, 0, size (4 bytes, big-endian)] payload}; with a TTY it is raw output.
   */
  private final class Demux {
    private final byte[] header = new byte[8];
    private int headerFill;
    private int payloadLeft;
    private OutputStream target;

    void accept(ByteBuffer bytes) throws IOException {
      if (tty) {
        stdout.sink().write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        return;
      }
      while (bytes.hasRemaining()) {
        if (payloadLeft == 0) {
          header[headerFill++] = bytes.get();
          if (headerFill == header.length) {
            headerFill = 0;
            target = header[0] == 2 ? stderr.sink() : stdout.sink();
            payloadLeft = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8) | (header[7] & 0xff);
          }
          continue;
        }
        int n = Math.min(payloadLeft, bytes.remaining());
        target.write(bytes.array(), bytes.arrayOffset() + bytes.position(), n);
        bytes.position(bytes.position() + n);
        payloadLeft -= n;
      }
    }
  }
}

package io.respool.hostworker.sftp;

import io.respool.hostworker.files.ConfinedRoot;
import io.respool.hostworker.task.BytePipe;
import io.respool.hostworker.task.ExecSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link SftpServer} on its own virtual thread, looking like a command to whoever streams it:
 * SFTP requests are written to {@link #stdin()}, replies read from {@link #stdout()}. It ends (exit
 * code 0) when stdin ends, or 1 on a broken or oversized request stream.
 */
public final class SftpSession implements ExecSession {
  private static final Logger log = LoggerFactory.getLogger(SftpSession.class);

  private final ConfinedRoot root;
  private final BytePipe requests = new BytePipe();
  private final BytePipe replies = new BytePipe();
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile int exitCode;
  private Thread thread;

  private SftpSession(ConfinedRoot root) {
    this.root = root;
  }

  /** Serves {@code root} (which the session closes when it ends). */
  public static SftpSession start(ConfinedRoot root, String name) {
    SftpSession s = new SftpSession(root);
    s.thread = Thread.ofVirtual().name("sftp-" + name).start(s::serve);
    return s;
  }

  private void serve() {
    try (OutputStream out = replies.sink()) {
      new SftpServer(root).serve(requests.source(), out);
    } catch (IOException e) {
      log.debug("sftp session ended: {}", e.toString());
      exitCode = 1;
    } finally {
      root.close();
      ended.countDown();
    }
  }

  @Override
  public OutputStream stdin() { return requests.sink(); }

  @Override
  public InputStream stdout() { return replies.source(); }

  @Override
  public InputStream stderr() { return InputStream.nullInputStream(); }

  @Override
  public void resize(int columns, int rows) {}

  @Override
  public int waitFor() throws InterruptedException {
    ended.await();
    return exitCode;
  }

  @Override
  public void close() {
    // the server may be blocked reading a request or writing a reply: interrupting ends either
    thread.interrupt();
    try {
      replies.source().close();
    } catch (IOException ignored) {
      // a pipe's close does not fail
    }
  }
}

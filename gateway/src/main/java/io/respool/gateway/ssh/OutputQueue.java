package io.respool.gateway.ssh;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Writes to an sshd asynchronous output stream one buffer at a time (it allows no concurrent
 * write), in order. Each buffer's {@code done} runs once sshd sent it — within the client's window,
 * so that is where a slow SSH client pushes back on the stream's credit. What waits here is bounded
 * by the stream's output credit. Thread-safe.
 */
final class OutputQueue {
  private record Entry(byte[] bytes, Runnable done) {}

  private final IoOutputStream out;
  private final ArrayDeque<Entry> queue = new ArrayDeque<>();
  private final List<Runnable> whenDrained = new ArrayList<>();
  private boolean writing;

  OutputQueue(IoOutputStream out) {
    this.out = out;
  }

  void add(byte[] bytes, Runnable done) {
    synchronized (this) {
      queue.add(new Entry(bytes, done));
      if (writing) return;
      writing = true;
    }
    next();
  }

  /** Runs {@code action} once everything added so far was written (at once if nothing waits). */
  void whenDrained(Runnable action) {
    synchronized (this) {
      if (writing) {
        whenDrained.add(action);
        return;
      }
    }
    action.run();
  }

  private void next() {
    Entry e;
    List<Runnable> drained = List.of();
    synchronized (this) {
      e = queue.poll();
      if (e == null) {
        writing = false;
        drained = List.copyOf(whenDrained);
        whenDrained.clear();
      }
    }
    if (e == null) {
      drained.forEach(Runnable::run);
      return;
    }
    try {
      out.writeBuffer(new ByteArrayBuffer(e.bytes())).addListener(f -> {
        if (e.done() != null) e.done().run();
        next();
      });
    } catch (IOException | RuntimeException closing) {
      // the channel is closing: nothing more reaches the client; account for what waited and move on
      if (e.done() != null) e.done().run();
      next();
    }
  }
}

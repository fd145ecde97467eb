package io.respool.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.host.HostInfo;
import io.respool.protocol.task.TaskState;
import io.respool.protocol.task.TaskStatus;
import io.respool.protocol.task.UsageSample;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A registered host that answers the gateway's task requests the way a worker does — start and
 * resume: RUNNING; stop: EXITED with 143; logs: one line of output — so a test controls exactly what the host reports and
 * sends (usage samples with chosen sequence numbers, duplicates, gaps). Every frame the gateway
 * sends is kept for the test to inspect.
 */
public final class ScriptedHost implements AutoCloseable {
  public final TestHost host;
  private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
  private final Thread reader;
  private volatile boolean closed;

  public ScriptedHost(int port, HostInfo info) {
    host = new TestHost(port);
    JsonNode registered = host.register(info);
    if (!"registered".equals(registered.path("type").asText())) throw new AssertionError("not registered: " + registered);
    reader = Thread.ofVirtual().start(this::read);
  }

  public String id() { return host.id; }

  private void read() {
    while (!closed) {
      JsonNode f;
      try {
        f = host.ws.next(1);
      } catch (AssertionError quiet) {
        if (host.ws.closed.isDone()) return;
        continue;
      }
      String type = f.path("type").asText();
      String id = f.path("id").asText(null);
      switch (type) {
        case "task.start" -> answer(id, f.path("spec").path("taskId").asText(), f.path("spec").path("bookingId").asText(), TaskState.RUNNING, null);
        case "task.resume" -> answer(id, f.path("taskId").asText(), null, TaskState.RUNNING, null);
        case "task.stop" -> answer(id, f.path("taskId").asText(), null, TaskState.EXITED, 143);
        case "ping" -> host.send(new HostFrame.Pong(id));
        case "task.logs" -> host.send(new HostFrame.TaskOutput(id, f.path("taskId").asText(), "scripted output\n", "", false));
        default -> { }
      }
      received.add(f);
    }
  }

  private void answer(String re, String taskId, String bookingId, TaskState state, Integer exitCode) {
    String booking = bookingId != null ? bookingId : taskId.replaceAll("-r\\d+p\\d+a\\d+$", "");
    Instant now = Instant.now();
    host.send(new HostFrame.TaskUpdate(null, re, new TaskStatus(taskId, booking, state, exitCode, false,
        exitCode == null ? null : "stopped (killed by signal 15)", Map.of(), now, state.isFinal() ? now : null)));
  }

  /** {@code n} usage samples of the task, 5 s apart up to now, at {@code cores} and {@code mib}; sent in frames of 50, each acked (stored) before the next. */
  public void report(String taskId, int n, double cores, long mib) {
    Instant t0 = Instant.now().minusSeconds(5L * n).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    java.util.List<UsageSample> frame = new java.util.ArrayList<>();
    for (int i = 1; i <= n; i++) {
      frame.add(new UsageSample(taskId, i, t0.plusSeconds(5L * i), cores * 5 * (i - 1), mib << 20, null, 0, 0, 0, 0));
      if (frame.size() == 50 || i == n) {
        String id = "u-" + taskId + "-" + i;
        send(new HostFrame.Usage(id, frame));
        ackOf(id);
        frame = new java.util.ArrayList<>();
      }
    }
  }

  public void send(HostFrame f) {
    host.send(f);
  }

  /** The next frame from the gateway that matches, within {@code seconds}. */
  public JsonNode await(Predicate<JsonNode> match, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    try {
      while (System.nanoTime() < deadline) {
        JsonNode f = received.poll(100, TimeUnit.MILLISECONDS);
        if (f != null && match.test(f)) return f;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new AssertionError("no matching frame from the gateway within " + seconds + " s");
  }

  public JsonNode await(String type, int seconds) {
    return await(f -> type.equals(f.path("type").asText()), seconds);
  }

  /** The ack of our frame {@code id}. */
  public JsonNode ackOf(String id) {
    return await(f -> "ack".equals(f.path("type").asText()) && id.equals(f.path("re").asText()), 10);
  }

  @Override
  public void close() {
    closed = true;
    host.close();
    try {
      reader.join(3000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

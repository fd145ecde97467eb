package io.respool.hostworker.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.hostworker.task.TaskDriver;
import io.respool.protocol.ErrorCode;
import io.respool.protocol.stream.StreamExit;
import io.respool.protocol.stream.StreamKind;
import io.respool.protocol.task.TaskSpec;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every driver's streams do, seen from the gateway's side of the protocol
 * ({@link GatewaySide} against a real {@link StreamMux}): exact output and exit codes with stderr
 * apart, stdin and its end, a real terminal with resize, flow control that never lets output get
 * ahead of the credit, exit never ahead of output, forwards, and cleanup on close. Scripts use
 * busybox-compatible {@code sh} only.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
public abstract class StreamMuxContract {
  static final long WINDOW = 64 * 1024;

  protected Vertx vertx;
  protected GatewaySide gateway;
  protected TaskDriver driver;
  final List<String> tasks = new ArrayList<>();

  protected abstract TaskDriver driver();

  /** A running task whose main command is {@code sh -c script}. */
  protected abstract TaskSpec spec(String taskId, String script, List<Integer> ports);

  /** How a command in the task reaches a server on {@code port} of the same task (for the forward test). */
  protected abstract String httpServer(int port);

  @BeforeEach
  protected void setUp() {
    vertx = Vertx.vertx();
    driver = driver();
    gateway = new GatewaySide(vertx, StreamTargets.of(driver));
  }

  @AfterEach
  void tearDown() {
    gateway.close();
    for (String id : tasks) {
      try {
        driver.stop(id, Duration.ZERO);
        driver.remove(id);
      } catch (RuntimeException e) {
        // already gone
      }
    }
    vertx.close().await();
  }

  protected String startTask(String script) {
    String id = "st-" + UUID.randomUUID().toString().substring(0, 12);
    tasks.add(id);
    driver.start(spec(id, script, List.of()));
    return id;
  }

  @Test
  void execOutputExitCodeAndStderrAreExactAndApart() {
    String id = startTask("sleep 300");

    GatewaySide.Client c = gateway.exec(id, List.of("sh", "-c", "echo out; echo err >&2; printf 'no newline'; exit 7"), WINDOW);

    assertThat(c.opened()).as("%s", c.answer).isTrue();
    assertThat(c.awaitExit()).isEqualTo(StreamExit.code(7));
    assertThat(c.stdout()).isEqualTo("out\nno newline");
    assertThat(c.stderr()).isEqualTo("err\n");
    c.assertClean();
  }

  @Test
  void aSignalDeathIsReportedAsTheSignal() {
    String id = startTask("sleep 300");

    GatewaySide.Client c = gateway.exec(id, List.of("sh", "-c", "echo before; kill -9 $$"), WINDOW);

    assertThat(c.awaitExit()).isEqualTo(new StreamExit(137, "KILL", null));
    assertThat(c.stdout()).isEqualTo("before\n");
  }

  @Test
  void stdinAndItsEndReachTheCommand() {
    String id = startTask("sleep 300");
    GatewaySide.Client c = gateway.exec(id, List.of("cat"), WINDOW);

    byte[] input = new byte[300_000]; // more than the stdin window: credit must come back
    for (int i = 0; i < input.length; i++) input[i] = (byte) ('a' + i % 26);
    c.write(input);
    c.eof();

    assertThat(c.awaitExit()).isEqualTo(StreamExit.code(0));
    assertThat(c.stdoutBytes()).isEqualTo(input);
    c.assertClean();
  }

  @Test
  void aTtyIsARealTerminalAndFollowsResizes() {
    String id = startTask("sleep 300");
    GatewaySide.Client c = gateway.open(id, StreamKind.EXEC, List.of(), true, null, WINDOW);
    assertThat(c.opened()).as("%s", c.answer).isTrue();

    c.write("tty; stty size\n".getBytes(StandardCharsets.UTF_8));
    eventually(() -> c.stdout().contains("24 80"), "the terminal starts at 80x24");
    c.resize(132, 50);
    eventually(() -> {
      c.write("stty size\n".getBytes(StandardCharsets.UTF_8));
      pause(200);
      return c.stdout().contains("50 132");
    }, "the terminal follows a resize");
    c.write("exit 3\n".getBytes(StandardCharsets.UTF_8));

    assertThat(c.awaitExit()).isEqualTo(StreamExit.code(3));
    assertThat(c.stdout()).containsPattern("/dev/pts/\\d+");
    assertThat(c.stderr()).isEmpty();
  }

  @Test
  void aSlowReaderSlowsTheProducerAndNothingIsEverAheadOfTheCredit() throws Exception {
    String id = startTask("sleep 300");
    long total = 100_000_000;
    long window = 1 << 20;
    MessageDigest got = MessageDigest.getInstance("SHA-256");
    GatewaySide.Client c = gateway.open(id, StreamKind.EXEC, List.of("sh", "-c", "yes abcdefghi | head -c " + total), false, null, window);
    c.keep = false;
    c.autoGrant = false;
    c.onStdout = got::update;

    long grants = 0;
    while (!c.exit.isDone()) {
      // the worker must stop exactly at what was granted, and wait there
      eventually(() -> c.received() == c.granted() || c.exit.isDone(), "the worker used its credit");
      c.assertClean();
      if (c.exit.isDone()) break;
      c.grant(window);
      grants++;
    }

    assertThat(c.awaitExit()).isEqualTo(StreamExit.code(0));
    assertThat(c.received()).isEqualTo(total);
    assertThat(c.maxInFlight()).isLessThanOrEqualTo(window);
    assertThat(grants).isGreaterThanOrEqualTo(total / window - 1);
    MessageDigest expected = MessageDigest.getInstance("SHA-256");
    byte[] line = "abcdefghi\n".getBytes(StandardCharsets.US_ASCII);
    for (long i = 0; i < total / line.length; i++) expected.update(line);
    assertThat(HexFormat.of().formatHex(got.digest())).isEqualTo(HexFormat.of().formatHex(expected.digest()));
    c.assertClean();
  }

  @Test
  void closingAStreamKillsTheCommand() {
    String id = startTask("sleep 300");
    String marker = "mark" + UUID.randomUUID().toString().substring(0, 8);
    GatewaySide.Client c = gateway.exec(id, List.of("sh", "-c", "echo started; sleep 1000; : " + marker), WINDOW);
    eventually(() -> c.stdout().contains("started"), "the command runs");
    assertThat(running(id, marker)).isTrue();

    c.close("user left");

    eventually(() -> !running(id, marker), "the command was killed");
    eventually(() -> gateway.openStreams() == 0, "the stream is freed");
    assertThat(c.exit).isNotDone();
  }

  @Test
  void losingTheConnectionKillsEveryCommand() {
    String id = startTask("sleep 300");
    String marker = "lost" + UUID.randomUUID().toString().substring(0, 8);
    GatewaySide.Client a = gateway.exec(id, List.of("sh", "-c", "echo a; sleep 1001; : " + marker), WINDOW);
    GatewaySide.Client b = gateway.open(id, StreamKind.EXEC, List.of("sh", "-c", "echo b; sleep 1002; : " + marker), true, null, WINDOW);
    eventually(() -> a.stdout().contains("a") && b.stdout().contains("b"), "both run");

    gateway.dropConnection();

    eventually(() -> !running(id, marker), "both commands were killed");
    assertThat(gateway.openStreams()).isZero();
  }

  @Test
  void refusalsCarryTheProtocolsCodes() {
    String id = startTask("sleep 300");
    String ended = startTask("exit 0");
    eventually(() -> driver.inspect(ended).state().isFinal(), "the short task ended");

    assertThat(gateway.exec("no-such-task", List.of("true"), WINDOW).error().code()).isEqualTo(ErrorCode.NOT_FOUND.slug());
    assertThat(gateway.exec(ended, List.of("true"), WINDOW).error().code()).isEqualTo(ErrorCode.CONFLICT.slug());
    assertThat(gateway.open(id, StreamKind.FORWARD, List.of(), false, 1, WINDOW).error())
        .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT.slug()))
        .satisfies(e -> assertThat(e.message()).contains("connection refused"));
    assertThat(gateway.openStreams()).isZero();
  }

  @Test
  void aGatewayOverrunningItsCreditOrSendingTheWorkersChannelsLosesTheStream() {
    String id = startTask("sleep 300");
    String marker = "over" + UUID.randomUUID().toString().substring(0, 8);
    GatewaySide.Client overrun = gateway.exec(id, List.of("sh", "-c", "sleep 1000; : " + marker), WINDOW);
    GatewaySide.Client wrongWay = gateway.exec(id, List.of("cat"), WINDOW);
    byte[] chunk = new byte[io.respool.protocol.stream.StreamFrame.MAX_PAYLOAD];
    long window = ((io.respool.protocol.host.HostFrame.StreamOpened) overrun.answer).window();

    // far past the credit (what the pipes to a command that never reads can absorb is granted back), never waiting for more
    for (long sent = 0; sent <= 8 * window; sent += chunk.length) {
      gateway.send(io.respool.protocol.stream.StreamFrame.data(overrun.streamId, io.respool.protocol.stream.StreamFrame.Channel.STDIN, chunk));
    }
    gateway.send(io.respool.protocol.stream.StreamFrame.data(wrongWay.streamId, io.respool.protocol.stream.StreamFrame.Channel.STDOUT, chunk));

    assertThat(overrun.closedByWorker.orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join()).contains("credit");
    assertThat(wrongWay.closedByWorker.orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join()).contains("may not send STDOUT");
    eventually(() -> !running(id, marker), "the overrunning stream's command was killed");
    eventually(() -> gateway.openStreams() == 0, "both streams are freed");
    assertThat(overrun.exit).isNotDone();
  }

  @Test
  void aForwardReachesAServerInTheTaskBothWays() {
    int port = 18_000 + (int) (Math.random() * 2000);
    String id = startTask(httpServer(port));
    GatewaySide.Client c = null;
    long deadline = System.nanoTime() + GatewaySide.TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) { // the server takes a moment to listen
      c = gateway.open(id, StreamKind.FORWARD, List.of(), false, port, WINDOW);
      if (c.opened()) break;
      pause(100);
    }
    assertThat(c.opened()).as("%s", c.answer).isTrue();
    GatewaySide.Client forward = c;

    forward.write("GET /hello.txt HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    forward.eof(); // HTTP/1.0: the request is complete; the server answers and closes

    assertThat(forward.awaitExit()).isEqualTo(StreamExit.code(0));
    assertThat(forward.eofFromWorker).isTrue();
    assertThat(forward.stdout()).startsWith("HTTP/1.").contains("hello over a forward");
    forward.assertClean();
  }

  @Test
  void aThousandExecsInARowEachDeliverEveryByteBeforeTheirExit() {
    String id = startTask("sleep 300");
    StringBuilder expected = new StringBuilder();
    for (int i = 1; i <= 300; i++) expected.append(i).append('\n');

    for (int run = 0; run < execsInARow(); run++) {
      GatewaySide.Client c = gateway.exec(id, List.of("sh", "-c", "i=1; while [ $i -le 300 ]; do echo $i; i=$((i+1)); done; echo e >&2"), WINDOW);
      StreamExit exit = c.awaitExit();
      // the exit frame is the last: everything must already be there when it arrives
      assertThat(c.stdout()).as("run %d", run).isEqualTo(expected.toString());
      assertThat(c.stderr()).as("run %d", run).isEqualTo("e\n");
      assertThat(exit).isEqualTo(StreamExit.code(0));
      c.assertClean();
    }
    assertThat(gateway.openStreams()).isZero();
  }

  /** How many execs in a row {@link #aThousandExecsInARowEachDeliverEveryByteBeforeTheirExit} runs. */
  protected int execsInARow() {
    return 1000;
  }

  /** Whether a process whose command line holds {@code marker} runs on this host (containers' processes are visible here too). */
  static boolean running(String taskId, String marker) {
    return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().map(l -> l.contains(marker)).orElse(false)
        || p.info().arguments().map(a -> String.join(" ", a).contains(marker)).orElse(false));
  }

  protected static void eventually(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + GatewaySide.TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
      pause(5);
    }
  }

  protected static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}

package io.respool.hostworker;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.respool.hostworker.stream.StreamMux;
import io.respool.hostworker.task.TaskRunner;
import io.respool.protocol.stream.StreamExit;
import io.respool.protocol.stream.StreamFrame;
import io.respool.protocol.stream.StreamKind;
import java.nio.charset.StandardCharsets;
import io.respool.hostworker.task.UsageSampler;
import io.respool.hostworker.task.process.ProcessTaskDriver;
import io.respool.protocol.host.HostFrame;
import io.respool.protocol.host.Inventory;
import io.respool.protocol.host.Payout;
import io.respool.protocol.host.Prices;
import io.respool.protocol.task.TaskSpec;
import io.respool.protocol.task.TaskState;
import io.respool.protocol.task.TaskStatus;
import io.respool.protocol.task.UsageSample;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task traffic on the control connection, end to end: a real worker (real processes, usage
 * sampled every second) against the loopback {@link TestGateway}. Usage samples numbered per task,
 * kept until acked and sent again after a reconnect, numbers continued by a restarted worker;
 * {@code task.resume} over the wire.
 */
@ExtendWith(VertxExtension.class)
class ControlConnectionTasksTest {
  private static final long T = 30; // seconds any single expectation may take
  private static final Prices PRICES = new Prices("USDC", 20_000, 5_000, 100, Map.of());

  @TempDir Path home;
  private Vertx vertx;
  private TestGateway gateway;
  private final List<Worker> workers = new ArrayList<>();
  private final List<String> tasks = new ArrayList<>();

  @BeforeEach
  void startGateway(Vertx vertx) {
    this.vertx = vertx;
    gateway = new TestGateway(vertx).start();
  }

  @AfterEach
  void stopTasks() {
    ProcessTaskDriver driver = new ProcessTaskDriver(home.resolve("tasks"));
    for (String id : tasks) driver.stop(id, Duration.ZERO);
    workers.forEach(w -> w.runner.close());
  }

  @Test
  void runningTasksAreSampledEveryIntervalNumberedFromOneAllTasksOfATickInOneFrame() throws Exception {
    Worker worker = deploy(new Worker());
    TestGateway.Peer peer = gateway.registration(1).await(T, SECONDS);
    String busy = start(peer, "while :; do :; done"); // spins: its CPU time grows
    String idle = start(peer, "sleep 600");

    until(() -> seqs(peer, busy).size() >= 4 && seqs(peer, idle).size() >= 4, "4 samples of each task");

    for (String id : List.of(busy, idle)) {
      List<UsageSample> samples = samples(peer, id);
      assertThat(samples).extracting(UsageSample::seq)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, samples.size()).boxed().toList());
      for (int i = 1; i < samples.size(); i++) {
        assertThat(samples.get(i).cpuSeconds()).as("cumulative CPU").isGreaterThanOrEqualTo(samples.get(i - 1).cpuSeconds());
        assertThat(samples.get(i).at()).isAfter(samples.get(i - 1).at());
      }
      Duration span = Duration.between(samples.getFirst().at(), samples.getLast().at());
      double meanSeconds = span.toMillis() / 1000.0 / (samples.size() - 1);
      assertThat(meanSeconds).as("mean spacing of samples, 1 s configured").isBetween(0.8, 3.0);
      assertThat(samples).allSatisfy(s -> assertThat(s.gpuUtilization()).isNull());
    }
    List<UsageSample> spinning = samples(peer, busy);
    assertThat(spinning.getLast().cpuSeconds()).isGreaterThan(spinning.getFirst().cpuSeconds());
    assertThat(samples(peer, idle)).allSatisfy(s -> assertThat(s.memoryBytes()).isPositive());
    // once both run, each tick's frame holds a sample of each
    List<HostFrame.Usage> frames = peer.received(HostFrame.Usage.class);
    int firstWithBoth = indexOfFirst(frames, idle);
    for (HostFrame.Usage f : frames.subList(firstWithBoth, frames.size())) {
      assertThat(f.samples()).extracting(UsageSample::taskId).containsExactlyInAnyOrder(busy, idle);
    }
    assertThat(worker.connection.registrationCount()).isEqualTo(1);
  }

  @Test
  void unackedSamplesAreSentAgainAfterAReconnectAndAckedOnesAreNot() throws Exception {
    // the first connection acks only the frames holding seq 1 and 2
    gateway.acksUsage = (connection, usage) -> connection != 1 || usage.samples().stream().allMatch(s -> s.seq() <= 2);
    deploy(new Worker());
    TestGateway.Peer first = gateway.registration(1).await(T, SECONDS);
    String id = start(first, "sleep 600");
    until(() -> seqs(first, id).contains(4L), "seq 4 sent on the first connection");

    first.ws.close();
    TestGateway.Peer second = gateway.registration(2).await(T, SECONDS);
    long lastOnFirst = seqs(first, id).stream().mapToLong(Long::longValue).max().orElseThrow();
    until(() -> seqs(second, id).contains(lastOnFirst + 2), "new samples on the second connection");

    List<Long> resent = seqs(second, id);
    assertThat(resent).as("acked samples are not sent again").doesNotContain(1L, 2L);
    assertThat(resent).as("each unacked one is, once, before the new ones")
        .startsWith(LongStream.rangeClosed(3, lastOnFirst).boxed().toArray(Long[]::new))
        .doesNotHaveDuplicates();
    assertThat(second.received(HostFrame.Usage.class).getFirst().samples()).extracting(UsageSample::seq).startsWith(3L, 4L);
  }

  @Test
  void samplesTheGatewayCouldNotStoreGoAgainWithTheNextOnes() throws Exception {
    gateway.refusedUsage.set(1);
    deploy(new Worker());
    TestGateway.Peer peer = gateway.registration(1).await(T, SECONDS);
    String id = start(peer, "sleep 600");

    until(() -> peer.received(HostFrame.Usage.class).size() >= 2, "a second usage frame");

    List<HostFrame.Usage> frames = peer.received(HostFrame.Usage.class);
    assertThat(frames.get(0).samples()).extracting(UsageSample::seq).containsExactly(1L);
    assertThat(frames.get(1).samples()).extracting(UsageSample::seq).containsExactly(1L, 2L);
    assertThat(frames.subList(0, 2)).allSatisfy(f -> assertThat(f.samples()).extracting(UsageSample::taskId).containsOnly(id));
  }

  @Test
  void aRestartedWorkerContinuesTheNumbersOfItsRecoveredTaskNeverRepeatingOne() throws Exception {
    Worker before = new Worker();
    String deployment = vertx.deployVerticle(before.connection).await(T, SECONDS);
    TestGateway.Peer first = gateway.registration(1).await(T, SECONDS);
    String id = start(first, "sleep 600");
    until(() -> seqs(first, id).size() >= 3, "3 samples from the first worker");
    vertx.undeploy(deployment).await(T, SECONDS);
    before.runner.close(); // the worker is gone; its task runs on
    long lastNumbered = new UsageSampler(home.resolve("usage"), Clock.systemUTC()).lastSeq(id);

    Worker after = deploy(new Worker());
    assertThat(after.runner.recover().await(T, SECONDS)).extracting(TaskStatus::taskId).contains(id);
    TestGateway.Peer second = gateway.registration(2).await(T, SECONDS);
    until(() -> seqs(second, id).size() >= 3, "3 samples from the restarted worker");

    List<Long> sentBefore = seqs(first, id);
    List<Long> sentAfter = seqs(second, id);
    assertThat(lastNumbered).isGreaterThanOrEqualTo(sentBefore.getLast());
    assertThat(sentAfter.getFirst()).as("continues right after the last number used").isEqualTo(lastNumbered + 1);
    assertThat(sentAfter).containsExactlyElementsOf(LongStream.range(lastNumbered + 1, lastNumbered + 1 + sentAfter.size()).boxed().toList());
    Set<Long> overlap = new HashSet<>(sentBefore);
    overlap.retainAll(sentAfter);
    assertThat(overlap).as("no number used twice").isEmpty();
  }

  @Test
  void resumeOverTheWireRunsTheTaskAgainAndReportsItsNewEnd() throws Exception {
    deploy(new Worker());
    TestGateway.Peer peer = gateway.registration(1).await(T, SECONDS);
    String id = start(peer, "if [ -f ran ]; then sleep 1; exit 4; fi; : > ran; exit 3");
    until(() -> reported(peer, id).stream().anyMatch(s -> Integer.valueOf(3).equals(s.exitCode())), "the first run's end is reported");
    TaskStatus firstEnd = reported(peer, id).getLast();

    peer.send(new HostFrame.TaskResume("resume-1", id));
    peer.send(new HostFrame.TaskResume("resume-2", "no-such-task"));

    until(() -> answer(peer, "resume-1") != null && answer(peer, "resume-2") != null, "both resumes answered");
    assertThat(answer(peer, "resume-1")).isInstanceOfSatisfying(HostFrame.TaskUpdate.class, u -> {
      assertThat(u.status().taskId()).isEqualTo(id);
      assertThat(u.status().startedAt()).isAfter(firstEnd.startedAt());
    });
    assertThat(answer(peer, "resume-2")).isInstanceOfSatisfying(HostFrame.Error.class, e -> assertThat(e.code()).isEqualTo("not-found"));
    until(() -> Integer.valueOf(4).equals(reported(peer, id).getLast().exitCode()), "the second run's end is reported");
    TaskStatus secondEnd = reported(peer, id).getLast();
    assertThat(secondEnd.state()).isEqualTo(TaskState.EXITED);
    assertThat(secondEnd.finishedAt()).isAfter(firstEnd.finishedAt());
  }

  // --- helpers ---

  /** A worker over this test's home: process driver, usage sampled every second. */
  @Test
  void aStreamRidesTheControlConnectionWithItsExitAfterItsOutput() throws Exception {
    deploy(new Worker());
    TestGateway.Peer peer = gateway.registration(1).await(T, SECONDS);
    String id = start(peer, "sleep 600");

    peer.send(new HostFrame.StreamOpen("open-1", 7, id, StreamKind.EXEC, List.of("sh", "-c", "cat; echo done >&2; exit 4"), false, null, null, null, null, 65_536L));
    until(() -> answer(peer, "open-1") != null, "stream.open answered");
    assertThat(answer(peer, "open-1")).isEqualTo(new HostFrame.StreamOpened("open-1", 7, StreamMux.Limits.DEFAULT.stdinWindow()));
    peer.send(StreamFrame.data(7, StreamFrame.Channel.STDIN, "hi\n".getBytes(StandardCharsets.UTF_8)));
    peer.send(StreamFrame.eof(7));
    until(() -> peer.streamFrames().stream().anyMatch(f -> f.channel() == StreamFrame.Channel.EXIT), "the exit frame");

    List<StreamFrame> frames = peer.streamFrames();
    assertThat(frames).allSatisfy(f -> assertThat(f.streamId()).isEqualTo(7));
    assertThat(frames.getLast().channel()).isEqualTo(StreamFrame.Channel.EXIT);
    assertThat(frames.getLast().exit()).isEqualTo(StreamExit.code(4));
    assertThat(text(frames, StreamFrame.Channel.STDOUT)).isEqualTo("hi\n");
    assertThat(text(frames, StreamFrame.Channel.STDERR)).isEqualTo("done\n");
  }

  @Test
  void streamsEndWithTheirConnectionAndTheirCommandsAreKilled() throws Exception {
    deploy(new Worker());
    TestGateway.Peer first = gateway.registration(1).await(T, SECONDS);
    String id = start(first, "sleep 600");
    String marker = "conn" + UUID.randomUUID().toString().substring(0, 8);
    first.send(new HostFrame.StreamOpen("open-2", 1, id, StreamKind.EXEC, List.of("sh", "-c", "echo up; sleep 1000; : " + marker), true, null, null, null, null, 65_536L));
    until(() -> text(first.streamFrames(), StreamFrame.Channel.STDOUT).contains("up"), "the command runs");

    first.ws.close();

    until(() -> ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().map(l -> l.contains(marker)).orElse(false)), "the command was killed");
    gateway.registration(2).await(T, SECONDS); // the worker reconnects; the stream does not come back
  }

  private static String text(List<StreamFrame> frames, StreamFrame.Channel channel) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    frames.stream().filter(f -> f.channel() == channel).forEach(f -> out.writeBytes(f.payload()));
    return out.toString(StandardCharsets.UTF_8);
  }

  private final class Worker {
    final TaskRunner runner;
    final ControlConnection connection;

    Worker() {
      HostWorkerConfig config = new HostWorkerConfig(List.of(gateway.url()), home, "eu-west", PRICES, new Payout(null, null), Duration.ofSeconds(60))
          .withBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
          .withUsageInterval(Duration.ofSeconds(1));
      ControlConnection[] reports = new ControlConnection[1];
      runner = new TaskRunner(vertx, Map.of("process", new ProcessTaskDriver(home.resolve("tasks"))),
          new UsageSampler(home.resolve("usage"), Clock.systemUTC()), s -> reports[0].taskChanged(s));
      connection = new ControlConnection(config, new HostKeyStore(home).loadOrCreate(),
          new InventoryWatcher(vertx, () -> new Inventory(4, 8, "Test CPU", 16_384, 100, List.of(), List.of(), "Linux", "x86_64"),
              config.resourcesInterval()),
          new Backoff(config.backoffBase(), config.backoffCap(), new SplittableRandom(7)), "test", runner);
      reports[0] = connection;
      workers.add(this);
    }
  }

  private Worker deploy(Worker worker) throws Exception {
    vertx.deployVerticle(worker.connection).await(T, SECONDS);
    return worker;
  }

  /** Starts a shell script as a task through the gateway's task.start, once it is answered. */
  private String start(TestGateway.Peer peer, String script) {
    String id = "cc-" + UUID.randomUUID().toString().substring(0, 12);
    tasks.add(id);
    String re = "start-" + id;
    peer.send(new HostFrame.TaskStart(re, new TaskSpec(id, "bk-" + id, null, List.of("/bin/sh", "-c", script), Map.of(), List.of(),
        1000, 256, 0, 0, null, Map.of())));
    until(() -> answer(peer, re) instanceof HostFrame.TaskUpdate, "task.start of " + id + " answered");
    return id;
  }

  private static HostFrame answer(TestGateway.Peer peer, String re) {
    for (HostFrame f : peer.received(HostFrame.class)) {
      if (f instanceof HostFrame.TaskUpdate u && re.equals(u.re())) return u;
      if (f instanceof HostFrame.Error e && re.equals(e.re())) return e;
      if (f instanceof HostFrame.StreamOpened o && re.equals(o.re())) return o;
    }
    return null;
  }

  /** The task's statuses the worker reported of its own accord, in order. */
  private static List<TaskStatus> reported(TestGateway.Peer peer, String taskId) {
    return peer.received(HostFrame.TaskUpdate.class).stream()
        .filter(u -> u.id() != null && u.status().taskId().equals(taskId)).map(HostFrame.TaskUpdate::status).toList();
  }

  private static List<UsageSample> samples(TestGateway.Peer peer, String taskId) {
    return peer.received(HostFrame.Usage.class).stream().flatMap(u -> u.samples().stream()).filter(s -> s.taskId().equals(taskId)).toList();
  }

  private static List<Long> seqs(TestGateway.Peer peer, String taskId) {
    return samples(peer, taskId).stream().map(UsageSample::seq).toList();
  }

  private static int indexOfFirst(List<HostFrame.Usage> frames, String taskId) {
    for (int i = 0; i < frames.size(); i++) {
      if (frames.get(i).samples().stream().anyMatch(s -> s.taskId().equals(taskId))) return i;
    }
    throw new AssertionError("no sample of " + taskId);
  }

  private static void until(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + SECONDS.toNanos(T);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }
}

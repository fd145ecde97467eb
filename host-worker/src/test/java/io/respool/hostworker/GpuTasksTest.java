package io.respool.hostworker;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.respool.hostworker.task.GpuAssignments;
import io.respool.hostworker.task.TaskDriver;
import io.respool.hostworker.task.TaskException;
import io.respool.hostworker.task.TaskRunner;
import io.respool.hostworker.task.UsageSampler;
import io.respool.hostworker.task.docker.DockerDriverConfig;
import io.respool.hostworker.task.docker.DockerTaskDriver;
import io.respool.hostworker.task.process.ProcessTaskDriver;
import io.respool.protocol.task.TaskSpec;
import io.respool.protocol.task.TaskState;
import io.respool.protocol.task.TaskStatus;
import io.respool.protocol.task.UsageSample;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.FileReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exclusive GPUs on the worker, with the project's nvidia-smi stand-in ({@link FakeGpus}) and both
 * drivers: plain processes, and containers on a second private dockerd that can start containers
 * asking for NVIDIA GPUs ({@link GpuDockerd}). No GPU exists here: what is checked is which devices
 * each task is given and told about — by nvidia-smi {@code -L} inside a process task (the stand-in
 * honours CUDA_VISIBLE_DEVICES / NVIDIA_VISIBLE_DEVICES as CUDA does), by the environment dockerd
 * itself builds from the container's device request, and by the request read back from dockerd.
 */
@ExtendWith(VertxExtension.class)
@Timeout(300)
class GpuTasksTest {
  private static final long T = 60;
  private static final String IMAGE = "respool/busybox:test";
  private static final Pattern LISTED = Pattern.compile("\\(UUID: ([^)]+)\\)");

  @TempDir Path home;
  private Vertx vertx;
  private FakeGpus fake;
  private GpuMonitor monitor;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final List<TaskRunner> runners = new ArrayList<>();
  private DockerClient docker;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
  }

  @AfterEach
  void tearDown() throws IOException {
    runners.forEach(TaskRunner::close);
    ProcessTaskDriver processes = new ProcessTaskDriver(home.resolve("tasks"));
    for (TaskStatus s : processes.recover()) processes.stop(s.taskId(), Duration.ZERO);
    if (docker != null) {
      for (Container c : docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(DockerTaskDriver.LABEL_OWNER, owner())).exec()) {
        docker.removeContainerCmd(c.getId()).withForce(true).exec();
      }
      docker.close();
    }
  }

  private String owner() {
    return "gpu-test-" + run;
  }

  private TaskRunner runner(boolean withDocker) {
    Map<String, TaskDriver> drivers = new LinkedHashMap<>();
    if (withDocker) drivers.put("docker", new DockerTaskDriver(new DockerDriverConfig(GpuDockerd.host(), 0, null, null, null, owner())));
    drivers.put("process", new ProcessTaskDriver(home.resolve("tasks")));
    TaskRunner r = new TaskRunner(vertx, drivers, new UsageSampler(home.resolve("usage"), Clock.systemUTC()), monitor,
        new GpuAssignments(home.resolve("gpus.properties")), s -> { });
    runners.add(r);
    return r;
  }

  private TaskSpec processTask(String name, int gpus) {
    String id = name + "-" + run;
    // the stand-in nvidia-smi first on the task's PATH, as a real one would be on a GPU host
    return new TaskSpec(id, "bk-" + id, null,
        List.of("/bin/sh", "-c", "nvidia-smi -L; echo \"cuda=$CUDA_VISIBLE_DEVICES nv=$NVIDIA_VISIBLE_DEVICES\"; exec sleep 600"),
        Map.of("PATH", fake.dir + ":/usr/bin:/bin", "CUDA_VISIBLE_DEVICES", "all-of-them"), List.of(), 100, 64, 0, gpus, null, Map.of());
  }

  private TaskSpec containerTask(String name, int gpus) {
    String id = name + "-" + run;
    return new TaskSpec(id, "bk-" + id, IMAGE, List.of("sh", "-c", "echo \"nv=$NVIDIA_VISIBLE_DEVICES\"; exec sleep 600"),
        Map.of(), List.of(), 100, 32, 0, gpus, null, Map.of());
  }

  @Test
  void concurrentOneAndTwoGpuTasksOnBothDriversNeverShareAGpuAndARestartedWorkerKeepsThem() throws Exception {
    fake = new FakeGpus(home.resolve("fake-gpu"), 12);
    monitor = new GpuMonitor(fake.probe());
    assertThat(monitor.probe()).hasSize(12);
    String dockerHost = GpuDockerd.host();
    var cfg = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
    docker = DockerClientImpl.getInstance(cfg, new ApacheDockerHttpClient.Builder().dockerHost(cfg.getDockerHost()).build());
    TaskRunner runner = runner(true);
    assertThat(runner.gpuDriverNames()).containsExactlyInAnyOrder("docker", "process");

    // 13 GPUs asked of 12, all at once, by 1- and 2-GPU tasks of both drivers
    List<TaskSpec> specs = new ArrayList<>();
    int[] processGpus = {1, 2, 1, 2, 1, 1};
    int[] containerGpus = {2, 1, 1, 1};
    for (int i = 0; i < processGpus.length; i++) specs.add(processTask("p" + i, processGpus[i]));
    for (int i = 0; i < containerGpus.length; i++) specs.add(containerTask("c" + i, containerGpus[i]));
    List<Future<TaskStatus>> starts = specs.stream().map(runner::start).toList();
    Future.join(starts).otherwiseEmpty().await(T, SECONDS);

    Map<String, TaskStatus> started = new LinkedHashMap<>();
    Map<String, TaskSpec> byId = new LinkedHashMap<>();
    List<TaskSpec> refused = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      TaskSpec spec = specs.get(i);
      byId.put(spec.taskId(), spec);
      Future<TaskStatus> f = starts.get(i);
      if (f.succeeded()) {
        started.put(spec.taskId(), f.result());
      } else {
        assertThat(f.cause()).isInstanceOf(TaskException.class).hasMessageContaining("healthy ones are free");
        assertThat(((TaskException) f.cause()).kind()).isEqualTo(TaskException.Kind.CONFLICT);
        refused.add(spec);
      }
    }
    assertThat(refused).as("13 GPUs asked of 12: someone is refused").isNotEmpty();
    Set<String> held = new HashSet<>();
    int heldCount = 0;
    for (var e : started.entrySet()) {
      List<String> ids = e.getValue().gpuIds();
      assertThat(ids).as(e.getKey()).hasSize(byId.get(e.getKey()).gpus()).allMatch(fake.uuids()::contains);
      heldCount += ids.size();
      held.addAll(ids);
    }
    assertThat(held).as("no GPU given twice").hasSize(heldCount);
    // GPUs are only taken here, so a refused task found fewer free than it asked, as many as remain at the end at most
    for (TaskSpec r : refused) assertThat(12 - heldCount).as("free GPUs left though " + r.taskId() + " was refused").isLessThan(r.gpus());
    // the table on disk says the same
    Properties onDisk = new Properties();
    try (FileReader in = new FileReader(home.resolve("gpus.properties").toFile())) {
      onDisk.load(in);
    }
    for (var e : started.entrySet()) assertThat(onDisk.getProperty(e.getKey())).isEqualTo(String.join(",", e.getValue().gpuIds()));

    // each task sees exactly its GPUs
    for (var e : started.entrySet()) {
      String id = e.getKey();
      List<String> ids = e.getValue().gpuIds();
      String joined = String.join(",", ids);
      if (byId.get(id).image() == null) {
        String out = until(() -> stdout(runner, id), s -> s.contains("cuda="), id + " printed its devices");
        assertThat(listed(out)).as("nvidia-smi -L in " + id).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(out).contains("cuda=" + joined + " nv=" + joined); // the spec's own CUDA_VISIBLE_DEVICES is overridden
      } else {
        // NVIDIA_VISIBLE_DEVICES inside is what dockerd's nvidia device driver made of the request (and our own env agrees)
        String out = until(() -> stdout(runner, id), s -> s.contains("nv="), id + " printed its devices");
        assertThat(out.strip()).isEqualTo("nv=" + joined);
        List<DeviceRequest> requests = docker.inspectContainerCmd(DockerTaskDriver.NAME_PREFIX + id).exec().getHostConfig().getDeviceRequests();
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getDeviceIds()).containsExactlyElementsOf(ids);
        assertThat(requests.get(0).getDriver()).isEqualTo("nvidia");
      }
    }

    // a restarted worker: every task re-attached with its GPUs, and none of them handed out again
    runner.close();
    TaskRunner again = runner(true);
    Map<String, TaskStatus> recovered = new LinkedHashMap<>();
    for (TaskStatus s : again.recover().await(T, SECONDS)) recovered.put(s.taskId(), s);
    for (var e : started.entrySet()) {
      assertThat(recovered.get(e.getKey())).as(e.getKey()).isNotNull();
      assertThat(recovered.get(e.getKey()).state()).isEqualTo(TaskState.RUNNING);
      assertThat(recovered.get(e.getKey()).gpuIds()).as(e.getKey()).isEqualTo(e.getValue().gpuIds());
    }
    assertThat(again.gpuAssignments()).hasSize(started.size());
    Set<String> free = new HashSet<>(fake.uuids());
    free.removeAll(held);
    // take every GPU still free, one task each; the next one is refused
    List<TaskStatus> more = new ArrayList<>();
    for (int i = 0; i < free.size(); i++) more.add(again.start(processTask("after" + i, 1)).await(T, SECONDS));
    assertThat(more.stream().flatMap(s -> s.gpuIds().stream())).containsExactlyInAnyOrderElementsOf(free);
    assertThat(again.start(containerTask("one-too-many", 1)).otherwiseEmpty().await(T, SECONDS)).isNull();

    // a removed task gives its GPUs back; a stopped one keeps them for its resume
    String twoGpuProcess = started.keySet().stream().filter(id -> byId.get(id).image() == null && byId.get(id).gpus() == 2)
        .findFirst().orElseThrow();
    List<String> itsGpus = started.get(twoGpuProcess).gpuIds();
    again.stop(twoGpuProcess, Duration.ZERO).await(T, SECONDS);
    assertThat(again.start(processTask("while-stopped", 1)).otherwiseEmpty().await(T, SECONDS)).isNull();
    assertThat(again.resume(twoGpuProcess).await(T, SECONDS).gpuIds()).isEqualTo(itsGpus);
    again.stop(twoGpuProcess, Duration.ZERO).await(T, SECONDS);
    again.remove(twoGpuProcess).await(T, SECONDS);
    assertThat(again.start(containerTask("takes-the-freed", 2)).await(T, SECONDS).gpuIds()).containsExactlyInAnyOrderElementsOf(itsGpus);
  }

  @Test
  void eachTasksSamplesCarryTheUseOfItsOwnGpus() throws Exception {
    fake = new FakeGpus(home.resolve("fake-gpu"), 4);
    monitor = new GpuMonitor(fake.probe());
    monitor.probe();
    TaskRunner runner = runner(false);
    TaskStatus two = runner.start(processTask("two", 2)).await(T, SECONDS);
    TaskStatus one = runner.start(processTask("one", 1)).await(T, SECONDS);
    TaskStatus none = runner.start(processTask("none", 0)).await(T, SECONDS);
    assertThat(none.gpuIds()).isNull();
    fake.use(two.gpuIds().get(0), 40, 1000).use(two.gpuIds().get(1), 80, 3000).use(one.gpuIds().get(0), 10, 500);
    String idle = fake.uuids().stream().filter(u -> !two.gpuIds().contains(u) && !one.gpuIds().contains(u)).findFirst().orElseThrow();
    fake.use(idle, 99, 70_000); // nobody's: counted for no task

    Map<String, UsageSample> samples = sample(runner);
    assertThat(samples.get(two.taskId()).gpuUtilization()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(samples.get(two.taskId()).gpuMemoryBytes()).isEqualTo(4000L << 20);
    assertThat(samples.get(one.taskId()).gpuUtilization()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(samples.get(one.taskId()).gpuMemoryBytes()).isEqualTo(500L << 20);
    assertThat(samples.get(none.taskId()).gpuUtilization()).isNull();
    assertThat(samples.get(none.taskId()).gpuMemoryBytes()).isNull();

    // scripted: the load changes, the next samples follow
    fake.use(two.gpuIds().get(0), 100, 2000).use(two.gpuIds().get(1), 100, 2000);
    assertThat(sample(runner).get(two.taskId()).gpuUtilization()).isEqualTo(1.0);

    // a GPU that stops answering: the task's reading is absent rather than wrong, and the GPU is no longer healthy
    fake.state(two.gpuIds().get(1), "err");
    samples = sample(runner);
    assertThat(samples.get(two.taskId()).gpuUtilization()).isNull();
    assertThat(samples.get(one.taskId()).gpuUtilization()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(monitor.healthy()).extracting(io.respool.protocol.host.Inventory.Gpu::uuid).doesNotContain(two.gpuIds().get(1));
  }

  @Test
  void aVanishedOrFailingGpuIsReportedWithItsReasonAndItsTasksUseIsNoLongerSampled() throws Exception {
    fake = new FakeGpus(home.resolve("fake-gpu"), 3);
    monitor = new GpuMonitor(fake.probe());
    TestGateway gateway = new TestGateway(vertx).start();
    gateway.heartbeatIntervalMs = 1000; // a loaded machine must not lose the connection to missed heartbeats mid-test
    HostWorkerConfig config = new HostWorkerConfig(List.of(gateway.url()), home, "eu-west",
        new io.respool.protocol.host.Prices("USDC", 20_000, 5_000, 100, Map.of(FakeGpus.MODEL, 900_000L)),
        new io.respool.protocol.host.Payout(null, null), Duration.ofSeconds(3600)) // only a GPU's failure re-probes within the test
        .withBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .withUsageInterval(Duration.ofSeconds(1));
    InventoryWatcher watcher = new InventoryWatcher(vertx,
        () -> new io.respool.protocol.host.Inventory(4, 8, "Test CPU", 16_384, 100, List.of(), monitor.probe(), "Linux", "x86_64"),
        config.resourcesInterval());
    monitor.onHealthChange(watcher::refresh);
    ControlConnection[] reports = new ControlConnection[1];
    TaskRunner runner = new TaskRunner(vertx, Map.of("process", new ProcessTaskDriver(home.resolve("tasks"))),
        new UsageSampler(home.resolve("usage"), Clock.systemUTC()), monitor, new GpuAssignments(home.resolve("gpus.properties")),
        st -> reports[0].taskChanged(st));
    runners.add(runner);
    ControlConnection connection = new ControlConnection(config, new HostKeyStore(home).loadOrCreate(), watcher,
        new Backoff(config.backoffBase(), config.backoffCap(), new java.util.SplittableRandom(7)), "test", runner,
        (before, after) -> monitor.lossReason(before.gpus(), after.gpus()));
    reports[0] = connection;
    vertx.deployVerticle(connection).await(T, SECONDS);
    TestGateway.Peer peer = gateway.registration(1).await(T, SECONDS);
    var registered = peer.received(io.respool.protocol.host.HostFrame.Register.class).get(0).host();
    assertThat(registered.inventory().gpus()).hasSize(3);
    assertThat(registered.gpuDrivers()).containsExactly("process");

    TaskSpec spec = processTask("on-gpu", 1);
    TaskStatus started = runner.start(spec).await(T, SECONDS);
    until(() -> received(gateway, connection, io.respool.protocol.host.HostFrame.TaskUpdate.class), l -> l.stream()
        .anyMatch(u -> u.status().taskId().equals(spec.taskId()) && started.gpuIds().equals(u.status().gpuIds())), "the status naming its GPU");
    String mine = started.gpuIds().get(0);
    fake.use(mine, 55, 2048);
    until(() -> samplesOf(gateway, connection, spec.taskId()), l -> l.stream().anyMatch(u -> Double.valueOf(0.55).equals(u.gpuUtilization())
        && Long.valueOf(2048L << 20).equals(u.gpuMemoryBytes())), "a sample with the GPU's use");

    // the task's GPU vanishes from nvidia-smi: reported at the next usage tick, not at the next inventory interval
    fake.state(mine, "gone");
    var resources = until(() -> received(gateway, connection, io.respool.protocol.host.HostFrame.Resources.class), l -> !l.isEmpty(), "a resources report");
    assertThat(resources.get(0).inventory().gpus()).extracting(io.respool.protocol.host.Inventory.Gpu::uuid)
        .hasSize(2).doesNotContain(mine);
    assertThat(resources.get(0).reason()).contains("GPU " + mine).contains("left the offer").contains("vanished from nvidia-smi");
    int before = samplesOf(gateway, connection, spec.taskId()).size();
    until(() -> samplesOf(gateway, connection, spec.taskId()), l -> l.size() >= before + 2, "two more samples");
    List<UsageSample> later = samplesOf(gateway, connection, spec.taskId());
    assertThat(later.get(later.size() - 1).gpuUtilization()).as("no reading of a GPU that is gone").isNull();

    // another GPU's queries start failing: reported too, with nvidia-smi's words
    String other = fake.uuids().stream().filter(u -> !u.equals(mine)).findFirst().orElseThrow();
    fake.state(other, "err");
    resources = until(() -> received(gateway, connection, io.respool.protocol.host.HostFrame.Resources.class), l -> l.size() >= 2, "a second report");
    assertThat(resources.get(1).inventory().gpus()).hasSize(1);
    assertThat(resources.get(1).reason()).contains("GPU " + other).contains("[Unknown Error]");
    // and a new task is never given a GPU that is gone or failing
    TaskStatus next = runner.start(processTask("after-loss", 1)).await(T, SECONDS);
    assertThat(next.gpuIds()).doesNotContain(mine, other);
  }

  /** Every frame of the type the gateway received, over all the worker's connections so far. */
  private static <F extends io.respool.protocol.host.HostFrame> List<F> received(TestGateway gateway, ControlConnection worker, Class<F> type) {
    List<F> all = new ArrayList<>();
    for (int n = 1; n <= worker.registrationCount(); n++) {
      try {
        all.addAll(gateway.registration(n).await(T, SECONDS).received(type));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    return all;
  }

  private static List<UsageSample> samplesOf(TestGateway gateway, ControlConnection worker, String taskId) {
    return received(gateway, worker, io.respool.protocol.host.HostFrame.Usage.class).stream().flatMap(u -> u.samples().stream())
        .filter(s -> s.taskId().equals(taskId)).toList();
  }

  private Map<String, UsageSample> sample(TaskRunner runner) throws Exception {
    Map<String, UsageSample> out = new LinkedHashMap<>();
    for (UsageSample s : runner.sampleUsage().await(T, SECONDS)) out.put(s.taskId(), s);
    return out;
  }

  private static String stdout(TaskRunner runner, String taskId) {
    try {
      return runner.output("logs", taskId, 64 * 1024).await(T, SECONDS).stdout();
    } catch (Exception e) {
      return "";
    }
  }

  private static Set<String> listed(String out) {
    Set<String> ids = new HashSet<>();
    Matcher m = LISTED.matcher(out);
    while (m.find()) ids.add(m.group(1));
    return ids;
  }

  private static <V> V until(java.util.function.Supplier<V> read, java.util.function.Predicate<V> ok, String what) {
    long deadline = System.nanoTime() + SECONDS.toNanos(T);
    while (true) {
      V v = read.get();
      if (ok.test(v)) return v;
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what + "; last: " + v);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }
}

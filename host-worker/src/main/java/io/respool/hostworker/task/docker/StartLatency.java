package io.respool.hostworker.task.docker;

import io.respool.hostworker.task.TaskException;
import io.respool.protocol.task.TaskSpec;
import io.respool.protocol.task.TaskState;
import io.respool.protocol.task.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The issue-3 benchmark: container start latency (create → running, i.e. one
 * {@link DockerTaskDriver#start} call until it reports RUNNING) for a local image, with
 * {@code --concurrency} starts released at once. Containers are removed between rounds, outside
 * the measurement.
 *
 * <pre>
 * java -cp host-worker/target/respool-host-worker.jar io.respool.hostworker.task.docker.StartLatency \
 *   --docker-host unix:///tmp/respool-dockerd/docker.sock --runs 50 --concurrency 20
 * </pre>
 */
@Command(name = "start-latency", mixinStandardHelpOptions = true,
    description = "Measures DockerTaskDriver.start (create -> running) latency p50/p99.")
public final class StartLatency implements Callable<Integer> {
  private static final int WARM_UP_STARTS = 2;

  @Option(names = "--docker-host", defaultValue = "${env:DOCKER_HOST:-unix:///var/run/docker.sock}", description = "dockerd address (default: $DOCKER_HOST)")
  private String dockerHost;

  @Option(names = "--image", defaultValue = "respool/busybox:test", description = "a local image with /bin/sleep")
  private String image;

  @Option(names = "--runs", defaultValue = "50", description = "measured starts")
  private int runs;

  @Option(names = "--concurrency", defaultValue = "1", description = "starts released at the same moment")
  private int concurrency;

  public static void main(String[] args) {
    System.exit(new CommandLine(new StartLatency()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (runs < 1 || concurrency < 1) throw new CommandLine.ParameterException(new CommandLine(this), "--runs and --concurrency must be at least 1");
    String prefix = "lat-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    List<Long> millis = Collections.synchronizedList(new ArrayList<>());
    try (DockerTaskDriver driver = new DockerTaskDriver(new DockerDriverConfig(dockerHost, 0));
         ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      round(driver, threads, prefix + "warm-", WARM_UP_STARTS, new ArrayList<>());
      for (int done = 0; done < runs; done += concurrency) {
        round(driver, threads, prefix + done + "-", Math.min(concurrency, runs - done), millis);
      }
    }
    List<Long> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    System.out.printf("| concurrency | runs | p50 ms | p99 ms | max ms | mean ms |%n|---|---|---|---|---|---|%n");
    System.out.printf("| %d | %d | %d | %d | %d | %.0f |%n", concurrency, sorted.size(), percentile(sorted, 0.50), percentile(sorted, 0.99),
        sorted.get(sorted.size() - 1), sorted.stream().mapToLong(Long::longValue).average().orElse(0));
    return 0;
  }

  /** Releases {@code count} starts at once, records each one's latency, then removes the containers. */
  private void round(DockerTaskDriver driver, ExecutorService threads, String idPrefix, int count, List<Long> millis) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Long>> starts = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = idPrefix + i;
      ids.add(id);
      starts.add(threads.submit(() -> {
        go.await();
        long t0 = System.nanoTime();
        TaskStatus status = driver.start(spec(id));
        long elapsed = (System.nanoTime() - t0) / 1_000_000;
        if (status.state() != TaskState.RUNNING) throw new IllegalStateException(id + " is " + status.state() + ": " + status.reason());
        return elapsed;
      }));
    }
    go.countDown();
    try {
      for (Future<Long> start : starts) millis.add(start.get());
    } finally {
      List<Future<?>> removals = new ArrayList<>();
      for (String id : ids) {
        removals.add(threads.submit(() -> {
          try {
            driver.stop(id, Duration.ZERO);
            driver.remove(id);
          } catch (TaskException ignored) {
            // never created
          }
        }));
      }
      for (Future<?> removal : removals) removal.get();
    }
  }

  private TaskSpec spec(String id) {
    return new TaskSpec(id, "start-latency", image, List.of("/bin/sleep", "3600"), Map.of(), List.of(), 100, 16, 0, 0, null,
        Map.of("respool.bench", "start-latency"));
  }

  /** Nearest-rank percentile of sorted values. */
  private long percentile(List<Long> sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}

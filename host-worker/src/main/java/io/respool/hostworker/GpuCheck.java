package io.respool.hostworker;

import io.respool.hostworker.task.GpuAssignments;
import io.respool.hostworker.task.TaskDriver;
import io.respool.hostworker.task.TaskRunner;
import io.respool.hostworker.task.UsageSampler;
import io.respool.hostworker.task.docker.DockerDriverConfig;
import io.respool.hostworker.task.docker.DockerTaskDriver;
import io.respool.hostworker.task.process.ProcessTaskDriver;
import io.respool.protocol.host.Inventory;
import io.respool.protocol.task.TaskSpec;
import io.respool.protocol.task.TaskStatus;
import io.respool.protocol.task.UsageSample;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The check {@code ops/gpu-check.sh} runs on a real GPU host (none exists where ResPool is built):
 * tasks started through the worker's own drivers and GPU assignment see exactly their GPUs
 * ({@code nvidia-smi -L} inside), never another task's, and a short load's utilization reaches the
 * usage samples. Prints a report; exits 0 when every check passed.
 */
public final class GpuCheck {
  private static final Pattern LISTED = Pattern.compile("\\(UUID: ([^)]+)\\)");
  private static final long T = 300;

  private GpuCheck() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new HashMap<>(Map.of("--home", System.getProperty("java.io.tmpdir") + "/respool-gpu-check",
        "--docker-host", "none", "--image", "nvidia/cuda:12.4.1-base-ubuntu22.04", "--seconds", "20"));
    for (int i = 0; i + 1 < args.length; i += 2) opt.put(args[i], args[i + 1]);
    Path home = Path.of(opt.get("--home"));
    int seconds = Integer.parseInt(opt.get("--seconds"));
    GpuMonitor gpus = new GpuMonitor(new NvidiaSmiProbe(System.getenv("PATH"), Duration.ofSeconds(10)));
    List<Inventory.Gpu> listed = gpus.probe();
    if (listed.isEmpty()) {
      System.out.println("FAIL nvidia-smi lists no usable GPU");
      System.exit(1);
    }
    System.out.println("GPUs: " + listed.stream().map(g -> g.index() + " " + g.model() + " " + g.uuid()).toList());
    Map<String, TaskDriver> drivers = new LinkedHashMap<>();
    drivers.put("process", new ProcessTaskDriver(home.resolve("tasks")));
    if (!opt.get("--docker-host").equals("none")) drivers.put("docker", new DockerTaskDriver(new DockerDriverConfig(opt.get("--docker-host"), 0)));
    Vertx vertx = Vertx.vertx();
    int failures = 0;
    try {
      TaskRunner runner = new TaskRunner(vertx, drivers, new UsageSampler(home.resolve("usage"), Clock.systemUTC()), gpus,
          new GpuAssignments(home.resolve("gpus.properties")), s -> { });
      String load = "if python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then"
          + " python3 -c 'import torch,time\nx=torch.randn(4096,4096,device=\"cuda\")\nt=time.time()\n"
          + "while time.time()-t<" + seconds + ":\n  y=x@x\ntorch.cuda.synchronize()';"
          + " else echo no-load: python3 with CUDA torch is not available here; sleep " + seconds + "; fi";
      for (String driver : drivers.keySet()) {
        String image = driver.equals("docker") ? opt.get("--image") : null;
        List<TaskSpec> specs = new ArrayList<>();
        for (int i = 0; i < listed.size(); i++) specs.add(spec(driver + "-one-" + i, image, 1, "nvidia-smi -L; " + load));
        failures += round(runner, driver + ": one GPU per task, all GPUs at once, with a load", specs, seconds, true);
        if (listed.size() >= 2) failures += round(runner, driver + ": a 2-GPU task", List.of(spec(driver + "-two", image, 2, "nvidia-smi -L")), 5, false);
      }
      runner.close();
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    System.out.println(failures == 0 ? "PASS every check" : "FAIL " + failures + " check(s)");
    System.exit(failures == 0 ? 0 : 1);
  }

  private static TaskSpec spec(String name, String image, int gpus, String script) {
    String id = "gpucheck-" + name + "-" + UUID.randomUUID().toString().substring(0, 6);
    Map<String, String> env = image == null ? Map.of("PATH", System.getenv("PATH")) : Map.of();
    // CUDA needs far more address space than a task's memory: this check wants a memory cgroup, not RLIMIT_AS
    return new TaskSpec(id, "gpu-check", image, List.of("/bin/sh", "-c", script), env, List.of(), 1000, 8192, 0, gpus, null, Map.of());
  }

  /** Starts the tasks, samples them while they run, checks what each saw; returns the number of failed checks. */
  private static int round(TaskRunner runner, String title, List<TaskSpec> specs, int seconds, boolean expectLoad) throws Exception {
    System.out.println("== " + title);
    int failures = 0;
    List<TaskStatus> started = new ArrayList<>();
    for (TaskSpec s : specs) started.add(runner.start(s).await(T, TimeUnit.SECONDS));
    Map<String, Double> busiest = new HashMap<>();
    Map<String, Long> memory = new HashMap<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 10L);
    while (System.nanoTime() < end) {
      for (UsageSample u : runner.sampleUsage().await(T, TimeUnit.SECONDS)) {
        if (u.gpuUtilization() != null) busiest.merge(u.taskId(), u.gpuUtilization(), Math::max);
        if (u.gpuMemoryBytes() != null) memory.merge(u.taskId(), u.gpuMemoryBytes(), Math::max);
      }
      Thread.sleep(2000);
    }
    Set<String> seen = new HashSet<>();
    for (TaskStatus s : started) {
      String out = runner.output("check", s.taskId(), 64 * 1024).await(T, TimeUnit.SECONDS).stdout();
      Set<String> inside = new HashSet<>();
      Matcher m = LISTED.matcher(out);
      while (m.find()) inside.add(m.group(1));
      boolean exact = s.gpuIds() != null && inside.equals(new HashSet<>(s.gpuIds()));
      boolean shared = s.gpuIds() != null && s.gpuIds().stream().anyMatch(g -> !seen.add(g));
      System.out.printf("%s %s assigned %s, nvidia-smi -L inside lists %s%n", exact && !shared ? "ok  " : "FAIL", s.taskId(), s.gpuIds(), inside);
      if (!exact || shared) failures++;
      if (expectLoad) {
        if (out.contains("no-load")) {
          System.out.println("skip " + s.taskId() + ": no load ran (" + out.lines().filter(l -> l.startsWith("no-load")).findFirst().orElse("") + ")");
        } else {
          double u = busiest.getOrDefault(s.taskId(), 0.0);
          System.out.printf("%s %s highest GPU utilization sampled %.0f %%, GPU memory %d MiB%n", u > 0 ? "ok  " : "FAIL", s.taskId(), u * 100,
              memory.getOrDefault(s.taskId(), 0L) >> 20);
          if (u <= 0) failures++;
        }
      }
      runner.stop(s.taskId(), Duration.ofSeconds(5)).await(T, TimeUnit.SECONDS);
      runner.remove(s.taskId()).await(T, TimeUnit.SECONDS);
    }
    return failures;
  }
}

package io.respool.hostworker.task.docker;

import static io.respool.hostworker.task.TaskException.Kind.CONFLICT;
import static io.respool.hostworker.task.TaskException.Kind.INVALID;
import static io.respool.hostworker.task.TaskException.Kind.NOT_FOUND;
import static io.respool.hostworker.task.TaskException.Kind.UNAVAILABLE;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.BlkioStatEntry;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.NetworkSettings;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.api.model.StatisticNetworksConfig;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.WaitResponse;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.respool.hostworker.files.ConfinedRoot;
import io.respool.hostworker.task.Capabilities;
import io.respool.hostworker.task.ExecSession;
import io.respool.hostworker.task.LogChunk;
import io.respool.hostworker.task.TaskDriver;
import io.respool.hostworker.task.TaskException;
import io.respool.protocol.task.TaskSpec;
import io.respool.protocol.task.TaskState;
import io.respool.hostworker.task.TaskStats;
import io.respool.protocol.task.TaskStatus;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs tasks as containers on a Docker engine through docker-java. Each task is the container
 * {@code respool-<taskId>}: the name makes a second start of the same id find the first container
 * instead of creating another, and the labels {@value #LABEL_TASK} / {@value #LABEL_BOOKING} let a
 * restarted worker {@link #recover()} every container it started. {@link #close()} only drops the
 * connection to dockerd: containers keep running.
 *
 * <p>Every call blocks on dockerd; call it off the event loop.
 */
public final class DockerTaskDriver implements TaskDriver {
  public static final String LABEL_TASK = "respool.task";
  public static final String LABEL_BOOKING = "respool.booking";
  public static final String LABEL_OWNER = "respool.owner";
  public static final String NAME_PREFIX = "respool-";

  private static final long MIB = 1024L * 1024;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration STATS_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration NAME_RESERVATION_WAIT = Duration.ofSeconds(10);
  /** dockerd's "never" in StartedAt / FinishedAt. */
  private static final String ZERO_TIME_PREFIX = "0001-01-01";
  private static final Pattern DOCKER_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  /** dockerd answers some bad specs with 500 rather than 400; these words mark them as the caller's fault. */
  private static final List<String> INVALID_SPEC_WORDS = List.of(
      "minimum memory limit", "range of cpus", "invalid", "executable file not found", "no such file or directory",
      "storage-opt", "could not select device driver");

  private final DockerDriverConfig config;
  private final DockerClient docker;
  /** What dockerd says it can enforce; read once, when first needed. */
  private volatile EngineFacts engine;

  public DockerTaskDriver(DockerDriverConfig config) {
    this.config = config;
    DockerClientConfig clientConfig = DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost(config.dockerHost())
        .build();
    // No response timeout: log follows and waits legitimately stay open for hours.
    this.docker = DockerClientImpl.getInstance(clientConfig, new ApacheDockerHttpClient.Builder()
        .dockerHost(clientConfig.getDockerHost())
        .sslConfig(clientConfig.getSSLConfig())
        .connectionTimeout(CONNECT_TIMEOUT)
        .build());
  }

  @Override
  public Capabilities capabilities() {
    List<String> notes = new ArrayList<>();
    EngineFacts facts;
    try {
      facts = engine();
    } catch (TaskException e) {
      notes.add("docker engine at " + config.dockerHost() + " is not answering; what it enforces is unknown");
      return new Capabilities("docker", true, false, false, config.hostGpus() > 0, notes);
    }
    if (!facts.cpuQuota()) notes.add("the kernel has no CFS quota: CPU is not capped");
    if (!facts.memoryLimit()) notes.add("the kernel has no memory cgroup: memory is not capped");
    if (facts.memoryLimit() && !facts.swapLimit()) notes.add("the kernel has no swap accounting: a task may swap beyond its memory limit");
    if (!facts.storageQuota()) {
      notes.add("storage size is not enforced: the storage driver is " + facts.storageDriver() + " on " + facts.backingFilesystem()
          + " (a size limit needs overlay2 on xfs mounted with pquota)");
    }
    return new Capabilities("docker", true, facts.cpuQuota(), facts.memoryLimit(), config.hostGpus() > 0, List.copyOf(notes));
  }

  @Override
  public TaskStatus start(TaskSpec spec) {
    if (spec.gpus() > config.hostGpus()) {
      throw new TaskException(INVALID, "task " + spec.taskId() + " asks for " + spec.gpus() + " GPU(s); this host has " + config.hostGpus());
    }
    // dockerd refuses more CPUs than the host has but would accept any memory limit: check both here
    EngineFacts facts = engine();
    if (facts.cpus() > 0 && spec.cpuMillis() > facts.cpus() * 1000L) {
      throw new TaskException(INVALID, "task " + spec.taskId() + " asks for " + spec.cpuMillis() / 1000.0 + " cores; this host has " + facts.cpus());
    }
    if (facts.memoryBytes() > 0 && spec.memoryMb() * MIB > facts.memoryBytes()) {
      throw new TaskException(INVALID, "task " + spec.taskId() + " asks for " + spec.memoryMb() + " MiB of memory; this host has " + facts.memoryBytes() / MIB + " MiB");
    }
    Optional<InspectContainerResponse> existing = find(spec.taskId());
    if (existing.isPresent()) return startedBefore(spec.taskId(), existing.get());
    ensureImage(spec.image());
    String containerId;
    try {
      containerId = create(spec);
    } catch (ConflictException e) {
      // a concurrent start of the same task created the container first: use that one
      return startedBefore(spec.taskId(), awaitNamedContainer(spec.taskId()));
    } catch (NotFoundException e) {
      throw new TaskException(INVALID, "unknown image " + spec.image() + ": " + dockerMessage(e), e);
    } catch (RuntimeException e) {
      throw failure("cannot create task " + spec.taskId(), e);
    }
    return startCreated(spec.taskId(), containerId, true);
  }

  @Override
  public TaskStatus stop(String taskId, Duration grace) {
    InspectContainerResponse container = inspectContainer(taskId);
    if (Boolean.TRUE.equals(container.getState().getRunning())) {
      try {
        // dockerd sends SIGTERM, waits this long, then SIGKILL; it answers once the container stopped
        docker.stopContainerCmd(container.getId()).withTimeout(seconds(grace)).exec();
      } catch (NotModifiedException e) {
        // it ended on its own in the meantime
      } catch (RuntimeException e) {
        throw failure("cannot stop task " + taskId, e);
      }
    }
    return inspect(taskId);
  }

  /** Starts the same container again: its writable layer, limits and labels are kept; dockerd may pick new host ports. */
  @Override
  public TaskStatus resume(String taskId) {
    InspectContainerResponse container = inspectContainer(taskId);
    TaskStatus now = status(container);
    if (now.state() == TaskState.RUNNING) return now;
    return startCreated(taskId, container.getId(), false);
  }

  @Override
  public TaskStatus inspect(String taskId) {
    return status(inspectContainer(taskId));
  }

  @Override
  public TaskStatus await(String taskId, Duration timeout) {
    InspectContainerResponse container = inspectContainer(taskId);
    if (!Boolean.TRUE.equals(container.getState().getRunning())) return status(container);
    Last<WaitResponse> wait = new Last<>();
    try {
      docker.waitContainerCmd(container.getId()).exec(wait);
      wait.awaitCompletion(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskException(UNAVAILABLE, "interrupted while waiting for task " + taskId, e);
    } finally {
      closeQuietly(wait);
    }
    if (wait.error != null) throw failure("cannot wait for task " + taskId, wait.error);
    return inspect(taskId);
  }

  @Override
  public TaskStats stats(String taskId) {
    InspectContainerResponse container = inspectContainer(taskId);
    Last<Statistics> stats = new Last<>();
    try {
      docker.statsCmd(container.getId()).withNoStream(true).exec(stats);
      if (!stats.awaitCompletion(STATS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new TaskException(UNAVAILABLE, "docker engine gave no stats for task " + taskId + " within " + STATS_TIMEOUT.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskException(UNAVAILABLE, "interrupted while reading stats of task " + taskId, e);
    } finally {
      closeQuietly(stats);
    }
    if (stats.error != null) throw failure("cannot read stats of task " + taskId, stats.error);
    return toStats(taskId, stats.item, container.getHostConfig() == null ? null : container.getHostConfig().getMemory());
  }

  @Override
  public Closeable logs(String taskId, boolean follow, Consumer<LogChunk> sink, Runnable onEnd) {
    InspectContainerResponse container = inspectContainer(taskId);
    LogStream stream = new LogStream(sink, onEnd);
    try {
      docker.logContainerCmd(container.getId()).withStdOut(true).withStdErr(true).withFollowStream(follow).exec(stream);
    } catch (RuntimeException e) {
      throw failure("cannot read logs of task " + taskId, e);
    }
    return stream;
  }

  @Override
  public ExecSession exec(String taskId, List<String> command, ExecSession.Terminal terminal) {
    if (command == null || command.isEmpty()) throw new TaskException(INVALID, "exec needs a command");
    InspectContainerResponse container = running(taskId);
    try {
      var create = docker.execCreateCmd(container.getId())
          .withCmd(command.toArray(String[]::new))
          .withTty(terminal != null)
          .withAttachStdin(true)
          .withAttachStdout(true)
          .withAttachStderr(true);
      if (terminal != null) create.withEnv(List.of("TERM=" + terminal.term()));
      String execId = create.exec().getId();
      DockerExecSession session = new DockerExecSession(docker, URI.create(config.dockerHost()), execId, terminal != null,
          e -> failure("exec in task " + taskId, e)).start();
      // dockerd 20.10 (API 1.41) takes no size with the start: set it right after, as the docker CLI does
      if (terminal != null) {
        try {
          session.resize(terminal.columns(), terminal.rows());
        } catch (TaskException e) {
          // the command may have ended already; its output still flows
        }
      }
      return session;
    } catch (RuntimeException e) {
      throw failure("cannot exec in task " + taskId, e);
    }
  }

  /**
   * The container's root filesystem through {@code /proc/<pid>/root} of its main process, held
   * open as a {@link ConfinedRoot}. Needs the engine on this host (its pids in our pid namespace);
   * the pid is checked to belong to the container after the root is opened, so a pid reused in
   * between can never hand out another process's filesystem.
   */
  @Override
  public ConfinedRoot files(String taskId) {
    InspectContainerResponse container = running(taskId);
    Long pid = container.getState().getPidLong();
    if (pid == null || pid <= 0) throw new TaskException(CONFLICT, "task " + taskId + " has no running process");
    ConfinedRoot root;
    try {
      root = ConfinedRoot.open(Path.of("/proc", Long.toString(pid), "root"));
    } catch (IOException e) {
      throw new TaskException(UNAVAILABLE, "cannot open the filesystem of task " + taskId + " (file transfer needs the docker engine on this host): " + e.getMessage(), e);
    }
    try {
      if (!Files.readString(Path.of("/proc", Long.toString(pid), "cgroup")).contains(container.getId())) {
        throw new IOException("process " + pid + " is not the container's");
      }
    } catch (IOException e) {
      root.close();
      throw new TaskException(UNAVAILABLE, "cannot reach the filesystem of task " + taskId + " (file transfer needs the docker engine on this host): " + e.getMessage(), e);
    }
    return root;
  }

  /** The container's address on its network: every port it listens on is reachable there, published or not. */
  @Override
  public InetSocketAddress endpoint(String taskId, int port) {
    InspectContainerResponse container = running(taskId);
    NetworkSettings net = container.getNetworkSettings();
    String ip = net == null ? null : net.getIpAddress();
    if ((ip == null || ip.isBlank()) && net != null && net.getNetworks() != null) {
      ip = net.getNetworks().values().stream().map(ContainerNetwork::getIpAddress).filter(a -> a != null && !a.isBlank()).findFirst().orElse(null);
    }
    if (ip == null || ip.isBlank()) throw new TaskException(CONFLICT, "task " + taskId + " has no network address to forward to");
    return new InetSocketAddress(ip, port);
  }

  private InspectContainerResponse running(String taskId) {
    InspectContainerResponse container = inspectContainer(taskId);
    if (!Boolean.TRUE.equals(container.getState().getRunning())) throw new TaskException(CONFLICT, "task " + taskId + " is not running");
    return container;
  }

  @Override
  public List<TaskStatus> recover() {
    List<Container> containers;
    try {
      var list = docker.listContainersCmd().withShowAll(true);
      containers = (config.owner() == null ? list.withLabelFilter(List.of(LABEL_TASK)) : list.withLabelFilter(Map.of(LABEL_OWNER, config.owner()))).exec();
    } catch (RuntimeException e) {
      throw failure("cannot list tasks", e);
    }
    List<TaskStatus> found = new ArrayList<>();
    for (Container c : containers) {
      try {
        found.add(status(docker.inspectContainerCmd(c.getId()).exec()));
      } catch (NotFoundException e) {
        // removed between the listing and now
      } catch (RuntimeException e) {
        throw failure("cannot inspect container " + c.getId(), e);
      }
    }
    return found;
  }

  @Override
  public void remove(String taskId) {
    InspectContainerResponse container = inspectContainer(taskId);
    if (Boolean.TRUE.equals(container.getState().getRunning())) {
      throw new TaskException(INVALID, "task " + taskId + " is still running; stop it before removing it");
    }
    try {
      // no force: should it have been restarted meanwhile, dockerd refuses (409) instead of killing it
      docker.removeContainerCmd(container.getId()).withRemoveVolumes(true).exec();
    } catch (NotFoundException e) {
      throw notFound(taskId);
    } catch (RuntimeException e) {
      throw failure("cannot remove task " + taskId, e);
    }
  }

  /** Closes the connection to dockerd; the containers keep running, for {@link #recover()} to find. */
  @Override
  public void close() {
    closeQuietly(docker);
  }

  // --- start --------------------------------------------------------------------------------------

  /** A start of a task whose container exists: its status, unless it was never started. */
  private TaskStatus startedBefore(String taskId, InspectContainerResponse container) {
    // created but never started: an earlier start died between create and start
    if ("created".equals(container.getState().getStatus())) return startCreated(taskId, container.getId(), false);
    return status(container);
  }

  /**
   * The container a concurrent start is creating. dockerd reserves the name (and refuses ours with
   * 409) a moment before the container can be inspected, so look again for a short while.
   */
  private InspectContainerResponse awaitNamedContainer(String taskId) {
    long deadline = System.nanoTime() + NAME_RESERVATION_WAIT.toNanos();
    while (true) {
      Optional<InspectContainerResponse> found = find(taskId);
      if (found.isPresent()) return found.get();
      if (System.nanoTime() > deadline) throw new TaskException(UNAVAILABLE, "task " + taskId + " is being created by another start that did not finish");
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TaskException(UNAVAILABLE, "interrupted while starting task " + taskId, e);
      }
    }
  }

  /** Starts a created container; if that fails and this call created it, removes it again. */
  private TaskStatus startCreated(String taskId, String containerId, boolean createdHere) {
    try {
      docker.startContainerCmd(containerId).exec();
    } catch (NotModifiedException e) {
      // a concurrent start of the same task started it
    } catch (RuntimeException e) {
      if (createdHere) removeQuietly(containerId);
      throw failure("cannot start task " + taskId, e);
    }
    return inspect(taskId);
  }

  private void ensureImage(String image) {
    if (image == null || image.isBlank()) throw new TaskException(INVALID, "an image is required");
    try {
      docker.inspectImageCmd(image).exec();
      return;
    } catch (NotFoundException e) {
      // not on this host yet: pull it
    } catch (RuntimeException e) {
      throw failure("cannot look up image " + image, e);
    }
    pull(image);
  }

  private void pull(String image) {
    PullImageCmd pull = docker.pullImageCmd(withTag(image));
    DockerDriverConfig.RegistryAuth registry = config.registry();
    if (registry != null) {
      pull.withAuthConfig(new AuthConfig().withRegistryAddress(registry.server()).withUsername(registry.username()).withPassword(registry.password()));
    }
    QuietPull progress = new QuietPull();
    try {
      if (!pull.exec(progress).awaitCompletion(config.pullTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        throw new TaskException(UNAVAILABLE, "pulling image " + image + " took longer than " + config.pullTimeout().toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskException(UNAVAILABLE, "interrupted while pulling image " + image, e);
    } catch (TaskException e) {
      throw e;
    } catch (RuntimeException e) {
      // the stream's own error says more than "Could not pull image"
      Throwable cause = progress.error != null ? progress.error : e;
      if (isConnectionFailure(cause)) throw unreachable(cause);
      throw new TaskException(INVALID, "unknown image " + image + ": " + dockerMessage(cause), cause);
    } finally {
      closeQuietly(progress);
    }
  }

  private String create(TaskSpec spec) {
    List<ExposedPort> exposed = new ArrayList<>();
    Ports bindings = new Ports();
    for (int port : spec.ports()) {
      ExposedPort p = ExposedPort.tcp(port);
      exposed.add(p);
      bindings.bind(p, Ports.Binding.bindIp(config.publishAddress())); // no host port: dockerd picks a free one
    }
    long memory = spec.memoryMb() * MIB;
    HostConfig host = HostConfig.newHostConfig()
        .withNanoCPUs(spec.cpuMillis() * 1_000_000L)
        .withMemory(memory)
        .withMemorySwap(memory) // memory + swap == memory: no swap on top, so the limit really caps
        .withPortBindings(bindings)
        .withInit(true); // a small init as PID 1 passes SIGTERM on; a shell as PID 1 would ignore it
    if (spec.gpus() > 0) {
      host.withDeviceRequests(List.of(new DeviceRequest().withCount(spec.gpus()).withCapabilities(List.of(List.of("gpu")))));
    }
    if (spec.storageGb() > 0 && storageQuota()) host.withStorageOpt(Map.of("size", spec.storageGb() + "G"));

    Map<String, String> labels = new HashMap<>(spec.labels());
    labels.put(LABEL_TASK, spec.taskId());
    labels.put(LABEL_BOOKING, spec.bookingId());
    if (config.owner() != null) labels.put(LABEL_OWNER, config.owner());
    CreateContainerCmd create = docker.createContainerCmd(spec.image())
        .withName(containerName(spec.taskId()))
        .withLabels(labels)
        .withEnv(spec.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
        .withExposedPorts(exposed)
        .withHostConfig(host);
    if (!spec.command().isEmpty()) {
      create.withEntrypoint(spec.command().get(0)).withCmd(spec.command().subList(1, spec.command().size()));
    }
    return create.exec().getId();
  }

  /** Docker pulls every tag of a repository when none is given; a task means {@code :latest}. */
  private String withTag(String image) {
    int lastSlash = image.lastIndexOf('/');
    return image.contains("@") || image.indexOf(':', lastSlash + 1) >= 0 ? image : image + ":latest";
  }

  private boolean storageQuota() {
    try {
      return engine().storageQuota();
    } catch (TaskException e) {
      return false;
    }
  }

  // --- reading dockerd's answers ------------------------------------------------------------------

  private Optional<InspectContainerResponse> find(String taskId) {
    try {
      return Optional.of(docker.inspectContainerCmd(containerName(taskId)).exec());
    } catch (NotFoundException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      throw failure("cannot look up task " + taskId, e);
    }
  }

  private InspectContainerResponse inspectContainer(String taskId) {
    return find(taskId).orElseThrow(() -> notFound(taskId));
  }

  private TaskStatus status(InspectContainerResponse c) {
    Map<String, String> labels = c.getConfig() == null || c.getConfig().getLabels() == null ? Map.of() : c.getConfig().getLabels();
    String name = c.getName() == null ? "" : c.getName().replaceFirst("^/", "");
    String taskId = labels.getOrDefault(LABEL_TASK, name.startsWith(NAME_PREFIX) ? name.substring(NAME_PREFIX.length()) : name);
    InspectContainerResponse.ContainerState s = c.getState();
    String dockerStatus = s.getStatus() == null ? "" : s.getStatus();
    String error = s.getError() == null || s.getError().isBlank() ? null : s.getError();
    boolean oomKilled = Boolean.TRUE.equals(s.getOOMKilled());
    TaskState state = switch (dockerStatus) {
      case "created" -> TaskState.STARTING;
      case "running", "paused", "restarting" -> TaskState.RUNNING;
      case "exited", "removing" -> error == null ? TaskState.EXITED : TaskState.FAILED;
      default -> TaskState.FAILED; // "dead": dockerd could neither stop nor remove it
    };
    Integer exitCode = state == TaskState.EXITED && s.getExitCodeLong() != null ? Integer.valueOf(s.getExitCodeLong().intValue()) : null;
    Long memoryLimit = c.getHostConfig() == null ? null : c.getHostConfig().getMemory();
    String reason = switch (state) {
      case STARTING -> "created, not started yet";
      case RUNNING -> null;
      case EXITED -> oomKilled
          ? "killed for exceeding its memory limit" + (memoryLimit == null || memoryLimit == 0 ? "" : " of " + memoryLimit / MIB + " MiB")
          : "exited with code " + exitCode;
      case FAILED -> error != null ? error : "container is " + dockerStatus;
    };
    Instant startedAt = instant(s.getStartedAt());
    Instant finishedAt = state.isFinal() ? instant(s.getFinishedAt()) : null;
    // dockerd stamps StartedAt when the start call completes, which for a task that ends at once
    // can be after its FinishedAt: a task never ends before it starts
    if (startedAt != null && finishedAt != null && finishedAt.isBefore(startedAt)) finishedAt = startedAt;
    return new TaskStatus(taskId, labels.get(LABEL_BOOKING), state, exitCode, oomKilled, reason, ports(c), startedAt, finishedAt);
  }

  private Map<Integer, Integer> ports(InspectContainerResponse c) {
    if (c.getNetworkSettings() == null || c.getNetworkSettings().getPorts() == null) return Map.of();
    Map<Integer, Integer> ports = new TreeMap<>();
    c.getNetworkSettings().getPorts().getBindings().forEach((exposed, bound) -> {
      if (bound == null) return;
      Arrays.stream(bound)
          .map(Ports.Binding::getHostPortSpec)
          .filter(p -> p != null && p.matches("\\d+"))
          .findFirst()
          .ifPresent(p -> ports.put(exposed.getPort(), Integer.parseInt(p)));
    });
    return Map.copyOf(ports);
  }

  private Instant instant(String dockerTime) {
    if (dockerTime == null || dockerTime.isBlank() || dockerTime.startsWith(ZERO_TIME_PREFIX)) return null;
    try {
      return Instant.parse(dockerTime);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private TaskStats toStats(String taskId, Statistics s, Long configuredMemory) {
    if (s == null) return new TaskStats(taskId, 0, 0, configuredMemory == null ? 0 : configuredMemory, 0, 0, 0, 0);
    double cpuSeconds = 0;
    if (s.getCpuStats() != null && s.getCpuStats().getCpuUsage() != null && s.getCpuStats().getCpuUsage().getTotalUsage() != null) {
      cpuSeconds = s.getCpuStats().getCpuUsage().getTotalUsage() / 1e9; // nanoseconds
    }
    long memory = 0;
    long memoryLimit = configuredMemory == null ? 0 : configuredMemory;
    if (s.getMemoryStats() != null) {
      if (s.getMemoryStats().getUsage() != null) memory = s.getMemoryStats().getUsage();
      if (s.getMemoryStats().getLimit() != null && s.getMemoryStats().getLimit() > 0) memoryLimit = s.getMemoryStats().getLimit();
    }
    long rx = 0;
    long tx = 0;
    if (s.getNetworks() != null) {
      for (StatisticNetworksConfig net : s.getNetworks().values()) {
        if (net.getRxBytes() != null) rx += net.getRxBytes();
        if (net.getTxBytes() != null) tx += net.getTxBytes();
      }
    }
    long read = 0;
    long written = 0;
    if (s.getBlkioStats() != null && s.getBlkioStats().getIoServiceBytesRecursive() != null) {
      for (BlkioStatEntry e : s.getBlkioStats().getIoServiceBytesRecursive()) {
        if (e.getOp() == null || e.getValue() == null) continue;
        // cgroup v1 says "Read"/"Write", v2 "read"/"write"
        switch (e.getOp().toLowerCase(Locale.ROOT)) {
          case "read" -> read += e.getValue();
          case "write" -> written += e.getValue();
          default -> { }
        }
      }
    }
    return new TaskStats(taskId, cpuSeconds, memory, memoryLimit, rx, tx, read, written);
  }

  private EngineFacts engine() {
    EngineFacts facts = engine;
    if (facts != null) return facts;
    Info info;
    try {
      info = docker.infoCmd().exec();
    } catch (RuntimeException e) {
      throw failure("cannot ask the docker engine what it supports", e);
    }
    String backing = "an unknown filesystem";
    if (info.getDriverStatuses() != null) {
      for (List<String> pair : info.getDriverStatuses()) {
        if (pair.size() == 2 && "Backing Filesystem".equals(pair.get(0))) backing = pair.get(1);
      }
    }
    String driver = info.getDriver() == null ? "unknown" : info.getDriver();
    facts = new EngineFacts(driver, backing,
        info.getNCPU() == null ? 0 : info.getNCPU(),
        info.getMemTotal() == null ? 0 : info.getMemTotal(),
        !Boolean.FALSE.equals(info.getCpuCfsQuota()),
        !Boolean.FALSE.equals(info.getMemoryLimit()),
        !Boolean.FALSE.equals(info.getSwapLimit()),
        driver.equals("overlay2") && backing.equals("xfs"));
    engine = facts;
    return facts;
  }

  /** What dockerd reports it can enforce. */
  private record EngineFacts(String storageDriver, String backingFilesystem, int cpus, long memoryBytes, boolean cpuQuota, boolean memoryLimit, boolean swapLimit, boolean storageQuota) {}

  // --- errors -------------------------------------------------------------------------------------

  private TaskException failure(String what, Throwable e) {
    if (e instanceof TaskException t) return t;
    if (isConnectionFailure(e)) return unreachable(e);
    String detail = dockerMessage(e);
    if (e instanceof NotFoundException) return new TaskException(NOT_FOUND, what + ": " + detail, e);
    if (e instanceof BadRequestException || e instanceof ConflictException) return new TaskException(INVALID, what + ": " + detail, e);
    if (e instanceof InternalServerErrorException) {
      String lower = detail.toLowerCase(Locale.ROOT);
      if (INVALID_SPEC_WORDS.stream().anyMatch(lower::contains)) return new TaskException(INVALID, what + ": " + detail, e);
    }
    return new TaskException(UNAVAILABLE, what + ": " + detail, e);
  }

  private TaskException notFound(String taskId) {
    return new TaskException(NOT_FOUND, "no task " + taskId + " on this host");
  }

  private TaskException unreachable(Throwable e) {
    return new TaskException(UNAVAILABLE, "docker engine at " + config.dockerHost() + " is not answering: " + rootMessage(e), e);
  }

  /** docker-java wraps every transport failure (refused, no socket, reset) in a RuntimeException around an IOException. */
  private boolean isConnectionFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException) return true;
      if (t.getCause() == t) break;
    }
    return false;
  }

  /** dockerd's own words from a docker-java exception ("Status 400: {"message":"…"}"). */
  private String dockerMessage(Throwable e) {
    String raw = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Matcher m = DOCKER_MESSAGE.matcher(raw);
    return m.find() ? m.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : raw.strip();
  }

  private String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  private void removeQuietly(String containerId) {
    try {
      docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
    } catch (RuntimeException ignored) {
      // best effort while reporting the original failure; recover() still finds it by label
    }
  }

  private int seconds(Duration grace) {
    long millis = Math.max(0, grace.toMillis());
    return (int) Math.min(Integer.MAX_VALUE, (millis + 999) / 1000);
  }

  private String containerName(String taskId) {
    return NAME_PREFIX + taskId;
  }

  private void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException | RuntimeException ignored) {
      // nothing left to do with a stream being closed
    }
  }

  // --- callbacks ----------------------------------------------------------------------------------

  /** Keeps an async command's last item (or its error). */
  private static final class Last<T> extends StreamCallback<T> {
    volatile T item;

    @Override
    public void onNext(T value) { item = value; }
  }

  /** A pull whose transport error is kept for the message instead of logged as a stack trace. */
  private static final class QuietPull extends PullImageResultCallback {
    private final AtomicBoolean closed = new AtomicBoolean();
    volatile Throwable error;

    @Override
    public void onStart(Closeable stream) {
      super.onStart(stream);
      if (closed.get()) closeStream(stream); // abandoned (timed out) before dockerd answered
    }

    @Override
    public void onError(Throwable t) {
      error = t;
      close();
    }

    @Override
    public void close() {
      closed.set(true);
      try {
        super.close();
      } catch (IOException ignored) {
        // already closed
      }
    }

    private void closeStream(Closeable stream) {
      try {
        stream.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }

  /** Feeds a container's output to the caller's sink; {@code onEnd} runs once, however it ends. */
  private static final class LogStream extends StreamCallback<Frame> {
    private final Consumer<LogChunk> sink;
    private final Runnable onEnd;

    LogStream(Consumer<LogChunk> sink, Runnable onEnd) {
      this.sink = sink;
      this.onEnd = onEnd;
    }

    @Override
    public void onNext(Frame frame) {
      if (isClosed()) return;
      LogChunk.Stream stream = frame.getStreamType() == StreamType.STDERR ? LogChunk.Stream.STDERR : LogChunk.Stream.STDOUT;
      // docker-java reuses the frame's buffer for the next read: hand out a copy
      sink.accept(new LogChunk(stream, frame.getPayload().clone()));
    }

    @Override
    protected void ended() {
      onEnd.run();
    }
  }
}

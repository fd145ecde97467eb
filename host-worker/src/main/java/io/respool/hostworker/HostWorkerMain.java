package io.respool.hostworker;

import io.respool.protocol.crypto.Ed25519;
import io.respool.protocol.host.Payout;
import io.respool.protocol.host.Prices;
import io.vertx.core.Vertx;
import io.respool.hostworker.discovery.MdnsDiscovery;
import io.respool.protocol.host.Discovery;
import io.respool.protocol.logging.LogFormat;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import io.respool.hostworker.task.GpuAssignments;
import io.respool.hostworker.task.TaskDriver;
import io.respool.hostworker.task.TaskRunner;
import io.respool.hostworker.task.UsageSampler;
import io.respool.hostworker.task.docker.DockerDriverConfig;
import io.respool.hostworker.task.docker.DockerTaskDriver;
import io.respool.hostworker.task.process.ProcessTaskDriver;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The host-worker executable and its one composition root. */
@Command(
    name = "respool-host-worker",
    mixinStandardHelpOptions = true,
    versionProvider = AgentVersion.class,
    sortOptions = false,
    showDefaultValues = true,
    description = {
      "Offers this machine's CPU, GPU, memory and storage to a ResPool gateway.",
      "Each option falls back to the environment variable named in its description."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:stopped", "1:could not start (e.g. the first inventory probe failed)",
      "2:invalid configuration, or an unusable host key"
    })
public final class HostWorkerMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(HostWorkerMain.class);
  private static final String HOME_DEFAULT = "${env:RESPOOL_HOME:-~/.respool-host}";
  private static final String HOME_HELP = "Directory of the host key (env RESPOOL_HOME).";
  private static final String LOCAL_GATEWAY = "ws://127.0.0.1:8080";

  @Spec private CommandSpec spec;

  @Option(names = "--gateway", paramLabel = "URL[,URL...]", defaultValue = "${env:RESPOOL_GATEWAY}",
      description = "Gateway WebSocket URLs, tried in turn on failure (env RESPOOL_GATEWAY). "
          + "A URL without a path gets " + HostWorkerConfig.CONNECT_PATH + ". None given: a gateway announced on the LAN "
          + "over mDNS (_resourcepool._tcp), else " + LOCAL_GATEWAY + ".")
  private String gateway;

  @Option(names = "--mdns-address", paramLabel = "ADDRESS", defaultValue = "${env:RESPOOL_MDNS_ADDRESS}",
      description = "Address of the interface to look for gateways on without --gateway (env RESPOOL_MDNS_ADDRESS; default: this machine's address).")
  private String mdnsAddress;

  @Option(names = "--discover-seconds", defaultValue = "${env:RESPOOL_DISCOVER_SECONDS:-5}",
      description = "How long to look for an announced gateway without --gateway (env RESPOOL_DISCOVER_SECONDS).")
  private long discoverSeconds;

  @Option(names = "--log-format", defaultValue = "${env:RESPOOL_LOG_FORMAT:-text}",
      description = "text, or json: one JSON object per line (env RESPOOL_LOG_FORMAT).")
  private String logFormat;

  @Option(names = "--home", paramLabel = "DIR", defaultValue = HOME_DEFAULT, description = HOME_HELP)
  private String home;

  @Option(names = "--region", defaultValue = "${env:RESPOOL_REGION:-local}",
      description = "Region this host is offered in (env RESPOOL_REGION).")
  private String region;

  @Option(names = "--currency", defaultValue = "${env:RESPOOL_CURRENCY:-USDC}",
      description = "Asset the prices are in (env RESPOOL_CURRENCY).")
  private String currency;

  @Option(names = "--price-cpu-core-hour", paramLabel = "UNITS", defaultValue = "${env:RESPOOL_PRICE_CPU_CORE_HOUR:-20000}",
      description = "Price per CPU core-hour in minor units (env RESPOOL_PRICE_CPU_CORE_HOUR).")
  private long priceCpuCoreHour;

  @Option(names = "--price-memory-gb-hour", paramLabel = "UNITS", defaultValue = "${env:RESPOOL_PRICE_MEMORY_GB_HOUR:-5000}",
      description = "Price per GiB-hour of memory in minor units (env RESPOOL_PRICE_MEMORY_GB_HOUR).")
  private long priceMemoryGbHour;

  @Option(names = "--price-storage-gb-hour", paramLabel = "UNITS", defaultValue = "${env:RESPOOL_PRICE_STORAGE_GB_HOUR:-100}",
      description = "Price per GiB-hour of storage in minor units (env RESPOOL_PRICE_STORAGE_GB_HOUR).")
  private long priceStorageGbHour;

  @Option(names = "--price-gpu-hour", paramLabel = "MODEL=UNITS", split = ",", defaultValue = "${env:RESPOOL_PRICE_GPU_HOUR}",
      description = "Price per GPU-hour of a model, repeatable, e.g. \"RTX 4090=400000\" (env RESPOOL_PRICE_GPU_HOUR, comma-separated).")
  private Map<String, Long> priceGpuHour;

  @Option(names = "--min-duration-seconds", paramLabel = "S", defaultValue = "${env:RESPOOL_MIN_DURATION_SECONDS}",
      description = "Shortest rental this host takes, in seconds; none by default (env RESPOOL_MIN_DURATION_SECONDS).")
  private Long minDurationSeconds;

  @Option(names = "--max-duration-seconds", paramLabel = "S", defaultValue = "${env:RESPOOL_MAX_DURATION_SECONDS}",
      description = "Longest rental this host takes, in seconds; none by default (env RESPOOL_MAX_DURATION_SECONDS).")
  private Long maxDurationSeconds;

  @Option(names = "--payout-ethereum", paramLabel = "0xADDRESS", defaultValue = "${env:RESPOOL_PAYOUT_ETHEREUM}",
      description = "Ethereum address to be paid at (env RESPOOL_PAYOUT_ETHEREUM).")
  private String payoutEthereum;

  @Option(names = "--payout-solana", paramLabel = "ADDRESS", defaultValue = "${env:RESPOOL_PAYOUT_SOLANA}",
      description = "Solana address to be paid at (env RESPOOL_PAYOUT_SOLANA).")
  private String payoutSolana;

  @Option(names = "--resources-interval", paramLabel = "SECONDS", defaultValue = "${env:RESPOOL_RESOURCES_INTERVAL:-60}",
      description = "How often the inventory is probed again; changes are reported (env RESPOOL_RESOURCES_INTERVAL).")
  private long resourcesIntervalSeconds;

  @Option(names = "--usage-interval", paramLabel = "SECONDS", defaultValue = "${env:RESPOOL_USAGE_INTERVAL:-5}",
      description = "How often running tasks' resource use is sampled and sent to the gateway (env RESPOOL_USAGE_INTERVAL).")
  private long usageIntervalSeconds;

  public static void main(String[] args) {
    System.exit(new CommandLine(new HostWorkerMain()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    HostWorkerConfig config;
    Ed25519.Keys keys;
    try {
      LogFormat.apply(logFormat);
      boolean discover = gateway == null || gateway.isBlank();
      config = config(); // every other option checked before the LAN is asked anything
      keys = new HostKeyStore(config.home()).loadOrCreate();
      if (discover) {
        gateway = discover();
        config = config();
      }
    } catch (IllegalArgumentException | HostKeyException e) {
      return refuse(e.getMessage());
    }
    return run(config, keys);
  }

  @Command(name = "id", mixinStandardHelpOptions = true, showDefaultValues = true,
      description = "Prints this host's id (its base58 ed25519 public key), creating the key on first use.")
  int id(@Option(names = "--home", paramLabel = "DIR", defaultValue = HOME_DEFAULT, description = HOME_HELP) String homeDir) {
    try {
      spec.commandLine().getOut().println(new HostKeyStore(expandHome(homeDir)).loadOrCreate().publicKeyBase58());
      spec.commandLine().getOut().flush();
      return 0;
    } catch (HostKeyException e) {
      return refuse(e.getMessage());
    }
  }

  /** The gateways announced on the LAN, comma-separated, or {@link #LOCAL_GATEWAY} when none answers in time. */
  private String discover() throws InterruptedException {
    if (discoverSeconds < 1 || discoverSeconds > 600) throw new IllegalArgumentException("discover seconds must be 1 to 600");
    try {
      InetAddress at = mdnsAddress == null || mdnsAddress.isBlank() ? InetAddress.getLocalHost() : InetAddress.getByName(mdnsAddress.trim());
      log.info("no --gateway: looking for {} on {} for up to {} s", Discovery.SERVICE_TYPE, at.getHostAddress(), discoverSeconds);
      List<URI> found = MdnsDiscovery.find(at, Duration.ofSeconds(discoverSeconds));
      if (!found.isEmpty()) {
        log.info("found gateway(s) over mDNS: {}", found);
        return String.join(",", found.stream().map(URI::toString).toList());
      }
      log.info("no gateway announced itself; trying {}", LOCAL_GATEWAY);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("mdns address '" + mdnsAddress + "' is not an address of this machine: " + e.getMessage());
    } catch (java.io.IOException e) {
      log.warn("cannot look for gateways over mDNS ({}); trying {}", e.getMessage(), LOCAL_GATEWAY);
    }
    return LOCAL_GATEWAY;
  }

  /** Validates every option into one immutable config; throws IllegalArgumentException saying what is wrong. */
  HostWorkerConfig config() {
    List<URI> gateways = new ArrayList<>();
    for (String s : (gateway == null || gateway.isBlank() ? LOCAL_GATEWAY : gateway).split(",")) {
      if (s.isBlank()) continue;
      try {
        gateways.add(new URI(s.trim()));
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("gateway '" + s.trim() + "' is not a URL: " + e.getReason());
      }
    }
    Prices prices = new Prices(currency, priceCpuCoreHour, priceMemoryGbHour, priceStorageGbHour, priceGpuHour,
        minDurationSeconds, maxDurationSeconds);
    Payout payout = new Payout(blankToNull(payoutEthereum), blankToNull(payoutSolana));
    if (resourcesIntervalSeconds < 1) throw new IllegalArgumentException("resources interval must be at least 1 second");
    if (usageIntervalSeconds < 1) throw new IllegalArgumentException("usage interval must be at least 1 second");
    if (usageIntervalSeconds > 3600) throw new IllegalArgumentException("usage interval must be at most 3600 seconds");
    return new HostWorkerConfig(gateways, expandHome(home), region, prices, payout, Duration.ofSeconds(resourcesIntervalSeconds))
        .withUsageInterval(Duration.ofSeconds(usageIntervalSeconds));
  }

  @Option(names = "--docker-host", paramLabel = "URL", defaultValue = "${env:DOCKER_HOST}",
      description = "Docker API to run containers on (default: DOCKER_HOST, else unix:///var/run/docker.sock when it exists); 'none' offers no containers")
  String dockerHost;

  @Option(names = "--process-driver", negatable = true, defaultValue = "${env:RESPOOL_PROCESS_DRIVER:-true}", fallbackValue = "true",
      description = "also offer plain processes (RESPOOL_PROCESS_DRIVER, default true); they get resource limits where the OS allows but no isolation")
  boolean processDriver = true;

  /** The task drivers this host really has, by name, as advertised at registration. */
  private Map<String, TaskDriver> drivers(HostWorkerConfig config, int gpus, String hostId) {
    Map<String, TaskDriver> drivers = new LinkedHashMap<>();
    String docker = dockerHost != null && !dockerHost.isBlank() ? dockerHost.trim()
        : Files.exists(Path.of("/var/run/docker.sock")) ? "unix:///var/run/docker.sock" : "none";
    if (!docker.equals("none")) {
      DockerTaskDriver d = new DockerTaskDriver(DockerDriverConfig.forWorker(docker, gpus, hostId));
      try {
        d.recover(); // proves the daemon answers before we advertise containers
        drivers.put("docker", d);
      } catch (RuntimeException e) {
        log.warn("docker at {} does not answer ({}); offering no containers", docker, e.getMessage());
        d.close();
      }
    }
    if (processDriver) drivers.put("process", new ProcessTaskDriver(config.home().resolve("tasks")));
    log.info("task drivers: {}", drivers.isEmpty() ? "none" : String.join(", ", drivers.keySet()));
    return drivers;
  }

  private int run(HostWorkerConfig config, Ed25519.Keys keys) throws InterruptedException {
    // GPUs as nvidia-smi lists them; one that stops answering leaves the offer at once (a resources report)
    NvidiaSmiProbe smi = new NvidiaSmiProbe(System.getenv("PATH"), Duration.ofSeconds(10));
    GpuMonitor gpus = new GpuMonitor(smi);
    GpuAssignments assignments;
    try {
      // which task holds which GPU lives under the home, so a restart hands none out twice
      assignments = new GpuAssignments(config.home().resolve("gpus.properties"));
    } catch (java.io.UncheckedIOException e) {
      log.error("cannot start: {}", e.getMessage());
      return 1;
    }
    Vertx vertx = Vertx.vertx();
    InventoryProbe probe = new OshiInventoryProbe(new SystemInfo(), gpus, config.home());
    InventoryWatcher watcher = new InventoryWatcher(vertx, probe, config.resourcesInterval());
    gpus.onHealthChange(watcher::refresh);
    Backoff backoff = new Backoff(config.backoffBase(), config.backoffCap(), RandomGenerator.getDefault());
    // the runner reports task changes through the connection, which answers task requests through the runner
    AtomicReference<ControlConnection> reports = new AtomicReference<>();
    // the last usage sample number of each task lives under the home, so a restart continues it
    UsageSampler usage = new UsageSampler(config.home().resolve("usage"), Clock.systemUTC());
    TaskRunner tasks = new TaskRunner(vertx, drivers(config, gpus.probe().size(), keys.publicKeyBase58()), usage, gpus, assignments,
        status -> reports.get().taskChanged(status));
    ControlConnection connection = new ControlConnection(config, keys, watcher, backoff, new AgentVersion().get(), tasks,
        (before, after) -> gpus.lossReason(before.gpus(), after.gpus()));
    reports.set(connection);

    CountDownLatch stopped = new CountDownLatch(1);
    // SIGTERM / Ctrl-C: undeploying closes the control socket with 1000, so the gateway knows we left
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("unclean shutdown: {}", e.toString());
      } finally {
        log.info("host-worker stopped");
        stopped.countDown();
      }
    }, "respool-shutdown"));

    log.info("host {} starting (gateways {}, home {})", keys.publicKeyBase58(), config.gateways(), config.home());
    try {
      vertx.deployVerticle(connection).await();
      // tasks that outlived a previous run of this worker are watched again and reported (once
      // registered), never started twice
      log.info("recovered {} task(s)", tasks.recover().await().size());
    } catch (Exception e) {
      log.error("cannot start: {}", e.toString());
      return 1;
    }
    stopped.await();
    return 0;
  }

  private int refuse(String message) {
    spec.commandLine().getErr().println("respool-host-worker: " + message);
    spec.commandLine().getErr().flush();
    return 2;
  }

  private Path expandHome(String dir) {
    if (dir.equals("~") || dir.startsWith("~/")) return Path.of(System.getProperty("user.home") + dir.substring(1));
    return Path.of(dir);
  }

  private String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}

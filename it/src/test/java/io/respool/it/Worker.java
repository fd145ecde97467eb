package io.respool.it;

import io.respool.hostworker.Backoff;
import io.respool.hostworker.ControlConnection;
import io.respool.hostworker.HostKeyStore;
import io.respool.hostworker.HostWorkerConfig;
import io.respool.hostworker.InventoryWatcher;
import io.respool.hostworker.NvidiaSmiProbe;
import io.respool.hostworker.OshiInventoryProbe;
import io.respool.hostworker.task.TaskDriver;
import io.respool.hostworker.task.TaskRunner;
import io.respool.hostworker.task.UsageSampler;
import io.respool.hostworker.task.docker.DockerDriverConfig;
import io.respool.hostworker.task.docker.DockerTaskDriver;
import io.respool.hostworker.task.process.ProcessTaskDriver;
import io.respool.protocol.host.Payout;
import io.respool.protocol.host.Prices;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import oshi.SystemInfo;

/**
 * A real host-worker in this JVM (its own Vert.x): measured inventory, real drivers — docker on
 * the test dockerd when {@code dockerHost} is given, and plain processes — registered with the
 * gateway at {@code port}. USDC 20000 per core-hour, 5000 per GiB-hour of memory, 100 per GiB-hour of storage.
 */
final class Worker implements AutoCloseable {
  final Vertx vertx;
  final String hostId;
  final Path home;
  final ProcessTaskDriver processes;

  private Worker(Vertx vertx, String hostId, Path home, ProcessTaskDriver processes) {
    this.vertx = vertx;
    this.hostId = hostId;
    this.home = home;
    this.processes = processes;
  }

  static Worker start(int port, String region, String dockerHost) throws Exception {
    return start(port, region, dockerHost, Duration.ofSeconds(5));
  }

  static Worker start(int port, String region, String dockerHost, Duration usageInterval) throws Exception {
    return start(List.of(port), region, dockerHost, usageInterval);
  }

  /** A worker knowing the gateways at {@code ports} (it dials the first, fails over to the next), sending usage samples every {@code usageInterval}. */
  static Worker start(List<Integer> ports, String region, String dockerHost, Duration usageInterval) throws Exception {
    return start(ports, region, dockerHost, usageInterval, new Prices("USDC", 20_000, 5_000, 100, Map.of()), (String) null);
  }

  /** A worker asking {@code prices} and paid at {@code payoutEthereum} (null: none). */
  static Worker start(List<Integer> ports, String region, String dockerHost, Duration usageInterval, Prices prices, String payoutEthereum)
      throws Exception {
    return start(ports, region, dockerHost, usageInterval, prices, new Payout(payoutEthereum, null));
  }

  /** A worker asking {@code prices} and paid at {@code payout} (Ethereum and/or Solana addresses). */
  static Worker start(List<Integer> ports, String region, String dockerHost, Duration usageInterval, Prices prices, Payout payout)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    Path home = Files.createTempDirectory("respool-worker-");
    HostWorkerConfig config = new HostWorkerConfig(ports.stream().map(p -> URI.create("ws://127.0.0.1:" + p)).toList(), home, region,
        prices, payout, Duration.ofSeconds(60)).withUsageInterval(usageInterval);
    var keys = new HostKeyStore(home).loadOrCreate();
    Map<String, TaskDriver> drivers = new LinkedHashMap<>();
    if (dockerHost != null) drivers.put("docker", new DockerTaskDriver(DockerDriverConfig.forWorker(dockerHost, 0, keys.publicKeyBase58())));
    ProcessTaskDriver processes = new ProcessTaskDriver(home.resolve("tasks"));
    drivers.put("process", processes);
    ControlConnection[] connection = new ControlConnection[1];
    TaskRunner runner = new TaskRunner(vertx, drivers, new UsageSampler(home.resolve("usage"), Clock.systemUTC()),
        s -> connection[0].taskChanged(s));
    connection[0] = new ControlConnection(config, keys,
        new InventoryWatcher(vertx, new OshiInventoryProbe(new SystemInfo(), new NvidiaSmiProbe(System.getenv("PATH"), Duration.ofSeconds(5)), home),
            config.resourcesInterval()),
        new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new SplittableRandom(3)), "it", runner);
    vertx.deployVerticle(connection[0]).await(30, TimeUnit.SECONDS);
    connection[0].registration(1).await(30, TimeUnit.SECONDS);
    return new Worker(vertx, connection[0].hostId(), home, processes);
  }

  /** The worker goes away (as a crash would): its connection drops, its tasks are left as they are. */
  @Override
  public void close() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }
}

package io.respool.it;

import static io.respool.it.JarProcessesIT.awaitTrue;
import static io.respool.it.JarProcessesIT.freePort;
import static io.respool.it.JarProcessesIT.jar;

import io.respool.gateway.testing.Http;
import io.respool.settlement.evm.AnvilDevnet;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import redis.embedded.RedisServer;

/**
 * What the chaos suite runs and breaks, each piece a real process it can kill or stop: PostgreSQL
 * and Redis on fixed loopback ports (stopped and started again on the same data), anvil behind an
 * {@link RpcProxy} (cut: every RPC call is closed unanswered), two clustered gateway nodes as
 * separate JVMs (the built jar; {@code kill -9} is real), and a host-worker as a separate JVM (the
 * built jar with the process driver; killed with SIGKILL, started again on the same home). The
 * network between the two nodes is cut with iptables rules that drop TCP to and from the two
 * Hazelcast ports on loopback only (nothing else on the machine is touched), so each member sees
 * the other vanish (a split) and Hazelcast merges them when the rules go.
 */
final class ChaosRig implements AutoCloseable {
  static final String JWT_SECRET = "chaos-secret-chaos-secret-chaos-secret-01";

  final Path dir;
  final AnvilDevnet chain;
  final RpcProxy rpc;
  final int pgPort = freePortUnchecked();
  final int redisPort = freePortUnchecked();
  final int[] clusterPorts = {freePortUnchecked(), freePortUnchecked()};
  final int[] httpPorts = {freePortUnchecked(), freePortUnchecked()};
  final Process[] nodes = new Process[2];
  final Path[] logs = new Path[2];
  final List<Worker> workers = new ArrayList<>();
  private final List<Process> started = new ArrayList<>();
  private EmbeddedPostgres pg;
  private RedisServer redis;
  private boolean split;
  private int nodeStarts;
  /** The operator key as the nodes read it: a file sealed by the gateway's own {@code --seal-file}, under {@link #secretsKeyFile}. */
  private Path operatorKeyFile;
  private Path secretsKeyFile;

  /** A host-worker process: its home (kept across restarts, so the same host id), its payout address and its process. */
  final class Worker {
    final Path home;
    final String payout;
    final String hostId;
    Process process;
    int starts;

    Worker(Path home, String payout) throws Exception {
      this.home = home;
      this.payout = payout;
      this.hostId = JarProcessesIT.run("-jar", jar("host-worker/target/respool-host-worker.jar"), "id", "--home", home.toString()).trim();
    }

    void start(String region) throws IOException {
      process = JarProcessesIT.start(started, home.resolve("worker-" + (++starts) + ".log"), "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-jar", jar("host-worker/target/respool-host-worker.jar"),
          "--gateway", "ws://127.0.0.1:" + httpPorts[0] + ",ws://127.0.0.1:" + httpPorts[1], "--home", home.toString(),
          "--region", region, "--currency", "TUSD", "--price-cpu-core-hour", "36000000", "--price-memory-gb-hour", "0",
          "--price-storage-gb-hour", "0", "--payout-ethereum", payout, "--usage-interval", "1", "--docker-host", "none");
    }

    void kill() throws InterruptedException {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    Path log() { return home.resolve("worker-" + starts + ".log"); }
  }

  ChaosRig() throws Exception {
    dir = Files.createTempDirectory("respool-chaos-");
    chain = AnvilDevnet.start(Map.of("RESPOOL_ETH_CHAIN_ID", "31377"));
    rpc = RpcProxy.start(chain.rpcUrl());
    // the gateway's levels, with Hazelcast's membership changes ("Members {size:N") shown: the split is read from them
    Files.writeString(dir.resolve("logback.xml"), """
        <configuration>
          <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n</pattern></encoder>
          </appender>
          <logger name="com.hazelcast" level="WARN"/>
          <logger name="com.hazelcast.internal.cluster" level="INFO"/>
          <logger name="io.netty" level="WARN"/>
          <logger name="org.flywaydb" level="WARN"/>
          <logger name="io.vertx.core.eventbus.impl.MessageConsumerImpl" level="ERROR"/>
          <root level="INFO"><appender-ref ref="OUT"/></root>
        </configuration>
        """);
    startPostgres();
    startRedis();
    sealOperatorKey();
  }

  /** Both nodes read the operator key from a sealed file (the secrets key in a shared file, mode 0600): the sealed path under load. */
  private void sealOperatorKey() throws Exception {
    secretsKeyFile = dir.resolve("secrets.key");
    byte[] k = new byte[32];
    new java.security.SecureRandom().nextBytes(k);
    Files.createFile(secretsKeyFile, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    Files.writeString(secretsKeyFile, java.util.Base64.getEncoder().encodeToString(k) + "\n");
    Path clear = dir.resolve("operator.key");
    Files.writeString(clear, chain.operatorKey() + "\n");
    operatorKeyFile = dir.resolve("operator.key.sealed");
    JarProcessesIT.run("-jar", jar("gateway/target/respool-gateway.jar"), "--secrets-key-file", secretsKeyFile.toString(),
        "--seal-file", clear.toString(), operatorKeyFile.toString());
    Files.delete(clear);
  }

  // --- PostgreSQL and Redis ------------------------------------------------------------------------

  String pgUrl() { return "postgresql://postgres@127.0.0.1:" + pgPort + "/postgres"; }

  String redisUrl() { return "redis://127.0.0.1:" + redisPort; }

  void startPostgres() throws IOException {
    pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(false).setPort(pgPort)
        .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on").start();
  }

  /** A clean stop (as a restart of the service does): connections are closed, committed data stays. */
  void stopPostgres() throws IOException {
    pg.close();
    pg = null;
  }

  void startRedis() throws IOException {
    redis = RedisServer.newRedisServer().bind("127.0.0.1").port(redisPort).setting("dir " + dir.toAbsolutePath())
        .setting("save 60 1").build();
    redis.start();
  }

  void stopRedis() throws IOException {
    redis.stop();
    redis = null;
  }

  // --- gateway nodes -------------------------------------------------------------------------------

  Http http(int node) { return new Http(httpPorts[node]); }

  void startNode(int i) throws Exception {
    Path home = dir.resolve("node-" + i);
    Files.createDirectories(home);
    String members = "127.0.0.1:" + clusterPorts[0] + ",127.0.0.1:" + clusterPorts[1];
    Path log = home.resolve("gateway-" + (++nodeStarts) + ".log");
    logs[i] = log;
    nodes[i] = JarProcessesIT.start(started, log, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dlogback.configurationFile=" + dir.resolve("logback.xml"), "-Drespool.cluster=true", "-Drespool.nodeId=chaos-" + i, "-Drespool.clusterPort=" + clusterPorts[i],
        "-Drespool.clusterMembers=" + members, "-Drespool.pgUrl=" + pgUrl(), "-Drespool.redisUrl=" + redisUrl(),
        "-Drespool.jwtSecret=" + JWT_SECRET, "-Drespool.sshPort=0", "-Drespool.dbPoolSize=4",
        "-Drespool.reconcileIntervalMs=300", "-Drespool.stopGraceSeconds=1", "-Drespool.meterIntervalMs=500",
        "-Drespool.heartbeatIntervalMs=1000", "-Drespool.heartbeatTimeoutMs=5000", "-Drespool.hostLossGraceSeconds=120", "-Drespool.paymentWindowSeconds=120",
        "-Drespool.rateLimitPerAccount=100000", "-Drespool.rateLimitPerClient=100000",
        "-Drespool.ethRpcUrl=" + rpc.url(), "-Drespool.ethChainId=" + chain.chainId(), "-Drespool.ethEscrows=TUSD=" + chain.escrow("tUSD"),
        "-Drespool.ethOperatorKeyFile=" + operatorKeyFile, "-Drespool.secretsKeyFile=" + secretsKeyFile, "-Drespool.ethConfirmations=1", "-Drespool.ethPollIntervalMs=250",
        "-Drespool.ethBatchSize=4", "-Drespool.ethResendAfterSeconds=5", "-Drespool.ethStartBlock=" + chain.deployBlock(),
        // a member silent for 8 s is gone; split brains are looked for (and merged) every 5 s
        "-Dhazelcast.max.no.heartbeat.seconds=8", "-Dhazelcast.heartbeat.interval.seconds=1",
        "-Dhazelcast.merge.first.run.delay.seconds=5", "-Dhazelcast.merge.next.run.delay.seconds=5",
        "-jar", jar("gateway/target/respool-gateway.jar"), "--port", Integer.toString(httpPorts[i]), "--home", home.toString());
    Process p = nodes[i];
    Http http = http(i);
    awaitTrue(() -> {
      if (!p.isAlive()) throw new AssertionError("gateway node " + i + " exited: " + Files.readString(log));
      return JarProcessesIT.healthy(http);
    }, 300, "gateway node " + i + " healthy", log);
  }

  /** {@code kill -9}: no shutdown hook, no goodbye to the cluster, connections dropped mid-stream. */
  void killNode(int i) throws InterruptedException {
    nodes[i].destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  boolean nodeAlive(int i) { return nodes[i] != null && nodes[i].isAlive(); }

  // --- host-workers --------------------------------------------------------------------------------

  Worker addWorker(String region, String payout) throws Exception {
    Worker w = new Worker(Files.createDirectories(dir.resolve("worker-" + workers.size())), payout);
    workers.add(w);
    w.start(region);
    return w;
  }

  // --- the network between the nodes ---------------------------------------------------------------

  /** Drops every TCP segment to or from either Hazelcast port on loopback: both members lose each other. */
  void splitCluster() throws Exception {
    iptables("-I");
    split = true;
  }

  void mergeCluster() throws Exception {
    if (!split) return;
    iptables("-D");
    split = false;
  }

  private void iptables(String op) throws Exception {
    String ports = clusterPorts[0] + "," + clusterPorts[1];
    for (String dirFlag : List.of("--dports", "--sports")) {
      Process p = new ProcessBuilder("iptables", "-w", "5", op, "INPUT", "-i", "lo", "-p", "tcp", "-m", "multiport", dirFlag, ports,
          "-m", "comment", "--comment", "respool-chaos", "-j", "DROP").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("iptables " + op + " failed: " + out);
    }
  }

  static boolean iptablesWorks() {
    try {
      Process p = new ProcessBuilder("iptables", "-w", "5", "-L", "INPUT", "-n").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      mergeCluster();
    } finally {
      for (Process p : started) p.destroy();
      for (Process p : started) {
        if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      // the workers' tasks (plain processes) outlive their worker by design: end them too
      for (Worker w : workers) {
        ProcessHandle.allProcesses().filter(h -> cwdUnder(h.pid(), w.home)).forEach(ProcessHandle::destroyForcibly);
      }
      if (redis != null) redis.stop();
      if (pg != null) pg.close();
      rpc.close();
      chain.close();
      // its PostgreSQL data, logs and the sealed operator key with its secrets key: kept only when asked
      if (!Boolean.getBoolean("chaos.keep")) deleteTree(dir);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) return;
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  private static boolean cwdUnder(long pid, Path dir) {
    try {
      return Files.readSymbolicLink(Path.of("/proc/" + pid + "/cwd")).startsWith(dir);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static int freePortUnchecked() {
    try {
      return freePort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

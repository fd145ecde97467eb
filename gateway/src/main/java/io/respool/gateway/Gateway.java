package io.respool.gateway;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.respool.events.EventLog;
import io.respool.bookings.BookingPayments;
import io.respool.bookings.BookingsBus;
import io.respool.bookings.DispatchVerticle;
import io.respool.bookings.MeteringVerticle;
import io.respool.bookings.PaymentOutcomes;
import io.respool.bookings.PlacementService;
import io.respool.bookings.PlacementVerticle;
import io.respool.bookings.Reconciler;
import io.respool.bookings.ReconcilerVerticle;
import io.respool.protocol.task.TaskStatus;
import io.respool.protocol.task.UsageSample;
import io.respool.settlement.SettlementVerticle;
import io.respool.settlement.ChainPayments;
import io.respool.settlement.solana.SolanaConfig;
import io.respool.settlement.solana.SolanaRpc;
import io.respool.settlement.solana.SolanaSettlement;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import io.respool.gateway.auth.AuthService;
import io.respool.gateway.auth.JwtKeyRing;
import io.respool.gateway.auth.JwtKeys;
import io.respool.gateway.auth.SecretBox;
import io.respool.gateway.cluster.Clustering;
import io.respool.gateway.config.GatewayConfig;
import io.respool.gateway.events.EventsHub;
import io.respool.gateway.hosts.HostConnections;
import io.respool.gateway.http.HttpApiVerticle;
import io.respool.gateway.ssh.SshEndpoint;
import io.respool.gateway.terminal.TerminalSessions;
import io.respool.gateway.terminal.TerminalSessionsVerticle;
import io.respool.streams.StreamRelay;
import io.respool.terminal.TerminalService;
import io.respool.gateway.http.RateLimits;
import io.respool.bookings.BookingService;
import io.respool.bookings.BookingStore;
import io.respool.bookings.Dispatcher;
import io.respool.bookings.Invoices;
import io.respool.bookings.Metering;
import io.respool.bookings.OfferSnapshots;
import io.respool.bookings.UsageLedger;
import io.respool.bookings.PaymentPort;
import io.respool.settlement.evm.EvmConfig;
import io.respool.settlement.evm.EvmSettlement;
import io.respool.settlement.evm.Web3jEscrowChain;
import io.respool.bookings.QuoteService;
import io.respool.teams.TeamService;
import io.respool.hosts.HostCommands;
import io.respool.matching.Matcher;
import io.respool.hosts.HostRegistry;
import io.respool.infra.Databases;
import io.respool.infra.EmbeddedServices;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root of a gateway node: builds every piece once and wires it by constructor. */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final List<AutoCloseable> closeables;
  private final Vertx vertx;
  private final HttpApiVerticle http;
  private final GatewayConfig config;
  private final SshEndpoint ssh;

  private Gateway(GatewayConfig config, Vertx vertx, HttpApiVerticle http, SshEndpoint ssh, List<AutoCloseable> closeables) {
    this.config = config;
    this.ssh = ssh;
    this.vertx = vertx;
    this.http = http;
    this.closeables = closeables;
  }

  /** Starts a node (blocking until it serves, or throwing why it cannot). */
  public static Gateway start(GatewayConfig config) throws Exception {
    List<AutoCloseable> closeables = new ArrayList<>();
    try {
      String pgUrl = config.pgUrl();
      if (pgUrl == null) {
        EmbeddedServices.Running pg = EmbeddedServices.postgres(config.home().resolve("pg"));
        closeables.add(pg);
        pgUrl = pg.url();
      }
      String redisUrl = config.redisUrl();
      if (redisUrl == null) {
        EmbeddedServices.Running redis = EmbeddedServices.redis(config.home().resolve("redis"));
        closeables.add(redis);
        redisUrl = redis.url();
      }
      Databases.migrate(pgUrl);

      PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      // Netty's epoll transport where it loads (Linux x86-64), else the JDK's NIO: fewer system calls per wake-up
      VertxOptions options = new VertxOptions().setPreferNativeTransport(true)
          .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true))
          .setEventBusOptions(new EventBusOptions().setHost(config.clusterHost()).setClusterPublicHost(config.clusterHost()));
      options.setEventLoopPoolSize(config.eventLoops());
      VertxBuilder builder = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(metrics));
      Vertx vertx = config.cluster()
          ? builder.withClusterManager(Clustering.manager(config)).buildClustered().await(60, TimeUnit.SECONDS)
          : builder.build();
      if (!vertx.isNativeTransportEnabled()) LOG.warn("native transport unavailable, using NIO: {}", String.valueOf(vertx.unavailableNativeTransportCause()));
      closeables.add(() -> vertx.close().await(30, TimeUnit.SECONDS));
      io.respool.infra.LogContext.install(vertx.eventBus()); // request and booking ids ride along on the event bus

      Pool pool = Databases.pool(vertx, pgUrl, config.dbPoolSize());
      // every booking, quote and sign-in asks Redis (rate limits, nonces): the client's defaults (6 connections, 24 waiting)
      // answered a burst of bookings with "pool reached max wait queue size" — a 500 (bench/placements.sh at C=64)
      Redis redisClient = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl)
          .setMaxPoolSize(16).setMaxPoolWaiting(8192));
      RedisAPI redis = RedisAPI.api(redisClient);
      SecretBox box = clusterBox(config);
      JwtKeyRing jwt = jwtKeys(config, box, vertx, pool, closeables);

      EventLog events = new EventLog(pool, vertx.eventBus());
      HostRegistry hosts = new HostRegistry(vertx, pool, events);
      AuthService auth = new AuthService(pool, redis, jwt, hosts,
          new AuthService.Settings(config.publicUrl(), config.tokenTtl(), config.nonceTtl(), config.admins(), config.challengesPerMinute()), Clock.systemUTC());
      TeamService teams = new TeamService(pool);
      Matcher matcher = new Matcher(new java.util.Random()); // equal-best hosts: two random choices, so concurrent identical bookings spread
      Clock clock = Clock.systemUTC();
      HostCommands commands = new HostCommands(vertx.eventBus());
      BookingsBus bus = new BookingsBus(vertx.eventBus());
      UsageLedger ledger = new UsageLedger(config.bookings().feeBasisPoints());
      BookingStore bookingStore = new BookingStore(pool, events, teams, ledger, config.bookings().pauseGrace());
      Dispatcher dispatcher = new Dispatcher(bookingStore, commands, config.bookings(), clock);
      if (config.allowUnpaidBookings()) LOG.warn("unpaid bookings are enabled: bookings run without payment");
      EvmSettlement ethereum = null;
      if (config.ethereum() != null) {
        EvmConfig eth = config.ethereum();
        ethereum = EvmSettlement.connect(eth, new Web3jEscrowChain(eth.rpcUrl(), eth.chainId(), eth.operatorKey(), eth.rpcTimeout()),
            config.bookings().feeBasisPoints(), config.allowUnpaidBookings());
        closeables.add(ethereum);
      }
      SolanaSettlement solana = null;
      if (config.solana() != null) {
        SolanaConfig sol = config.solana();
        solana = SolanaSettlement.connect(sol, new SolanaRpc(sol.rpcUrl(), sol.rpcTimeout()), config.bookings().feeBasisPoints(),
            config.allowUnpaidBookings());
      }
      List<PaymentPort> adapters = new ArrayList<>();
      if (ethereum != null) adapters.add(ethereum.payments());
      if (solana != null) adapters.add(solana.payments(vertx));
      PaymentPort payments = ChainPayments.of(adapters, config.allowUnpaidBookings());
      PaymentOutcomes outcomes = new BookingPayments(bookingStore, dispatcher, bus::funded);
      BookingService bookings = new BookingService(bookingStore, dispatcher, hosts, commands, teams, payments);
      Pool placing = PlacementService.pool(vertx, pgUrl, config.dbPoolSize()); // the placements' own connections
      PlacementService placement = new PlacementService(vertx, placing, bookingStore, new OfferSnapshots(hosts, config.bookings().snapshotMaxAge(), matcher),
          teams, matcher, payments, config.bookings(), bus::funded, clock);
      // the cluster's bookings, deposits and fleet for /metrics, read from PostgreSQL now and every 10 s
      io.respool.gateway.metrics.GatewayMetrics gatewayMetrics = new io.respool.gateway.metrics.GatewayMetrics(pool, metrics);
      gatewayMetrics.refresh().await(30, TimeUnit.SECONDS);
      long metricsTimer = vertx.setPeriodic(10_000, id -> gatewayMetrics.refresh()
          .onFailure(e -> LOG.warn("metrics refresh failed: {}", e.getMessage())));
      closeables.add(() -> vertx.cancelTimer(metricsTimer));
      HostConnections.TaskReports reports = new HostConnections.TaskReports() {
        @Override
        public Future<Void> onReport(String hostId, TaskStatus status) { return bus.reported(hostId, status); }

        @Override
        public Future<Void> onUsage(String hostId, List<UsageSample> samples) {
          return bus.usage(hostId, samples).andThen(ar -> { if (ar.succeeded()) gatewayMetrics.usageStored(samples.size()); });
        }
      };
      List<HostConnections> connections = new CopyOnWriteArrayList<>();
      java.util.concurrent.atomic.AtomicInteger registrations = new java.util.concurrent.atomic.AtomicInteger();
      Supplier<HostConnections> connectionsPerInstance = () -> {
        HostConnections c = new HostConnections(vertx, hosts, reports, config.nodeId(), config.heartbeatInterval(), config.heartbeatTimeout(),
            registrations);
        connections.add(c);
        return c;
      };
      Gauge.builder("respool_hosts_connected", connections, all -> all.stream().mapToInt(HostConnections::connectedHosts).sum())
          .description("host control connections held by this node").register(metrics);

      // the domain verticles first (the edge sends to them), each undeployed after the edge when the node stops
      deploy(vertx, closeables, new DispatchVerticle(dispatcher));
      deploy(vertx, closeables, new PlacementVerticle(placement));
      deploy(vertx, closeables, new MeteringVerticle(new Metering(bookingStore, dispatcher, config.bookings()), config.bookings().meterInterval()));
      deploy(vertx, closeables, new ReconcilerVerticle(new Reconciler(vertx, bookingStore, dispatcher, hosts, matcher, config.bookings(), clock),
          config.bookings().reconcileInterval()));
      if (ethereum != null) deploy(vertx, closeables, new SettlementVerticle(ethereum, pool, outcomes));
      if (solana != null) deploy(vertx, closeables, new SettlementVerticle(solana, pool, outcomes));
      // the optimizer (issue 14): the rules, and a language model when llmBaseUrl is set; its round announces new suggestions
      io.respool.optimizer.OptimizerSettings opt = config.optimizer();
      io.respool.optimizer.Optimizer optimizer = new io.respool.optimizer.Optimizer(vertx, pool,
          new io.respool.optimizer.FactsReader(vertx, pool, bookingStore, hosts, matcher, opt, clock), new io.respool.suggestions.Rules(opt.thresholds()),
          opt.llm().enabled() ? io.respool.optimizer.LlmAdvisor.create(opt.llm(), clock) : new io.respool.optimizer.RulesAdvisor(clock),
          new io.respool.optimizer.SuggestionStore(pool, bookingStore), bookingStore, bookings, opt, clock);
      deploy(vertx, closeables, new io.respool.optimizer.OptimizerVerticle(optimizer, opt));

      TerminalSessions terminals = new TerminalSessions(new StreamRelay(vertx), new TerminalService(pool, bookingStore, bookings), config.nodeId(),
          config.terminalIdleTimeout(), metrics);
      deploy(vertx, closeables, new TerminalSessionsVerticle(terminals));

      HttpApiVerticle.Services services = new HttpApiVerticle.Services(auth, hosts, connectionsPerInstance,
          () -> new EventsHub(vertx, events, auth, teams), pool, redis, commands, new QuoteService(vertx, hosts, matcher), teams, bus, bookings,
          new Invoices(pool, bookings, ledger), metrics, resource("openapi.yaml"), optimizer, terminals,
          new RateLimits(vertx, redisClient, auth, config.rateLimits(), Clock.systemUTC()),
          io.respool.gateway.http.Cors.of(config.corsOrigins(), config.publicUrl()),
          new io.respool.gateway.http.Readiness(vertx, pool, redis,
              readinessRpcs(config), java.time.Duration.ofSeconds(2)), gatewayMetrics, paymentsNotReady(ethereum, solana));
      // the edge on every event loop; the instances share the port (Vert.x hands each connection to one of them)
      // (Vert.x shares a server between instances by the port asked for: port 0 would give each its own port)
      int port = config.port() != 0 ? config.port() : freePort(config.bind());
      // SSH listens before the edge, so a port taken stops the start before /health ever answers; it is
      // stopped first all the same (added to the closeables after the edge), before the sessions' verticle and the edge
      SshEndpoint ssh = config.sshPort() == 0 ? null : listening("SSH", config.bind(), config.sshPort(), "sshPort, --ssh-port; 0 turns SSH off",
          () -> SshEndpoint.start(vertx, pool, box, terminals, config.bind(), config.sshPort(), config.terminalIdleTimeout()));
      List<HttpApiVerticle> edges = new CopyOnWriteArrayList<>();
      String edge;
      try {
        edge = listening("HTTP", config.bind(), port, "port, --port", () -> vertx.deployVerticle(() -> {
          HttpApiVerticle v = new HttpApiVerticle(services, config.bind(), port);
          edges.add(v);
          return v;
        }, new DeploymentOptions().setInstances(options.getEventLoopPoolSize())).await(60, TimeUnit.SECONDS));
      } catch (Exception | Error e) {
        if (ssh != null) ssh.close();
        throw e;
      }
      closeables.add(() -> vertx.undeploy(edge).await(30, TimeUnit.SECONDS));
      if (ssh != null) closeables.add(ssh);
      HttpApiVerticle http = edges.get(0);
      if (edges.stream().anyMatch(e -> e.actualPort() != http.actualPort())) throw new IllegalStateException("the HTTP edges listen on different ports");
      // mDNS last (stopped first): host-workers on the LAN stop finding a node that is going away
      if (config.ops().mdns()) closeables.add(io.respool.gateway.discovery.MdnsAnnouncer.start(mdnsAddress(config), config.nodeId(), http.actualPort()));
      Gateway g = new Gateway(config, vertx, http, ssh, closeables);
      LOG.info("gateway {} serving on port {}", config.nodeId(), http.actualPort());
      return g;
    } catch (Exception | Error e) {
      closeAll(closeables);
      throw e;
    }
  }

  public int port() { return http.actualPort(); }

  /** The HTTP routes this node serves ("METHOD /path", Vert.x path syntax), for the contract's coverage check. */
  public java.util.List<String> routes() { return http.routes(); }

  /** The SSH port, or 0 when SSH is off. */
  public int sshPort() { return ssh == null ? 0 : ssh.port(); }

  public Vertx vertx() { return vertx; }

  public GatewayConfig config() { return config; }

  @Override
  public void close() {
    if (closeables.isEmpty()) return;
    LOG.info("gateway {} stopping", config.nodeId());
    closeAll(closeables);
    LOG.info("gateway {} stopped", config.nodeId());
  }

  /** Deploys {@code verticle}; stopping the node undeploys it (in the reverse order of deployment), while PostgreSQL is still reachable. */
  private static void deploy(Vertx vertx, List<AutoCloseable> closeables, Deployable verticle) throws Exception {
    String id = vertx.deployVerticle(verticle).await(60, TimeUnit.SECONDS);
    closeables.add(() -> vertx.undeploy(id).await(30, TimeUnit.SECONDS));
  }

  /** Why payments cannot be taken now, by chain (empty when every configured chain is ready): shown on /ready. */
  private static Supplier<Map<String, String>> paymentsNotReady(EvmSettlement ethereum, SolanaSettlement solana) {
    return () -> {
      Map<String, String> why = new java.util.TreeMap<>();
      if (ethereum != null) ethereum.notReady().ifPresent(w -> why.put("ethereum", w));
      if (solana != null) solana.notReady().ifPresent(w -> why.put("solana", w));
      return why;
    };
  }

  private static int freePort(String bind) throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(bind))) {
      return probe.getLocalPort();
    }
  }

  /** Starts what listens on {@code bind:port}; a port taken is said as the operator sets it (the root cause reads "Address already in use"). */
  private static <T> T listening(String what, String bind, int port, String setting, java.util.concurrent.Callable<T> start) throws Exception {
    try {
      return start.call();
    } catch (Exception e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
          throw new java.net.BindException("the " + what + " port " + bind + ":" + port + " is in use (" + setting + ")");
        }
      }
      throw e;
    }
  }

  private static void closeAll(List<AutoCloseable> closeables) {
    List<AutoCloseable> reversed = new ArrayList<>(closeables);
    Collections.reverse(reversed);
    for (AutoCloseable c : reversed) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("while stopping: {}", e.toString());
      }
    }
    closeables.clear();
  }

  /** The interface mDNS announces on: {@code mdnsAddress}, else the bind address, else this machine's address. */
  private static InetAddress mdnsAddress(GatewayConfig config) throws IOException {
    if (config.ops().mdnsAddress() != null) return InetAddress.getByName(config.ops().mdnsAddress());
    InetAddress bind = InetAddress.getByName(config.bind());
    return bind.isAnyLocalAddress() ? InetAddress.getLocalHost() : bind;
  }

  /** The chain endpoints {@code /ready} checks: each configured one. */
  private static List<io.respool.gateway.http.Readiness.Rpc> readinessRpcs(GatewayConfig config) {
    List<io.respool.gateway.http.Readiness.Rpc> rpcs = new ArrayList<>();
    if (config.ethereum() != null) rpcs.add(io.respool.gateway.http.Readiness.Rpc.ethereum(config.ethereum().rpcUrl()));
    if (config.solana() != null) rpcs.add(io.respool.gateway.http.Readiness.Rpc.solana(config.solana().rpcUrl()));
    return rpcs;
  }

  /**
   * The key that seals the cluster's secrets in PostgreSQL (JWT keys, the SSH host key), when this node
   * has one the whole cluster shares: a configured one (secretsKey, secretsKeyFile), or, when the JWT
   * keys are the cluster's own, the home's (made there if missing; every node needs the same one then
   * anyway). Null otherwise (a configured jwtSecret and no secrets key): what it writes stays in clear.
   */
  private static SecretBox clusterBox(GatewayConfig config) throws IOException {
    if (config.jwtSecret() != null && config.secretsKey() == null && config.secretsKeyFile() == null) return null;
    return SecretBox.load(config.secretsKey(), config.secretsKeyFile(), config.home());
  }

  /**
   * The configured secret (one key, kid "config"), or the cluster's own keys, kept sealed in
   * PostgreSQL so every node agrees (see {@link JwtKeys}), newest first. The cluster's keys are
   * followed while the node runs: re-read when a node announces a rotation on {@link JwtKeyRing#CHANGED}
   * (this one does after rotating), and every {@code jwtKeysReloadSeconds} in case a notice was missed.
   */
  private static JwtKeyRing jwtKeys(GatewayConfig config, SecretBox box, Vertx vertx, Pool pool, List<AutoCloseable> closeables) throws Exception {
    if (config.jwtSecret() != null) {
      return new JwtKeyRing(vertx, List.of(new JwtKeys.Key("config", config.jwtSecret().getBytes(StandardCharsets.UTF_8), java.time.Instant.EPOCH)));
    }
    List<JwtKeys.Key> keys = JwtKeys.load(pool, box, config.rotateJwtKey(), config.tokenTtl()).await(30, TimeUnit.SECONDS);
    LOG.info("JWT keys: {} signs; {} kept for verifying{}", keys.get(0).kid(), keys.size(), config.rotateJwtKey() ? " (rotated at this start)" : "");
    JwtKeyRing ring = new JwtKeyRing(vertx, keys);
    Runnable reread = () -> JwtKeys.current(pool, box)
        .onSuccess(now -> {
          if (ring.update(now)) LOG.info("JWT keys changed: {} signs; {} kept for verifying", now.get(0).kid(), now.size());
        })
        .onFailure(e -> LOG.warn("JWT keys not re-read: {}", e.getMessage()));
    var notices = vertx.eventBus().<String>consumer(JwtKeyRing.CHANGED, m -> reread.run());
    long timer = vertx.setPeriodic(config.jwtKeysReload().toMillis(), id -> reread.run());
    closeables.add(() -> {
      vertx.cancelTimer(timer);
      notices.unregister();
    });
    notices.completion().await(30, TimeUnit.SECONDS);
    if (config.rotateJwtKey()) vertx.eventBus().publish(JwtKeyRing.CHANGED, config.nodeId());
    return ring;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = Gateway.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) throw new IOException(name + " is missing from the classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

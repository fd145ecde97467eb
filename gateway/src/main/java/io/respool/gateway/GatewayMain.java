package io.respool.gateway;

import io.respool.gateway.config.ConfigException;
import io.respool.gateway.config.ConfigSource;
import io.respool.gateway.config.GatewayConfig;
import io.respool.gateway.config.KeyFiles;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar respool-gateway.jar}: runs one gateway node until stopped. */
@Command(name = "respool-gateway", mixinStandardHelpOptions = true, version = "respool-gateway 0.1.0",
    description = {"Runs a ResPool gateway node.",
        "Every setting can also come from a JSON file (--config), RESPOOL_<NAME> environment variables",
        "or -Drespool.<name> system properties; options given here win. See README.md for the full list."})
public final class GatewayMain implements Callable<Integer> {
  @Option(names = "--config", description = "JSON config file (env RESPOOL_CONFIG)", defaultValue = "${env:RESPOOL_CONFIG}")
  Path configFile;
  @Option(names = "--port", description = "HTTP port (env RESPOOL_PORT, default 8080)")
  String port;
  @Option(names = "--home", description = "data directory (env RESPOOL_HOME, default ~/.respool)")
  String home;
  @Option(names = "--pg-url", description = "external PostgreSQL URL (env RESPOOL_PG_URL; default: embedded)")
  String pgUrl;
  @Option(names = "--redis-url", description = "external Redis URL (env RESPOOL_REDIS_URL; default: embedded)")
  String redisUrl;
  @Option(names = "--cluster", arity = "0..1", fallbackValue = "true", description = "join a Hazelcast cluster (env RESPOOL_CLUSTER)")
  String cluster;
  @Option(names = "--cluster-members", description = "host:port,… of cluster members (env RESPOOL_CLUSTER_MEMBERS)")
  String clusterMembers;
  @Option(names = "--cluster-port", description = "this node's cluster port (env RESPOOL_CLUSTER_PORT, default 5701)")
  String clusterPort;
  @Option(names = "--ssh-port", description = "SSH port, 0 = no SSH (env RESPOOL_SSH_PORT, default 2222)")
  String sshPort;
  @Option(names = "--node-id", description = "name of this node (env RESPOOL_NODE_ID, default random)")
  String nodeId;
  @Option(names = "--cors-origins", description = "browser origins allowed to call /v1, comma-separated, or * (env RESPOOL_CORS_ORIGINS; default none: CORS off)")
  String corsOrigins;
  @Option(names = "--secrets-key-file", description = "file holding the base64 key sealing the secrets kept in PostgreSQL"
      + " (env RESPOOL_SECRETS_KEY_FILE; the key itself: RESPOOL_SECRETS_KEY; default <home>/secrets.key, made on first start)")
  String secretsKeyFile;
  @Option(names = "--rotate-jwt-key", arity = "0..1", fallbackValue = "true",
      description = "make a new JWT signing key at this start; tokens signed by the old ones stay valid until they expire")
  String rotateJwtKey;
  @Option(names = "--seal-file", arity = "2", paramLabel = "FILE",
      description = "seal a key file (IN OUT) under the secrets key (the one sealing the JWT keys) and exit;"
          + " OUT is then a valid ethOperatorKeyFile / solanaOperatorKeyFile")
  List<Path> sealFile;
  @Option(names = "--log-format", description = "text or json: one JSON object per line (env RESPOOL_LOG_FORMAT, default text)")
  String logFormat;
  @Option(names = "--mdns", arity = "0..1", fallbackValue = "true",
      description = "announce this node on the LAN as _resourcepool._tcp for host-workers (env RESPOOL_MDNS, default false)")
  String mdns;

  @Override
  public Integer call() throws Exception {
    Map<String, String> overrides = new HashMap<>();
    overrides.put("port", port);
    overrides.put("home", home);
    overrides.put("pgUrl", pgUrl);
    overrides.put("redisUrl", redisUrl);
    overrides.put("cluster", cluster);
    overrides.put("clusterMembers", clusterMembers);
    overrides.put("clusterPort", clusterPort);
    overrides.put("nodeId", nodeId);
    overrides.put("sshPort", sshPort);
    overrides.put("corsOrigins", corsOrigins);
    overrides.put("secretsKeyFile", secretsKeyFile);
    overrides.put("rotateJwtKey", rotateJwtKey);
    overrides.put("logFormat", logFormat);
    overrides.put("mdns", mdns);
    if (sealFile != null) return sealFile(overrides);
    GatewayConfig config;
    try {
      config = GatewayConfig.from(ConfigSource.load(configFile, System.getenv(), System.getProperties(), overrides));
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    io.respool.protocol.logging.LogFormat.apply(config.ops().logFormat());
    Gateway gateway;
    try {
      gateway = Gateway.start(config);
    } catch (Exception e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) root = root.getCause();
      if (root.getMessage() != null) {
        System.err.println("respool-gateway: cannot start: " + root.getMessage());
      } else {
        // nothing an operator could act on from its message alone: the whole trace
        System.err.print("respool-gateway: cannot start: ");
        e.printStackTrace();
      }
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      gateway.close();
      stopped.countDown();
    }, "respool-shutdown"));
    // for people and scripts reading plain text; with JSON logs every line is a JSON object (the log says the port)
    if (!config.ops().logFormat().equals("json")) System.out.println("ResPool gateway listening on port " + gateway.port());
    stopped.await();
    return 0;
  }

  private int sealFile(Map<String, String> overrides) {
    try {
      System.out.println(KeyFiles.seal(ConfigSource.load(configFile, System.getenv(), System.getProperties(), overrides), sealFile.get(0), sealFile.get(1)));
      return 0;
    } catch (KeyFiles.Unusable | ConfigException e) {
      System.err.println("respool-gateway: cannot seal: " + e.getMessage());
      return 2;
    } catch (java.io.IOException e) {
      System.err.println("respool-gateway: cannot seal: " + e);
      return 2;
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new GatewayMain()).execute(args));
  }
}

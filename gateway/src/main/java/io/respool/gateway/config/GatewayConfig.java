package io.respool.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.respool.bookings.BookingSettings;
import io.respool.optimizer.LlmConfig;
import io.respool.optimizer.OptimizerSettings;
import io.respool.suggestions.Thresholds;
import io.respool.gateway.http.RateLimits;
import io.respool.settlement.evm.EvmConfig;
import io.respool.settlement.solana.SolanaConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * Everything a gateway node is configured with, validated once at start. Defaults live here.
 * {@code pgUrl}/{@code redisUrl} null means "start the embedded one under {@code home}".
 */
public record GatewayConfig(
    int port,
    String bind,
    Path home,
    String pgUrl,
    String redisUrl,
    int dbPoolSize,
    int eventLoops,
    String publicUrl,
    String nodeId,
    boolean cluster,
    List<String> clusterMembers,
    String clusterHost,
    int clusterPort,
    Path clusterConfig,
    String jwtSecret,
    Duration tokenTtl,
    Duration nonceTtl,
    Duration heartbeatInterval,
    Duration heartbeatTimeout,
    List<String> admins,
    int challengesPerMinute,
    boolean allowUnpaidBookings,
    BookingSettings bookings,
    EvmConfig ethereum,
    OptimizerSettings optimizer, SolanaConfig solana,
    int sshPort,
    Duration terminalIdleTimeout,
    RateLimits.Settings rateLimits,
    List<String> corsOrigins,
    String secretsKey,
    Path secretsKeyFile,
    boolean rotateJwtKey,
    Operations ops,
    Duration jwtKeysReload) {

  /**
   * How the node presents itself to operators: its log format ({@code text} or {@code json}, see
   * {@link io.respool.protocol.logging.LogFormat}) and whether it announces itself on the LAN over mDNS as
   * {@code _resourcepool._tcp} (off by default: a node in a data centre or a Kubernetes pod has no LAN of host-workers
   * to find it, and announcing there only adds multicast traffic; a gateway for home machines turns it on), on the
   * interface of {@code mdnsAddress} (default: the {@code bind} address, or this machine's address when binding all).
   */
  public record Operations(String logFormat, boolean mdns, String mdnsAddress) {}

  /**
   * Event loops of a node unless configured: half the cores, at least one. A booking crosses from the
   * loop that read its request to the placement's loop and back unless the two are one; with fewer
   * loops they are one more often (with one, always), and the cores left serve PostgreSQL, Redis and
   * the worker threads, which on a small machine run beside the node. Vert.x's own default is twice the cores.
   */
  public static int defaultEventLoops() { return Math.max(1, Runtime.getRuntime().availableProcessors() / 2); }

  /** The settings' keys; env var {@code RESPOOL_<UPPER_SNAKE>}, system property {@code respool.<key>}. */
  public static final List<String> KEYS = List.of("port", "bind", "home", "pgUrl", "redisUrl", "dbPoolSize", "eventLoops", "publicUrl",
      "nodeId", "cluster", "clusterMembers", "clusterHost", "clusterPort", "clusterConfig", "jwtSecret", "tokenTtlSeconds",
      "nonceTtlSeconds", "heartbeatIntervalMs", "heartbeatTimeoutMs", "admins", "challengesPerMinute", "allowUnpaidBookings", "paymentWindowSeconds",
      "hostLossGraceSeconds", "stopGraceSeconds", "reconcileIntervalMs", "resendAfterSeconds", "meterIntervalMs", "pauseGraceSeconds",
      "feeBasisPoints", "snapshotMaxAgeMs", "ethDevnet", "ethRpcUrl", "ethChainId", "ethEscrows", "ethOperatorKey", "ethOperatorKeyFile",
      "ethConfirmations", "ethPollIntervalMs", "ethExpiryMarginSeconds", "ethBatchSize", "ethResendAfterSeconds", "ethStartBlock",
      "llmProvider", "llmBaseUrl", "llmModel", "llmApiKey", "llmTimeoutMs", "optimizerIntervalMs", "usageHalfLifeSeconds", "optimizerMinSamples", "optimizerMinSpanSeconds",
      "solanaDevnet", "solanaRpcUrl", "solanaProgramId", "solanaOperatorKeyFile", "solanaTreasury", "solanaCommitment", "solanaPollIntervalMs",
      "solanaExpiryMarginSeconds", "solanaBatchSize", "solanaResendAfterSeconds", "solanaMints",
      "sshPort", "terminalIdleTimeoutSeconds",
      "logFormat", "mdns", "mdnsAddress",

      "rateLimitPerAccount", "rateLimitPerClient",
      "corsOrigins", 
"secretsKey", "secretsKeyFile", "rotateJwtKey", "jwtKeysReloadSeconds");

  /** How long a host may take to answer task.start (an image pull included). */
  public static final Duration TASK_START_TIMEOUT = Duration.ofMinutes(5);

  @Override
  public String toString() { // never print the secret
    return "GatewayConfig[port=" + port + ", home=" + home + ", pg=" + (pgUrl == null ? "embedded" : redact(pgUrl))
        + ", redis=" + (redisUrl == null ? "embedded" : redact(redisUrl)) + ", node=" + nodeId + ", cluster=" + cluster
        + (cluster ? " " + clusterMembers + " via " + clusterHost + ":" + clusterPort : "") + (ethereum == null ? "" : ", " + ethereum)
        + ", " + optimizer.llm() + (solana == null ? "" : ", " + solana) + "]";
  }

  private static boolean base64Key(String text) {
    try {
      return java.util.Base64.getDecoder().decode(text.strip()).length == 32;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String redact(String url) {
    return url.replaceAll("//([^:/@]+):[^@]*@", "//$1:***@");
  }

  private static final String DEFAULT_HOME = System.getProperty("user.home") + "/.respool";

  /** The home a source names (or the default), read alone: for commands that run without a whole configuration. */
  static Path home(ConfigSource src) {
    return Path.of(src.get("home") == null ? DEFAULT_HOME : src.get("home"));
  }

  public static GatewayConfig from(ConfigSource src) {
    Reader r = new Reader(src);
    int port = r.get("port", "8080", Reader::port);
    Path home = r.get("home", DEFAULT_HOME, Path::of);
    String pgUrl = r.get("pgUrl", null, Function.identity());
    if (pgUrl != null) r.check("pgUrl", pgUrl, pgUrl.startsWith("postgresql://") || pgUrl.startsWith("postgres://"),
        "must look like postgresql://user:pass@host:port/db");
    String redisUrl = r.get("redisUrl", null, Function.identity());
    if (redisUrl != null) r.check("redisUrl", redisUrl, redisUrl.startsWith("redis://") || redisUrl.startsWith("rediss://"),
        "must look like redis://host:port");
    String publicUrl = r.get("publicUrl", "http://localhost:" + port, Function.identity());
    r.check("publicUrl", publicUrl, validHttpUrl(publicUrl), "must be an http(s) URL");
    String jwtSecret = r.get("jwtSecret", null, Function.identity());
    if (jwtSecret != null) r.check("jwtSecret", "(hidden)", jwtSecret.length() >= 32, "must be at least 32 characters");
    Duration hbInterval = Duration.ofMillis(r.get("heartbeatIntervalMs", "5000", v -> Reader.range(v, 100, 600_000)));
    Duration hbTimeout = Duration.ofMillis(r.get("heartbeatTimeoutMs", "15000", v -> Reader.range(v, 300, 3_600_000)));
    r.check("heartbeatTimeoutMs", hbTimeout.toMillis() + "", hbTimeout.compareTo(hbInterval.multipliedBy(2)) >= 0,
        "must be at least twice heartbeatIntervalMs");
    String secretsKey = r.secret("secretsKey"); // env RESPOOL_SECRETS_KEY: base64 of 32 bytes, never printed
    if (secretsKey != null) r.check("secretsKey", "(hidden)", base64Key(secretsKey), "must be base64 of 32 bytes");
    Path secretsKeyFile = r.get("secretsKeyFile", null, Path::of);
    if (secretsKeyFile != null) r.check("secretsKeyFile", secretsKeyFile.toString(), secretsKeyFile.toFile().isFile(), "file does not exist");
    KeyFiles keyFiles = new KeyFiles(secretsKey, secretsKeyFile, home);
    Path clusterConfig = r.get("clusterConfig", null, Path::of);
    if (clusterConfig != null) r.check("clusterConfig", clusterConfig.toString(), clusterConfig.toFile().isFile(), "file does not exist");
    GatewayConfig c = new GatewayConfig(
        port,
        r.get("bind", "0.0.0.0", Function.identity()),
        home,
        pgUrl,
        redisUrl,
        r.get("dbPoolSize", "8", v -> (int) Reader.range(v, 1, 200)),
        r.get("eventLoops", Integer.toString(defaultEventLoops()), v -> (int) Reader.range(v, 1, 256)),
        publicUrl,
        r.get("nodeId", "node-" + UUID.randomUUID().toString().substring(0, 8), Reader::name),
        r.get("cluster", "false", Reader::bool),
        r.get("clusterMembers", "", Reader::list),
        r.get("clusterHost", "127.0.0.1", Function.identity()),
        r.get("clusterPort", "5701", v -> (int) Reader.range(v, 1, 65535)),
        clusterConfig,
        jwtSecret,
        Duration.ofSeconds(r.get("tokenTtlSeconds", "3600", v -> Reader.range(v, 60, 30L * 24 * 3600))),
        Duration.ofSeconds(r.get("nonceTtlSeconds", "300", v -> Reader.range(v, 10, 3600))),
        hbInterval,
        hbTimeout,
        r.get("admins", "", v -> Reader.list(v).stream().map(a -> a.startsWith("0x") ? a.toLowerCase(Locale.ROOT) : a).toList()),
        r.get("challengesPerMinute", "60", v -> (int) Reader.range(v, 1, 1_000_000)),
        r.get("allowUnpaidBookings", "false", Reader::bool),
        new BookingSettings(
            Duration.ofSeconds(r.get("paymentWindowSeconds", "900", v -> Reader.range(v, 1, 7L * 24 * 3600))),
            Duration.ofSeconds(r.get("hostLossGraceSeconds", "60", v -> Reader.range(v, 0, 24L * 3600))),
            TASK_START_TIMEOUT,
            Duration.ofSeconds(r.get("stopGraceSeconds", "10", v -> Reader.range(v, 0, 3600))),
            Duration.ofMillis(r.get("reconcileIntervalMs", "1000", v -> Reader.range(v, 50, 600_000))),
            Duration.ofSeconds(r.get("resendAfterSeconds", "15", v -> Reader.range(v, 1, 3600))),
            Duration.ofMillis(r.get("meterIntervalMs", "2000", v -> Reader.range(v, 100, 60_000))),
            Duration.ofSeconds(r.get("pauseGraceSeconds", "86400", v -> Reader.range(v, 0, 30L * 24 * 3600))),
            (int) (long) r.get("feeBasisPoints", "250", v -> Reader.range(v, 0, 10_000)),
            Duration.ofMillis(r.get("snapshotMaxAgeMs", "500", v -> Reader.range(v, 0, 60_000)))),
        ethereum(r, keyFiles),
        optimizer(r), solana(r, keyFiles),
        r.get("sshPort", "2222", Reader::port), // 0: no SSH endpoint
        Duration.ofSeconds(r.get("terminalIdleTimeoutSeconds", "3600", v -> Reader.range(v, 0, 7L * 24 * 3600))), // 0: never
        new RateLimits.Settings(
            (int) (long) r.get("rateLimitPerAccount", "600", v -> Reader.range(v, 1, 100_000_000)),
            (int) (long) r.get("rateLimitPerClient", "3000", v -> Reader.range(v, 1, 100_000_000))),
        r.get("corsOrigins", "", GatewayConfig::origins), // empty: no CORS
        secretsKey,
        secretsKeyFile,
        r.get("rotateJwtKey", "false", Reader::bool),
        new Operations(
            r.get("logFormat", "text", io.respool.protocol.logging.LogFormat::parse),
            r.get("mdns", "false", Reader::bool),
            r.get("mdnsAddress", null, Function.identity())),
        Duration.ofSeconds(r.get("jwtKeysReloadSeconds", "30", v -> Reader.range(v, 1, 86_400))));
    r.throwIfAny();
    return c;
  }

  /**
   * Ethereum settlement, off unless an RPC URL is given (directly or by {@code ethDevnet}, the
   * {@code ethereum.json} that {@code ops/ethereum/devnet.sh} writes: its RPC URL, chain id, escrows
   * by asset, operator key file and deploy block; explicit keys win). The operator key comes from
   * {@code ethOperatorKey} (env {@code RESPOOL_ETH_OPERATOR_KEY}) or {@code ethOperatorKeyFile} (sealed or
   * clear, see {@link KeyFiles}); it is never printed.
   */
  private static EvmConfig ethereum(Reader r, KeyFiles keyFiles) {
    JsonNode devnet = r.get("ethDevnet", null, GatewayConfig::readJson);
    String rpcUrl = r.get("ethRpcUrl", devnet == null ? null : devnet.path("rpcUrl").asText(null), Function.identity());
    if (rpcUrl == null) return null;
    r.check("ethRpcUrl", rpcUrl, validHttpUrl(rpcUrl), "must be an http(s) URL");
    String chainId = devnet == null ? null : devnet.path("chainId").asText(null);
    Long chain = r.get("ethChainId", chainId, v -> Reader.range(v, 1, Long.MAX_VALUE));
    if (chain == null) r.check("ethChainId", "", false, "is required with ethRpcUrl");
    String escrows = null;
    if (devnet != null) {
      StringBuilder b = new StringBuilder();
      for (JsonNode e : devnet.path("escrows")) b.append(b.length() == 0 ? "" : ",").append(e.path("asset").asText()).append('=').append(e.path("address").asText());
      escrows = b.toString();
    }
    Map<String, String> byCurrency = r.get("ethEscrows", escrows, GatewayConfig::escrows);
    if (byCurrency == null || byCurrency.isEmpty()) r.check("ethEscrows", "", false, "must name at least one escrow: CURRENCY=0xADDRESS,...");
    String keyFile = r.get("ethOperatorKeyFile", devnet == null ? null : devnet.path("operatorKeyFile").asText(null), Function.identity());
    String key = r.secret("ethOperatorKey");
    if (key == null && keyFile != null) {
      try {
        key = new String(keyFiles.read("ethOperatorKeyFile", Path.of(keyFile)), java.nio.charset.StandardCharsets.ISO_8859_1).trim();
      } catch (IOException e) {
        r.check("ethOperatorKeyFile", keyFile, false, "cannot be read: " + e.getMessage());
      } catch (KeyFiles.Unusable e) {
        r.check("ethOperatorKeyFile", keyFile, false, e.getMessage());
      }
    }
    if (key != null) r.check("ethOperatorKey", "(hidden)", key.matches("(0x)?[0-9a-fA-F]{64}"), "must be 32 bytes in hex");
    String deployBlock = devnet == null || !devnet.has("deployBlock") ? null : devnet.path("deployBlock").asText();
    Long startBlock = r.get("ethStartBlock", deployBlock, v -> Reader.range(v, 0, Long.MAX_VALUE));
    return new EvmConfig(rpcUrl, chain == null ? 0 : chain, byCurrency == null ? Map.of() : byCurrency, key,
        (int) (long) r.get("ethConfirmations", "2", v -> Reader.range(v, 1, 1_000)),
        Duration.ofMillis(r.get("ethPollIntervalMs", "1000", v -> Reader.range(v, 50, 600_000))),
        Duration.ofSeconds(10),
        Duration.ofSeconds(r.get("ethExpiryMarginSeconds", "172800", v -> Reader.range(v, 60, 365L * 24 * 3600))),
        (int) (long) r.get("ethBatchSize", "20", v -> Reader.range(v, 1, 200)),
        Duration.ofSeconds(r.get("ethResendAfterSeconds", "30", v -> Reader.range(v, 1, 3600))),
        startBlock);
  }

  /** The optimizer: its background interval and the language model it may ask (off without {@code llmBaseUrl}; the key is never printed). */
  private static OptimizerSettings optimizer(Reader r) {
    String provider = r.get("llmProvider", "openai", v -> {
      if (!v.equals("openai") && !v.equals("ollama")) throw new IllegalArgumentException("must be openai or ollama");
      return v;
    });
    String baseUrl = r.get("llmBaseUrl", null, Function.identity());
    if (baseUrl != null) r.check("llmBaseUrl", baseUrl, validHttpUrl(baseUrl), "must be an http(s) URL");
    String model = r.get("llmModel", null, Function.identity());
    if (baseUrl != null && model == null) r.check("llmModel", "", false, "is required with llmBaseUrl");
    Duration timeout = Duration.ofMillis(r.get("llmTimeoutMs", "20000", v -> Reader.range(v, 100, 600_000)));
    LlmConfig llm = new LlmConfig(provider == null ? "openai" : provider, baseUrl, model, r.secret("llmApiKey"), timeout);
    OptimizerSettings settings = OptimizerSettings.defaults(llm,
        Duration.ofMillis(r.get("optimizerIntervalMs", "60000", v -> Reader.range(v, 100, 86_400_000))),
        Duration.ofSeconds(r.get("usageHalfLifeSeconds", "86400", v -> Reader.range(v, 0, 31_536_000))));
    Thresholds t = settings.thresholds();
    int minSamples = (int) (long) r.get("optimizerMinSamples", Integer.toString(t.minSamples()), v -> Reader.range(v, 2, 1_000_000));
    Duration minSpan = Duration.ofSeconds(r.get("optimizerMinSpanSeconds", Long.toString(t.minSpan().toSeconds()), v -> Reader.range(v, 0, 604_800)));
    return settings.withThresholds(t.withMinSamples(minSamples, minSpan));
  }

  /**
   * Solana settlement, off unless an RPC URL is given (directly or by {@code solanaDevnet}, the
   * {@code solana.json} that {@code ops/solana/devnet.sh} writes: its RPC URL, program id, operator key
   * file, treasury and commitment, and its test stablecoin's mint as {@code TUSD}; explicit keys win).
   * The operator key file is a solana-keygen JSON array of 64 bytes, sealed or clear (see {@link KeyFiles}); the key is never printed.
   * {@code solanaMints} ({@code CURRENCY=MINT,…}) names the SPL tokens bookings on Solana may be priced in.
   */
  private static SolanaConfig solana(Reader r, KeyFiles keyFiles) {
    JsonNode devnet = r.get("solanaDevnet", null, GatewayConfig::readJson);
    String rpcUrl = r.get("solanaRpcUrl", devnet == null ? null : devnet.path("rpcUrl").asText(null), Function.identity());
    if (rpcUrl == null) return null;
    r.check("solanaRpcUrl", rpcUrl, validHttpUrl(rpcUrl), "must be an http(s) URL");
    String program = r.get("solanaProgramId", devnet == null ? null : devnet.path("programId").asText(null), Function.identity());
    if (program == null) r.check("solanaProgramId", "", false, "is required with solanaRpcUrl");
    else r.check("solanaProgramId", program, io.respool.settlement.solana.Pubkeys.valid(program), "must be a base58 address");
    String treasury = r.get("solanaTreasury", devnet == null ? null : devnet.path("treasury").asText(null), Function.identity());
    if (treasury != null) r.check("solanaTreasury", treasury, io.respool.settlement.solana.Pubkeys.valid(treasury), "must be a base58 address");
    String keyFile = r.get("solanaOperatorKeyFile", devnet == null ? null : devnet.path("operatorKeyFile").asText(null), Function.identity());
    io.respool.protocol.crypto.Ed25519.Keys key = null;
    if (keyFile != null) {
      try {
        JsonNode bytes = new ObjectMapper().readTree(keyFiles.read("solanaOperatorKeyFile", Path.of(keyFile)));
        if (!bytes.isArray() || bytes.size() != 64) throw new IOException("not 64 bytes");
        byte[] seed = new byte[32];
        byte[] pub = new byte[32];
        for (int i = 0; i < 64; i++) (i < 32 ? seed : pub)[i % 32] = (byte) bytes.get(i).asInt();
        key = io.respool.protocol.crypto.Ed25519.fromSeed(seed);
        if (!java.util.Arrays.equals(key.publicKey(), pub)) throw new IOException("its public key does not match its secret key");
      } catch (java.nio.file.NoSuchFileException e) {
        r.check("solanaOperatorKeyFile", keyFile, false, "does not exist");
        key = null;
      } catch (KeyFiles.Unusable e) {
        r.check("solanaOperatorKeyFile", keyFile, false, e.getMessage());
        key = null;
      } catch (IOException | RuntimeException e) {
        // never the parser's message: it may quote the file, a secret
        r.check("solanaOperatorKeyFile", keyFile, false, "cannot be read as a solana key (a solana-keygen file: a JSON array of 64 bytes"
            + (e.getMessage() != null && e.getMessage().startsWith("its public key") ? "; " + e.getMessage() : "") + ")");
        key = null;
      }
    }
    String commitment = r.get("solanaCommitment", "confirmed", Function.identity());
    r.check("solanaCommitment", commitment, "confirmed".equals(commitment) || "finalized".equals(commitment), "must be confirmed or finalized");
    if (program == null || !io.respool.settlement.solana.Pubkeys.valid(program) || (treasury != null && !io.respool.settlement.solana.Pubkeys.valid(treasury))
        || !("confirmed".equals(commitment) || "finalized".equals(commitment))) {
      return null; // reported above
    }
    return new SolanaConfig(rpcUrl, program, key, treasury, commitment,
        Duration.ofMillis(r.get("solanaPollIntervalMs", "1000", v -> Reader.range(v, 50, 600_000))),
        Duration.ofSeconds(10),
        Duration.ofSeconds(r.get("solanaExpiryMarginSeconds", "172800", v -> Reader.range(v, 1, 365L * 24 * 3600))),
        (int) (long) r.get("solanaBatchSize", "10", v -> Reader.range(v, 1, 10)),
        Duration.ofSeconds(r.get("solanaResendAfterSeconds", "2", v -> Reader.range(v, 1, 3600))),
        r.get("solanaMints", devnet == null || devnet.path("mint").isMissingNode() ? "" : "TUSD=" + devnet.path("mint").asText(), GatewayConfig::solanaMints));
  }

  private static Map<String, String> solanaMints(String v) {
    Map<String, String> out = new TreeMap<>();
    for (String pair : Reader.list(v)) {
      String[] kv = pair.split("=", 2);
      if (kv.length != 2 || !kv[0].matches("[A-Za-z0-9]{1,16}") || "SOL".equalsIgnoreCase(kv[0]) || !io.respool.settlement.solana.Pubkeys.valid(kv[1])) {
        throw new IllegalArgumentException("must be CURRENCY=MINT pairs (a base58 mint address; not SOL) separated by commas");
      }
      out.put(kv[0].toUpperCase(Locale.ROOT), kv[1]);
    }
    return out;
  }

  private static JsonNode readJson(String file) {
    try {
      return new ObjectMapper().readTree(Files.readString(Path.of(file)));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot be read as JSON: " + e.getMessage());
    }
  }

  private static Map<String, String> escrows(String v) {
    Map<String, String> out = new TreeMap<>();
    for (String pair : Reader.list(v)) {
      String[] kv = pair.split("=", 2);
      if (kv.length != 2 || !kv[0].matches("[A-Za-z0-9]{1,16}") || !kv[1].matches("0x[0-9a-fA-F]{40}")) {
        throw new IllegalArgumentException("must be CURRENCY=0xADDRESS pairs separated by commas");
      }
      out.put(kv[0].toUpperCase(Locale.ROOT), kv[1].toLowerCase(Locale.ROOT)); // currency codes are upper-case (the devnet's tUSD is TUSD)
    }
    return out;
  }

  private static boolean validHttpUrl(String s) {
    try {
      URI u = URI.create(s);
      return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Browser origins allowed by CORS: {@code *}, or each {@code http(s)://host[:port]} (no path, no trailing slash). */
  static List<String> origins(String v) {
    List<String> list = Reader.list(v);
    if (list.contains("*")) {
      if (list.size() > 1) throw new IllegalArgumentException("must be * alone, or a list of origins");
      return list;
    }
    for (String o : list) {
      if (!o.matches("(?i)https?://[^/?#@\\s]+")) throw new IllegalArgumentException("'" + o + "' is not an origin like https://console.example.com:8443");
    }
    return list;
  }

  /** Collects every problem so the operator sees them all at once. */
  private static final class Reader {
    private final ConfigSource src;
    private final List<String> problems = new ArrayList<>();

    Reader(ConfigSource src) { this.src = src; }

    <T> T get(String key, String fallback, Function<String, T> parse) {
      String raw = src.get(key);
      String value = raw == null ? fallback : raw;
      if (value == null) return null;
      try {
        return parse.apply(value);
      } catch (IllegalArgumentException e) {
        problems.add(describe(key, value, e.getMessage()));
        return fallback == null ? null : parse.apply(fallback);
      }
    }

    /** A value that is never echoed in an error. */
    String secret(String key) {
      String v = src.get(key);
      return v == null || v.isBlank() ? null : v.trim();
    }

    void check(String key, String value, boolean ok, String why) {
      if (!ok) problems.add(describe(key, value, why));
    }

    private String describe(String key, String value, String why) {
      return key + " (" + ConfigSource.envName(key) + ", from " + src.origin(key) + "): '" + value + "' " + why;
    }

    void throwIfAny() {
      if (!problems.isEmpty()) throw new ConfigException("invalid configuration:\n  " + String.join("\n  ", problems));
    }

    static int port(String v) { return (int) range(v, 0, 65535); }

    static long range(String v, long min, long max) {
      long n;
      try {
        n = Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("is not a whole number");
      }
      if (n < min || n > max) throw new IllegalArgumentException("must be between " + min + " and " + max);
      return n;
    }

    static boolean bool(String v) {
      return switch (v.trim().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "1" -> true;
        case "false", "no", "0" -> false;
        default -> throw new IllegalArgumentException("must be true or false");
      };
    }

    static String name(String v) {
      if (!v.matches("[A-Za-z0-9._-]{1,64}")) throw new IllegalArgumentException("must be 1-64 letters, digits, '.', '_' or '-'");
      return v;
    }

    static List<String> list(String v) {
      return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
  }
}

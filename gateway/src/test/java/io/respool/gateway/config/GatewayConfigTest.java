package io.respool.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {
  @Test
  void defaultsNeedNoConfiguration() {
    GatewayConfig c = GatewayConfig.from(ConfigSource.load(null, Map.of(), new Properties(), Map.of()));
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.pgUrl()).as("embedded").isNull();
    assertThat(c.home().toString()).endsWith(".respool");
    assertThat(c.heartbeatInterval().toMillis()).isEqualTo(5000);
    assertThat(c.cluster()).isFalse();
  }

  @Test
  void fileThenEnvThenSystemPropertiesThenOptions() throws Exception {
    Path file = Files.createTempFile("gw", ".json");
    Files.writeString(file, "{\"port\": 9000}");
    Properties sys = new Properties();
    assertThat(GatewayConfig.from(ConfigSource.load(file, Map.of(), sys, Map.of())).port()).isEqualTo(9000);
    assertThat(GatewayConfig.from(ConfigSource.load(file, Map.of("RESPOOL_PORT", "9001"), sys, Map.of())).port()).isEqualTo(9001);
    sys.setProperty("respool.port", "9002");
    assertThat(GatewayConfig.from(ConfigSource.load(file, Map.of("RESPOOL_PORT", "9001"), sys, Map.of())).port()).isEqualTo(9002);
    assertThat(GatewayConfig.from(ConfigSource.load(file, Map.of("RESPOOL_PORT", "9001"), sys, Map.of("port", "9003"))).port()).isEqualTo(9003);
    assertThat(ConfigSource.envName("heartbeatIntervalMs")).isEqualTo("RESPOOL_HEARTBEAT_INTERVAL_MS");
  }

  @Test
  void everyProblemIsReportedWithItsOrigin() {
    assertThatThrownBy(() -> GatewayConfig.from(ConfigSource.load(null,
        Map.of("RESPOOL_PORT", "http", "RESPOOL_PG_URL", "mysql://x", "RESPOOL_JWT_SECRET", "short", "RESPOOL_HEARTBEAT_TIMEOUT_MS", "1000"),
        new Properties(), Map.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("port (RESPOOL_PORT, from RESPOOL_PORT): 'http' is not a whole number")
        .hasMessageContaining("pgUrl")
        .hasMessageContaining("jwtSecret")
        .hasMessageNotContaining("short")
        .hasMessageContaining("heartbeatTimeoutMs");
  }

  @Test
  void eventLoopsAreHalfTheCoresUnlessSetAndAtLeastOne() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(GatewayConfig.from(ConfigSource.load(null, Map.of(), new Properties(), Map.of())).eventLoops()).isEqualTo(Math.max(1, cores / 2));
    assertThat(GatewayConfig.from(ConfigSource.load(null, Map.of("RESPOOL_EVENT_LOOPS", "3"), new Properties(), Map.of())).eventLoops()).isEqualTo(3);
    assertThatThrownBy(() -> GatewayConfig.from(ConfigSource.load(null, Map.of("RESPOOL_EVENT_LOOPS", "0"), new Properties(), Map.of())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("eventLoops");
  }

  @Test
  void unknownKeysInTheFileAreRefused() throws Exception {
    Path file = Files.createTempFile("gw", ".json");
    Files.writeString(file, "{\"prot\": 9000}");
    assertThatThrownBy(() -> ConfigSource.load(file, Map.of(), new Properties(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'prot'");
  }

  @Test
  void toStringNeverShowsSecrets() {
    GatewayConfig c = GatewayConfig.from(ConfigSource.load(null,
        Map.of("RESPOOL_JWT_SECRET", "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t-x", "RESPOOL_PG_URL", "postgresql://u:hunter2@db:5432/x"),
        new Properties(), Map.of()));
    assertThat(c.toString()).doesNotContain("s3cr3t").doesNotContain("hunter2");
  }

  static final String KEY = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

  @Test
  void ethereumIsOffUnlessAnRpcUrlIsGivenAndItsKeyIsNeverShown() throws Exception {
    assertThat(GatewayConfig.from(ConfigSource.load(null, Map.of(), new Properties(), Map.of())).ethereum()).isNull();
    GatewayConfig c = GatewayConfig.from(ConfigSource.load(null, Map.of("RESPOOL_ETH_OPERATOR_KEY", KEY), new Properties(),
        Map.of("ethRpcUrl", "http://127.0.0.1:8545/secret-path", "ethChainId", "31337", "ethEscrows", "tusd=0x5FbDB2315678afecb367f032d93F642f64180aa3")));
    assertThat(c.ethereum().escrows()).containsExactly(Map.entry("TUSD", "0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    assertThat(c.ethereum().operatorKey()).isEqualTo(KEY);
    assertThat(c.ethereum().confirmations()).isEqualTo(2);
    assertThat(c.toString()).doesNotContain(KEY).doesNotContain("secret-path").contains("(hidden)");
  }

  @Test
  void aBadEthereumSettingIsReportedWithoutEchoingTheKey() {
    assertThatThrownBy(() -> GatewayConfig.from(ConfigSource.load(null, Map.of("RESPOOL_ETH_OPERATOR_KEY", "0xnot-a-key-but-secret"), new Properties(),
        Map.of("ethRpcUrl", "http://127.0.0.1:8545", "ethEscrows", "TUSD=0x12"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ethChainId").hasMessageContaining("ethEscrows").hasMessageContaining("ethOperatorKey")
        .hasMessageNotContaining("not-a-key-but-secret");
  }

  @Test
  void theDevnetFileSuppliesTheChain() throws Exception {
    Path keyFile = Files.createTempFile("op", ".key");
    Files.writeString(keyFile, KEY + "\n");
    Path json = Files.createTempFile("ethereum", ".json");
    Files.writeString(json, """
        {"chainId": 31337, "rpcUrl": "http://127.0.0.1:8545", "deployBlock": 3, "operatorKeyFile": "%s",
         "escrows": [{"asset": "ETH", "address": "0x0000000000000000000000000000000000000001"},
                     {"asset": "tUSD", "address": "0x0000000000000000000000000000000000000002"}]}""".formatted(keyFile));
    GatewayConfig c = GatewayConfig.from(ConfigSource.load(null, Map.of("RESPOOL_ETH_DEVNET", json.toString()), new Properties(),
        Map.of("ethConfirmations", "5")));
    assertThat(c.ethereum().chainId()).isEqualTo(31337);
    assertThat(c.ethereum().startBlock()).isEqualTo(3);
    assertThat(c.ethereum().escrows()).containsOnlyKeys("ETH", "TUSD");
    assertThat(c.ethereum().operatorKey()).isEqualTo(KEY);
    assertThat(c.ethereum().confirmations()).isEqualTo(5);
  }
}

package io.respool.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.protocol.crypto.Ed25519;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The solana* keys: off by default, read from the devnet's solana.json or given one by one, validated with every problem named. */
class SolanaConfigKeysTest {
  static final String PROGRAM = "3dVmQ9FZ2txnzNgYZCxrTyVbJUY14cLqBVszSFKQ8xEV";
  static final String TREASURY = "9137DZjVEqCYdPciMD1ne3QumqnxxwDZiCqhWgGnHRXp";

  static GatewayConfig load(Map<String, String> env) {
    return GatewayConfig.from(ConfigSource.load(null, env, new Properties(), Map.of()));
  }

  /** A solana-keygen file: 64 bytes, seed then public key. */
  static Path keyFile(Ed25519.Keys k) throws Exception {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < 64; i++) b.append(i == 0 ? "" : ",").append((i < 32 ? k.seed()[i] : k.publicKey()[i - 32]) & 0xff);
    Path f = Files.createTempFile("operator", ".json");
    Files.writeString(f, b.append("]").toString());
    return f;
  }

  @Test
  void offUnlessAnRpcUrlIsGiven() {
    assertThat(load(Map.of()).solana()).isNull();
  }

  @Test
  void fromTheDevnetsJsonWithTheKeyNeverPrinted() throws Exception {
    Ed25519.Keys op = Ed25519.generate();
    Path json = Files.createTempFile("solana", ".json");
    Files.writeString(json, "{\"rpcUrl\":\"http://127.0.0.1:8899\",\"programId\":\"" + PROGRAM + "\",\"treasury\":\"" + TREASURY
        + "\",\"operatorKeyFile\":\"" + keyFile(op) + "\"}");
    GatewayConfig c = load(Map.of("RESPOOL_SOLANA_DEVNET", json.toString(), "RESPOOL_SOLANA_POLL_INTERVAL_MS", "250"));
    assertThat(c.solana().rpcUrl()).isEqualTo("http://127.0.0.1:8899");
    assertThat(c.solana().programId()).isEqualTo(PROGRAM);
    assertThat(c.solana().treasury()).isEqualTo(TREASURY);
    assertThat(c.solana().operator()).isEqualTo(op.publicKeyBase58());
    assertThat(c.solana().commitment()).isEqualTo("confirmed");
    assertThat(c.solana().pollInterval().toMillis()).isEqualTo(250);
    assertThat(c.solana().batchSize()).isEqualTo(10);
    String printed = c.toString();
    assertThat(printed).contains(PROGRAM).doesNotContain(java.util.HexFormat.of().formatHex(op.seed()));
    for (int i = 0; i < 32; i++) assertThat(printed).doesNotContain(java.util.Arrays.toString(op.seed()));
  }

  @Test
  void aBrokenKeyFileIsNeverQuoted() throws Exception {
    Path broken = Files.createTempFile("broken-key", ".json");
    Files.writeString(broken, "[12,34,SUPERSECRETSEED");
    assertThatThrownBy(() -> load(Map.of("RESPOOL_SOLANA_RPC_URL", "http://127.0.0.1:8899", "RESPOOL_SOLANA_PROGRAM_ID", PROGRAM,
        "RESPOOL_SOLANA_OPERATOR_KEY_FILE", broken.toString())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("solanaOperatorKeyFile").hasMessageNotContaining("SUPERSECRET");
  }

  @Test
  void everyProblemIsNamed() throws Exception {
    Path bad = Files.createTempFile("bad-key", ".json");
    Files.writeString(bad, "[1,2,3]");
    assertThatThrownBy(() -> load(Map.of("RESPOOL_SOLANA_RPC_URL", "ftp://x", "RESPOOL_SOLANA_OPERATOR_KEY_FILE", bad.toString(),
        "RESPOOL_SOLANA_COMMITMENT", "processed", "RESPOOL_SOLANA_TREASURY", "0OIl")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("solanaRpcUrl").hasMessageContaining("solanaProgramId (RESPOOL_SOLANA_PROGRAM_ID")
        .hasMessageContaining("solanaOperatorKeyFile").hasMessageContaining("a solana-keygen file")
        .hasMessageContaining("solanaCommitment").hasMessageContaining("solanaTreasury");
  }
  @Test
  void tokenMintsFromTheDevnetsJsonOrGivenAsPairs() throws Exception {
    String mint = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU";
    Path json = Files.createTempFile("solana", ".json");
    Files.writeString(json, "{\"rpcUrl\":\"http://127.0.0.1:8899\",\"programId\":\"" + PROGRAM + "\",\"mint\":\"" + mint + "\"}");
    var fromDevnet = load(Map.of("RESPOOL_SOLANA_DEVNET", json.toString())).solana();
    assertThat(fromDevnet.mints()).containsExactly(Map.entry("TUSD", mint));
    assertThat(fromDevnet.mintOf("TUSD")).isEqualTo(mint);
    assertThat(fromDevnet.mintOf("SOL")).isEqualTo("11111111111111111111111111111111");
    assertThat(fromDevnet.mintOf("EURT")).isNull();
    assertThat(fromDevnet.currencies()).containsExactly("SOL", "TUSD");
    var given = load(Map.of("RESPOOL_SOLANA_RPC_URL", "http://127.0.0.1:8899", "RESPOOL_SOLANA_PROGRAM_ID", PROGRAM,
        "RESPOOL_SOLANA_MINTS", "tusd=" + mint + ", EURT=" + TREASURY)).solana();
    assertThat(given.mints()).containsOnly(Map.entry("TUSD", mint), Map.entry("EURT", TREASURY));
    assertThat(load(Map.of("RESPOOL_SOLANA_RPC_URL", "http://127.0.0.1:8899", "RESPOOL_SOLANA_PROGRAM_ID", PROGRAM)).solana().mints()).isEmpty();
    for (String bad : new String[] {"TUSD", "SOL=" + mint, "TUSD=0xabc", "T USD=" + mint}) {
      assertThatThrownBy(() -> load(Map.of("RESPOOL_SOLANA_RPC_URL", "http://127.0.0.1:8899", "RESPOOL_SOLANA_PROGRAM_ID", PROGRAM,
          "RESPOOL_SOLANA_MINTS", bad))).as(bad).isInstanceOf(ConfigException.class).hasMessageContaining("solanaMints");
    }
  }
}

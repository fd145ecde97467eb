package io.respool.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.gateway.GatewayMain;
import io.respool.protocol.crypto.Ed25519;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The operators' key files sealed at rest under the secrets key: opened at start, refused when altered or under another key. */
class SealedKeyFilesTest {
  static final String KEY = GatewayConfigTest.KEY;

  @TempDir
  Path dir;

  static String secretsKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  GatewayConfig load(String secretsKey, String... settings) {
    Map<String, String> env = new HashMap<>();
    if (secretsKey != null) env.put("RESPOOL_SECRETS_KEY", secretsKey);
    Map<String, String> options = new HashMap<>(Map.of("home", dir.resolve("home").toString(), "ethRpcUrl", "http://127.0.0.1:8545",
        "ethChainId", "31337", "ethEscrows", "TUSD=0x5FbDB2315678afecb367f032d93F642f64180aa3"));
    for (int i = 0; i < settings.length; i += 2) options.put(settings[i], settings[i + 1]);
    return GatewayConfig.from(ConfigSource.load(null, env, new Properties(), options));
  }

  Path sealed(String secretsKey, String name, String contents) throws Exception {
    Path clear = dir.resolve(name);
    Files.writeString(clear, contents);
    Path out = dir.resolve(name + ".sealed");
    KeyFiles.seal(ConfigSource.load(null, Map.of("RESPOOL_SECRETS_KEY", secretsKey), new Properties(), Map.of("home", dir.resolve("home").toString())),
        clear, out);
    return out;
  }

  @Test
  void aSealedEthereumKeyFileIsOpenedAtStart() throws Exception {
    String sk = secretsKey();
    Path file = sealed(sk, "eth.key", KEY + "\n");
    assertThat(Files.readString(file)).startsWith("respool-sealed-v1\n").doesNotContain(KEY);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    GatewayConfig c = load(sk, "ethOperatorKeyFile", file.toString());
    assertThat(c.ethereum().operatorKey()).isEqualTo(KEY);
    assertThat(c.toString()).doesNotContain(KEY);
  }

  @Test
  void aSealedSolanaKeypairIsOpenedAtStart() throws Exception {
    String sk = secretsKey();
    Ed25519.Keys op = Ed25519.generate();
    Path file = sealed(sk, "operator.json", Files.readString(SolanaConfigKeysTest.keyFile(op)));
    GatewayConfig c = load(sk, "solanaRpcUrl", "http://127.0.0.1:8899", "solanaProgramId", SolanaConfigKeysTest.PROGRAM,
        "solanaOperatorKeyFile", file.toString());
    assertThat(c.solana().operator()).isEqualTo(op.publicKeyBase58());
  }

  @Test
  void aTamperedFileIsRefusedNamingTheFileNotTheKey() throws Exception {
    String sk = secretsKey();
    Path file = sealed(sk, "eth.key", KEY);
    String text = Files.readString(file);
    int at = "respool-sealed-v1\n".length() + 20;
    Files.writeString(file, text.substring(0, at) + (text.charAt(at) == 'A' ? 'B' : 'A') + text.substring(at + 1));
    assertThatThrownBy(() -> load(sk, "ethOperatorKeyFile", file.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ethOperatorKeyFile").hasMessageContaining(file.toString())
        .hasMessageContaining("does not open with this node's secrets key").hasMessageNotContaining(KEY);
  }

  @Test
  void anotherSecretsKeyIsRefusedWithAClearMessage() throws Exception {
    Path file = sealed(secretsKey(), "eth.key", KEY);
    assertThatThrownBy(() -> load(secretsKey(), "ethOperatorKeyFile", file.toString()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("does not open with this node's secrets key").hasMessageNotContaining(KEY);
    Path sol = sealed(secretsKey(), "operator.json", Files.readString(SolanaConfigKeysTest.keyFile(Ed25519.generate())));
    assertThatThrownBy(() -> load(secretsKey(), "solanaRpcUrl", "http://127.0.0.1:8899", "solanaProgramId", SolanaConfigKeysTest.PROGRAM,
        "solanaOperatorKeyFile", sol.toString()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("solanaOperatorKeyFile").hasMessageContaining("does not open");
  }

  @Test
  void aSealedFileWithNoSecretsKeyAnywhereIsRefusedAndNoKeyIsMade() throws Exception {
    Path file = sealed(secretsKey(), "eth.key", KEY);
    Path home = dir.resolve("empty-home");
    assertThatThrownBy(() -> load(null, "home", home.toString(), "ethOperatorKeyFile", file.toString()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("has no secrets key");
    assertThat(home.resolve("secrets.key")).doesNotExist();
  }

  @Test
  void aClearFileStillWorksWithOneWarningNamingItNotTheKey() throws Exception {
    Path clear = dir.resolve("clear.key");
    Files.writeString(clear, KEY + "\n");
    ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(KeyFiles.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen = new ch.qos.logback.core.read.ListAppender<>();
    seen.start();
    log.addAppender(seen);
    try {
      assertThat(load(null, "ethOperatorKeyFile", clear.toString()).ethereum().operatorKey()).isEqualTo(KEY);
    } finally {
      log.detachAppender(seen);
    }
    assertThat(seen.list).singleElement().satisfies(e -> {
      assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
      assertThat(e.getFormattedMessage()).contains("ethOperatorKeyFile").contains(clear.toString()).contains("not sealed").doesNotContain(KEY);
    });
  }

  @Test
  void theLauncherSealsAFileUnderTheHomesKeyAndRefusesToSealTwiceOrOverwrite() throws Exception {
    Path home = dir.resolve("launcher-home");
    Path clear = dir.resolve("op.key");
    Files.writeString(clear, KEY + "\n");
    Path out = dir.resolve("op.key.sealed");
    assertThat(new CommandLine(new GatewayMain()).execute("--home", home.toString(), "--seal-file", clear.toString(), out.toString())).isZero();
    assertThat(home.resolve("secrets.key")).exists(); // made as at a first start: the gateway on this home opens the file
    assertThat(load(null, "home", home.toString(), "ethOperatorKeyFile", out.toString()).ethereum().operatorKey()).isEqualTo(KEY);
    assertThat(new CommandLine(new GatewayMain()).execute("--home", home.toString(), "--seal-file", out.toString(), dir.resolve("x").toString()))
        .as("already sealed").isEqualTo(2);
    assertThat(new CommandLine(new GatewayMain()).execute("--home", home.toString(), "--seal-file", clear.toString(), out.toString()))
        .as("would overwrite").isEqualTo(2);
    assertThat(load(null, "home", home.toString(), "ethOperatorKeyFile", out.toString()).ethereum().operatorKey()).isEqualTo(KEY);
  }
}

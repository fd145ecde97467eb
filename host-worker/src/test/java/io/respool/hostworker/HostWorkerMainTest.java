package io.respool.hostworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class HostWorkerMainTest {
  @TempDir Path tmp;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void helpAndVersion() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("--gateway", "RESPOOL_GATEWAY", "--price-gpu-hour", "--resources-interval", "id");
    out.getBuffer().setLength(0);
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("respool-host-worker ");
  }

  @Test
  void idPrintsTheSameHostIdEveryTimeFromAnOwnerOnlyKey() throws Exception {
    Path home = tmp.resolve("home");
    assertThat(run("id", "--home", home.toString())).isZero();
    String first = out.toString().strip();
    out.getBuffer().setLength(0);
    assertThat(run("id", "--home", home.toString())).isZero();

    assertThat(out.toString().strip()).isEqualTo(first).matches("[1-9A-HJ-NP-Za-km-z]{32,44}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("host.key")))).isEqualTo("rw-------");
  }

  @Test
  void anUnsafeKeyIsRefusedWithExitCode2() throws Exception {
    run("id", "--home", tmp.toString());
    Files.setPosixFilePermissions(tmp.resolve("host.key"), PosixFilePermissions.fromString("rw-r-----"));

    assertThat(run("id", "--home", tmp.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("chmod 600").doesNotContain("Exception");
  }

  @Test
  void defaultsMakeAValidConfiguration() {
    assumeTrue(System.getenv().keySet().stream().noneMatch(k -> k.startsWith("RESPOOL_")), "RESPOOL_* variables would override defaults");

    HostWorkerConfig config = parse();

    assertThat(config.gateways()).containsExactly(URI.create("ws://127.0.0.1:8080/v1/hosts/connect"));
    assertThat(config.home()).isEqualTo(Path.of(System.getProperty("user.home"), ".respool-host"));
    assertThat(config.region()).isEqualTo("local");
    assertThat(config.prices().currency()).isEqualTo("USDC");
    assertThat(config.prices().cpuCoreHour()).isEqualTo(20_000);
    assertThat(config.prices().memoryGbHour()).isEqualTo(5_000);
    assertThat(config.prices().storageGbHour()).isEqualTo(100);
    assertThat(config.prices().gpuHour()).isEmpty();
    assertThat(config.prices().minSeconds()).as("no bound on the rental's duration").isNull();
    assertThat(config.prices().maxSeconds()).isNull();
    assertThat(config.payout().ethereum()).isNull();
    assertThat(config.payout().solana()).isNull();
    assertThat(config.resourcesInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.usageInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.backoffBase()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.backoffCap()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void optionsMakeTheConfiguration() {
    HostWorkerConfig config = parse("--gateway", "wss://gw.example/custom/connect, ws://[::1]:9000/", "--home", "/srv/respool",
        "--region", "eu-west-1", "--currency", "USDT", "--price-cpu-core-hour", "1", "--price-memory-gb-hour", "2",
        "--price-storage-gb-hour", "3", "--price-gpu-hour", "RTX 4090=400000", "--price-gpu-hour", "A100=900000",
        "--payout-ethereum", "0x" + "ab".repeat(20), "--payout-solana", "7NjgaZjSSHr6SinXFgYmQT8sxCuQprsLUTeuaq1bZx5J",
        "--resources-interval", "5", "--min-duration-seconds", "60", "--max-duration-seconds", "86400", "--usage-interval", "2");

    assertThat(config.gateways()).containsExactly(URI.create("wss://gw.example/custom/connect"), URI.create("ws://[::1]:9000/v1/hosts/connect"));
    assertThat(config.home()).isEqualTo(Path.of("/srv/respool"));
    assertThat(config.region()).isEqualTo("eu-west-1");
    assertThat(config.prices().gpuHour()).isEqualTo(Map.of("RTX 4090", 400_000L, "A100", 900_000L));
    assertThat(config.payout().ethereum()).isEqualTo("0x" + "ab".repeat(20));
    assertThat(config.resourcesInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.usageInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.prices().minSeconds()).isEqualTo(60);
    assertThat(config.prices().maxSeconds()).isEqualTo(86_400);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "--gateway|http://gw.example|must be a ws:// or wss:// URL",
    "--gateway|ws://bad host|is not a URL",
    "--gateway|' , '|at least one gateway URL",
    "--region|EU West|region 'EU West' must be lower-case",
    "--currency|usd|currency must be an upper-case asset code",
    "--price-cpu-core-hour|-5|prices.cpuCoreHour must be between 0 and",
    "--price-cpu-core-hour|cheap|'cheap' is not a long",
    "--price-gpu-hour|RTX 4090|KEY=VALUE",
    "--payout-ethereum|0x12|payout.ethereum is not an address",
    "--payout-solana|0OIl|payout.solana is not an address",
    "--resources-interval|0|resources interval must be at least 1 second",
    "--usage-interval|0|usage interval must be at least 1 second",
    "--usage-interval|3601|usage interval must be at most 3600 seconds",
    "--min-duration-seconds|0|prices.minSeconds must be between 1 and",
  })
  void invalidConfigurationIsRefusedWithAClearMessageAndExitCode2(String option, String value, String message) {
    Path home = tmp.resolve("home");

    assertThat(run(option, value, "--home", home.toString())).isEqualTo(2);

    assertThat(err.toString()).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(home).doesNotExist(); // refused before anything was created
  }

  private int run(String... args) {
    return new CommandLine(new HostWorkerMain()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
  }

  private HostWorkerConfig parse(String... args) {
    HostWorkerMain main = new HostWorkerMain();
    new CommandLine(main).parseArgs(args);
    return main.config();
  }
}

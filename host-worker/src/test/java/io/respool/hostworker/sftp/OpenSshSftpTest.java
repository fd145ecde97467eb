package io.respool.hostworker.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.hostworker.task.process.ProcessTaskDriver;
import io.respool.protocol.task.TaskSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real OpenSSH {@code sftp} and {@code scp} (installed when missing) against a process task's
 * files, through a real stream: {@code sftp -D} and {@code scp -S} run {@link SftpBridge}, which
 * pipes them into an {@code sftp} stream of a {@code StreamMux}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public class OpenSshSftpTest {
  @TempDir private Path dir;
  protected Path local;
  protected String taskId;
  private ProcessTaskDriver driver;
  private Path tasks;

  @BeforeAll
  static void installOpenSsh() throws Exception {
    if (Files.isExecutable(Path.of("/usr/bin/sftp")) && Files.isExecutable(Path.of("/usr/bin/scp"))) return;
    Process p = new ProcessBuilder("sh", "-c", "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-client").inheritIO().start();
    assertThat(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0).as("openssh-client installed").isTrue();
  }

  @BeforeEach
  protected void startTask() throws IOException {
    local = Files.createDirectory(dir.resolve("local"));
    tasks = dir.resolve("tasks");
    driver = new ProcessTaskDriver(tasks);
    taskId = "sftp-" + Long.toHexString(System.nanoTime());
    driver.start(new TaskSpec(taskId, "bk-" + taskId, null, List.of("/bin/sh", "-c", "sleep 300"), Map.of(), List.of(), 1000, 256, 0, 0, null, Map.of()));
  }

  @AfterEach
  protected void stopTask() {
    if (driver == null) return;
    driver.stop(taskId, Duration.ZERO);
    driver.remove(taskId);
    driver.close();
  }

  protected Path dir() {
    return dir;
  }

  /** Runs sftp with these batch commands, each whether or not the ones before failed ("-" prefix); its output. */
  protected String runAllowingFailureFor(String... commands) throws Exception {
    return runAllowingFailure(sftp(java.util.Arrays.stream(commands).map(c -> "-" + c).toArray(String[]::new)));
  }

  /** Where the task's files are, seen from the host (for checks from outside). */
  protected Path remoteRoot() {
    return tasks.resolve(taskId).resolve("work");
  }

  protected String bridgeTarget() {
    return "process:" + tasks;
  }

  @Test
  void sftpAndScpMoveTwentyMegabytesBothWaysIntact() throws Exception {
    byte[] data = new byte[20 * 1024 * 1024];
    new Random(42).nextBytes(data);
    Path up = Files.write(local.resolve("up.bin"), data);

    run(sftp("put " + up + " /big.bin", "get /big.bin " + local.resolve("down.bin")));
    assertThat(sha256(Files.readAllBytes(local.resolve("down.bin")))).isEqualTo(sha256(data));
    assertThat(sha256(Files.readAllBytes(remoteRoot().resolve("big.bin")))).isEqualTo(sha256(data));

    run(scp(up.toString(), "x:/scp.bin"));
    run(scp("x:/scp.bin", local.resolve("scp-down.bin").toString()));
    assertThat(sha256(Files.readAllBytes(local.resolve("scp-down.bin")))).isEqualTo(sha256(data));
  }

  @Test
  void sftpListsMakesRenamesAndRemoves() throws Exception {
    Files.writeString(local.resolve("note.txt"), "hello");

    String listing = run(sftp("mkdir /docs", "put " + local.resolve("note.txt") + " /docs/note.txt", "rename /docs/note.txt /docs/renamed.txt",
        "chmod 600 /docs/renamed.txt", "ls -l /docs", "rm /docs/renamed.txt", "rmdir /docs", "ls -a /"));

    assertThat(listing).containsPattern("-rw------- .* renamed.txt");
    assertThat(Files.exists(remoteRoot().resolve("docs"))).isFalse();
  }

  @Test
  void sftpCannotLeaveTheRoot() throws Exception {
    Files.writeString(dir.resolve("host-secret"), "secret");
    Files.createSymbolicLink(remoteRoot().resolve("escape"), dir);

    String out = runAllowingFailureFor("get /escape/host-secret " + local.resolve("got"), "get ../../../host-secret " + local.resolve("got2"),
        "put " + dir.resolve("host-secret") + " /escape/planted", "ls /escape", "ls /");

    assertThat(local.resolve("got")).doesNotExist();
    assertThat(local.resolve("got2")).doesNotExist();
    assertThat(dir.resolve("planted")).doesNotExist();
    assertThat(out).doesNotContain("host-secret\n");
    assertThat(out).contains("sftp> -ls /\n").contains("/escape"); // every command ran, the last one listing the root
  }

  // --- helpers ---

  private List<String> sftp(String... commands) throws IOException {
    Path batch = Files.writeString(dir.resolve("batch-" + System.nanoTime()), String.join("\n", commands) + "\n");
    return List.of("sftp", "-b", batch.toString(), "-D", launcher().toString());
  }

  private List<String> scp(String from, String to) throws IOException {
    return List.of("scp", "-q", "-S", launcher().toString(), from, to);
  }

  /** A script running the bridge in a JVM with this test's classpath; scp's ssh arguments follow and are ignored. */
  private Path launcher() throws IOException {
    Path script = dir.resolve("bridge.sh");
    if (Files.exists(script)) return script;
    String java = ProcessHandle.current().info().command().orElse("java");
    String cp = System.getProperty("java.class.path");
    Files.writeString(script, "#!/bin/sh\nexec '" + java + "' -Xmx256m --enable-native-access=ALL-UNNAMED -cp '" + cp + "' "
        + SftpBridge.class.getName() + " '" + bridgeTarget() + "' '" + taskId + "' \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  private String run(List<String> command) throws Exception {
    Result r = execute(command);
    assertThat(r.code).as("%s failed:\n%s", command, r.output).isZero();
    return r.output;
  }

  private String runAllowingFailure(List<String> command) throws Exception {
    return execute(command).output;
  }

  private Result execute(List<String> command) throws Exception {
    Path log = dir.resolve("out-" + System.nanoTime());
    Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(command + " did not end:\n" + Files.readString(log));
    }
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  private record Result(int code, String output) {}

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}

package io.respool.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real OpenSSH client ({@code ssh}, {@code scp}, {@code sftp}, {@code ssh-keygen} from Debian's
 * openssh-client), installed with apt when missing and run as processes with a deadline. Every
 * command trusts no configuration of the machine: its own key, no agent, no known_hosts unless given.
 */
final class OpenSsh {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  record Result(int exit, byte[] stdout, String stderr) {
    String out() { return new String(stdout, StandardCharsets.UTF_8); }

    @Override
    public String toString() { return "exit " + exit + ", stdout [" + out() + "], stderr [" + stderr + "]"; }
  }

  /** A client key pair in its own directory. */
  record Key(Path file, String publicLine) {}

  private OpenSsh() {}

  /** openssh-client is there, or is installed with apt (as root), or the test fails saying how to get it. */
  static synchronized void ensureInstalled() throws Exception {
    if (onPath("ssh") && onPath("scp") && onPath("sftp") && onPath("ssh-keygen")) return;
    if (!"root".equals(System.getProperty("user.name"))) throw new AssertionError("the OpenSSH client is missing: apt-get install openssh-client");
    Result r = run(List.of("sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-client"), null,
        Duration.ofMinutes(5));
    if (r.exit() != 0 || !onPath("ssh")) throw new AssertionError("could not install openssh-client: " + r);
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) return true;
    }
    return false;
  }

  static Key keygen(String type) throws Exception {
    Path dir = Files.createTempDirectory("respool-ssh-key-");
    Path file = dir.resolve("id");
    Result r = run(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", "test-" + type, "-f", file.toString()), null, TIMEOUT);
    if (r.exit() != 0) throw new AssertionError("ssh-keygen: " + r);
    return new Key(file, Files.readString(dir.resolve("id.pub")).trim());
  }

  /** Options every client run gets: this key only, no agent, no prompts, the host key not checked (unless {@code knownHosts}). */
  static List<String> options(int port, Key key, Path knownHosts) {
    List<String> o = new ArrayList<>(List.of("-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
        "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=20", "-o", "ServerAliveInterval=0"));
    if (key != null) o.addAll(List.of("-i", key.file().toString()));
    if (knownHosts == null) o.addAll(List.of("-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"));
    else o.addAll(List.of("-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + knownHosts));
    return o;
  }

  /** {@code ssh [extra…] user@127.0.0.1 command}, stdin from {@code input} (null: none). */
  static Result ssh(int port, Key key, String user, List<String> extra, String command, byte[] input) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ssh", "-p", Integer.toString(port)));
    cmd.addAll(options(port, key, null));
    cmd.addAll(extra);
    cmd.add(user + "@127.0.0.1");
    if (command != null) cmd.add(command);
    return run(cmd, input, TIMEOUT);
  }

  static Result ssh(int port, Key key, String user, String command) throws Exception {
    return ssh(port, key, user, List.of("-n"), command, null);
  }

  static Result scp(int port, Key key, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("scp", "-q", "-P", Integer.toString(port)));
    cmd.addAll(options(port, key, null));
    cmd.addAll(args);
    return run(cmd, null, Duration.ofMinutes(3));
  }

  /** {@code sftp -b -} with {@code batch} on stdin. */
  static Result sftp(int port, Key key, String user, String batch) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("sftp", "-q", "-P", Integer.toString(port), "-b", "-"));
    cmd.addAll(options(port, key, null));
    cmd.add(user + "@127.0.0.1");
    return run(cmd, batch.getBytes(StandardCharsets.UTF_8), TIMEOUT);
  }

  static Result run(List<String> command, byte[] input, Duration timeout) throws Exception {
    Process p = new ProcessBuilder(command).start();
    CompletableFuture<byte[]> out = drain(p.getInputStream());
    CompletableFuture<byte[]> err = drain(p.getErrorStream());
    Thread.ofVirtual().start(() -> {
      try (var in = p.getOutputStream()) {
        if (input != null) in.write(input);
      } catch (IOException ignored) {
        // the command did not read it all
      }
    });
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s; stderr so far: "
          + new String(err.getNow(new byte[0]), StandardCharsets.UTF_8));
    }
    return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS), new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
  }

  /** The stream's next line with its newline (less if the stream ends first); the stream stays open. */
  static CompletableFuture<String> line(InputStream in) {
    CompletableFuture<String> f = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != -1; c = in.read()) {
          b.write(c);
          if (c == '\n') break;
        }
        f.complete(b.toString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        f.completeExceptionally(e);
      }
    });
    return f;
  }

  static CompletableFuture<byte[]> drain(InputStream in) {
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try (in) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        f.complete(b.toByteArray());
      } catch (IOException e) {
        f.completeExceptionally(e);
      }
    });
    return f;
  }
}

package io.respool.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.respool.protocol.crypto.Base58;
import io.respool.protocol.crypto.Ed25519;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The terminal benchmark's Java side ({@code bench/terminal.sh}): {@code setup} signs a fresh
 * wallet in, registers an SSH key and books a container; {@code ws} measures the browser terminal
 * ({@code v5.channel.k8s.io}) the way {@code terminal_pty.py} measures ssh and docker exec —
 * keystroke echo in a TTY, exec round trip of {@code true}, output throughput.
 */
@Command(name = "terminal-bench", mixinStandardHelpOptions = true, subcommands = {TerminalBench.Setup.class, TerminalBench.Ws.class})
public final class TerminalBench {
  static final HttpClient HTTP = HttpClient.newHttpClient();

  public static void main(String[] args) {
    System.exit(new CommandLine(new TerminalBench()).execute(args));
  }

  static JsonObject api(String method, String url, String token, JsonObject body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) b.header("Content-Type", "application/json");
    if (token != null) b.header("Authorization", "Bearer " + token);
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) throw new IllegalStateException(method + " " + url + ": " + r.statusCode() + " " + r.body());
    return new JsonObject(r.body());
  }

  /** Prints {@code TOKEN=…}, {@code BOOKING=…} and {@code CONTAINER=…} for the shell. */
  @Command(name = "setup")
  static final class Setup implements Callable<Integer> {
    @Option(names = "--gateway", required = true) String gateway;
    @Option(names = "--key", required = true, description = "the .pub file to register") Path key;
    @Option(names = "--region", required = true) String region;
    @Option(names = "--image", defaultValue = "respool/busybox:test") String image;

    @Override
    public Integer call() throws Exception {
      Ed25519.Keys wallet = Ed25519.generate();
      String address = wallet.publicKeyBase58();
      JsonObject challenge = api("POST", gateway + "/v1/auth/challenge", null, new JsonObject().put("chain", "solana").put("address", address));
      String message = challenge.getString("message");
      String token = api("POST", gateway + "/v1/auth/verify", null, new JsonObject().put("chain", "solana").put("address", address)
          .put("message", message).put("signature", Base58.encode(wallet.sign(message.getBytes(UTF_8))))).getString("token");
      api("PUT", gateway + "/v1/account/ssh-keys", token, new JsonObject().put("keys", new JsonArray().add(Files.readString(key).trim())));
      JsonObject booking = api("POST", gateway + "/v1/bookings", token, new JsonObject().put("cpu", 1).put("memoryMb", 256)
          .put("durationSeconds", 7200).put("region", region).put("image", image).put("command", new JsonArray().add("sleep").add("7200")));
      String id = booking.getString("id");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      JsonObject b = booking;
      while (!"RUNNING".equals(b.getString("state"))) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("booking " + id + " not RUNNING: " + b.getString("state"));
        Thread.sleep(200);
        b = api("GET", gateway + "/v1/bookings/" + id, token, null);
      }
      System.out.println("TOKEN=" + token);
      System.out.println("BOOKING=" + id);
      System.out.println("CONTAINER=respool-" + b.getJsonArray("tasks").getJsonObject(0).getString("taskId"));
      return 0;
    }
  }

  /** Measures the terminal WebSocket; prints one line per figure: {@code ws_echo_p50_ms=…}. */
  @Command(name = "ws")
  static final class Ws implements Callable<Integer> {
    @Option(names = "--gateway", required = true, description = "ws://host:port") String gateway;
    @Option(names = "--token", required = true) String token;
    @Option(names = "--booking", required = true) String booking;
    @Option(names = "--echoes", defaultValue = "300") int echoes;
    @Option(names = "--execs", defaultValue = "100") int execs;
    @Option(names = "--bytes", defaultValue = "500000000") long bytes;

    @Override
    public Integer call() throws Exception {
      // warm-up: both code paths once
      exec(List.of("true"), null);
      double[] echo = echo();
      System.out.printf("ws_echo_p50_ms=%.2f%nws_echo_p99_ms=%.2f%n", pct(echo, 50), pct(echo, 99));
      double[] rt = new double[execs];
      for (int i = 0; i < execs; i++) {
        long t0 = System.nanoTime();
        exec(List.of("true"), null);
        rt[i] = (System.nanoTime() - t0) / 1e6;
      }
      System.out.printf("ws_exec_p50_ms=%.2f%nws_exec_p99_ms=%.2f%n", pct(rt, 50), pct(rt, 99));
      AtomicLong got = new AtomicLong();
      long t0 = System.nanoTime();
      exec(List.of("head", "-c", Long.toString(bytes), "/dev/zero"), got);
      double s = (System.nanoTime() - t0) / 1e9;
      if (got.get() != bytes) throw new IllegalStateException("received " + got.get() + " of " + bytes + " bytes");
      System.out.printf("ws_throughput_mb_s=%.1f%n", bytes / 1e6 / s);
      return 0;
    }

    /** A tty running cat: one keystroke at a time, timed until the terminal echoes it. */
    double[] echo() throws Exception {
      LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
      CompletableFuture<Void> done = new CompletableFuture<>();
      WebSocket ws = open("tty=true&command=cat", frames, done, null);
      Thread.sleep(500); // the stream opens
      frames.clear();
      double[] ms = new double[echoes + 20];
      for (int i = 0; i < ms.length; i++) {
        byte key = (byte) ('a' + i % 26);
        long t0 = System.nanoTime();
        ws.sendBinary(ByteBuffer.wrap(new byte[] {0, key}), true).join();
        while (true) {
          byte[] f = frames.poll(10, TimeUnit.SECONDS);
          if (f == null) throw new IllegalStateException("no echo within 10 s");
          if (f[0] == 1 && Arrays.binarySearch(sortedCopy(f), key) >= 0) break;
        }
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
      return Arrays.copyOfRange(ms, 20, ms.length); // the first 20 warm up
    }

    /** Runs argv to its status; counts stdout bytes into {@code count} (when given). */
    void exec(List<String> argv, AtomicLong count) throws Exception {
      StringBuilder q = new StringBuilder();
      for (String a : argv) q.append(q.length() == 0 ? "" : "&").append("command=").append(URLEncoder.encode(a, UTF_8));
      CompletableFuture<Void> done = new CompletableFuture<>();
      open(q.toString(), null, done, count);
      done.get(300, TimeUnit.SECONDS);
    }

    WebSocket open(String query, LinkedBlockingQueue<byte[]> frames, CompletableFuture<Void> done, AtomicLong count) {
      return HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token).subprotocols("v5.channel.k8s.io")
          .buildAsync(URI.create(gateway + "/v1/bookings/" + booking + "/terminal?" + query), new WebSocket.Listener() {
            int channel = -1;

            @Override
            public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
              if (channel < 0 && data.hasRemaining()) channel = data.get() & 0xFF;
              if (channel == 1 && count != null) count.addAndGet(data.remaining());
              if (frames != null) {
                byte[] f = new byte[data.remaining() + 1];
                f[0] = (byte) channel;
                data.get(f, 1, f.length - 1);
                frames.add(f);
              }
              if (channel == 3 && last) done.complete(null);
              if (last) channel = -1;
              w.request(1);
              return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
              done.complete(null);
              return null;
            }
          }).join();
    }

    static byte[] sortedCopy(byte[] f) {
      byte[] c = Arrays.copyOfRange(f, 1, f.length);
      Arrays.sort(c);
      return c;
    }

    static double pct(double[] values, double p) {
      double[] s = values.clone();
      Arrays.sort(s);
      return s[Math.min(s.length - 1, (int) Math.ceil(p / 100 * s.length) - 1)];
    }
  }
}

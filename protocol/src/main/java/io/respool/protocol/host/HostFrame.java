package io.respool.protocol.host;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.respool.protocol.stream.CreditWindow;
import io.respool.protocol.stream.StreamFrame;
import io.respool.protocol.stream.StreamKind;
import io.respool.protocol.stream.StreamResize;
import io.respool.protocol.task.TaskSpec;
import io.respool.protocol.task.TaskStatus;
import io.respool.protocol.task.UsageSample;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A JSON text frame of the host control protocol (version {@value HostFrames#VERSION}). Requests
 * carry an {@code id}; answers carry the id they answer in {@code re}.
 *
 * <pre>
 * gateway → worker   challenge                       (on connect)
 * worker  → gateway  register{id}     → registered{re} | error{re} + close
 * worker  → gateway  heartbeat{id}    → ack{re} | error{re}
 * worker  → gateway  resources{id}    → ack{re} | error{re}
 * gateway → worker   ping{id}         → pong{re}
 * gateway → worker   task.start{id}   → task.status{re} | error{re}   (idempotent per taskId)
 * gateway → worker   task.stop{id}    → task.status{re} | error{re}
 * gateway → worker   task.resume{id}  → task.status{re} | error{re}   (a running task: its status)
 * gateway → worker   task.inspect{id} → task.status{re} | error{re}
 * gateway → worker   task.logs{id}    → task.output{re} | error{re}
 * worker  → gateway  task.status{id}  → ack{re}     (every state change, unsolicited)
 * worker  → gateway  task.usage{id}   → ack{re}     (samples of running tasks, resent until acked)
 * gateway → worker   stream.open{id}  → stream.opened{re} | error{re}
 * </pre>
 *
 * <h2>Streams</h2>
 * Terminals, file transfers and port forwards ride the same WebSocket as <em>streams</em>: the
 * gateway opens one with {@link StreamOpen} (a stream id it chooses, unique on the connection,
 * never reused on it), the worker answers {@link StreamOpened} or {@code error} — {@code not-found}
 * (no such task on this host), {@code conflict} (the task is not running; a forward's port refused
 * the connection; the stream id is in use), {@code invalid-request} (bad command, port, size or
 * kind/field mix), {@code unavailable} (the engine failed, or too many streams). Every byte then
 * travels in binary frames {@code [streamId u32][channel u8][payload]}
 * ({@link StreamFrame}):
 * <pre>
 * 0 stdin   gateway → worker   data in (command stdin, SFTP requests, bytes to the TCP peer)
 * 1 stdout  worker → gateway   data out (command stdout or terminal output, SFTP replies, bytes from the peer)
 * 2 stderr  worker → gateway   command stderr (exec without a TTY only)
 * 3 exit    worker → gateway   {"exitCode":n} | {"signal":"KILL","exitCode":137} | {"error":"…"}; last frame, after every output byte
 * 4 resize  gateway → worker   {"cols":…,"rows":…}
 * 5 credit  both ways          u32: more data bytes the other side may send
 * 6 eof     both ways          gateway: stdin ended; worker (forward): the peer closed its write half
 * 7 close   both ways          optional UTF-8 reason: abort, free everything, send nothing more on it
 * </pre>
 * Flow control is by credit, per stream and per direction, counting payload bytes of data
 * channels only: the worker may send stdout+stderr bytes up to {@code window} of the open plus
 * every credit since; the gateway may send stdin bytes up to the {@code window} of the opened
 * plus every credit the worker sent since. A side exceeding its credit is closed.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = HostFrame.Challenge.class, name = "challenge"),
  @JsonSubTypes.Type(value = HostFrame.Register.class, name = "register"),
  @JsonSubTypes.Type(value = HostFrame.Registered.class, name = "registered"),
  @JsonSubTypes.Type(value = HostFrame.Heartbeat.class, name = "heartbeat"),
  @JsonSubTypes.Type(value = HostFrame.Resources.class, name = "resources"),
  @JsonSubTypes.Type(value = HostFrame.Ack.class, name = "ack"),
  @JsonSubTypes.Type(value = HostFrame.Error.class, name = "error"),
  @JsonSubTypes.Type(value = HostFrame.Ping.class, name = "ping"),
  @JsonSubTypes.Type(value = HostFrame.Pong.class, name = "pong"),
  @JsonSubTypes.Type(value = HostFrame.TaskStart.class, name = "task.start"),
  @JsonSubTypes.Type(value = HostFrame.TaskStop.class, name = "task.stop"),
  @JsonSubTypes.Type(value = HostFrame.TaskInspect.class, name = "task.inspect"),
  @JsonSubTypes.Type(value = HostFrame.TaskLogs.class, name = "task.logs"),
  @JsonSubTypes.Type(value = HostFrame.TaskOutput.class, name = "task.output"),
  @JsonSubTypes.Type(value = HostFrame.TaskUpdate.class, name = "task.status"),
  @JsonSubTypes.Type(value = HostFrame.TaskResume.class, name = "task.resume"),
  @JsonSubTypes.Type(value = HostFrame.TaskRemove.class, name = "task.remove"),
  @JsonSubTypes.Type(value = HostFrame.Usage.class, name = "task.usage"),
  @JsonSubTypes.Type(value = HostFrame.StreamOpen.class, name = "stream.open"),
  @JsonSubTypes.Type(value = HostFrame.StreamOpened.class, name = "stream.opened"),
})
public sealed interface HostFrame {

  /** Sent by the gateway as soon as a worker connects: sign this nonce to register. */
  record Challenge(String nonce, String node) implements HostFrame {
    public Challenge {
      Checks.text("nonce", nonce, 128);
    }
  }

  /**
   * Proves the worker holds the key whose base58 public key is {@code hostId}: {@code signature}
   * is the base58 ed25519 signature of {@link #signingText(String, String)}.
   */
  record Register(String id, String hostId, String nonce, String signature, HostInfo host) implements HostFrame {
    public Register {
      Checks.text("id", id, 64);
      Checks.text("hostId", hostId, 64);
      Checks.text("nonce", nonce, 128);
      Checks.text("signature", signature, 128);
      if (host == null) throw new IllegalArgumentException("host is required");
    }

    public static String signingText(String hostId, String nonce) {
      return "respool-host-auth:v" + HostFrames.VERSION + ":" + hostId + ":" + nonce;
    }
  }

  record Registered(String re, String hostId, String sessionId, long heartbeatIntervalMs) implements HostFrame {}

  /** Liveness, every heartbeat interval. {@code hostId} must be the connection's own host. */
  record Heartbeat(String id, String hostId, long seq) implements HostFrame {
    public Heartbeat {
      Checks.text("id", id, 64);
      Checks.text("hostId", hostId, 64);
      Checks.range("seq", seq, 0, Long.MAX_VALUE);
    }
  }

  /** A changed inventory (a disk grew, a GPU went away). */
  record Resources(String id, String hostId, Inventory inventory) implements HostFrame {
    public Resources {
      Checks.text("id", id, 64);
      Checks.text("hostId", hostId, 64);
      if (inventory == null) throw new IllegalArgumentException("inventory is required");
    }
  }

  record Ack(String re) implements HostFrame {}

  /** A refused request; {@code code} is an {@link io.respool.protocol.ErrorCode} slug. */
  record Error(String re, String code, String message) implements HostFrame {}

  record Ping(String id) implements HostFrame {}

  record Pong(String re) implements HostFrame {}

  /** Run {@code spec} (starting a task id that already exists answers its status instead). */
  record TaskStart(String id, TaskSpec spec) implements HostFrame {
    public TaskStart {
      if (spec == null) throw new IllegalArgumentException("spec is required");
    }
  }

  /** Stop a task: TERM, then KILL after {@code graceMs}. */
  record TaskStop(String id, String taskId, long graceMs) implements HostFrame {
    public TaskStop {
      Checks.text("taskId", taskId, 64);
      Checks.range("graceMs", graceMs, 0, 3_600_000);
    }
  }

  record TaskInspect(String id, String taskId) implements HostFrame {
    public TaskInspect {
      Checks.text("taskId", taskId, 64);
    }
  }

  /** The last {@code maxBytes} of a task's stdout and stderr. */
  record TaskLogs(String id, String taskId, int maxBytes) implements HostFrame {
    public TaskLogs {
      Checks.text("taskId", taskId, 64);
      Checks.range("maxBytes", maxBytes, 1, MAX_OUTPUT_BYTES);
    }
  }

  /** Output of a task, UTF-8 (invalid sequences replaced); {@code truncated} if older output was cut. */
  record TaskOutput(String re, String taskId, String stdout, String stderr, boolean truncated) implements HostFrame {}

  /**
   * A task's status: the answer to a task request ({@code re} set) or, from the worker on each
   * state change, a report of its own ({@code id} set, acked by the gateway).
   */
  record TaskUpdate(String id, String re, TaskStatus status) implements HostFrame {
    public TaskUpdate {
      if (status == null) throw new IllegalArgumentException("status is required");
    }
  }

  /**
   * Run a stopped task's workload again, keeping its data: the same container (its writable
   * layer) or the same working directory. Resuming a running task answers its status.
   */
  record TaskResume(String id, String taskId) implements HostFrame {
    public TaskResume {
      Checks.text("taskId", taskId, 64);
    }
  }

  /**
   * Removes an ended task and what it kept (container, working directory); answered with its
   * last status. A task still running is refused (conflict): stop it first.
   */
  record TaskRemove(String id, String taskId) implements HostFrame {
    public TaskRemove {
      Checks.text("taskId", taskId, 64);
    }
  }

  /**
   * Usage samples of running tasks: those taken in one tick, plus earlier ones not acked yet. At
   * least once: a sample may arrive again (same taskId and seq) after a reconnect. Acked with
   * {@code ack{re}} like a {@code task.status} report.
   */
  record Usage(String id, List<UsageSample> samples) implements HostFrame {
    /** Most samples in one frame; the frame's byte limit may allow fewer. */
    public static final int MAX_SAMPLES = 500;

    public Usage {
      Checks.text("id", id, 64);
      if (samples == null || samples.isEmpty()) throw new IllegalArgumentException("samples is required");
      samples = Checks.list("samples", samples, MAX_SAMPLES);
    }
  }

  /**
   * Opens stream {@code streamId} into task {@code taskId}.
   * <ul>
   * <li>{@code exec}: runs {@code command} (empty: the task's login shell, {@code /bin/sh}) with a
   *     terminal of {@code term} (default {@code xterm}) sized {@code cols}×{@code rows} (default
   *     80×24) if {@code tty}, else with stdout and stderr apart;
   * <li>{@code sftp}: an SFTP version 3 server over the task's files (no command, no tty);
   * <li>{@code forward}: a TCP connection to {@code port} inside the task (no command, no tty).
   * </ul>
   * {@code window} is the output credit the gateway grants at once (0 to 2³²−1 bytes).
   */
  record StreamOpen(String id, long streamId, String taskId, StreamKind kind, List<String> command,
      Boolean tty, String term, Integer cols, Integer rows, Integer port, Long window) implements HostFrame {
    private static final Pattern TERM = Pattern.compile("[A-Za-z0-9._+-]{1,64}");
    public static final int MAX_COMMAND_ARGS = 1024;
    public static final int MAX_COMMAND_CHARS = 32 * 1024;

    public StreamOpen {
      Checks.text("id", id, 64);
      Checks.range("streamId", streamId, 1, StreamFrame.MAX_STREAM_ID);
      Checks.text("taskId", taskId, 64);
      if (kind == null) throw new IllegalArgumentException("kind is required");
      command = Checks.list("command", command, MAX_COMMAND_ARGS);
      if (command.stream().mapToInt(String::length).sum() > MAX_COMMAND_CHARS) {
        throw new IllegalArgumentException("command is longer than " + MAX_COMMAND_CHARS + " characters");
      }
      if (command.stream().anyMatch(a -> a.indexOf('\0') >= 0)) throw new IllegalArgumentException("command must not contain NUL characters");
      tty = Boolean.TRUE.equals(tty);
      if (window == null) throw new IllegalArgumentException("window is required");
      Checks.range("window", window, 0, CreditWindow.MAX);
      if (kind != StreamKind.EXEC) {
        if (!command.isEmpty()) throw new IllegalArgumentException("a " + kind.name().toLowerCase(Locale.ROOT) + " stream takes no command");
        if (tty) throw new IllegalArgumentException("only an exec stream has a tty");
      }
      if (tty) {
        if (term == null) term = "xterm";
        if (!TERM.matcher(term).matches()) throw new IllegalArgumentException("term must be 1-64 of [A-Za-z0-9._+-]");
        if (cols == null) cols = 80;
        if (rows == null) rows = 24;
        Checks.range("cols", cols, 1, StreamResize.MAX);
        Checks.range("rows", rows, 1, StreamResize.MAX);
      } else if (term != null || cols != null || rows != null) {
        throw new IllegalArgumentException("term, cols and rows need tty");
      }
      if (kind == StreamKind.FORWARD) {
        if (port == null) throw new IllegalArgumentException("port is required for a forward");
        Checks.range("port", port, 1, 65_535);
      } else if (port != null) {
        throw new IllegalArgumentException("only a forward stream has a port");
      }
    }
  }

  /** The stream is open; {@code window} is the stdin credit the worker grants at once. */
  record StreamOpened(String re, long streamId, long window) implements HostFrame {
    public StreamOpened {
      Checks.range("streamId", streamId, 1, StreamFrame.MAX_STREAM_ID);
      Checks.range("window", window, 0, CreditWindow.MAX);
    }
  }

  /** Largest task output in one frame (the frame limit minus room for the envelope). */
  int MAX_OUTPUT_BYTES = 24 * 1024;
}

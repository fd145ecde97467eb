package io.respool.protocol.host;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.respool.protocol.task.TaskSpec;
import io.respool.protocol.task.TaskStatus;
import io.respool.protocol.task.UsageSample;
import java.util.List;

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
 * </pre>
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

  /** Largest task output in one frame (the frame limit minus room for the envelope). */
  int MAX_OUTPUT_BYTES = 24 * 1024;
}

package io.respool.hostworker.task;

import io.respool.protocol.ErrorCode;

/** A driver refusal or failure, with a kind the protocol can report. */
public final class TaskException extends RuntimeException {
  public enum Kind {
    /** The spec cannot be run here: unknown image, impossible limits, GPUs the host lacks. */
    INVALID,
    /** No task with that id. */
    NOT_FOUND,
    /** The runtime failed (dockerd down, fork failed); retrying may help. */
    UNAVAILABLE,
    /** The task's state does not allow it (e.g. removing a task that still runs). */
    CONFLICT
  }

  private final Kind kind;

  public TaskException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public TaskException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() { return kind; }

  /** The protocol's error code for this failure. */
  public ErrorCode errorCode() {
    return switch (kind) {
      case INVALID -> ErrorCode.INVALID_REQUEST;
      case NOT_FOUND -> ErrorCode.NOT_FOUND;
      case UNAVAILABLE -> ErrorCode.UNAVAILABLE;
      case CONFLICT -> ErrorCode.CONFLICT;
    };
  }
}

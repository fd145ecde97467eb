package io.respool.hostworker.task;

/** A piece of a task's output. */
public record LogChunk(Stream stream, byte[] data) {
  public enum Stream { STDOUT, STDERR }
}

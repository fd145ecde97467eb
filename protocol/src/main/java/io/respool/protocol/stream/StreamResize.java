package io.respool.protocol.stream;

/** A terminal size, the payload of a {@link StreamFrame.Channel#RESIZE} frame: {@code {"cols":80,"rows":24}}. */
public record StreamResize(int cols, int rows) {
  public static final int MAX = 10_000;

  public StreamResize {
    if (cols < 1 || cols > MAX) throw new IllegalArgumentException("cols must be between 1 and " + MAX + ", was " + cols);
    if (rows < 1 || rows > MAX) throw new IllegalArgumentException("rows must be between 1 and " + MAX + ", was " + rows);
  }
}

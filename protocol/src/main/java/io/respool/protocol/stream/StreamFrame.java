package io.respool.protocol.stream;

import io.respool.protocol.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One binary WebSocket frame of a stream multiplexed on the host control connection:
 * {@code [streamId u32 big-endian][channel u8][payload]}. Text frames stay JSON
 * ({@code HostFrame}); every byte of a terminal, file or port-forward stream travels in these.
 *
 * <p>Decoding is strict: a frame shorter than the 5-byte header, an unknown channel, a payload
 * over {@link #MAX_PAYLOAD} bytes, or a payload the channel does not allow (a credit that is not
 * exactly 4 bytes, a non-empty eof) throws {@link StreamProtocolException}. Which side may send
 * which channel is checked by the receiver with {@link Channel#sentByGateway()} /
 * {@link Channel#sentByWorker()}.
 */
public record StreamFrame(long streamId, Channel channel, byte[] payload) {
  public static final int HEADER_BYTES = 5;
  /** Largest payload in one frame; a sender splits larger writes. */
  public static final int MAX_PAYLOAD = 32 * 1024;
  /** Largest stream id (u32); 0 is never used. */
  public static final long MAX_STREAM_ID = 0xFFFF_FFFFL;

  /** The channels; the code is the byte on the wire. */
  public enum Channel {
    /** Bytes for the command's stdin (exec), the SFTP server (sftp) or the TCP peer (forward). Counts against the worker's stdin credit. */
    STDIN(0, true, false),
    /** The command's stdout (with a TTY: the terminal's output), SFTP replies, or bytes from the TCP peer. Counts against the output credit. */
    STDOUT(1, false, true),
    /** The command's stderr (never with a TTY). Counts against the same output credit as stdout. */
    STDERR(2, false, true),
    /** The end of the stream, as JSON {@link StreamExit}; sent after every stdout/stderr byte. */
    EXIT(3, false, true),
    /** A new terminal size, JSON {@link StreamResize}. */
    RESIZE(4, true, false),
    /** u32 big-endian: more bytes the receiver of this frame may send on its data channels. */
    CREDIT(5, true, true),
    /** No payload. Gateway→worker: stdin ended. Worker→gateway (forward): the peer closed its write half. */
    EOF(6, true, true),
    /** Optional UTF-8 reason: abort the stream; the receiver frees everything and sends nothing more on it. */
    CLOSE(7, true, true);

    private final int code;
    private final boolean sentByGateway;
    private final boolean sentByWorker;

    Channel(int code, boolean sentByGateway, boolean sentByWorker) {
      this.code = code;
      this.sentByGateway = sentByGateway;
      this.sentByWorker = sentByWorker;
    }

    public int code() { return code; }
    public boolean sentByGateway() { return sentByGateway; }
    public boolean sentByWorker() { return sentByWorker; }
    /** Bytes that consume credit: stdin one way, stdout and stderr the other. */
    public boolean isData() { return this == STDIN || this == STDOUT || this == STDERR; }

    public static Channel of(int code) {
      for (Channel c : values()) if (c.code == code) return c;
      throw new StreamProtocolException("unknown channel " + code);
    }
  }

  public StreamFrame {
    if (streamId < 1 || streamId > MAX_STREAM_ID) throw new StreamProtocolException("stream id must be between 1 and " + MAX_STREAM_ID + ", was " + streamId);
    if (channel == null) throw new StreamProtocolException("channel is required");
    if (payload == null) payload = new byte[0];
    if (payload.length > MAX_PAYLOAD) throw new StreamProtocolException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
    if (channel == Channel.CREDIT && payload.length != 4) throw new StreamProtocolException("a credit payload is 4 bytes, was " + payload.length);
    if (channel == Channel.EOF && payload.length != 0) throw new StreamProtocolException("an eof carries no payload, had " + payload.length + " bytes");
  }

  public static StreamFrame data(long streamId, Channel channel, byte[] bytes) {
    if (!channel.isData()) throw new IllegalArgumentException(channel + " is not a data channel");
    return new StreamFrame(streamId, channel, bytes);
  }

  public static StreamFrame credit(long streamId, long bytes) {
    if (bytes < 1 || bytes > CreditWindow.MAX) throw new StreamProtocolException("a credit must be between 1 and " + CreditWindow.MAX + ", was " + bytes);
    return new StreamFrame(streamId, Channel.CREDIT, ByteBuffer.allocate(4).putInt((int) bytes).array());
  }

  public static StreamFrame exit(long streamId, StreamExit exit) {
    return new StreamFrame(streamId, Channel.EXIT, Json.encode(exit).getBytes(StandardCharsets.UTF_8));
  }

  public static StreamFrame resize(long streamId, int cols, int rows) {
    return new StreamFrame(streamId, Channel.RESIZE, Json.encode(new StreamResize(cols, rows)).getBytes(StandardCharsets.UTF_8));
  }

  public static StreamFrame eof(long streamId) {
    return new StreamFrame(streamId, Channel.EOF, new byte[0]);
  }

  public static StreamFrame close(long streamId, String reason) {
    byte[] bytes = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
    // a reason is for logs: cut it rather than refuse to close
    return new StreamFrame(streamId, Channel.CLOSE, bytes.length > 1024 ? Arrays.copyOf(bytes, 1024) : bytes);
  }

  public byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + payload.length);
    out.putInt((int) streamId).put((byte) channel.code()).put(payload);
    return out.array();
  }

  /** Decodes a whole binary frame, or throws {@link StreamProtocolException} saying what is wrong. */
  public static StreamFrame decode(byte[] frame) {
    if (frame.length < HEADER_BYTES) throw new StreamProtocolException("frame of " + frame.length + " bytes is shorter than its " + HEADER_BYTES + "-byte header");
    if (frame.length - HEADER_BYTES > MAX_PAYLOAD) {
      throw new StreamProtocolException("payload of " + (frame.length - HEADER_BYTES) + " bytes exceeds " + MAX_PAYLOAD);
    }
    ByteBuffer in = ByteBuffer.wrap(frame);
    long id = in.getInt() & 0xFFFF_FFFFL;
    Channel channel = Channel.of(in.get() & 0xFF);
    return new StreamFrame(id, channel, Arrays.copyOfRange(frame, HEADER_BYTES, frame.length));
  }

  /** The bytes granted by a {@link Channel#CREDIT} frame (1 to {@link CreditWindow#MAX}). */
  public long credit() {
    require(Channel.CREDIT);
    long n = ByteBuffer.wrap(payload).getInt() & 0xFFFF_FFFFL;
    if (n == 0) throw new StreamProtocolException("a credit of 0 bytes");
    return n;
  }

  public StreamExit exit() {
    require(Channel.EXIT);
    return decodeJson(StreamExit.class);
  }

  public StreamResize resize() {
    require(Channel.RESIZE);
    return decodeJson(StreamResize.class);
  }

  /** The close reason, "" when none was given. */
  public String reason() {
    require(Channel.CLOSE);
    return new String(payload, StandardCharsets.UTF_8);
  }

  private void require(Channel expected) {
    if (channel != expected) throw new IllegalStateException("a " + channel + " frame, not " + expected);
  }

  private <T> T decodeJson(Class<T> type) {
    try {
      return Json.decode(new String(payload, StandardCharsets.UTF_8), type);
    } catch (RuntimeException e) {
      throw new StreamProtocolException("bad " + channel.name().toLowerCase(java.util.Locale.ROOT) + " payload: " + e.getMessage());
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StreamFrame f && f.streamId == streamId && f.channel == channel && Arrays.equals(f.payload, payload);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(streamId) * 31 * 31 + channel.hashCode() * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "StreamFrame[" + streamId + ", " + channel + ", " + payload.length + " bytes]";
  }
}

package io.respool.streams;

import io.respool.protocol.stream.StreamFrame;
import io.respool.protocol.stream.StreamProtocolException;
import io.vertx.core.buffer.Buffer;

/**
 * A stream frame as it crosses the event bus between the node a user reached and the node holding
 * the host: {@code [seq u32][channel u8][payload]}. The stream id is the host connection's business
 * and stays there (the bus addresses name the stream). {@code seq} counts 1, 2, 3… per direction, so
 * a receiver proves the bus kept the order (an exit must never overtake output) instead of hoping.
 * Code {@link #PING} (seq 0, no payload) is a liveness request, answered with an empty reply.
 */
public final class RelayFrames {
  public static final int HEADER_BYTES = 5;
  /** Not a stream channel: "are you still there?", sent as a request. */
  public static final int PING = 0xFE;

  private RelayFrames() {}

  public record Frame(long seq, StreamFrame.Channel channel, byte[] payload) {}

  public static Buffer encode(long seq, StreamFrame.Channel channel, byte[] payload) {
    return Buffer.buffer(HEADER_BYTES + payload.length).appendUnsignedInt(seq).appendUnsignedByte((short) channel.code()).appendBytes(payload);
  }

  public static Buffer ping() {
    return Buffer.buffer(HEADER_BYTES).appendUnsignedInt(0).appendUnsignedByte((short) PING);
  }

  public static boolean isPing(Buffer b) {
    return b.length() == HEADER_BYTES && b.getUnsignedByte(4) == PING;
  }

  /** Decodes and checks a frame the way {@link StreamFrame} does (size, channel, credit and eof payloads). */
  public static Frame decode(Buffer b) {
    if (b.length() < HEADER_BYTES) throw new StreamProtocolException("relay frame of " + b.length() + " bytes");
    StreamFrame f = new StreamFrame(1, StreamFrame.Channel.of(b.getUnsignedByte(4)), b.getBytes(HEADER_BYTES, b.length()));
    return new Frame(b.getUnsignedInt(0), f.channel(), f.payload());
  }
}

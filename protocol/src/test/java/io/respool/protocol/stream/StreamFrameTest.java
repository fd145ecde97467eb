package io.respool.protocol.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class StreamFrameTest {

  @Test
  void theHeaderIsTheStreamIdBigEndianThenTheChannel() {
    byte[] wire = StreamFrame.data(0xA1B2C3D4L, StreamFrame.Channel.STDERR, "hi".getBytes(StandardCharsets.UTF_8)).encode();

    assertThat(HexFormat.of().formatHex(wire)).isEqualTo("a1b2c3d4" + "02" + "6869");
  }

  @Test
  void everyChannelRoundTrips() {
    long max = StreamFrame.MAX_STREAM_ID;
    for (StreamFrame f : new StreamFrame[] {
        StreamFrame.data(1, StreamFrame.Channel.STDIN, new byte[] {0, 1, 2}),
        StreamFrame.data(max, StreamFrame.Channel.STDOUT, new byte[StreamFrame.MAX_PAYLOAD]),
        StreamFrame.data(7, StreamFrame.Channel.STDERR, new byte[0]),
        StreamFrame.exit(7, StreamExit.code(3)),
        StreamFrame.exit(7, StreamExit.ofCode(137)),
        StreamFrame.exit(7, StreamExit.failed("no such file")),
        StreamFrame.resize(7, 120, 40),
        StreamFrame.credit(7, CreditWindow.MAX),
        StreamFrame.eof(7),
        StreamFrame.close(7, "bye"),
        StreamFrame.close(7, null)}) {
      assertThat(StreamFrame.decode(f.encode())).isEqualTo(f);
    }
  }

  @Test
  void typedPayloadsReadBack() {
    assertThat(StreamFrame.decode(StreamFrame.credit(9, 65_536).encode()).credit()).isEqualTo(65_536);
    assertThat(StreamFrame.decode(StreamFrame.credit(9, 0xFFFF_FFFFL).encode()).credit()).isEqualTo(0xFFFF_FFFFL);
    assertThat(StreamFrame.decode(StreamFrame.resize(9, 100, 30).encode()).resize()).isEqualTo(new StreamResize(100, 30));
    assertThat(StreamFrame.decode(StreamFrame.close(9, "idle timeout").encode()).reason()).isEqualTo("idle timeout");
    StreamExit killed = StreamFrame.decode(StreamFrame.exit(9, StreamExit.ofCode(137)).encode()).exit();
    assertThat(killed).isEqualTo(new StreamExit(137, "KILL", null));
  }

  @Test
  void exitPayloadsAreTheDocumentedJson() {
    assertThat(payload(StreamFrame.exit(1, StreamExit.code(0)))).isEqualTo("{\"exitCode\":0}");
    assertThat(payload(StreamFrame.exit(1, StreamExit.ofCode(137)))).isEqualTo("{\"exitCode\":137,\"signal\":\"KILL\"}");
    assertThat(payload(StreamFrame.exit(1, StreamExit.ofCode(130)))).isEqualTo("{\"exitCode\":130,\"signal\":\"INT\"}");
    assertThat(payload(StreamFrame.exit(1, StreamExit.ofCode(128)))).isEqualTo("{\"exitCode\":128}");
    assertThat(payload(StreamFrame.exit(1, StreamExit.failed("cannot run")))).isEqualTo("{\"error\":\"cannot run\"}");
    assertThat(payload(StreamFrame.resize(1, 80, 24))).isEqualTo("{\"cols\":80,\"rows\":24}");
  }

  @Test
  void malformedFramesAreRefusedWithAReason() {
    assertRefused(new byte[] {0, 0, 0, 1}, "shorter than its 5-byte header");
    assertRefused(new byte[] {0, 0, 0, 1, 8}, "unknown channel 8");
    assertRefused(new byte[] {0, 0, 0, 1, (byte) 255}, "unknown channel 255");
    assertRefused(new byte[] {0, 0, 0, 0, 1}, "stream id must be between 1");
    assertRefused(new byte[StreamFrame.HEADER_BYTES + StreamFrame.MAX_PAYLOAD + 1], "exceeds " + StreamFrame.MAX_PAYLOAD);
    assertRefused(new byte[] {0, 0, 0, 1, 5, 0, 0, 1}, "a credit payload is 4 bytes");
    assertRefused(new byte[] {0, 0, 0, 1, 6, 1}, "an eof carries no payload");
    assertThatThrownBy(() -> StreamFrame.decode(new byte[] {0, 0, 0, 1, 5, 0, 0, 0, 0}).credit())
        .isInstanceOf(StreamProtocolException.class).hasMessageContaining("credit of 0");
    assertThatThrownBy(() -> new StreamFrame(1, StreamFrame.Channel.RESIZE, "{\"cols\":0,\"rows\":5}".getBytes(StandardCharsets.UTF_8)).resize())
        .isInstanceOf(StreamProtocolException.class).hasMessageContaining("cols must be between 1");
    assertThatThrownBy(() -> new StreamFrame(1, StreamFrame.Channel.EXIT, "{\"exitCode\":1,\"error\":\"x\"}".getBytes(StandardCharsets.UTF_8)).exit())
        .isInstanceOf(StreamProtocolException.class).hasMessageContaining("no exitCode or signal");
    assertThatThrownBy(() -> new StreamFrame(1, StreamFrame.Channel.EXIT, "{\"exitCode\":1,\"extra\":2}".getBytes(StandardCharsets.UTF_8)).exit())
        .isInstanceOf(StreamProtocolException.class).hasMessageContaining("unknown field 'extra'");
  }

  @Test
  void directionsAreDeclaredPerChannel() {
    assertThat(StreamFrame.Channel.STDIN.sentByGateway()).isTrue();
    assertThat(StreamFrame.Channel.STDIN.sentByWorker()).isFalse();
    assertThat(StreamFrame.Channel.EXIT.sentByGateway()).isFalse();
    assertThat(StreamFrame.Channel.RESIZE.sentByWorker()).isFalse();
    assertThat(StreamFrame.Channel.CREDIT.sentByWorker() && StreamFrame.Channel.CREDIT.sentByGateway()).isTrue();
  }

  @Test
  void anyValidFrameSurvivesEncodeAndDecode() {
    qt().forAll(longs().between(1, StreamFrame.MAX_STREAM_ID), integers().between(0, 2),
            lists().of(integers().between(-128, 127)).ofSizeBetween(0, 2048))
        .checkAssert((id, channel, bytes) -> {
          StreamFrame f = StreamFrame.data(id, StreamFrame.Channel.of(channel), toPrimitive(bytes));
          assertThat(StreamFrame.decode(f.encode())).isEqualTo(f);
        });
  }

  private static byte[] toPrimitive(java.util.List<Integer> values) {
    byte[] out = new byte[values.size()];
    for (int i = 0; i < out.length; i++) out[i] = values.get(i).byteValue();
    return out;
  }

  private static String payload(StreamFrame f) {
    return new String(f.payload(), StandardCharsets.UTF_8);
  }

  private static void assertRefused(byte[] wire, String reason) {
    assertThatThrownBy(() -> StreamFrame.decode(wire)).isInstanceOf(StreamProtocolException.class).hasMessageContaining(reason);
  }
}

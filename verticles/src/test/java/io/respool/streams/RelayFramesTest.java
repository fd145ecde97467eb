package io.respool.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.protocol.stream.StreamFrame.Channel;
import io.respool.protocol.stream.StreamProtocolException;
import io.respool.terminal.TerminalService;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class RelayFramesTest {
  @Test
  void framesRoundTripWithTheirSequenceNumber() {
    RelayFrames.Frame f = RelayFrames.decode(RelayFrames.encode(4_000_000_000L, Channel.STDOUT, new byte[] {1, 2, 3}));
    assertThat(f.seq()).isEqualTo(4_000_000_000L);
    assertThat(f.channel()).isEqualTo(Channel.STDOUT);
    assertThat(f.payload()).containsExactly(1, 2, 3);
    assertThat(RelayFrames.isPing(RelayFrames.ping())).isTrue();
    assertThat(RelayFrames.isPing(RelayFrames.encode(1, Channel.EOF, new byte[0]))).isFalse();
  }

  @Test
  void badFramesAreRefusedAsTheStreamProtocolRefusesThem() {
    assertThatThrownBy(() -> RelayFrames.decode(Buffer.buffer(new byte[] {0, 0, 0, 1}))).isInstanceOf(StreamProtocolException.class);
    assertThatThrownBy(() -> RelayFrames.decode(RelayFrames.encode(1, Channel.CREDIT, new byte[] {1}))).isInstanceOf(StreamProtocolException.class);
    assertThatThrownBy(() -> RelayFrames.decode(Buffer.buffer().appendUnsignedInt(1).appendUnsignedByte((short) 9)))
        .isInstanceOf(StreamProtocolException.class);
  }

  @Test
  void sshUserNamesNameABookingAndAReplica() {
    assertThat(TerminalService.Login.parse("bk_mx94abc")).isEqualTo(new TerminalService.Login("bk_mx94abc", 0));
    assertThat(TerminalService.Login.parse("bk_mx94abc.3")).isEqualTo(new TerminalService.Login("bk_mx94abc", 3));
    assertThat(TerminalService.Login.parse("root")).isNull();
    assertThat(TerminalService.Login.parse("bk_x.y")).isNull();
    assertThat(TerminalService.Login.parse("bk_x;rm")).isNull();
  }
}

package io.respool.protocol.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import org.junit.jupiter.api.Test;

class CreditWindowTest {

  @Test
  void aSenderSendsOnlyWhatItWasGranted() {
    CreditWindow w = new CreditWindow(10);

    assertThat(w.take(4)).isEqualTo(4);
    assertThat(w.take(100)).isEqualTo(6);
    assertThat(w.take(1)).isZero();
    w.grant(3);
    assertThat(w.available()).isEqualTo(3);
    assertThat(w.take(2)).isEqualTo(2);
    w.refund(2);
    assertThat(w.available()).isEqualTo(3);
  }

  @Test
  void aGrantPastTheMaximumIsTheGrantersFaultNotAWrap() {
    CreditWindow w = new CreditWindow(CreditWindow.MAX - 5);

    w.grant(5);
    assertThatThrownBy(() -> w.grant(1)).isInstanceOf(StreamProtocolException.class).hasMessageContaining("past " + CreditWindow.MAX);
    assertThat(w.available()).isEqualTo(CreditWindow.MAX);
    assertThatThrownBy(() -> w.grant(0)).isInstanceOf(StreamProtocolException.class);
    assertThatThrownBy(() -> new CreditWindow(-1)).isInstanceOf(StreamProtocolException.class);
    assertThatThrownBy(() -> new CreditWindow(CreditWindow.MAX + 1)).isInstanceOf(StreamProtocolException.class);
  }

  @Test
  void aReceiverGrantsBackWhatItsConsumerDrainedInBatchesOfHalfTheWindow() {
    ReceiveWindow r = new ReceiveWindow(100);

    r.received(60);
    assertThat(r.consumed(30)).isZero(); // 30 < 50: not worth a frame yet
    assertThat(r.consumed(30)).isEqualTo(60);
    assertThat(r.outstanding()).isEqualTo(100);
    r.received(100);
    assertThatThrownBy(() -> r.received(1)).isInstanceOf(StreamProtocolException.class).hasMessageContaining("credit of 0");
  }

  /**
   * A sender and a receiver joined by a queue, under random sizes of sends and drains: the
   * receiver never holds more than its window, no counter goes negative, the sender never
   * overruns its credit, and once the consumer drained everything the sender has credit again
   * (no deadlock).
   */
  @Test
  void senderAndReceiverNeverOverrunAndNeverDeadlock() {
    qt().withExamples(300).forAll(longs().between(1, 1 << 20), lists().of(integers().between(-70_000, 70_000)).ofSizeBetween(1, 200))
        .checkAssert((size, steps) -> run(size, steps));
  }

  private static void run(long size, List<Integer> steps) {
    CreditWindow sender = new CreditWindow(size);
    ReceiveWindow receiver = new ReceiveWindow(size);
    long buffered = 0;
    for (int step : steps) {
      if (step >= 0) { // the producer wants to send `step` bytes
        long n = sender.take(step);
        if (n > 0) {
          receiver.received(n);
          buffered += n;
        }
      } else { // the consumer drains up to -step bytes
        long n = Math.min(-step, buffered);
        buffered -= n;
        long grant = receiver.consumed(n);
        if (grant > 0) sender.grant(grant);
      }
      assertThat(buffered).isBetween(0L, size);
      assertThat(receiver.buffered()).isEqualTo(buffered);
      assertThat(sender.available()).isBetween(0L, size);
      assertThat(sender.available()).isLessThanOrEqualTo(receiver.outstanding());
    }
    long grant = receiver.consumed(buffered);
    if (grant > 0) sender.grant(grant);
    assertThat(sender.available()).as("credit after everything was drained").isPositive();
  }
}

package io.respool.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPacingTest {
  static final long S = 1_000_000_000L;

  @Test
  void failuresDoubleThePauseUpToTheCapAndASuccessResetsIt() {
    RetryPacing p = new RetryPacing(Duration.ofSeconds(1), Duration.ofSeconds(10));
    assertThat(p.due(0)).isTrue();
    assertThat(p.failed(0)).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.due(S)).isFalse();
    assertThat(p.due(2 * S)).isTrue();
    assertThat(p.failed(2 * S)).isEqualTo(Duration.ofSeconds(4));
    assertThat(p.failed(6 * S)).isEqualTo(Duration.ofSeconds(8));
    assertThat(p.failed(14 * S)).as("capped").isEqualTo(Duration.ofSeconds(10));
    assertThat(p.failed(24 * S)).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.due(33 * S)).isFalse();
    p.succeeded();
    assertThat(p.due(33 * S)).as("a success runs the next round on time").isTrue();
    assertThat(p.failed(33 * S)).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void manyFailuresNeverOverflow() {
    RetryPacing p = new RetryPacing(Duration.ofMillis(200), Duration.ofSeconds(30));
    Duration last = null;
    for (int i = 0; i < 500; i++) last = p.failed(i * S);
    assertThat(last).isEqualTo(Duration.ofSeconds(30));
  }
}

package io.respool.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettlementTest {

  static BigInteger n(long v) {
    return BigInteger.valueOf(v);
  }

  static Bill bill(Object... hostAndAmount) {
    List<Bill.Line> lines = new java.util.ArrayList<>();
    for (int i = 0; i < hostAndAmount.length; i += 2) {
      lines.add(new Bill.Line("t" + i, (String) hostAndAmount[i], 0, 0, n(((Number) hostAndAmount[i + 1]).longValue())));
    }
    return Bill.of(lines);
  }

  @Test
  void feeOf250BasisPointsOf10001Is250() {
    Settlement s = Settlement.of(n(10_001), bill("h", 10_001), 250);
    assertThat(s).isEqualTo(new Settlement(n(10_001), n(10_001), n(250), n(0), Map.of("h", n(9_751))));
  }

  @Test
  void refundIsWhatWasNotBilled() {
    Settlement s = Settlement.of(n(1_000), bill("a", 300, "b", 100), 1_000);
    assertThat(s.billed()).isEqualTo(400);
    assertThat(s.fee()).isEqualTo(40);
    assertThat(s.refund()).isEqualTo(600);
    assertThat(s.hostShares()).containsExactly(Map.entry("a", n(270)), Map.entry("b", n(90)));
  }

  @Test
  void largestRemainderOverThreeHosts() {
    // pool 10 − fee 1 = 9 over 3:3:4 → 2.7, 2.7, 3.6: floors 2, 2, 3; two units left go to the remainders .7, .7
    assertThat(Settlement.of(n(10), bill("c", 4, "a", 3, "b", 3), 1_000).hostShares())
        .containsExactly(Map.entry("a", n(3)), Map.entry("b", n(3)), Map.entry("c", n(3)));
    // equal remainders: the smaller host id first
    assertThat(Settlement.of(n(2), bill("c", 1, "b", 1, "a", 1), 0).hostShares())
        .containsExactly(Map.entry("a", n(1)), Map.entry("b", n(1)), Map.entry("c", n(0)));
  }

  @Test
  void aHostsLinesAreAddedUp() {
    Settlement s = Settlement.of(n(100), bill("a", 10, "b", 10, "a", 20), 0);
    assertThat(s.hostShares()).containsExactly(Map.entry("a", n(30)), Map.entry("b", n(10)));
  }

  @Test
  void aBillAboveTheDepositIsCapped() {
    Settlement s = Settlement.of(n(100), bill("a", 150, "b", 50), 0);
    assertThat(s.billed()).isEqualTo(100);
    assertThat(s.refund()).isZero();
    assertThat(s.hostShares()).containsExactly(Map.entry("a", n(75)), Map.entry("b", n(25)));
    assertThat(Settlement.of(n(100), Billing.cappedAt(bill("a", 150, "b", 50), n(100)), 0)).isEqualTo(s);
  }

  @Test
  void nothingBilled() {
    assertThat(Settlement.of(n(500), Bill.of(List.of()), 250)).isEqualTo(new Settlement(n(500), n(0), n(0), n(500), Map.of()));
    assertThat(Settlement.of(n(0), bill("a", 0), 10_000)).isEqualTo(new Settlement(n(0), n(0), n(0), n(0), Map.of("a", n(0))));
    assertThat(Settlement.of(n(0), bill("a", 7), 0)).isEqualTo(new Settlement(n(0), n(0), n(0), n(0), Map.of("a", n(0))));
  }

  @Test
  void exactWithAmountsNearTheLimitOfALong() {
    long deposit = Long.MAX_VALUE;
    Settlement s = Settlement.of(n(deposit), bill("a", Long.MAX_VALUE / 3, "b", Long.MAX_VALUE / 3), 9_999);
    assertThat(s.fee()).isEqualTo(s.billed().multiply(BigInteger.valueOf(9_999)).divide(BigInteger.valueOf(10_000)));
    assertThat(s.hostShares().values().stream().reduce(BigInteger.ZERO, BigInteger::add).add(s.fee()).add(s.refund())).isEqualTo(n(deposit));
  }

  @Test
  void validatesInputs() {
    assertThatThrownBy(() -> Settlement.of(n(-1), bill("a", 1), 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Settlement.of(n(1), bill("a", 1), -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Settlement.of(n(1), bill("a", 1), 10_001)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Settlement.of(n(10), bill("a", 10), 10_000).fee()).isEqualTo(10);
    assertThatThrownBy(() -> new Settlement(n(10), n(5), n(1), n(5), Map.of("a", n(3)))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Bill(List.of(new Bill.Line("a", "h", 0, 0, n(5))), n(4))).isInstanceOf(IllegalArgumentException.class);
  }
}

package io.respool.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettlementTest {

  static Bill bill(Object... hostAndAmount) {
    List<Bill.Line> lines = new java.util.ArrayList<>();
    for (int i = 0; i < hostAndAmount.length; i += 2) {
      lines.add(new Bill.Line("t" + i, (String) hostAndAmount[i], 0, 0, ((Number) hostAndAmount[i + 1]).longValue()));
    }
    return Bill.of(lines);
  }

  @Test
  void feeOf250BasisPointsOf10001Is250() {
    Settlement s = Settlement.of(10_001, bill("h", 10_001), 250);
    assertThat(s).isEqualTo(new Settlement(10_001, 10_001, 250, 0, Map.of("h", 9_751L)));
  }

  @Test
  void refundIsWhatWasNotBilled() {
    Settlement s = Settlement.of(1_000, bill("a", 300, "b", 100), 1_000);
    assertThat(s.billed()).isEqualTo(400);
    assertThat(s.fee()).isEqualTo(40);
    assertThat(s.refund()).isEqualTo(600);
    assertThat(s.hostShares()).containsExactly(Map.entry("a", 270L), Map.entry("b", 90L));
  }

  @Test
  void largestRemainderOverThreeHosts() {
    // pool 10 − fee 1 = 9 over 3:3:4 → 2.7, 2.7, 3.6: floors 2, 2, 3; two units left go to the remainders .7, .7
    assertThat(Settlement.of(10, bill("c", 4, "a", 3, "b", 3), 1_000).hostShares())
        .containsExactly(Map.entry("a", 3L), Map.entry("b", 3L), Map.entry("c", 3L));
    // equal remainders: the smaller host id first
    assertThat(Settlement.of(2, bill("c", 1, "b", 1, "a", 1), 0).hostShares())
        .containsExactly(Map.entry("a", 1L), Map.entry("b", 1L), Map.entry("c", 0L));
  }

  @Test
  void aHostsLinesAreAddedUp() {
    Settlement s = Settlement.of(100, bill("a", 10, "b", 10, "a", 20), 0);
    assertThat(s.hostShares()).containsExactly(Map.entry("a", 30L), Map.entry("b", 10L));
  }

  @Test
  void aBillAboveTheDepositIsCapped() {
    Settlement s = Settlement.of(100, bill("a", 150, "b", 50), 0);
    assertThat(s.billed()).isEqualTo(100);
    assertThat(s.refund()).isZero();
    assertThat(s.hostShares()).containsExactly(Map.entry("a", 75L), Map.entry("b", 25L));
    assertThat(Settlement.of(100, Billing.cappedAt(bill("a", 150, "b", 50), 100), 0)).isEqualTo(s);
  }

  @Test
  void nothingBilled() {
    assertThat(Settlement.of(500, Bill.of(List.of()), 250)).isEqualTo(new Settlement(500, 0, 0, 500, Map.of()));
    assertThat(Settlement.of(0, bill("a", 0), 10_000)).isEqualTo(new Settlement(0, 0, 0, 0, Map.of("a", 0L)));
    assertThat(Settlement.of(0, bill("a", 7), 0)).isEqualTo(new Settlement(0, 0, 0, 0, Map.of("a", 0L)));
  }

  @Test
  void exactWithAmountsNearTheLimitOfALong() {
    long deposit = Long.MAX_VALUE;
    Settlement s = Settlement.of(deposit, bill("a", Long.MAX_VALUE / 3, "b", Long.MAX_VALUE / 3), 9_999);
    assertThat(s.fee()).isEqualTo(new java.math.BigInteger(Long.toString(s.billed())).multiply(java.math.BigInteger.valueOf(9_999))
        .divide(java.math.BigInteger.valueOf(10_000)).longValueExact());
    assertThat(s.hostShares().values().stream().mapToLong(Long::longValue).sum() + s.fee() + s.refund()).isEqualTo(deposit);
  }

  @Test
  void validatesInputs() {
    assertThatThrownBy(() -> Settlement.of(-1, bill("a", 1), 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Settlement.of(1, bill("a", 1), -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Settlement.of(1, bill("a", 1), 10_001)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Settlement.of(10, bill("a", 10), 10_000).fee()).isEqualTo(10);
    assertThatThrownBy(() -> new Settlement(10, 5, 1, 5, Map.of("a", 3L))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Bill(List.of(new Bill.Line("a", "h", 0, 0, 5)), 4)).isInstanceOf(IllegalArgumentException.class);
  }
}

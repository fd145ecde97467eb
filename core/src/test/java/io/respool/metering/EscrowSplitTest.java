package io.respool.metering;

import static io.respool.metering.SettlementTest.bill;
import static io.respool.metering.SettlementTest.n;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EscrowSplitTest {

  @Test
  void depositsFollowThePricesAndAddUpToTheCost() {
    // 1000 over 1:2 → 333.3, 666.7: floors 333 and 666, the unit left to the larger remainder (b)
    assertThat(EscrowSplit.deposits(Map.of("a", 100L, "b", 200L), n(1_000))).containsExactly(Map.entry("a", n(333)), Map.entry("b", n(667)));
    assertThat(EscrowSplit.deposits(Map.of("solo", 7L), n(12_345))).containsExactly(Map.entry("solo", n(12_345)));
  }

  @Test
  void aHostWhosePartIsZeroGetsNoDeposit() {
    assertThat(EscrowSplit.deposits(Map.of("a", 1L, "b", 1_000_000L), n(3))).containsOnlyKeys("b");
  }

  @Test
  void eachDepositSettlesAsTheContractComputes() {
    // a used 300 of 400: fee floor(300 × 250 / 10000) = 7, host 293, refund 100; b billed more than it holds: capped
    List<EscrowSplit.Part> parts = EscrowSplit.settle(Map.of("a", n(400), "b", n(50)), bill("a", 300, "b", 80, "stranger", 99), 250);
    assertThat(parts).containsExactly(part("a", 400, 300, 7, 293, 100), part("b", 50, 50, 1, 49, 0));
    Settlement total = EscrowSplit.total(parts);
    assertThat(total).isEqualTo(new Settlement(n(450), n(350), n(8), n(100), Map.of("a", n(293), "b", n(49))));
  }

  @Test
  void aSingleDepositSettlesLikeTheBookingSettlement() {
    qt().forAll(longs().between(0, 1_000_000_000_000L), longs().between(0, 2_000_000_000_000L), integers().between(0, 1_000))
        .checkAssert((deposit, billed, bps) -> assertThat(EscrowSplit.total(EscrowSplit.settle(Map.of("h", n(deposit)), bill("h", billed), bps)))
            .isEqualTo(Settlement.of(n(deposit), bill("h", billed), bps)));
  }

  @Test
  void moneyIsConservedForAnySplit() {
    qt().forAll(longs().between(1, 5_000), longs().between(1, 5_000), longs().between(0, 10_000_000), longs().between(0, 20_000_000))
        .checkAssert((pa, pb, cost, billed) -> {
          Map<String, BigInteger> deposits = EscrowSplit.deposits(Map.of("a", pa, "b", pb), n(cost));
          assertThat(deposits.values().stream().reduce(BigInteger.ZERO, BigInteger::add)).isEqualTo(n(cost));
          long billedA = billed * pa / (pa + pb);
          Settlement s = EscrowSplit.total(EscrowSplit.settle(deposits, bill("a", billedA, "b", billed - billedA), 250));
          assertThat(s.billed().add(s.refund())).isEqualTo(n(cost));
          assertThat(s.billed()).isLessThanOrEqualTo(n(Math.min(billed, cost)));
        });
  }

  static EscrowSplit.Part part(String host, long deposit, long used, long fee, long hostAmount, long refund) {
    return new EscrowSplit.Part(host, n(deposit), n(used), n(fee), n(hostAmount), n(refund));
  }
}

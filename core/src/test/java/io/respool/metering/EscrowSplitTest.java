package io.respool.metering;

import static io.respool.metering.SettlementTest.bill;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EscrowSplitTest {

  @Test
  void depositsFollowThePricesAndAddUpToTheCost() {
    // 1000 over 1:2 → 333.3, 666.7: floors 333 and 666, the unit left to the larger remainder (b)
    assertThat(EscrowSplit.deposits(Map.of("a", 100L, "b", 200L), 1_000)).containsExactly(Map.entry("a", 333L), Map.entry("b", 667L));
    assertThat(EscrowSplit.deposits(Map.of("solo", 7L), 12_345)).containsExactly(Map.entry("solo", 12_345L));
  }

  @Test
  void aHostWhosePartIsZeroGetsNoDeposit() {
    assertThat(EscrowSplit.deposits(Map.of("a", 1L, "b", 1_000_000L), 3)).containsOnlyKeys("b");
  }

  @Test
  void eachDepositSettlesAsTheContractComputes() {
    // a used 300 of 400: fee floor(300 × 250 / 10000) = 7, host 293, refund 100; b billed more than it holds: capped
    List<EscrowSplit.Part> parts = EscrowSplit.settle(Map.of("a", 400L, "b", 50L), bill("a", 300, "b", 80, "stranger", 99), 250);
    assertThat(parts).containsExactly(new EscrowSplit.Part("a", 400, 300, 7, 293, 100), new EscrowSplit.Part("b", 50, 50, 1, 49, 0));
    Settlement total = EscrowSplit.total(parts);
    assertThat(total).isEqualTo(new Settlement(450, 350, 8, 100, Map.of("a", 293L, "b", 49L)));
  }

  @Test
  void aSingleDepositSettlesLikeTheBookingSettlement() {
    qt().forAll(longs().between(0, 1_000_000_000_000L), longs().between(0, 2_000_000_000_000L), integers().between(0, 1_000))
        .checkAssert((deposit, billed, bps) -> assertThat(EscrowSplit.total(EscrowSplit.settle(Map.of("h", deposit), bill("h", billed), bps)))
            .isEqualTo(Settlement.of(deposit, bill("h", billed), bps)));
  }

  @Test
  void moneyIsConservedForAnySplit() {
    qt().forAll(longs().between(1, 5_000), longs().between(1, 5_000), longs().between(0, 10_000_000), longs().between(0, 20_000_000))
        .checkAssert((pa, pb, cost, billed) -> {
          Map<String, Long> deposits = EscrowSplit.deposits(Map.of("a", pa, "b", pb), cost);
          assertThat(deposits.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(cost);
          long billedA = billed * pa / (pa + pb);
          Settlement s = EscrowSplit.total(EscrowSplit.settle(deposits, bill("a", billedA, "b", billed - billedA), 250));
          assertThat(s.billed() + s.refund()).isEqualTo(cost);
          assertThat(s.billed()).isLessThanOrEqualTo(Math.min(billed, cost));
        });
  }
}

package io.respool.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import io.respool.protocol.host.Prices;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PricingTest {

  private static final Prices P = new Prices("USDC", 10_000, 2_000, 100, Map.of("H100", 2_000_000L));

  @Test
  void pricePerHourAddsEachResourceRoundedUp() {
    // 4 cores: 40 000; 8 GiB: 16 000; 10 GiB storage: 1 000; 2 H100: 4 000 000
    assertThat(Pricing.pricePerHour(P, 4000, 8192, 10, 2, "H100")).isEqualTo(40_000 + 16_000 + 1_000 + 4_000_000);
    // 1 millicore of a 10 000/h core: 10 exactly; 1 MiB of a 2 000/h GiB: 1.95 → 2
    assertThat(Pricing.pricePerHour(P, 1, 1, 0, 0, null)).isEqualTo(10 + 2);
    Prices cheap = new Prices("USDC", 1, 1, 0, Map.of());
    assertThat(Pricing.pricePerHour(cheap, 1, 1, 0, 0, null)).isEqualTo(2); // ceil(0.001) + ceil(1/1024)
  }

  @Test
  void gpuModelIsMatchedCaseInsensitivelyAndUnpricedModelsHaveNoPrice() {
    assertThat(Pricing.pricePerHour(P, 0, 0, 0, 1, "h100")).isEqualTo(2_000_000);
    assertThat(Pricing.pricePerHour(P, 0, 0, 0, 1, "A100")).isNull();
    assertThat(Pricing.pricePerHour(P, 1000, 0, 0, 0, "A100")).isEqualTo(10_000); // no GPU asked: model irrelevant
  }

  @Test
  void shortRentalsAreNeverFree() {
    // seed 003: (seconds / 3600) * price == 0 for anything under an hour
    assertThat(Pricing.cost(10_000, 1)).isEqualTo(3); // 2.78 → 3
    assertThat(Pricing.cost(1, 1)).isEqualTo(1);
    assertThat(Pricing.cost(3600, 1)).isEqualTo(1);
    assertThat(Pricing.cost(3601, 1)).isEqualTo(2);
    assertThat(Pricing.cost(10_000, 3600)).isEqualTo(10_000);
    assertThat(Pricing.cost(10_000, 5400)).isEqualTo(15_000);
    assertThat(Pricing.cost(0, 1_000_000)).isZero();
  }

  @Test
  void largeProductsAreExactAndOverflowThrows() {
    // 10^12 per hour for 10^9 s overflows a long in the product but not in the result
    assertThat(Pricing.cost(1_000_000_000_000L, 1_000_000_000L)).isEqualTo(277_777_777_777_777_778L);
    assertThat(Pricing.mulDivCeil(Long.MAX_VALUE, 3600, 3600)).isEqualTo(Long.MAX_VALUE);
    // beyond a long the cost goes on exactly (it threw before amounts became BigInteger)
    assertThat(Pricing.cost(Long.MAX_VALUE, 3601)).isEqualTo(java.math.BigInteger.valueOf(Long.MAX_VALUE).multiply(java.math.BigInteger.valueOf(3601))
        .add(java.math.BigInteger.valueOf(3599)).divide(java.math.BigInteger.valueOf(3600)));
    assertThatThrownBy(() -> Pricing.cost(-1, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void costNeverDecreasesWithDuration() {
    qt().forAll(longs().between(0, 1_000_000_000_000L), longs().between(0, 100_000_000L), longs().between(0, 100_000_000L))
        .checkAssert((price, a, b) -> {
          long shorter = Math.min(a, b);
          long longer = Math.max(a, b);
          assertThat(Pricing.cost(price, shorter)).isLessThanOrEqualTo(Pricing.cost(price, longer));
        });
  }

  @Test
  void positivePriceAndDurationCostAtLeastOne() {
    qt().forAll(longs().between(1, 1_000_000_000_000L), longs().between(1, 1_000_000_000L))
        .checkAssert((price, seconds) -> assertThat(Pricing.cost(price, seconds)).isGreaterThanOrEqualTo(java.math.BigInteger.ONE));
  }

  @Test
  void costIsTheExactCeiling() {
    qt().forAll(longs().between(0, Long.MAX_VALUE / 4), longs().between(0, 10_000_000_000L)).checkAssert((price, seconds) -> {
      java.math.BigInteger exact = java.math.BigInteger.valueOf(price).multiply(java.math.BigInteger.valueOf(seconds));
      java.math.BigInteger c = Pricing.cost(price, seconds);
      // cost*3600 >= exact > (cost-1)*3600
      assertThat(c.multiply(java.math.BigInteger.valueOf(3600))).isGreaterThanOrEqualTo(exact);
      assertThat(c.subtract(java.math.BigInteger.ONE).multiply(java.math.BigInteger.valueOf(3600))).isLessThan(exact.max(java.math.BigInteger.ONE));
    });
  }
}

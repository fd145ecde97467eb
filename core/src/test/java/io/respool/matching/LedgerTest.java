package io.respool.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LedgerTest {

  private final Ledger ledger = new Ledger();

  private static Placement on(String host, long cpu, long mem) {
    return new Placement(host, 0, cpu, mem, 0, 0, null, 1);
  }

  @BeforeEach
  void fleet() {
    ledger.putHost("a", new Capacity(8000, 16384, 100, 1));
    ledger.putHost("b", new Capacity(4000, 8192, 100, 0));
  }

  @Test
  void reserveAndReleaseReturnToZero() {
    assertThat(ledger.reserve("k1", List.of(on("a", 4000, 8192), on("b", 4000, 1024)))).isTrue();
    assertThat(ledger.reserved("a")).isEqualTo(new Capacity(4000, 8192, 0, 0));
    assertThat(ledger.free("b")).isEqualTo(new Capacity(0, 7168, 100, 0));
    assertThat(ledger.release("k1")).hasSize(2);
    assertThat(ledger.reserved("a").isZero()).isTrue();
    assertThat(ledger.reserved("b").isZero()).isTrue();
    assertThat(ledger.release("k1")).isEmpty();
    ledger.checkInvariants();
  }

  @Test
  void reserveIsAllOrNothing() {
    assertThat(ledger.reserve("k1", List.of(on("a", 4000, 1), on("b", 4001, 1)))).isFalse();
    assertThat(ledger.reserved("a").isZero()).isTrue();
    assertThat(ledger.reserve("k2", List.of(on("a", 1000, 1), on("nope", 1, 1)))).isFalse();
    assertThat(ledger.reserved("a").isZero()).isTrue();
    assertThat(ledger.bookingIds()).isEmpty();
  }

  @Test
  void placementsOnOneHostAreAddedUpBeforeTheCheck() {
    assertThat(ledger.reserve("k1", List.of(on("b", 3000, 1), on("b", 1001, 1)))).isFalse();
    assertThat(ledger.reserve("k1", List.of(on("b", 3000, 1), on("b", 1000, 1)))).isTrue();
    assertThat(ledger.free("b").cpuMillis()).isZero();
  }

  @Test
  void concurrentPlansFromOneSnapshotCannotBothOverbook() {
    // two bookers matched against the same snapshot: the second commit must fail
    assertThat(ledger.reserve("k1", List.of(on("a", 6000, 1)))).isTrue();
    assertThat(ledger.reserve("k2", List.of(on("a", 6000, 1)))).isFalse();
    ledger.checkInvariants();
  }

  @Test
  void resizeKeepsTheOldReservationWhenTheNewOneDoesNotFit() {
    ledger.reserve("k1", List.of(on("a", 4000, 1024)));
    ledger.reserve("k2", List.of(on("a", 2000, 1024)));
    assertThat(ledger.resize("k1", List.of(on("a", 6000, 1024)))).isTrue(); // its own 4000 counts as free
    assertThat(ledger.resize("k1", List.of(on("a", 6001, 1024)))).isFalse();
    assertThat(ledger.placements("k1")).containsExactly(on("a", 6000, 1024));
    assertThat(ledger.reserved("a").cpuMillis()).isEqualTo(8000);
    assertThat(ledger.resize("nope", List.of())).isFalse();
    ledger.checkInvariants();
  }

  @Test
  void aHostGoingOfflineReleasesEveryBookingOnItWhole() {
    ledger.reserve("k1", List.of(on("a", 1000, 1), on("b", 1000, 1)));
    ledger.reserve("k2", List.of(on("b", 1000, 1)));
    ledger.reserve("k3", List.of(on("a", 1000, 1)));
    assertThat(ledger.hostOffline("b")).containsExactly("k1", "k2");
    assertThat(ledger.bookingIds()).containsExactly("k3");
    assertThat(ledger.reserved("b").isZero()).isTrue();
    assertThat(ledger.reserved("a").cpuMillis()).isEqualTo(1000);
    assertThat(ledger.reserve("k4", List.of(on("b", 1, 1)))).isFalse();
    ledger.hostOnline("b");
    assertThat(ledger.reserve("k4", List.of(on("b", 1, 1)))).isTrue();
    ledger.checkInvariants();
  }

  @Test
  void capacityCannotShrinkBelowWhatIsReserved() {
    ledger.reserve("k1", List.of(on("a", 4000, 1)));
    assertThat(ledger.putHost("a", new Capacity(3000, 16384, 100, 1))).isFalse();
    assertThat(ledger.putHost("a", new Capacity(4000, 16384, 100, 1))).isTrue();
    assertThat(ledger.free("a").cpuMillis()).isZero();
  }
}

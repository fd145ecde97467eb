package io.respool.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.respool.bench.PlacementLedger.HostState;
import io.respool.bench.PlacementLedger.Share;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementLedgerTest {
  private static HostState host(String id, long totalCpu, long freeCpu, long totalMemory, long freeMemory) {
    return new HostState(id, true, totalCpu, freeCpu, totalMemory, freeMemory);
  }

  @Test
  void reservationsThatMatchThe201sAgree() {
    PlacementLedger l = new PlacementLedger();
    l.record(List.of(new Share("a", 500, 256)));
    l.record(List.of(new Share("a", 500, 256)));
    l.record(List.of(new Share("b", 1500, 1024), new Share("a", 500, 256)));
    List<HostState> before = List.of(host("a", 4000, 4000, 8192, 8192), host("b", 2000, 2000, 4096, 4096), host("c", 1000, 1000, 1024, 1024));
    List<HostState> after = List.of(host("a", 4000, 2500, 8192, 7424), host("b", 2000, 500, 4096, 3072), host("c", 1000, 1000, 1024, 1024));

    PlacementLedger.Verdict v = l.verify(before, after);

    assertThat(v.noOverAllocation()).isTrue();
    assertThat(v.booksAgree()).isTrue();
    assertThat(v.placedCpuMillis()).isEqualTo(3000).isEqualTo(v.reservedCpuMillis());
    assertThat(l.bookings()).isEqualTo(3);
    assertThat(l.hostsUsed()).isEqualTo(2);
  }

  @Test
  void handingOutMoreThanAHostHasIsAnOverAllocationEvenIfTheGatewayAgrees() {
    PlacementLedger l = new PlacementLedger();
    l.record(List.of(new Share("a", 3000, 10)));
    l.record(List.of(new Share("a", 3000, 10)));
    // the gateway's counter says 6000 reserved of 4000: free is negative
    PlacementLedger.Verdict v = l.verify(List.of(host("a", 4000, 4000, 100, 100)), List.of(host("a", 4000, -2000, 100, 80)));

    assertThat(v.overAllocated()).isEqualTo(1);
    assertThat(v.booksAgree()).isTrue();
    assertThat(v.examples()).singleElement().asString().contains("placed by 201s 6000 / 20");
  }

  @Test
  void whatAHostHeldBeforeCountsTowardsItsTotal() {
    PlacementLedger l = new PlacementLedger();
    l.record(List.of(new Share("a", 3000, 10)));
    PlacementLedger.Verdict v = l.verify(List.of(host("a", 4000, 2000, 100, 100)), List.of(host("a", 4000, 2000, 100, 90)));

    assertThat(v.overAllocated()).isEqualTo(1); // 2000 held + 3000 handed out > 4000
    assertThat(v.disagreeing()).isEqualTo(1);   // and the gateway's cpu counter did not move
  }

  @Test
  void capacityLeftBehindOrMissingIsADisagreement() {
    PlacementLedger l = new PlacementLedger();
    l.record(List.of(new Share("a", 1000, 100)));
    List<HostState> before = List.of(host("a", 4000, 4000, 1000, 1000), host("b", 4000, 4000, 1000, 1000));
    // b holds capacity no 201 handed out (e.g. a 409 that did not roll back)
    List<HostState> after = List.of(host("a", 4000, 3000, 1000, 900), host("b", 4000, 3500, 1000, 1000));

    PlacementLedger.Verdict v = l.verify(before, after);

    assertThat(v.noOverAllocation()).isTrue();
    assertThat(v.disagreeing()).isEqualTo(1);
    assertThat(v.booksAgree()).isFalse();
    assertThat(v.reservedCpuMillis()).isEqualTo(1500);
  }

  @Test
  void aStoppedBookingNoLongerCounts() {
    PlacementLedger l = new PlacementLedger();
    List<Share> one = List.of(new Share("a", 1000, 100));
    l.record(one);
    l.record(List.of(new Share("a", 500, 50)));
    l.release(one);
    List<HostState> before = List.of(host("a", 4000, 4000, 1000, 1000));

    PlacementLedger.Verdict v = l.verify(before, List.of(host("a", 4000, 3500, 1000, 950)));

    assertThat(v.booksAgree()).isTrue();
    assertThat(l.bookings()).isEqualTo(1);
  }

  @Test
  void aHostMissingFromTheListingIsReported() {
    PlacementLedger l = new PlacementLedger();
    l.record(List.of(new Share("gone", 1000, 100)));

    PlacementLedger.Verdict v = l.verify(List.of(), List.of());

    assertThat(v.unlisted()).isEqualTo(1);
    assertThat(v.booksAgree()).isFalse();
  }
}

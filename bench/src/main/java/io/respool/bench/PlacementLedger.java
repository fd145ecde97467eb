package io.respool.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the load generator was told it got: every {@code 201} booking's tasks, summed per host.
 * Checked at the end against the gateway's own host listing in two independent ways:
 * <ol>
 *   <li><b>no over-allocation</b>: on every host, the capacity handed out in {@code 201}
 *       responses is at most the host's total (this needs nothing from the gateway but the
 *       totals), and the gateway's free capacity is never negative;</li>
 *   <li><b>the gateway's books agree</b>: on every host, total − free (what the gateway holds as
 *       reserved) equals what the responses handed out, so no 409 or failed request left
 *       capacity behind and no 201 reserved less than it said.</li>
 * </ol>
 * Both are measured against a baseline listing taken before the load, so a gateway that already
 * holds bookings can be checked too, as long as none of those ends during the run.
 * Pure and single-threaded: the caller records on one thread.
 */
final class PlacementLedger {
  /** One task of a placed booking, as the 201 response described it. */
  record Share(String hostId, long cpuMillis, long memoryMb) {}

  /** A host as {@code GET /v1/hosts} shows it, in millicores and MiB. */
  record HostState(String id, boolean online, long totalCpuMillis, long freeCpuMillis, long totalMemoryMb, long freeMemoryMb) {}

  /**
   * The outcome. {@code overAllocated} counts hosts where what they held before plus what the
   * responses hand out exceeds the total, or the gateway's free capacity is negative;
   * {@code disagreeing} counts hosts whose reserved capacity grew by something else than what the
   * responses hand out; {@code reserved…} sum that growth; {@code unlisted} counts hosts
   * that appear in responses but not in the listing.
   */
  record Verdict(int hosts, int overAllocated, int disagreeing, int unlisted, long placedCpuMillis, long reservedCpuMillis,
      long placedMemoryMb, long reservedMemoryMb, List<String> examples) {
    boolean noOverAllocation() { return overAllocated == 0; }

    boolean booksAgree() { return disagreeing == 0 && unlisted == 0 && placedCpuMillis == reservedCpuMillis && placedMemoryMb == reservedMemoryMb; }
  }

  private static final int MAX_EXAMPLES = 5;

  private final Map<String, long[]> perHost = new HashMap<>(); // host id → {cpu millis, memory MiB}
  private long bookings;

  void record(List<Share> shares) {
    bookings++;
    for (Share s : shares) {
      long[] sum = perHost.computeIfAbsent(s.hostId(), k -> new long[2]);
      sum[0] += s.cpuMillis();
      sum[1] += s.memoryMb();
    }
  }

  /** Undoes a booking the load generator stopped (its capacity was given back). */
  void release(List<Share> shares) {
    bookings--;
    for (Share s : shares) {
      long[] sum = perHost.get(s.hostId());
      sum[0] -= s.cpuMillis();
      sum[1] -= s.memoryMb();
    }
  }

  long bookings() { return bookings; }

  int hostsUsed() {
    int n = 0;
    for (long[] sum : perHost.values()) if (sum[0] != 0 || sum[1] != 0) n++;
    return n;
  }

  /**
   * Checks {@code listing} (after the load) against the 201s recorded since {@code baseline}
   * (before it): a host absent from the baseline is taken to have held nothing.
   */
  Verdict verify(List<HostState> baseline, List<HostState> listing) {
    Map<String, HostState> byId = new HashMap<>();
    for (HostState h : listing) byId.put(h.id(), h);
    Map<String, long[]> held = new HashMap<>(); // reserved before the load: {cpu millis, memory MiB}
    for (HostState h : baseline) held.put(h.id(), new long[] {h.totalCpuMillis() - h.freeCpuMillis(), h.totalMemoryMb() - h.freeMemoryMb()});
    int over = 0;
    int disagreeing = 0;
    int unlisted = 0;
    long placedCpu = 0;
    long placedMemory = 0;
    long reservedCpu = 0;
    long reservedMemory = 0;
    List<String> examples = new java.util.ArrayList<>();
    for (Map.Entry<String, long[]> e : perHost.entrySet()) {
      placedCpu += e.getValue()[0];
      placedMemory += e.getValue()[1];
      if (!byId.containsKey(e.getKey())) {
        unlisted++;
        if (examples.size() < MAX_EXAMPLES) examples.add("host " + e.getKey() + " got placements but is not listed");
      }
    }
    for (HostState h : listing) {
      long[] placed = perHost.getOrDefault(h.id(), new long[2]);
      long[] before = held.getOrDefault(h.id(), new long[2]);
      long resCpu = h.totalCpuMillis() - h.freeCpuMillis() - before[0];
      long resMemory = h.totalMemoryMb() - h.freeMemoryMb() - before[1];
      reservedCpu += resCpu;
      reservedMemory += resMemory;
      boolean isOver = before[0] + placed[0] > h.totalCpuMillis() || before[1] + placed[1] > h.totalMemoryMb()
          || h.freeCpuMillis() < 0 || h.freeMemoryMb() < 0;
      boolean differs = resCpu != placed[0] || resMemory != placed[1];
      if (isOver) over++;
      if (differs) disagreeing++;
      if ((isOver || differs) && examples.size() < MAX_EXAMPLES) {
        examples.add("host " + h.id() + ": total " + h.totalCpuMillis() + " mcpu / " + h.totalMemoryMb() + " MiB, held before "
            + before[0] + " / " + before[1] + ", gateway free now " + h.freeCpuMillis() + " / " + h.freeMemoryMb()
            + ", placed by 201s " + placed[0] + " / " + placed[1]);
      }
    }
    return new Verdict(listing.size(), over, disagreeing, unlisted, placedCpu, reservedCpu, placedMemory, reservedMemory, List.copyOf(examples));
  }
}

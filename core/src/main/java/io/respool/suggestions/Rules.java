package io.respool.suggestions;

import io.respool.matching.Pricing;
import io.respool.suggestions.BookingFacts.Placed;
import io.respool.suggestions.Suggestion.Action;
import io.respool.suggestions.Suggestion.Declined;
import io.respool.suggestions.Suggestion.Evidence;
import io.respool.suggestions.Suggestion.Kind;
import io.respool.suggestions.Suggestion.Saving;
import io.respool.suggestions.Suggestion.Source;
import io.respool.suggestions.Suggestion.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rules: facts in, suggestions (with evidence and saving) and refusals out. Deterministic: the
 * same facts give the same suggestions with the same ids, in the same order (risks first — running
 * out of deposit, throttling, memory near its limit — then by saving per hour).
 */
public final class Rules {
  private static final Set<Kind> RISKS = EnumSet.of(Kind.TOP_UP, Kind.GROW);
  private final Thresholds t;

  public Rules(Thresholds thresholds) {
    this.t = thresholds;
  }

  public Thresholds thresholds() { return t; }

  // --- bookings -----------------------------------------------------------------------------

  public Evaluation forBooking(BookingFacts f) {
    List<Suggestion> out = new ArrayList<>();
    List<Declined> declined = new ArrayList<>();
    Target target = Target.booking(f.bookingId());
    UsageProfile u = f.usage();
    boolean enough = u.samples() >= t.minSamples() && u.spanSeconds() >= t.minSpan().toSeconds();
    boolean resizable = f.tasks().size() == f.replicas() && f.tasks().stream().allMatch(p -> p.hostPrices() != null);
    if (!resizable) {
      declined.add(new Declined(Kind.DOWNSIZE, target, "split across hosts or on a host that is offline: it cannot be resized in place"));
    } else {
      resize(f, target, enough, out, declined);
    }
    if (enough && u.idleSeconds() >= t.idleFor().toSeconds() && f.pricePerHour() > 0) stopIdle(f, target, out);
    if (f.gpus() > 0) gpuUnused(f, target, enough, out, declined);
    if (f.cheaper() != null) cheaper(f, target, out);
    topUp(f, target, out);
    return new Evaluation(ranked(out), declined);
  }

  /**
   * One resize per booking, each dimension on its own: grown when pinned at or near its limit (or
   * heading there), else cut to the percentile plus the margin and never below the recent peak
   * (only with enough samples). GROW if anything grows, else DOWNSIZE; never both, so the two
   * cannot contradict each other.
   */
  private void resize(BookingFacts f, Target target, boolean enough, List<Suggestion> out, List<Declined> declined) {
    UsageProfile u = f.usage();
    double m = 1 + t.margin();
    boolean memoryMeasured = u.memoryMb().max() > 0; // a worker that cannot measure memory reports 0: no evidence either way
    // growing: a few readings are enough, the risk (throttling, an OOM kill) is now
    boolean growEvidence = u.samples() >= Math.max(3, t.minSamples() / 4);
    boolean throttled = growEvidence && f.cpuMillis() > 0 && u.cpuCores().p90() >= t.throttledShare() * f.cpuMillis() / 1000.0;
    double hours = Math.min(f.remainingSeconds() / 3600.0, 24);
    double projected = u.memoryRecentPeakMb() + Math.max(0, u.memoryTrendMbPerHour()) * hours;
    boolean near = growEvidence && memoryMeasured && f.memoryMb() > 0 && u.memoryRecentPeakMb() >= t.memoryNearShare() * f.memoryMb();
    boolean heading = growEvidence && memoryMeasured && f.memoryMb() > 0 && u.memoryTrendMbPerHour() > 0 && projected >= f.memoryMb();
    long cpu = f.cpuMillis();
    long memory = f.memoryMb();
    boolean cutCpu = false;
    boolean cutMemory = false;
    if (throttled) {
      cpu = roundUp(f.cpuMillis() * 1.5, t.cpuStepMillis()); // the real demand is hidden by the limit: VPA-like bump
    } else if (enough) {
      long c = cpuTarget(f.cpuMillis(), Math.max(u.cpuCores().p90() * m, u.cpuRecentPeak()));
      if (cuts(c, f.cpuMillis())) {
        cpu = c;
        cutCpu = true;
      }
    }
    if (near || heading) {
      memory = Math.max(f.memoryMb() + t.memoryStepMb(), roundUp(Math.max(u.memoryRecentPeakMb(), projected) * m, t.memoryStepMb()));
    } else if (enough && memoryMeasured) {
      long mb = memoryTarget(f.memoryMb(), Math.max(u.memoryMb().p90() * m, u.memoryRecentPeakMb()));
      if (cuts(mb, f.memoryMb())) {
        memory = mb;
        cutMemory = true;
      }
    }
    boolean grows = throttled || near || heading;
    if (!grows && !cutCpu && !cutMemory) {
      if (!enough) {
        declined.add(new Declined(Kind.DOWNSIZE, target, "only " + u.samples() + " samples over " + u.spanSeconds() + " s; a downsize needs at least "
            + t.minSamples() + " over " + t.minSpan().toSeconds() + " s"));
        return;
      }
      long cpuWithoutPeak = cpuTarget(f.cpuMillis(), u.cpuCores().p90() * m);
      long memoryWithoutPeak = memoryMeasured ? memoryTarget(f.memoryMb(), u.memoryMb().p90() * m) : f.memoryMb();
      if (cuts(cpuWithoutPeak, f.cpuMillis()) || cuts(memoryWithoutPeak, f.memoryMb())) {
        declined.add(new Declined(Kind.DOWNSIZE, target, String.format(Locale.ROOT, "a recent peak (%.2f cores, %.0f MiB in the hour"
            + " before %s) keeps the size: p90 + %.0f %% alone would give %.2f cores, %d MiB", u.cpuRecentPeak(), u.memoryRecentPeakMb(),
            u.to(), t.margin() * 100, cpuWithoutPeak / 1000.0, memoryWithoutPeak)));
      }
      return;
    }
    Long price = priceAt(f, cpu, memory);
    if (price == null) return;
    if (!grows && price >= f.pricePerHour()) return; // a cut the prices do not reward
    Map<String, Double> n = usageNumbers(f);
    n.put("margin", t.margin());
    n.put("pricePerHour.after", (double) price);
    StringBuilder why = new StringBuilder(String.format(Locale.ROOT, "Over %s (%d samples) the busiest replica used %.2f cores at the 90th"
            + " percentile (%.2f at the recent peak) and at most %.0f MiB recently, of %.2f cores and %d MiB reserved. ", span(u), u.samples(),
        u.cpuCores().p90(), u.cpuRecentPeak(), u.memoryRecentPeakMb(), f.cpuMillis() / 1000.0, f.memoryMb()));
    if (throttled) why.append("CPU is pinned at its limit: 1.5 times the reservation. ");
    if (near) why.append(String.format(Locale.ROOT, "Memory is near its limit: the peak plus %.0f %%. ", t.margin() * 100));
    else if (heading) {
      n.put("memoryMb.trendPerHour", u.memoryTrendMbPerHour());
      n.put("memoryMb.projected", projected);
      why.append(String.format(Locale.ROOT, "Memory grows by %.0f MiB per hour and would reach %.0f MiB before the booking ends: that plus %.0f %%. ",
          u.memoryTrendMbPerHour(), projected, t.margin() * 100));
    }
    if (cutCpu || cutMemory) why.append(String.format(Locale.ROOT, "The 90th percentile plus %.0f %%, never below the recent peak, is enough for %s. ",
        t.margin() * 100, cutCpu && cutMemory ? "CPU and memory" : cutCpu ? "CPU" : "memory"));
    why.append(String.format(Locale.ROOT, "%.2f cores and %d MiB per replica cost %d %s per hour instead of %d.", cpu / 1000.0, memory, price,
        f.currency(), f.pricePerHour()));
    out.add(booking(f, grows ? Kind.GROW : Kind.DOWNSIZE, Action.resize(cpu, memory), n, f.pricePerHour() - price,
        f.restCost(f.pricePerHour()) - f.restCost(price), true, why.toString()));
  }

  private void stopIdle(BookingFacts f, Target target, List<Suggestion> out) {
    UsageProfile u = f.usage();
    Map<String, Double> n = usageNumbers(f);
    n.put("idleSeconds", (double) u.idleSeconds());
    String text = String.format(Locale.ROOT, "Every task has been idle for %d minutes (under %.2f cores and %.0f bytes/s of network). Stopping"
            + " it saves %d %s per hour, %d for the %d s left.", u.idleSeconds() / 60, t.idleCores(), t.idleBytesPerSecond(),
        f.pricePerHour(), f.currency(), f.restCost(f.pricePerHour()), f.remainingSeconds());
    out.add(booking(f, Kind.STOP_IDLE, Action.stop(), n, f.pricePerHour(), f.restCost(f.pricePerHour()), true, text));
  }

  private void gpuUnused(BookingFacts f, Target target, boolean enough, List<Suggestion> out, List<Declined> declined) {
    Stats g = f.usage().gpuUtilization();
    if (g.count() == 0) {
      declined.add(new Declined(Kind.GPU_UNUSED, target, "no GPU utilization was reported: nothing to judge the GPUs on"));
      return;
    }
    if (!enough || g.count() < t.minSamples()) {
      declined.add(new Declined(Kind.GPU_UNUSED, target, "only " + g.count() + " GPU readings; at least " + t.minSamples() + " needed"));
      return;
    }
    if (g.p99() >= t.gpuUnusedBelow()) return;
    long perHour = 0;
    for (Placed p : f.tasks()) {
      Long gpuHour = p.hostPrices() == null ? null : Pricing.gpuHour(p.hostPrices(), f.gpuModel());
      if (gpuHour == null) return; // cannot say what the GPUs cost
      perHour = Math.addExact(perHour, Math.multiplyExact(gpuHour, (long) f.gpus()));
    }
    if (perHour <= 0) return;
    Map<String, Double> n = usageNumbers(f);
    n.put("gpus.reserved", (double) f.gpus());
    n.put("pricePerHour.gpus", (double) perHour);
    String text = String.format(Locale.ROOT, "%d GPU(s) reserved were busy %.1f %% of the time at most (99th percentile %.1f %%) over %s."
            + " Booking again without them saves %d %s per hour.", f.gpus(), g.max() * 100, g.p99() * 100, span(f.usage()), perHour,
        f.currency());
    out.add(booking(f, Kind.GPU_UNUSED, Action.rebook(0, null, f.pricePerHour() - perHour), n, perHour, BookingFacts.saturated(Pricing.cost(perHour,
        f.remainingSeconds())), false, text));
  }

  private void cheaper(BookingFacts f, Target target, List<Suggestion> out) {
    long quoted = f.cheaper().pricePerHour();
    if (quoted > Math.floor(f.pricePerHour() * (1 - t.cheaperShare()))) return;
    Map<String, Double> n = new TreeMap<>();
    n.put("pricePerHour.now", (double) f.pricePerHour());
    n.put("pricePerHour.quoted", (double) quoted);
    String text = String.format(Locale.ROOT, "The matcher quotes the same resources on %s for %d %s per hour instead of %d. Moving means"
        + " booking there and stopping this one.", String.join(", ", f.cheaper().hostIds()), quoted, f.currency(), f.pricePerHour());
    out.add(booking(f, Kind.MOVE_CHEAPER, Action.rebook(null, f.cheaper().hostIds(), quoted), n, f.pricePerHour() - quoted,
        f.restCost(f.pricePerHour()) - f.restCost(quoted), false, text));
  }

  private void topUp(BookingFacts f, Target target, List<Suggestion> out) {
    Long left = f.secondsUntilExhausted();
    if (f.endsAt() == null || left == null) return;
    long remaining = f.remainingSeconds();
    if (left >= remaining) return;
    long seconds = roundUp(remaining - left, 60); // whole minutes: the shortfall is stable between meter rounds
    long extra = BookingFacts.saturated(Pricing.cost(f.pricePerHour(), seconds));
    Map<String, Double> n = new TreeMap<>();
    n.put("deposit", (double) f.deposit());
    n.put("billed", (double) f.billed());
    n.put("pricePerHour.now", (double) f.pricePerHour());
    n.put("secondsUntilExhausted", (double) left);
    n.put("remainingSeconds", (double) remaining);
    String text = String.format(Locale.ROOT, "At %d %s per hour the deposit (%d, %d billed) lasts %d s more, but the booking has %d s left:"
        + " it would pause. Extending by %d s adds %d to the deposit.", f.pricePerHour(), f.currency(), f.deposit(), f.billed(), left,
        remaining, seconds, extra);
    out.add(booking(f, Kind.TOP_UP, Action.extend(seconds), n, 0, -extra, true, text));
  }

  private Suggestion booking(BookingFacts f, Kind kind, Action action, Map<String, Double> numbers, long perHour, long rest,
      boolean actionable, String text) {
    UsageProfile u = f.usage();
    // the id names what it acts on (the booking's size and price now), not the readings, which move with every sample
    String id = SuggestionIds.of(kind, "booking", f.bookingId(), action, f.cpuMillis(), f.memoryMb(), f.pricePerHour(), f.deposit());
    return new Suggestion(id, kind, Target.booking(f.bookingId()), action, new Evidence(u.from(), u.to(), u.samples(), numbers),
        new Saving(f.currency(), perHour, rest), Source.rules, actionable, 0, text, List.of());
  }

  /** The booking's usage figures, in cores and MiB, with what it reserves and pays. */
  private static Map<String, Double> usageNumbers(BookingFacts f) {
    UsageProfile u = f.usage();
    Map<String, Double> n = new TreeMap<>();
    put(n, "cpu", u.cpuCores());
    n.put("cpu.recentPeak", u.cpuRecentPeak());
    n.put("cpu.reserved", f.cpuMillis() / 1000.0);
    put(n, "memoryMb", u.memoryMb());
    n.put("memoryMb.recentPeak", u.memoryRecentPeakMb());
    n.put("memoryMb.reserved", (double) f.memoryMb());
    n.put("pricePerHour.now", (double) f.pricePerHour());
    n.put("remainingSeconds", (double) f.remainingSeconds());
    n.put("windowSeconds", (double) u.spanSeconds());
    if (u.gpuUtilization().count() > 0) put(n, "gpu", u.gpuUtilization());
    return n;
  }

  private static void put(Map<String, Double> n, String name, Stats s) {
    n.put(name + ".p50", s.p50());
    n.put(name + ".p90", s.p90());
    n.put(name + ".p99", s.p99());
    n.put(name + ".max", s.max());
  }

  /** The booking's price per hour at a new size per replica, on the same hosts; null if a host does not price it. */
  private static Long priceAt(BookingFacts f, long cpuMillis, long memoryMb) {
    long total = 0;
    for (Placed p : f.tasks()) {
      Long price = Pricing.pricePerHour(p.hostPrices(), cpuMillis, memoryMb, f.storageGb(), f.gpus(), f.gpuModel());
      if (price == null) return null;
      total = Math.addExact(total, price);
    }
    return total;
  }

  private long cpuTarget(long current, double needCores) {
    if (current == 0) return 0;
    long target = roundUp(needCores * 1000, t.cpuStepMillis());
    return Math.max(Math.min(target, current), Math.min(t.minCpuMillis(), current));
  }

  private long memoryTarget(long current, double needMb) {
    if (current == 0) return 0;
    long target = roundUp(needMb, t.memoryStepMb());
    return Math.max(Math.min(target, current), Math.min(t.minMemoryMb(), current));
  }

  private boolean cuts(long target, long current) {
    return current > 0 && target <= current * (1 - t.minReduction());
  }

  static long roundUp(double value, long step) {
    return (long) Math.ceil(Math.max(0, value) / step - 1e-9) * step;
  }

  private static String span(UsageProfile u) {
    Duration d = Duration.ofSeconds(u.spanSeconds());
    return d.toHours() > 0 ? String.format(Locale.ROOT, "%d h %02d min", d.toHours(), d.toMinutesPart())
        : String.format(Locale.ROOT, "%d min", d.toMinutes());
  }

  private static List<Suggestion> ranked(List<Suggestion> all) {
    List<Suggestion> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.<Suggestion>comparingInt(s -> RISKS.contains(s.kind()) ? 0 : 1)
        .thenComparing(s -> s.saving() == null ? 0 : -s.saving().perHour())
        .thenComparing(Suggestion::id));
    List<Suggestion> out = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) out.add(sorted.get(i).withRank(i + 1));
    return out;
  }

  // --- hosts --------------------------------------------------------------------------------

  public Evaluation forHost(HostFacts h) {
    List<Suggestion> out = new ArrayList<>();
    List<Declined> declined = new ArrayList<>();
    Target target = Target.host(h.hostId());
    Market m = h.market();
    Market.Regional region = h.region() == null ? null : m.byRegion().get(h.region());
    boolean regional = region != null && region.hosts() >= t.minMarketHosts();
    Stats cpu = regional ? region.cpuCoreHour() : m.cpuCoreHour();
    Stats memory = regional ? region.memoryGbHour() : m.memoryGbHour();
    String where = regional ? "region " + h.region() : "the whole market";
    if (m.hosts() < t.minMarketHosts()) {
      declined.add(new Declined(Kind.HOST_REPRICE, target, "only " + m.hosts() + " offers in " + m.currency() + "; at least "
          + t.minMarketHosts() + " needed to compare prices"));
    } else {
      Map<String, Double> n = new TreeMap<>();
      n.put("cpuCoreHour.own", (double) h.prices().cpuCoreHour());
      n.put("cpuCoreHour.p50", cpu.p50());
      n.put("cpuCoreHour.p90", cpu.p90());
      n.put("memoryGbHour.own", (double) h.prices().memoryGbHour());
      n.put("memoryGbHour.p50", memory.p50());
      n.put("memoryGbHour.p90", memory.p90());
      n.put("cpuRented", h.cpuRented());
      n.put("marketHosts", (double) (regional ? region.hosts() : m.hosts()));
      Map<String, Long> lower = new LinkedHashMap<>();
      if (h.prices().cpuCoreHour() > cpu.p90()) lower.put("cpuCoreHour", (long) cpu.p50());
      if (h.prices().memoryGbHour() > memory.p90()) lower.put("memoryGbHour", (long) memory.p50());
      h.prices().gpuHour().forEach((model, price) -> {
        Stats g = m.gpuHour().get(model.toLowerCase(Locale.ROOT));
        if (g != null && g.count() >= t.minMarketHosts() && price > g.p90()) {
          lower.put("gpuHour." + model, (long) g.p50());
          n.put("gpuHour." + model + ".own", (double) price);
          n.put("gpuHour." + model + ".p50", g.p50());
          n.put("gpuHour." + model + ".p90", g.p90());
        }
      });
      if (!lower.isEmpty() && h.cpuRented() < 0.5) {
        String text = String.format(Locale.ROOT, "Your asking prices are above the 90th percentile of %s (%d offers in %s) while %.0f %% of"
            + " your CPU is rented: %s. Asking the median would put you in the cheaper half of the offers the matcher ranks.", where,
            regional ? region.hosts() : m.hosts(), m.currency(), h.cpuRented() * 100, lower);
        out.add(host(h, Kind.HOST_REPRICE, Action.reprice(lower), n, null, text));
      }
      long cpuRentedMillis = h.total().cpuMillis() - h.free().cpuMillis();
      if (h.prices().cpuCoreHour() < cpu.p50() && h.cpuRented() >= 0.9) {
        long p50 = (long) cpu.p50();
        long gain = Math.multiplyExact(p50 - h.prices().cpuCoreHour(), cpuRentedMillis) / 1000;
        String text = String.format(Locale.ROOT, "%.0f %% of your CPU is rented at %d %s per core-hour, below the median of %s (%d):"
            + " asking the median would earn about %d more per hour at today's rentals.", h.cpuRented() * 100, h.prices().cpuCoreHour(),
            m.currency(), where, p50, gain);
        out.add(host(h, Kind.HOST_RAISE_PRICE, Action.reprice(Map.of("cpuCoreHour", p50)), n, gain, text));
      }
    }
    double freeShare = h.total().cpuMillis() == 0 ? 0 : (double) h.free().cpuMillis() / h.total().cpuMillis();
    if (h.online() && freeShare >= t.idleCapacityShare()) {
      Long idleValue = Pricing.pricePerHour(h.prices(), h.free().cpuMillis(), h.free().memoryMb(), 0, 0, null);
      Map<String, Double> n = new TreeMap<>();
      n.put("cpuFreeShare", freeShare);
      n.put("cpuFree", h.free().cpuMillis() / 1000.0);
      n.put("memoryMbFree", (double) h.free().memoryMb());
      n.put("pricePerHour.idle", idleValue == null ? 0 : (double) idleValue);
      String text = String.format(Locale.ROOT, "%.0f %% of your CPU (%.2f cores, %d MiB) is not rented; at your prices it could earn up to %d %s"
          + " per hour.", freeShare * 100, h.free().cpuMillis() / 1000.0, h.free().memoryMb(), idleValue == null ? 0 : idleValue, m.currency());
      out.add(host(h, Kind.HOST_IDLE_CAPACITY, Action.none(), n, idleValue == null ? 0 : idleValue, text));
    }
    if (h.uptime() < t.minUptime()) {
      Map<String, Double> n = new TreeMap<>();
      n.put("uptime", h.uptime());
      n.put("uptime.wanted", t.minUptime());
      String text = String.format(Locale.ROOT, "Your host was online %.1f %% of its registered life; bookings asking for %.0f %% uptime pass it by.",
          h.uptime() * 100, t.minUptime() * 100);
      out.add(host(h, Kind.HOST_UPTIME, Action.none(), n, null, text));
    }
    return new Evaluation(ranked(out), declined);
  }

  private static Suggestion host(HostFacts h, Kind kind, Action action, Map<String, Double> numbers, Long gain, String text) {
    String id = SuggestionIds.of(kind, "host", h.hostId(), action, h.prices());
    return new Suggestion(id, kind, Target.host(h.hostId()), action, new Evidence(h.asOf(), h.asOf(), 0, numbers),
        gain == null ? null : new Saving(h.prices().currency(), gain, null), Source.rules, false, 0, text, List.of());
  }
}

package io.respool.suggestions;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One piece of advice about a booking or a host, grounded in measured facts.
 *
 * @param id deterministic: the same kind, target, action and facts acted on give the same id, so
 *     evaluating again does not make a new suggestion
 * @param actionable whether {@code POST /v1/suggestions/{id}/apply} can carry it out (a resize, a
 *     stop, an extension); the others say what to do by hand (book elsewhere, change prices)
 * @param basedOn the rule suggestions an LLM suggestion ranks or merges (empty for a rule's own)
 */
public record Suggestion(String id, Kind kind, Target target, Action action, Evidence evidence, Saving saving, Source source,
    boolean actionable, int rank, String explanation, List<String> basedOn) {

  public Suggestion {
    basedOn = basedOn == null ? List.of() : List.copyOf(basedOn);
  }

  public enum Kind {
    /** Reserve less: a high percentile of usage plus a margin, never below the recent peak. */
    DOWNSIZE,
    /** Reserve more: CPU pinned at its limit or memory near it (or heading there). */
    GROW,
    /** Stop a booking idle for long. */
    STOP_IDLE,
    /** The matcher quotes the same demand for less on other hosts. */
    MOVE_CHEAPER,
    /** GPUs reserved and measured, never busy. */
    GPU_UNUSED,
    /** The deposit runs out before the booking ends. */
    TOP_UP,
    /** A host asks more than most of the market while its capacity sits idle. */
    HOST_REPRICE,
    /** A host asks far less than the market while nearly fully rented. */
    HOST_RAISE_PRICE,
    /** Most of a host's capacity is not rented. */
    HOST_IDLE_CAPACITY,
    /** A host is online too little of its life: demands with a minimum uptime pass it by. */
    HOST_UPTIME;

    public boolean aboutHost() { return name().startsWith("HOST_"); }
  }

  public enum Source { rules, llm }

  /** What the suggestion is about: {@code booking} or {@code host}, and its id. */
  public record Target(String type, String id) {
    public static Target booking(String id) { return new Target("booking", id); }

    public static Target host(String id) { return new Target("host", id); }
  }

  /**
   * What to do; only the fields of its {@code type} are set. {@code resize}: cpu (cores) and
   * memoryMb per replica; {@code stop}; {@code extend}: seconds; {@code rebook}: gpus, hostIds and
   * pricePerHour of the plan quoted; {@code reprice}: prices (minor units per hour by price key).
   */
  public record Action(String type, Double cpu, Long memoryMb, Integer gpus, Long seconds, List<String> hostIds, Long pricePerHour,
      SortedMap<String, Long> prices) {

    public static Action resize(long cpuMillis, long memoryMb) {
      return new Action("resize", cpuMillis / 1000.0, memoryMb, null, null, null, null, null);
    }

    public static Action stop() { return new Action("stop", null, null, null, null, null, null, null); }

    public static Action extend(long seconds) { return new Action("extend", null, null, null, seconds, null, null, null); }

    public static Action rebook(Integer gpus, List<String> hostIds, Long pricePerHour) {
      return new Action("rebook", null, null, gpus, null, hostIds == null ? null : List.copyOf(hostIds), pricePerHour, null);
    }

    public static Action reprice(Map<String, Long> prices) {
      return new Action("reprice", null, null, null, null, null, null, new TreeMap<>(prices));
    }

    public static Action none() { return new Action("none", null, null, null, null, null, null, null); }
  }

  /**
   * The numbers a suggestion rests on and the window they were measured in.
   *
   * @param numbers named figures (cores, MiB, fractions, minor units), sorted by name
   */
  public record Evidence(Instant from, Instant to, long samples, Map<String, Double> numbers) {
    public Evidence {
      numbers = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(numbers));
    }
  }

  /**
   * Estimated saving in integer minor units of {@code currency}; negative when the suggestion
   * costs more (growing, topping up). For a host, its estimated gain.
   *
   * @param restOfBooking over the booking's remaining time; null for a host
   */
  public record Saving(String currency, long perHour, Long restOfBooking) {}

  /** A rule that looked and declined to suggest, with why (too few samples, a recent peak, …). */
  public record Declined(Kind kind, Target target, String reason) {}

  public Suggestion withRank(int r) {
    return new Suggestion(id, kind, target, action, evidence, saving, source, actionable, r, explanation, basedOn);
  }
}

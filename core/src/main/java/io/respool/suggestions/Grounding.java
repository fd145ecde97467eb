package io.respool.suggestions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Holds what a language model says to the facts. A model may rank, merge and explain the rules'
 * suggestions; it may not invent one. A {@link Proposal} is kept only if every suggestion it rests
 * on exists and is about its target and of its kind, and every id, number and resource it cites —
 * in its lists or anywhere in its text — is one of the facts'.
 */
public final class Grounding {
  /** Identifier-like words (booking, task, host and suggestion ids): any of them in a text must be known. */
  private static final Pattern ID_LIKE = Pattern.compile("[A-Za-z0-9_-]{16,}");
  /**
   * Numbers in a text: not part of a word (p90, sg_1f…), thousands separators allowed, ordinals
   * (90th) skipped as percentile names.
   */
  private static final Pattern NUMBER = Pattern.compile("(?<![\\w.])-?(\\d{1,3}(?:,\\d{3})+|\\d+)(\\.\\d+)?(?!\\d|st\\b|nd\\b|rd\\b|th\\b|[A-Za-z_]*\\d)");
  /** The resources a suggestion may speak of. */
  public static final Set<String> RESOURCES = Set.of("cpu", "memory", "gpu", "storage", "network", "disk");

  private Grounding() {}

  /** What a model proposed: a ranked, explained suggestion resting on rule suggestions ({@code basedOn}). */
  public record Proposal(List<String> basedOn, String kind, String target, int rank, String explanation, List<Double> citedNumbers,
      List<String> citedResources, List<String> citedIds) {
    public Proposal {
      basedOn = basedOn == null ? List.of() : List.copyOf(basedOn);
      citedNumbers = citedNumbers == null ? List.of() : List.copyOf(citedNumbers);
      citedResources = citedResources == null ? List.of() : List.copyOf(citedResources);
      citedIds = citedIds == null ? List.of() : List.copyOf(citedIds);
    }
  }

  /**
   * The facts a proposal is checked against.
   *
   * @param ids every booking, task, host and suggestion id in the facts
   * @param resources per target id, the resources its facts speak of
   * @param numbers every figure in the facts and the rules' suggestions
   */
  public record Known(Set<String> ids, Map<String, Set<String>> resources, double[] numbers) {}

  public record Verdict(boolean grounded, String reason) {
    static final Verdict OK = new Verdict(true, null);

    static Verdict no(String why) { return new Verdict(false, why); }
  }

  /**
   * Collects the known figures: {@code facts} and each suggestion's evidence, action and saving, with
   * the forms a text uses for them (a share as a percentage, MiB as GiB, seconds as minutes or hours)
   * and the rules' percentile levels and margin.
   */
  public static Known known(Collection<Suggestion> rules, Set<String> ids, Map<String, Set<String>> resources, Collection<Double> facts,
      Thresholds t) {
    List<Double> raw = new ArrayList<>(facts);
    raw.add(t.margin());
    raw.add(t.minReduction());
    for (Suggestion s : rules) {
      raw.addAll(s.evidence().numbers().values());
      raw.add((double) s.evidence().samples());
      Suggestion.Action a = s.action();
      if (a.cpu() != null) raw.add(a.cpu());
      if (a.memoryMb() != null) raw.add((double) a.memoryMb());
      if (a.gpus() != null) raw.add((double) a.gpus());
      if (a.seconds() != null) raw.add((double) a.seconds());
      if (a.pricePerHour() != null) raw.add((double) a.pricePerHour());
      if (a.prices() != null) a.prices().values().forEach(v -> raw.add((double) v));
      if (s.saving() != null) {
        raw.add((double) s.saving().perHour());
        if (s.saving().restOfBooking() != null) raw.add((double) s.saving().restOfBooking());
      }
    }
    TreeSet<Double> all = new TreeSet<>(List.of(0.0, 1.0, 50.0, 90.0, 99.0));
    for (double v : raw) {
      if (!Double.isFinite(v)) continue;
      for (double form : new double[] {v, v * 100, v / 1024, v / 60, v / 3600}) {
        all.add(form);
        all.add(Math.abs(form));
      }
    }
    return new Known(Set.copyOf(ids), Map.copyOf(resources), all.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** Whether {@code p} rests on {@code rules} (by id) and cites only what {@code known} holds. */
  public static Verdict check(Proposal p, Map<String, Suggestion> rules, Known known) {
    if (p.basedOn().isEmpty()) return Verdict.no("rests on no rule suggestion");
    Suggestion.Kind kind;
    try {
      kind = Suggestion.Kind.valueOf(p.kind() == null ? "" : p.kind().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return Verdict.no("unknown kind " + p.kind());
    }
    if (p.target() == null || !known.ids().contains(p.target())) return Verdict.no("unknown target " + p.target());
    for (String id : p.basedOn()) {
      Suggestion s = rules.get(id);
      if (s == null) return Verdict.no("rests on an unknown suggestion " + id);
      if (s.kind() != kind) return Verdict.no("calls " + id + " a " + kind + "; it is a " + s.kind());
      if (!s.target().id().equals(p.target())) return Verdict.no(id + " is about " + s.target().id() + ", not " + p.target());
    }
    for (String id : p.citedIds()) {
      if (!known.ids().contains(id)) return Verdict.no("cites an unknown id " + id);
    }
    String text = p.explanation() == null ? "" : p.explanation();
    if (text.isBlank()) return Verdict.no("explains nothing");
    Matcher ids = ID_LIKE.matcher(text);
    while (ids.find()) {
      String word = ids.group();
      if (word.chars().anyMatch(Character::isDigit) && !known.ids().contains(word)) return Verdict.no("mentions an unknown id " + word);
    }
    Set<String> resources = known.resources().getOrDefault(p.target(), Set.of());
    for (String r : p.citedResources()) {
      String name = r == null ? "" : r.toLowerCase(Locale.ROOT);
      if (!RESOURCES.contains(name)) return Verdict.no("cites an unknown resource " + r);
      if (!resources.contains(name)) return Verdict.no("cites " + name + ", which " + p.target() + " has no facts about");
    }
    String lower = text.toLowerCase(Locale.ROOT);
    for (String r : RESOURCES) {
      if (lower.contains(r) && !resources.contains(r)) return Verdict.no("speaks of " + r + ", which " + p.target() + " has no facts about");
    }
    for (double v : p.citedNumbers()) {
      if (!knownNumber(v, 6, known.numbers())) return Verdict.no("cites a number not in the facts: " + v);
    }
    Matcher numbers = NUMBER.matcher(ID_LIKE.matcher(text).replaceAll(" "));
    while (numbers.find()) {
      String digits = numbers.group().replace(",", "");
      int decimals = numbers.group(2) == null ? 0 : numbers.group(2).length() - 1;
      double v = Double.parseDouble(digits);
      if (!knownNumber(v, decimals, known.numbers())) return Verdict.no("states a number not in the facts: " + numbers.group());
    }
    return Verdict.OK;
  }

  /**
   * Whether {@code v}, written with {@code decimals} decimals, is one of the known figures: within
   * half a unit of its last decimal (it may be rounded) or 1 % of the figure.
   */
  static boolean knownNumber(double v, int decimals, double[] sortedKnown) {
    double tolerance = 0.5 * Math.pow(10, -decimals);
    int i = java.util.Arrays.binarySearch(sortedKnown, v);
    if (i >= 0) return true;
    int at = -i - 1;
    // the nearest figures on either side, and a few more for the relative tolerance of large ones
    for (int k = Math.max(0, at - 2); k < Math.min(sortedKnown.length, at + 2); k++) {
      double f = sortedKnown[k];
      if (Math.abs(v - f) <= Math.max(tolerance, 0.01 * Math.abs(f)) + 1e-9) return true;
    }
    return false;
  }
}

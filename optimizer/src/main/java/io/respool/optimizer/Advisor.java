package io.respool.optimizer;

import io.respool.suggestions.Evaluation;
import io.respool.suggestions.Grounding;
import io.respool.suggestions.Suggestion;
import java.time.Instant;
import java.util.List;

/**
 * The port that turns the rules' suggestions into the advice shown: the rules alone
 * ({@link RulesAdvisor}), or a language model that may rank, merge and explain them
 * ({@link LlmAdvisor}). {@link #advise} may block (a remote call): callers run it off the event loop.
 */
public interface Advisor {
  Advice advise(Briefing briefing);

  /** Whether advising is a remote call: its answers are then cached per target and asked for off the event loop. */
  default boolean remote() { return false; }

  /** What the advisor is told: the target, its facts (any record; shown to a model as JSON), what the rules made of them, and what may be cited. */
  record Briefing(Suggestion.Target target, Object facts, Evaluation rules, Grounding.Known known) {}

  /** The suggestions to show, ranked, and how they came about. */
  record Advice(List<Suggestion> suggestions, Report report) {
    public Advice {
      suggestions = List.copyOf(suggestions);
    }
  }

  /**
   * @param advisor {@code rules} or {@code llm}
   * @param answered whether a model answered with usable JSON
   * @param dropped model suggestions dropped because they did not check out against the facts
   * @param droppedReasons why, one per dropped suggestion
   * @param fallback why the rules answered alone although a model is configured (error, timeout, malformed output)
   * @param advisedAt when this advice was made (it is cached until the rules' suggestions change)
   */
  record Report(String advisor, boolean answered, int dropped, List<String> droppedReasons, String fallback, Instant advisedAt) {
    public Report {
      droppedReasons = droppedReasons == null ? List.of() : List.copyOf(droppedReasons);
    }
  }
}

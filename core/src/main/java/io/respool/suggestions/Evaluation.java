package io.respool.suggestions;

import java.util.List;

/** What the rules made of one target's facts: suggestions, best saving first, and what they declined and why. */
public record Evaluation(List<Suggestion> suggestions, List<Suggestion.Declined> declined) {
  public Evaluation {
    suggestions = List.copyOf(suggestions);
    declined = List.copyOf(declined);
  }
}

package io.respool.matching;

/** The lowest price per hour for the replica wins. */
public record Cheapest() implements ScoringStrategy {
  @Override
  public double score(Candidate c) {
    return c.pricePerHour();
  }
}

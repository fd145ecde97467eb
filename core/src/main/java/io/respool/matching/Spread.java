package io.respool.matching;

/**
 * Spreads replicas: a host with fewer of this plan's placements wins, then the host with the most
 * free capacity left after the placement.
 */
public record Spread() implements ScoringStrategy {
  @Override
  public double score(Candidate c) {
    // freeFractionAfter is in [0, 1], so one placement more always weighs more than any free share
    return c.placementsInPlan() * 2.0 - c.freeFractionAfter();
  }
}

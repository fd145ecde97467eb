package io.respool.optimizer;

import java.time.Clock;

/** The rules alone: their suggestions, in their order. */
public final class RulesAdvisor implements Advisor {
  private final Clock clock;

  public RulesAdvisor(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Advice advise(Briefing b) {
    return new Advice(b.rules().suggestions(), new Report("rules", false, 0, null, null, clock.instant()));
  }
}

package io.respool.optimizer;

import io.respool.suggestions.Thresholds;
import java.time.Duration;

/**
 * How the optimizer reads and judges.
 *
 * @param window how far back usage is read (by the gateway's clock of receipt)
 * @param recent how far back "a recent peak" reaches
 * @param interval how often each booking is evaluated again in the background (events for new suggestions)
 * @param batch bookings one node evaluates per round at most
 * @param offersMaxAge the offers (prices, free capacity) are read at most this often per currency
 * @param usageHalfLife readings this much older than a task's last one weigh half in the usage
 *     percentiles (the VPA recommender's decaying histogram; its default is 24 h); zero weighs all alike
 */
public record OptimizerSettings(Duration window, Duration recent, Duration interval, int batch, Duration offersMaxAge,
    Thresholds thresholds, LlmConfig llm, Duration usageHalfLife) {

  public static final Duration DEFAULT_HALF_LIFE = Duration.ofHours(24);

  public OptimizerSettings {
    if (usageHalfLife == null || usageHalfLife.isNegative()) throw new IllegalArgumentException("usageHalfLife must be zero or more");
  }

  public static OptimizerSettings defaults(LlmConfig llm, Duration interval) {
    return defaults(llm, interval, DEFAULT_HALF_LIFE);
  }

  /** The same with other thresholds (e.g. fewer samples before a resize is judged). */
  public OptimizerSettings withThresholds(Thresholds t) {
    return new OptimizerSettings(window, recent, interval, batch, offersMaxAge, t, llm, usageHalfLife);
  }

  public static OptimizerSettings defaults(LlmConfig llm, Duration interval, Duration usageHalfLife) {
    return new OptimizerSettings(Duration.ofHours(24), Duration.ofHours(1), interval, 200, Duration.ofSeconds(5), Thresholds.DEFAULTS, llm,
        usageHalfLife);
  }
}

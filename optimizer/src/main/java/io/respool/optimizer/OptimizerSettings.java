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
 */
public record OptimizerSettings(Duration window, Duration recent, Duration interval, int batch, Duration offersMaxAge,
    Thresholds thresholds, LlmConfig llm) {

  public static OptimizerSettings defaults(LlmConfig llm, Duration interval) {
    return new OptimizerSettings(Duration.ofHours(24), Duration.ofHours(1), interval, 200, Duration.ofSeconds(5), Thresholds.DEFAULTS, llm);
  }
}

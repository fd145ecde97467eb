package io.respool.optimizer;

import io.respool.protocol.api.Bookings;
import io.respool.protocol.api.Resources;
import io.respool.protocol.host.Prices;
import io.respool.suggestions.Market;
import io.respool.suggestions.Suggestion;
import io.respool.suggestions.UsageProfile;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /v1/bookings/{id}/suggestions} and {@code GET /v1/hosts/{id}/suggestions}: the
 * analytics, the suggestions ranked, what the rules declined and why, and how the advice came about.
 *
 * @param note why there is nothing to suggest (a booking that is not running), or null
 */
public record SuggestionsView(Suggestion.Target target, Instant asOf, BookingAnalytics booking, HostAnalytics host,
    List<Suggestion> suggestions, List<Suggestion.Declined> declined, Advisor.Report advisor, String note) {

  /**
   * Requested vs used, and the money: cost so far, burn rate, when the deposit runs out.
   *
   * @param reserved per replica
   * @param usage per replica, the busiest one, in the analysis window
   */
  public record BookingAnalytics(String state, String currency, int replicas, Resources reserved, UsageProfile usage, java.math.BigInteger costSoFar,
      java.math.BigInteger deposit, long burnRatePerHour, Long secondsUntilExhausted, Instant exhaustsAt, long remainingSeconds, Instant endsAt) {}

  /** What the host offers and what of it is rented, how often it is online, and the other offers of its currency. */
  public record HostAnalytics(boolean online, String region, Resources total, Resources free, double cpuRented, double uptime, Prices prices,
      Market market) {}

  /** {@code POST /v1/suggestions/{id}/apply}: what was done and the booking after it. */
  public record Applied(String suggestionId, String kind, Suggestion.Action action, Bookings.Booking booking) {}
}

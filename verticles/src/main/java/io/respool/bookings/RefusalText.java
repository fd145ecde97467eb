package io.respool.bookings;

import io.respool.matching.Refusal;

/** A matcher's refusal in the words a renter needs. */
final class RefusalText {
  private RefusalText() {}

  /**
   * The matcher sees only the online hosts priced in the request's currency; when there are none it
   * cannot tell why, but the caller can: hosts may well be online, in other currencies.
   */
  static String of(Refusal r, String currency) {
    if (r == null) return "no host can take this request";
    return r.reason() == Refusal.Reason.NO_HOSTS ? "no online host prices its capacity in " + currency : r.message();
  }
}

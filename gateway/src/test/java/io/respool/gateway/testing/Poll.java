package io.respool.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Reads until a condition holds, failing with the last value read when it never does within the bound. */
public final class Poll {
  private Poll() {}

  public static JsonNode until(Supplier<JsonNode> read, Predicate<JsonNode> done, Duration within, String what) {
    long deadline = System.nanoTime() + within.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = read.get();
      if (done.test(last)) return last;
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
    throw new AssertionError(what + " never happened; last: " + last);
  }

  /** Until the booking is in {@code state}, read by {@code token} through {@code http}. */
  public static JsonNode booking(Http http, String id, String token, Predicate<JsonNode> done, String what) {
    return until(() -> http.get("/v1/bookings/" + id, token).json(), done, Duration.ofSeconds(90), "booking " + id + " " + what);
  }
}

package io.respool.suggestions;

import static io.respool.suggestions.Recorded.booking;
import static io.respool.suggestions.Recorded.profile;
import static io.respool.suggestions.Recorded.series;
import static org.assertj.core.api.Assertions.assertThat;

import io.respool.suggestions.Grounding.Proposal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a model may say about a booking: only what the facts hold. */
class GroundingTest {
  final Rules rules = new Rules(Thresholds.DEFAULTS);
  final BookingFacts facts = booking(2000, 2048, 0, profile(series("t", 1440, t -> 0.4, t -> 300, null)));
  final Suggestion downsize = rules.forBooking(facts).suggestions().get(0);
  final Map<String, Suggestion> byId = Map.of(downsize.id(), downsize);
  final Grounding.Known known = Grounding.known(List.of(downsize), Set.of("bk_test1", "bk_test1-r0p0a1", "host-a", downsize.id()),
      Map.of("bk_test1", Set.of("cpu", "memory", "network", "disk")), List.of(), Thresholds.DEFAULTS);

  Grounding.Verdict check(String text, List<Double> numbers, List<String> resources, List<String> ids) {
    return Grounding.check(new Proposal(List.of(downsize.id()), "downsize", "bk_test1", 1, text, numbers, resources, ids), byId, known);
  }

  @Test
  void aTextThatRestsOnTheFactsIsKept() {
    assertThat(downsize.kind()).isEqualTo(Suggestion.Kind.DOWNSIZE);
    var v = check("Booking bk_test1 used 0.4 cores at the 90th percentile (p90) of the 2 reserved and about 300 MiB of 2 GiB; cut it to"
        + " 0.5 cores and 384 MiB with a 15 % margin to save 18,328 USDC per hour.", List.of(0.4, 384.0), List.of("cpu", "memory"),
        List.of("bk_test1"));
    assertThat(v.grounded()).as(v.reason()).isTrue();
  }

  @Test
  void aMadeUpNumberIsCaught() {
    assertThat(check("It used 0.7 cores.", List.of(), List.of(), List.of()).reason()).contains("0.7");
    assertThat(check("It used 0.4 cores.", List.of(7.77), List.of(), List.of()).reason()).contains("7.77");
    assertThat(check("Save 99,999 per hour.", List.of(), List.of(), List.of()).grounded()).isFalse();
  }

  @Test
  void aMadeUpIdIsCaughtInTheListAndInTheText() {
    assertThat(check("Move it.", List.of(), List.of(), List.of("host-z")).reason()).contains("host-z");
    assertThat(check("Move it to 7Hf3kQ9xZpLmN2vB8cR4tY6wE1aS5dG0.", List.of(), List.of(), List.of()).reason()).contains("unknown id");
    var other = Grounding.check(new Proposal(List.of(downsize.id()), "downsize", "bk_other123", 1, "x", null, null, null), byId, known);
    assertThat(other.reason()).contains("unknown target");
  }

  @Test
  void aResourceTheBookingHasNoFactsAboutIsCaught() {
    assertThat(check("Its GPU is idle.", List.of(), List.of(), List.of()).reason()).contains("gpu");
    assertThat(check("Fine.", List.of(), List.of("gpu"), List.of()).reason()).contains("gpu");
    assertThat(check("Fine.", List.of(), List.of("quantum"), List.of()).reason()).contains("unknown resource");
  }

  @Test
  void aSuggestionThatRestsOnNothingOrIsRelabelledIsCaught() {
    assertThat(Grounding.check(new Proposal(List.of(), "downsize", "bk_test1", 1, "x", null, null, null), byId, known).grounded()).isFalse();
    assertThat(Grounding.check(new Proposal(List.of("sg_nothing"), "downsize", "bk_test1", 1, "x", null, null, null), byId, known).reason())
        .contains("unknown suggestion");
    assertThat(Grounding.check(new Proposal(List.of(downsize.id()), "stop_idle", "bk_test1", 1, "x", null, null, null), byId, known).reason())
        .contains("DOWNSIZE");
  }
}

package io.respool.optimizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.optimizer.ChatCompletionsDouble.Reply;
import io.respool.protocol.host.Prices;
import io.respool.protocol.task.UsageSample;
import io.respool.suggestions.BookingFacts;
import io.respool.suggestions.Evaluation;
import io.respool.suggestions.Rules;
import io.respool.suggestions.Suggestion;
import io.respool.suggestions.Thresholds;
import io.respool.suggestions.UsageProfile;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The langchain4j adapter against {@link ChatCompletionsDouble}, a local HTTP server speaking the
 * OpenAI chat-completions protocol with scripted replies: a protocol double for a remote model that
 * cannot run here. Each reply — valid, malformed JSON, a made-up host id, a made-up number, an error,
 * slower than the timeout — is handled as the issue asks: kept, dropped and counted, or the rules alone.
 */
class LlmAdvisorTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Prices PRICES = new Prices("USDC", 10_000, 2_048, 10, Map.of());
  static ChatCompletionsDouble model;
  static LlmAdvisor advisor;
  static Advisor.Briefing briefing;
  static Suggestion downsize;

  @BeforeAll
  static void start() throws Exception {
    model = new ChatCompletionsDouble();
    advisor = LlmAdvisor.create(new LlmConfig("openai", model.baseUrl(), "test-model", "sk-test-secret", Duration.ofMillis(3000)),
        Clock.systemUTC());
    briefing = briefing();
    // one exchange first, with a generous bound: the JDK HTTP client's first use (TLS defaults, class loading) takes seconds on a
    // busy machine and is not what the tests' 3 s timeout is about
    model.script(Reply.content("{\"suggestions\":[]}"));
    LlmAdvisor patient = LlmAdvisor.create(new LlmConfig("openai", model.baseUrl(), "test-model", "sk-test-secret", Duration.ofSeconds(60)),
        Clock.systemUTC());
    assertThat(patient.advise(briefing).report().answered()).as("warm-up exchange").isTrue();
    model.requests.clear();
    model.authorizations.clear();
  }

  /** The facts and rule suggestions both protocol tests brief the model with (sets {@link #downsize}). */
  static Advisor.Briefing briefing() {
    // 2 h of a steady 0.4 cores and 300 MiB of 2 cores and 2 GiB: one downsize to 0.5 cores, 384 MiB
    List<UsageSample> samples = new ArrayList<>();
    for (int i = 0; i < 1440; i++) {
      samples.add(new UsageSample("bk_llm1-r0p0a1", i + 1, T0.plusSeconds(5L * i), 2.0 * i, 300L << 20, null, 0, 0, 0, 0));
    }
    UsageProfile u = UsageProfile.of(samples, Duration.ofHours(1), 0.02, 1024);
    BookingFacts f = new BookingFacts("bk_llm1", "USDC", 1, 2000, 2048, 0, 0, null, 24_096, 24_096 * 24, 24_096 * 12, u.to(),
        u.to().plus(Duration.ofHours(12)), 24 * 3600, List.of(new BookingFacts.Placed("bk_llm1-r0p0a1", "hostA1", 24_096, PRICES)), u, null);
    Rules rules = new Rules(Thresholds.DEFAULTS);
    Evaluation e = rules.forBooking(f);
    downsize = e.suggestions().get(0);
    assertThat(downsize.kind()).isEqualTo(Suggestion.Kind.DOWNSIZE);
    return new Advisor.Briefing(Suggestion.Target.booking("bk_llm1"), f, e, Optimizer.known(f, e, Thresholds.DEFAULTS));
  }

  @AfterAll
  static void stop() {
    model.close();
  }

  static String answer(String explanation, String citedIds, String citedNumbers) {
    return """
        {"suggestions":[{"basedOn":["%s"],"kind":"DOWNSIZE","target":"bk_llm1","rank":1,"explanation":"%s",
          "citedNumbers":[%s],"citedResources":["cpu","memory"],"citedIds":[%s]}]}""".formatted(downsize.id(), explanation, citedNumbers, citedIds);
  }

  static JsonNode lastRequest() throws InterruptedException {
    JsonNode r = model.requests.poll(5, TimeUnit.SECONDS);
    assertThat(r).as("the model was asked").isNotNull();
    return r;
  }

  @Test
  void aGroundedAnswerIsKeptWithTheModelsWordsAndTheRulesAction() throws Exception {
    model.requests.clear();
    model.authorizations.clear();
    model.script(Reply.content(answer("bk_llm1 uses about 0.4 of its 2 cores and 300 MiB of 2048: 0.5 cores and 384 MiB save 18328 USDC per hour.",
        "\"bk_llm1\"", "0.4, 0.5, 384, 18328")));
    Advisor.Advice a = advisor.advise(briefing);
    assertThat(a.report().answered()).isTrue();
    assertThat(a.report().advisor()).isEqualTo("llm");
    assertThat(a.report().dropped()).isZero();
    assertThat(a.suggestions()).hasSize(1);
    Suggestion s = a.suggestions().get(0);
    assertThat(s.source()).isEqualTo(Suggestion.Source.llm);
    assertThat(s.id()).as("the same suggestion, explained").isEqualTo(downsize.id());
    assertThat(s.action()).isEqualTo(downsize.action());
    assertThat(s.evidence()).isEqualTo(downsize.evidence());
    assertThat(s.explanation()).startsWith("bk_llm1 uses about 0.4");
    JsonNode request = lastRequest();
    assertThat(request.path("model").asText()).isEqualTo("test-model");
    assertThat(request.path("response_format").path("type").asText()).isEqualTo("json_schema");
    assertThat(request.path("response_format").path("json_schema").path("schema").path("required").toString()).contains("suggestions");
    assertThat(request.path("messages").toString()).contains(downsize.id()).contains("bk_llm1").contains("cpuCores");
    assertThat(model.authorizations.poll(5, TimeUnit.SECONDS)).isEqualTo("Bearer sk-test-secret");
  }

  @Test
  void malformedJsonFallsBackToTheRules() {
    model.script(Reply.content("{\"suggestions\": [ {\"basedOn\": "));
    Advisor.Advice a = advisor.advise(briefing);
    assertThat(a.report().advisor()).isEqualTo("rules");
    assertThat(a.report().fallback()).contains("not the JSON");
    assertThat(a.suggestions()).containsExactlyElementsOf(briefing.rules().suggestions());
  }

  @Test
  void aMadeUpHostIdIsDroppedAndCounted() {
    long before = advisor.droppedTotal();
    model.script(Reply.content(answer("Move it to hostZ9 which is idle.", "\"hostZ9invented00000\"", "")));
    Advisor.Advice a = advisor.advise(briefing);
    assertThat(a.report().answered()).isTrue();
    assertThat(a.report().dropped()).isEqualTo(1);
    assertThat(a.report().droppedReasons().get(0)).contains("hostZ9invented00000");
    assertThat(advisor.droppedTotal()).isEqualTo(before + 1);
    assertThat(a.suggestions()).as("the rule's own suggestion stays").extracting(Suggestion::source).containsExactly(Suggestion.Source.rules);
  }

  @Test
  void aMadeUpNumberIsDropped() {
    model.script(Reply.content(answer("It only ever used 0.07 cores, cut it to 0.5.", "\"bk_llm1\"", "0.5")));
    Advisor.Advice a = advisor.advise(briefing);
    assertThat(a.report().dropped()).isEqualTo(1);
    assertThat(a.report().droppedReasons().get(0)).contains("0.07");
    assertThat(a.suggestions()).extracting(Suggestion::source).containsExactly(Suggestion.Source.rules);
  }

  @Test
  void anAnswerSlowerThanTheTimeoutFallsBackWithinTheBound() throws InterruptedException {
    model.finished.clear();
    model.script(Reply.slow(answer("0.5 cores.", "", "0.5"), 8000));
    long started = System.nanoTime();
    Advisor.Advice a = advisor.advise(briefing);
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(a.report().fallback()).contains("3000 ms");
    assertThat(a.suggestions()).containsExactlyElementsOf(briefing.rules().suggestions());
    assertThat(tookMs).as("bounded by the timeout, not by the model").isBetween(2900L, 6500L);
    // the double finishes its slow reply before the next test talks to it
    assertThat(model.finished.poll(15, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void anErrorFromTheEndpointFallsBackToTheRules() {
    model.script(Reply.error(500));
    Advisor.Advice a = advisor.advise(briefing);
    assertThat(a.report().fallback()).contains("failed");
    assertThat(a.suggestions()).containsExactlyElementsOf(briefing.rules().suggestions());
  }

  @Test
  void theKeyIsNeverPrinted() {
    assertThat(new LlmConfig("openai", "http://x", "m", "sk-test-secret", Duration.ofSeconds(1)).toString()).doesNotContain("sk-test-secret");
  }
}

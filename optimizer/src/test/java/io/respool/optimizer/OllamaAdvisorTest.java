package io.respool.optimizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.respool.optimizer.ChatCompletionsDouble.Reply;
import io.respool.suggestions.Suggestion;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The langchain4j adapter with {@code llmProvider=ollama} against a protocol double: a local HTTP
 * server speaking Ollama's {@code POST /api/chat} with scripted replies (no model can be downloaded
 * or run here, so this checks the protocol and the handling, not a model). The same briefing as
 * {@link LlmAdvisorTest}: a grounded answer is kept, a made-up id dropped and counted, malformed
 * JSON, an error and a slow answer fall back to the rules alone.
 */
class OllamaAdvisorTest {
  static ChatCompletionsDouble model;
  static LlmAdvisor advisor;
  static Advisor.Briefing briefing;

  @BeforeAll
  static void start() throws Exception {
    model = ChatCompletionsDouble.ollama();
    briefing = LlmAdvisorTest.briefing();
    advisor = LlmAdvisor.create(new LlmConfig("ollama", model.baseUrl(), "test-model", null, Duration.ofMillis(3000)), Clock.systemUTC());
    // a first exchange with a generous bound (the HTTP client's first use is slow on a busy machine)
    model.script(Reply.content("{\"suggestions\":[]}"));
    LlmAdvisor patient = LlmAdvisor.create(new LlmConfig("ollama", model.baseUrl(), "test-model", null, Duration.ofSeconds(60)), Clock.systemUTC());
    assertThat(patient.advise(briefing).report().answered()).as("warm-up exchange").isTrue();
    model.requests.clear();
  }

  @AfterAll
  static void stop() {
    model.close();
  }

  @Test
  void aGroundedAnswerOverOllamasChatIsKept() throws Exception {
    model.script(Reply.content(LlmAdvisorTest.answer("bk_llm1 uses about 0.4 of its 2 cores: 0.5 cores and 384 MiB are enough.",
        "\"bk_llm1\"", "0.4, 2, 0.5, 384")));
    Advisor.Advice a = advisor.advise(briefing);
    assertThat(a.report().answered()).isTrue();
    assertThat(a.report().advisor()).isEqualTo("llm");
    assertThat(a.report().dropped()).isZero();
    assertThat(a.suggestions()).singleElement().satisfies(s -> {
      assertThat(s.source()).isEqualTo(Suggestion.Source.llm);
      assertThat(s.id()).isEqualTo(LlmAdvisorTest.downsize.id());
      assertThat(s.action()).as("the action is the rule's, never the model's").isEqualTo(LlmAdvisorTest.downsize.action());
      assertThat(s.explanation()).startsWith("bk_llm1 uses about 0.4");
    });
    JsonNode request = model.requests.poll(5, TimeUnit.SECONDS);
    assertThat(request).as("the model was asked on /api/chat").isNotNull();
    assertThat(request.path("model").asText()).isEqualTo("test-model");
    assertThat(request.path("stream").asBoolean(true)).as("one answer, not a stream").isFalse();
    assertThat(request.path("format").toString()).as("the JSON schema goes in Ollama's format field").contains("suggestions").contains("citedIds");
    assertThat(request.path("messages").toString()).contains(LlmAdvisorTest.downsize.id()).contains("bk_llm1");
  }

  @Test
  void aMadeUpIdIsDroppedAndCounted() {
    long before = advisor.droppedTotal();
    model.script(Reply.content(LlmAdvisorTest.answer("Move it to hostQ7, which is idle.", "\"hostQ7invented\"", "")));
    Advisor.Advice a = advisor.advise(briefing);
    assertThat(a.report().dropped()).isEqualTo(1);
    assertThat(advisor.droppedTotal()).isEqualTo(before + 1);
    assertThat(a.suggestions()).extracting(Suggestion::source).containsExactly(Suggestion.Source.rules);
  }

  @Test
  void malformedJsonAnErrorAndASlowAnswerFallBackToTheRules() throws InterruptedException {
    model.script(Reply.content("{\"suggestions\": [ {"));
    Advisor.Advice malformed = advisor.advise(briefing);
    assertThat(malformed.report().fallback()).contains("not the JSON");
    assertThat(malformed.suggestions()).containsExactlyElementsOf(briefing.rules().suggestions());

    model.script(Reply.error(500));
    Advisor.Advice failed = advisor.advise(briefing);
    assertThat(failed.report().advisor()).isEqualTo("rules");
    assertThat(failed.report().fallback()).contains("failed");

    model.finished.clear();
    model.script(Reply.slow(LlmAdvisorTest.answer("0.5 cores.", "", "0.5"), 8000));
    Advisor.Advice slow = advisor.advise(briefing);
    assertThat(slow.report().fallback()).contains("3000 ms");
    assertThat(slow.suggestions()).containsExactlyElementsOf(briefing.rules().suggestions());
    assertThat(model.finished.poll(15, TimeUnit.SECONDS)).as("the double finished its slow reply").isNotNull();
  }
}

package io.respool.optimizer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import io.respool.protocol.Json;
import io.respool.suggestions.Grounding;
import io.respool.suggestions.Suggestion;
import io.respool.suggestions.SuggestionIds;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A language model (through langchain4j) that ranks, merges and explains the rules' suggestions in
 * plain words, answering in structured JSON. What it says is held to the facts by
 * {@link Grounding}: a proposal that does not check out is dropped and counted; output that is not
 * the JSON asked for, an error or a timeout leaves the rules to answer alone. The call blocks its
 * caller's thread (never an event loop) for at most {@code timeout}: the model runs on a virtual
 * thread that is abandoned when the time is up.
 */
public final class LlmAdvisor implements Advisor {
  private static final Logger LOG = LoggerFactory.getLogger(LlmAdvisor.class);
  /** Lenient on fields the schema does not name (models add some); strict on everything else. */
  private static final ObjectMapper READER = Json.mapper().copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  static final String SYSTEM = """
      You are the optimization advisor of ResPool, a marketplace where renters book CPU, memory and GPUs on other people's machines.
      You receive the measured facts about one booking or host and the suggestions ResPool's rules made from them.
      You may rank the suggestions (rank 1 = most worth doing), merge suggestions of the same kind about the same target,
      and explain each in one or two plain sentences for the renter or host.
      Never invent a suggestion, an id, a number or a resource: every suggestion you return rests on the ids in "suggestions"
      (basedOn), and every number, id and resource you mention must appear in the facts or the suggestions.
      List the numbers you cite in citedNumbers, the resources (cpu, memory, gpu, storage, network, disk) in citedResources,
      and the booking, host and task ids in citedIds. Answer with the JSON object only.""";

  private final ChatModel model;
  private final Duration timeout;
  private final Clock clock;
  private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
  private final AtomicLong droppedTotal = new AtomicLong();
  private final AtomicLong fallbacks = new AtomicLong();

  public LlmAdvisor(ChatModel model, Duration timeout, Clock clock) {
    this.model = model;
    this.timeout = timeout;
    this.clock = clock;
  }

  /** The adapter for {@code config}: an OpenAI-compatible chat endpoint or Ollama, with structured output and no retries (the timeout bounds the call). */
  public static LlmAdvisor create(LlmConfig config, Clock clock) {
    ResponseFormat format = responseFormat();
    ChatModel model = switch (config.provider()) {
      case "ollama" -> OllamaChatModel.builder().baseUrl(config.baseUrl()).modelName(config.model()).timeout(config.timeout()).maxRetries(0)
          .responseFormat(format).temperature(0.0).build();
      default -> OpenAiChatModel.builder().baseUrl(config.baseUrl()).apiKey(config.apiKey() == null ? "none" : config.apiKey())
          .modelName(config.model()).timeout(config.timeout()).maxRetries(0).temperature(0.0)
          .supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA).strictJsonSchema(true).responseFormat(format).build();
    };
    return new LlmAdvisor(model, config.timeout(), clock);
  }

  /** The JSON schema the model answers in. */
  static ResponseFormat responseFormat() {
    JsonObjectSchema proposal = JsonObjectSchema.builder()
        .addProperty("basedOn", JsonArraySchema.builder().items(new JsonStringSchema()).description("ids of the rule suggestions").build())
        .addStringProperty("kind", "the kind of those suggestions")
        .addStringProperty("target", "the booking or host id they are about")
        .addProperty("rank", JsonIntegerSchema.builder().description("1 = most worth doing").build())
        .addStringProperty("explanation", "one or two plain sentences")
        .addProperty("citedNumbers", JsonArraySchema.builder().items(new JsonNumberSchema()).build())
        .addProperty("citedResources", JsonArraySchema.builder().items(new JsonStringSchema()).build())
        .addProperty("citedIds", JsonArraySchema.builder().items(new JsonStringSchema()).build())
        .required("basedOn", "kind", "target", "rank", "explanation", "citedNumbers", "citedResources", "citedIds")
        .additionalProperties(false).build();
    JsonObjectSchema root = JsonObjectSchema.builder()
        .addProperty("suggestions", JsonArraySchema.builder().items(proposal).build())
        .required("suggestions").additionalProperties(false).build();
    return ResponseFormat.builder().type(ResponseFormatType.JSON)
        .jsonSchema(JsonSchema.builder().name("respool_advice").rootElement(root).build()).build();
  }

  /** What the model answers. */
  record Answer(List<Grounding.Proposal> suggestions) {}

  /** What the model is shown: the target, its facts, the rules' suggestions. */
  record Prompt(Suggestion.Target target, Object facts, List<Suggestion> suggestions) {}

  @Override
  public boolean remote() { return true; }

  public long droppedTotal() { return droppedTotal.get(); }

  public long fallbacks() { return fallbacks.get(); }

  @Override
  public Advice advise(Briefing b) {
    List<Suggestion> rules = b.rules().suggestions();
    if (rules.isEmpty()) return new Advice(rules, new Report("rules", false, 0, null, "no rule suggestion to explain", clock.instant()));
    String text;
    try {
      text = ask(b);
    } catch (TimeoutException e) {
      return fallback(rules, "the model did not answer within " + timeout.toMillis() + " ms");
    } catch (Exception e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      // the HTTP client's own timeout (the same bound) may fire first
      if (cause.getClass().getSimpleName().contains("Timeout") || cause.getCause() != null
          && cause.getCause().getClass().getSimpleName().contains("Timeout")) {
        return fallback(rules, "the model did not answer within " + timeout.toMillis() + " ms");
      }
      return fallback(rules, "the model call failed: " + cause.getClass().getSimpleName());
    }
    Answer answer;
    try {
      answer = READER.readValue(text == null ? "" : text.strip(), Answer.class);
      if (answer == null || answer.suggestions() == null) throw new IllegalArgumentException("no suggestions array");
    } catch (Exception e) {
      return fallback(rules, "the model's answer is not the JSON asked for");
    }
    Map<String, Suggestion> byId = new LinkedHashMap<>();
    for (Suggestion s : rules) byId.put(s.id(), s);
    List<Grounding.Proposal> proposals = new ArrayList<>(answer.suggestions());
    proposals.sort(java.util.Comparator.comparingInt(Grounding.Proposal::rank));
    List<Suggestion> kept = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    Set<String> covered = new HashSet<>();
    for (Grounding.Proposal p : proposals) {
      Grounding.Verdict v = p == null ? new Grounding.Verdict(false, "empty") : Grounding.check(p, byId, b.known());
      if (v.grounded() && p.basedOn().stream().anyMatch(covered::contains)) v = new Grounding.Verdict(false, "repeats a suggestion already given");
      if (!v.grounded()) {
        dropped.add(v.reason());
        continue;
      }
      covered.addAll(p.basedOn());
      Suggestion base = byId.get(p.basedOn().get(0));
      String id = p.basedOn().size() == 1 ? base.id() : SuggestionIds.of("merged", new java.util.TreeSet<>(p.basedOn()));
      kept.add(new Suggestion(id, base.kind(), base.target(), base.action(), base.evidence(), base.saving(), Suggestion.Source.llm,
          base.actionable(), 0, p.explanation(), p.basedOn()));
    }
    if (!dropped.isEmpty()) {
      droppedTotal.addAndGet(dropped.size());
      LOG.info("advice for {} {}: {} model suggestion(s) dropped: {}", b.target().type(), b.target().id(), dropped.size(), dropped);
    }
    for (Suggestion s : rules) if (!covered.contains(s.id())) kept.add(s); // what the model left out stays, after what it ranked
    List<Suggestion> ranked = new ArrayList<>();
    for (int i = 0; i < kept.size(); i++) ranked.add(kept.get(i).withRank(i + 1));
    return new Advice(ranked, new Report("llm", true, dropped.size(), dropped, null, clock.instant()));
  }

  private String ask(Briefing b) throws Exception {
    String user = Json.encode(new Prompt(b.target(), b.facts(), b.rules().suggestions()));
    ChatRequest request = ChatRequest.builder().messages(SystemMessage.from(SYSTEM), UserMessage.from(user)).responseFormat(responseFormat()).build();
    Future<String> call = calls.submit(() -> model.chat(request).aiMessage().text());
    try {
      return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw e;
    }
  }

  private Advice fallback(List<Suggestion> rules, String why) {
    fallbacks.incrementAndGet();
    LOG.info("advice falls back to the rules: {}", why);
    return new Advice(rules, new Report("rules", false, 0, null, why, clock.instant()));
  }
}

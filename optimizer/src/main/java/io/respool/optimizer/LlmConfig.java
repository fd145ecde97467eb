package io.respool.optimizer;

import java.time.Duration;

/**
 * The language model the advisor may ask. Off when {@code baseUrl} is null: the rules answer alone.
 *
 * @param provider {@code openai} (any OpenAI-compatible chat-completions endpoint) or {@code ollama}
 * @param apiKey never printed
 */
public record LlmConfig(String provider, String baseUrl, String model, String apiKey, Duration timeout) {
  public static final LlmConfig OFF = new LlmConfig("openai", null, null, null, Duration.ofSeconds(20));

  public LlmConfig {
    if (!"openai".equals(provider) && !"ollama".equals(provider)) throw new IllegalArgumentException("llmProvider must be openai or ollama");
    if (timeout == null || timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("llmTimeoutMs must be positive");
  }

  public boolean enabled() { return baseUrl != null; }

  @Override
  public String toString() { // never print the key
    return "LlmConfig[" + (enabled() ? provider + " " + baseUrl + " model=" + model + " key=" + (apiKey == null ? "none" : "***")
        + " timeout=" + timeout.toMillis() + "ms" : "off") + "]";
  }
}

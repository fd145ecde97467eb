package io.respool.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The optimizer's keys: the model is off by default, validated when set, and its key never printed. */
class OptimizerConfigTest {
  static GatewayConfig load(Map<String, String> env) {
    return GatewayConfig.from(ConfigSource.load(null, env, new Properties(), Map.of()));
  }

  @Test
  void theModelIsOffUnlessABaseUrlIsSet() {
    GatewayConfig c = load(Map.of());
    assertThat(c.optimizer().llm().enabled()).isFalse();
    assertThat(c.optimizer().interval().toMillis()).isEqualTo(60_000);
  }

  @Test
  void aConfiguredModelIsReadAndItsKeyNeverPrinted() {
    GatewayConfig c = load(Map.of("RESPOOL_LLM_PROVIDER", "ollama", "RESPOOL_LLM_BASE_URL", "http://127.0.0.1:11434", "RESPOOL_LLM_MODEL",
        "llama3", "RESPOOL_LLM_API_KEY", "sk-very-secret", "RESPOOL_LLM_TIMEOUT_MS", "5000"));
    assertThat(c.optimizer().llm().provider()).isEqualTo("ollama");
    assertThat(c.optimizer().llm().timeout().toMillis()).isEqualTo(5000);
    assertThat(c.optimizer().llm().apiKey()).isEqualTo("sk-very-secret");
    assertThat(c.toString()).contains("ollama").doesNotContain("sk-very-secret");
  }

  @Test
  void theUsageHalfLifeAndTheResizeMinimaAreReadWithTheVpaDefaults() {
    GatewayConfig d = load(Map.of());
    assertThat(d.optimizer().usageHalfLife().toHours()).as("the VPA's 24 h").isEqualTo(24);
    assertThat(d.optimizer().thresholds().minSamples()).isEqualTo(60);
    assertThat(d.optimizer().thresholds().minSpan().toSeconds()).isEqualTo(300);
    GatewayConfig c = load(Map.of("RESPOOL_USAGE_HALF_LIFE_SECONDS", "0", "RESPOOL_OPTIMIZER_MIN_SAMPLES", "20",
        "RESPOOL_OPTIMIZER_MIN_SPAN_SECONDS", "5"));
    assertThat(c.optimizer().usageHalfLife()).as("0: no decay").isZero();
    assertThat(c.optimizer().thresholds().minSamples()).isEqualTo(20);
    assertThat(c.optimizer().thresholds().minSpan().toSeconds()).isEqualTo(5);
    assertThat(c.optimizer().thresholds().margin()).as("the rest unchanged").isEqualTo(0.15);
    assertThatThrownBy(() -> load(Map.of("RESPOOL_USAGE_HALF_LIFE_SECONDS", "-1", "RESPOOL_OPTIMIZER_MIN_SAMPLES", "1")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("usageHalfLifeSeconds").hasMessageContaining("optimizerMinSamples");
  }

  @Test
  void badValuesAreReportedTogetherWithoutTheKey() {
    assertThatThrownBy(() -> load(Map.of("RESPOOL_LLM_PROVIDER", "gpt", "RESPOOL_LLM_BASE_URL", "ftp://x", "RESPOOL_LLM_API_KEY", "sk-very-secret",
        "RESPOOL_LLM_TIMEOUT_MS", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("llmProvider").hasMessageContaining("llmBaseUrl").hasMessageContaining("llmModel").hasMessageContaining("llmTimeoutMs")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("sk-very-secret"));
  }
}

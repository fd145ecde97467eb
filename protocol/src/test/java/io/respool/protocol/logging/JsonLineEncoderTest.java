package io.respool.protocol.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLineEncoderTest {
  private final LoggerContext context = new LoggerContext();
  private final JsonLineEncoder encoder = new JsonLineEncoder();

  private LoggingEvent event(String message, Object[] args, Throwable error, Map<String, String> mdc) {
    LoggingEvent e = new LoggingEvent("x", context.getLogger("io.respool.Some"), Level.WARN, message, error, args);
    e.setMDCPropertyMap(mdc);
    return e;
  }

  @Test
  void oneJsonObjectPerLineWithTheFormattedMessageAndTheMdc() throws Exception {
    byte[] line = encoder.encode(event("booking {} \"stopped\"\nfor {}", new Object[] {"b-1", "a reason"}, null,
        Map.of("requestId", "r-9", "bookingId", "b-1")));
    String text = new String(line, StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    assertThat(text.substring(0, text.length() - 1)).doesNotContain("\n"); // the message's newline is escaped
    JsonNode json = new ObjectMapper().readTree(text);
    assertThat(json.path("level").asText()).isEqualTo("WARN");
    assertThat(json.path("logger").asText()).isEqualTo("io.respool.Some");
    assertThat(json.path("message").asText()).isEqualTo("booking b-1 \"stopped\"\nfor a reason");
    assertThat(json.path("requestId").asText()).isEqualTo("r-9");
    assertThat(json.path("bookingId").asText()).isEqualTo("b-1");
    assertThat(json.path("ts").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(json.has("error")).isFalse();
  }

  @Test
  void anErrorCarriesItsStackTraceAndTheMdcCannotOverwriteTheFixedFields() throws Exception {
    JsonNode json = new ObjectMapper().readTree(encoder.encode(event("failed", null, new IllegalStateException("boom"),
        Map.of("level", "FAKE", "message", "forged"))));
    assertThat(json.path("level").asText()).isEqualTo("WARN");
    assertThat(json.path("message").asText()).isEqualTo("failed");
    assertThat(json.path("error").asText()).contains("java.lang.IllegalStateException: boom", "at ");
  }

  @Test
  void formatsAreTextOrJson() {
    assertThat(LogFormat.parse(" JSON ")).isEqualTo("json");
    assertThat(LogFormat.parse("text")).isEqualTo("text");
    assertThatThrownBy(() -> LogFormat.parse("xml")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("text or json");
    assertThatThrownBy(() -> LogFormat.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }
}

package io.respool.protocol.api;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * An event on {@code /v1/events}: {@code id} increases by one per {@code stream} (cluster-wide);
 * {@code data} is the JSON of the subject (e.g. a {@link HostView}).
 */
public record Event(String stream, long id, String type, Instant time, @JsonRawValue String data) {
  @JsonCreator
  static Event fromJson(@JsonProperty("stream") String stream, @JsonProperty("id") long id,
      @JsonProperty("type") String type, @JsonProperty("time") Instant time, @JsonProperty("data") JsonNode data) {
    return new Event(stream, id, type, time, data == null ? "null" : data.toString());
  }
}

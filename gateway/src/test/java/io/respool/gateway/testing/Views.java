package io.respool.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reading the API's views in tests. */
public final class Views {
  private Views() {}

  /** A host's free CPU in thousandths of a core, as GET /v1/hosts/{id} shows it. */
  public static long freeCpuMillis(Http http, String hostId) {
    return Math.round(http.get("/v1/hosts/" + hostId).json().path("free").path("cpu").asDouble() * 1000);
  }

  /** The states a booking went through, in order. */
  public static List<String> transitions(JsonNode booking) {
    List<String> out = new ArrayList<>();
    booking.path("transitions").forEach(t -> out.add(t.path("to").asText()));
    return out;
  }
}

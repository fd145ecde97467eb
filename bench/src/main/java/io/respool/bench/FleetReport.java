package io.respool.bench;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Merges the result files of several {@link HostFleet} processes into one, exactly (histograms
 * add bucket by bucket), and adds a {@code summary} of milliseconds for scripts to read:
 * {@code java -cp respool-bench.jar io.respool.bench.FleetReport merged.json a.json b.json …}.
 */
public final class FleetReport {
  private FleetReport() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: FleetReport OUT.json IN.json [IN.json …]");
      System.exit(2);
    }
    JsonObject merged = new JsonObject();
    for (int i = 1; i < args.length; i++) {
      merged = Results.merge(merged, new JsonObject(Files.readString(Path.of(args[i]), StandardCharsets.UTF_8)));
    }
    merged.put("summary", summary(merged));
    Files.writeString(Path.of(args[0]), merged.encodePrettily(), StandardCharsets.UTF_8);
    System.out.println(merged.getJsonObject("summary").encode());
  }

  static JsonObject summary(JsonObject merged) {
    JsonObject s = new JsonObject();
    latency(s, "heartbeat", merged.getJsonObject("heartbeatLatencyNanos"));
    latency(s, "registration", merged.getJsonObject("registrationLatencyNanos"));
    long failures = merged.getLong("registrationFailures", 0L) + merged.getLong("disconnects", 0L)
        + merged.getLong("acksMissing", 0L) + merged.getLong("heartbeatErrors", 0L);
    return s.put("failures", failures);
  }

  private static void latency(JsonObject s, String name, JsonObject json) {
    LogLinearHistogram h = json == null ? new LogLinearHistogram() : LogLinearHistogram.fromJson(json);
    s.put(name + "Count", h.count())
        .put(name + "P50Ms", ms(h.percentile(50)))
        .put(name + "P99Ms", ms(h.percentile(99)))
        .put(name + "P999Ms", ms(h.percentile(99.9)))
        .put(name + "MaxMs", ms(h.max()))
        .put(name + "MeanMs", ms(Math.round(h.mean())));
  }

  /** Milliseconds with three decimals: the histogram is good to 0.4 %, more digits would be noise. */
  private static double ms(long nanos) {
    return Math.round(nanos / 1000.0) / 1000.0;
  }
}
